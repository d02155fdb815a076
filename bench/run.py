"""The whole archive, measured: python -m bench.run [--quick] [--only N[,N...]]

Rows (see bench/PERFORMANCE.md for what each means and the targets):
  1  conversion: parse_page + render over the classic corpus, pages/s on one core, beside
     a bare lxml.html.fromstring of the same bytes (the ceiling), and over the 9,702 real
     pages of shared/corpus/archive
  2  whole-archive crawl from the simulator (classic mode), politeness off: wall time,
     pages/s, its ratio to a bare async fetcher of the same pages and to a spider that only
     asks for them with the crawl's settings (bench/bare_spider.py, Scrapy's floor), CPU
     per page, peak RSS of the crawler for one year and for every year
  3  no-op cron run (`scrapy crawl apod`, no dates) over an up-to-date archive: requests, time
  4  `python -m apodscrape rebuild --warc DIR --out DIR` over the crawl's captures: days/s;
     `export` (from the catalog) timed right before and after it, against it; `stats` and
     `check` of the whole archive
  5  whole-archive backfill through the list API (simulator in moved mode): requests
  6  `python -m apodscrape site` of a synthetic archive of 11,500 days (bench/synthetic.py):
     the full build, search index included; the site's size
  7  the same site brought up to date after a cron crawl changed 3 days
  8  the same archive with a local picture for every picture day (1024x768 JPEGs): the
     site's first build, thumbnails included, and its update after a cron crawl
  9  `python -m apodscrape serve` of a synthetic archive under wrk's load beside nginx serving
     the same answers as files (bench/api.py): a single date, a 30-day range, count=10, a
     search; ready time and peak memory
  10 the captures: the WARC bytes 30 daily cron runs add, kept as revisits and as copies;
     `python -m apodscrape wacz` of the whole-archive crawl's captures: time, size against
     the WARC files', `wacz validate`

The simulator runs in a process of its own, and every crawl is a `scrapy crawl apod`
subprocess writing to a temporary directory, so that neither competes with what is measured.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import datetime as dt
import json
import logging
import os
import re
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import lxml.html

from apodscrape import parse_page, render
from apodscrape.archive import warc_dir
from apodscrape.days import CANONICAL_BASE, FIRST_DAY, today_eastern
from sitesim import STATS_PATH, archive_days

from . import api, politeness, synthetic

ROOT = Path(__file__).resolve().parent.parent
END = dt.date(2026, 11, 23)  # the whole archive of rows 2 and 4
ONE_YEAR = (dt.date(2025, 1, 1), dt.date(2025, 12, 31))


def corpus_dir() -> Path:
    """The shared corpus: $APOD_CORPUS, else ../shared/corpus beside the checkout."""
    return Path(os.environ.get("APOD_CORPUS", ROOT.parent / "shared" / "corpus"))


# --- results ---------------------------------------------------------------------------------


@dataclass
class Row:
    number: int
    measure: str
    value: str
    target: str = ""
    verdict: str = ""  # "ok", "SHORT", or "" (no target, or not measured)


def plural(count: int, noun: str) -> str:
    return f"{count:,} {noun}{'' if count == 1 else 's'}"


def verdict(met: bool) -> str:
    return "ok" if met else "SHORT"


def print_table(rows: list[Row]) -> None:
    headers = ("#", "measure", "measured", "target", "")
    cells = [headers] + [
        (str(r.number), r.measure, r.value, r.target, r.verdict) for r in rows
    ]  # fmt: skip
    widths = [max(len(row[i]) for row in cells) for i in range(len(headers))]
    for index, row in enumerate(cells):
        print("  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)))
        if index == 0:
            print("  ".join("-" * width for width in widths))


# --- row 1: conversion -------------------------------------------------------------------------


def corpus_pages(corpus: Path) -> list[tuple[bytes, str]]:
    """Every classic capture, with the address it was served from."""
    pages = []
    for path in sorted((corpus / "classic").glob("*.html")):
        name = "astropix.html" if path.stem.startswith("astropix") else path.name
        pages.append((path.read_bytes(), CANONICAL_BASE + name))
    if not pages:
        raise SystemExit(f"no classic captures under {corpus} (set APOD_CORPUS)")
    return pages


def pages_per_second(
    works: list[Callable[[bytes, str], object]],
    pages: list[tuple[bytes, str]],
    rounds: int,
    repeats: int,
) -> list[float]:
    """The rates (pages/s) of each work in `repeats` timings of `rounds` passes over the
    pages, the works timed in turn within each repeat (side by side: a machine that slows
    down slows them all)."""
    for work in works:
        for body, url in pages:  # warm-up: imports, caches
            work(body, url)
    rates: list[list[float]] = [[] for _ in works]
    for _ in range(repeats):
        for work, timings in zip(works, rates, strict=True):
            started = time.perf_counter()
            for _ in range(rounds):
                for body, url in pages:
                    work(body, url)
            timings.append(rounds * len(pages) / (time.perf_counter() - started))
    return rates


def median_ratio(ours: list[float], theirs: list[float]) -> float:
    """The median of the ratios of rates timed in the same repeat."""
    return statistics.median(a / b for a, b in zip(ours, theirs, strict=True))


def convert(body: bytes, url: str) -> str:
    return render(parse_page(body, url))


def bare_parse(body: bytes, url: str) -> object:
    return lxml.html.fromstring(body)


def archive_pages(corpus: Path, quick: bool) -> list[tuple[bytes, str]]:
    """The real pages of every era (archive/pages-2026-01.tar.xz); a slice of them if quick."""
    path = corpus / "archive" / "pages-2026-01.tar.xz"
    if not path.is_file():
        return []
    with tarfile.open(path) as archive:
        members = [m for m in archive if m.isfile() and m.name.endswith(".html")]
        members = members[::100] if quick else members
        return [
            (archive.extractfile(m).read(), CANONICAL_BASE + m.name.rsplit("/", 1)[-1])
            for m in members
        ]


# The official API's scraper, only to be measured against: imported from shared/ at run time.
ANCHOR = ROOT.parent / "shared" / "anchors" / "nasa-apod-api"


def official_parser() -> Callable[[bytes, str], object] | str:
    """nasa/apod-api's parse_apod (shared/anchors/nasa-apod-api, Apache-2.0) over saved
    bytes: its requests.get is patched to answer with them. Or why it cannot run."""
    if not (ANCHOR / "apod" / "utility.py").is_file():
        return f"not run: no {ANCHOR}"
    sys.path.insert(0, str(ANCHOR))
    try:
        from apod import utility  # type: ignore[import-not-found]
    except ImportError as error:
        return f"not run: {error}"

    class Saved:  # what parse_apod reads of a requests.Response
        status_code = 200

        def __init__(self, body: bytes) -> None:
            self.text = body.decode("utf-8", errors="replace")

    def parse(body: bytes, url: str) -> object:
        utility.requests.get = lambda *_args, **_kwargs: Saved(body)
        name = url.rsplit("/", 1)[-1]
        day = dt.datetime.strptime(name[2:8], "%y%m%d") if name[2:8].isdigit() else None
        try:
            return utility.parse_apod(day)
        except Exception:  # it gives up on some pages (no date it can find): timed all the same
            return None

    logging.getLogger(utility.__name__).disabled = True  # it logs the pages it dislikes
    return parse


def row_conversion(quick: bool) -> list[Row]:
    pages = corpus_pages(corpus_dir())
    rounds, repeats = (3, 3) if quick else (20, 7)
    official = official_parser()
    works = [convert, bare_parse] + ([] if isinstance(official, str) else [official])
    timings = pages_per_second(works, pages, rounds, repeats)
    rate, ceiling, *theirs = (statistics.median(rates) for rates in timings)
    rows = [
        Row(1, f"conversion: parse_page + render ({len(pages)} captures)",
            f"{rate:,.0f} pages/s", ">= 700 pages/s", verdict(rate >= 700)),
        Row(1, "  ceiling: bare lxml.html.fromstring", f"{ceiling:,.0f} pages/s"),
    ]  # fmt: skip
    if isinstance(official, str):
        rows.append(Row(1, "  nasa/apod-api's parse_apod, same pages", official))
    else:
        ratio = median_ratio(timings[0], timings[2])
        rows.append(Row(1, "  nasa/apod-api's parse_apod, same pages, timed in turn",
                        f"{theirs[0]:,.0f} pages/s; ours {ratio:.2f}x", ">= 2.5x",
                        verdict(ratio >= 2.5) if not quick else ""))  # fmt: skip
    if archive := archive_pages(corpus_dir(), quick):
        rate = statistics.median(pages_per_second([convert], archive, 1, 1 if quick else 3)[0])
        rows.append(Row(1, f"  the archive of real pages ({len(archive):,}), one core",
                        f"{rate:,.0f} pages/s"))  # fmt: skip
    else:
        rows.append(Row(1, "  the archive of real pages", "not found (shared/corpus/archive)"))
    return rows


# --- the simulator and crawls ----------------------------------------------------------------


@dataclass
class Simulator:
    url: str
    process: subprocess.Popen

    def stats(self) -> dict[str, int]:
        with urllib.request.urlopen(self.url + STATS_PATH, timeout=10) as answer:
            return json.load(answer)


@contextlib.contextmanager
def simulator(mode: str, end: dt.date) -> Iterator[Simulator]:
    """The simulator (python -m sitesim) in a process of its own."""
    command = [sys.executable, "-m", "sitesim", "--mode", mode, "--end", str(end)]
    process = subprocess.Popen([*command, "--no-log"], cwd=ROOT, stdout=subprocess.PIPE, text=True)
    try:
        assert process.stdout is not None
        url = process.stdout.readline().strip()
        if not url.startswith("http://"):
            raise SystemExit(f"the simulator did not start: {url!r}")
        yield Simulator(url, process)
    finally:
        process.terminate()
        process.wait(30)


@dataclass
class Crawl:
    seconds: float
    peak_rss_mb: float
    returncode: int
    stats: dict[str, int]
    log: str
    requests_seen: int = 0  # by the simulator
    output: Path = field(default_factory=Path)
    cpu_seconds: float = 0.0  # user + system, of the crawler and the children it waited for

    @property
    def requests(self) -> int:
        return self.stats.get("downloader/request_count", 0)

    @property
    def written(self) -> int:
        return self.stats.get("apod/written", 0)


_STAT = re.compile(r"'([^']+)': (\d+)[,}]")


def scrapy_crawl(sim: Simulator, output: Path, *arguments: str) -> Crawl:
    """`scrapy crawl apod` against the simulator, politeness off: time, peak RSS, stats."""
    command = [sys.executable, "-m", "scrapy", "crawl", "apod", *arguments, *politeness.ARGUMENTS]
    command += ["-s", f"APOD_CLASSIC_URL={sim.url}/apod/"]
    command += ["-s", f"APOD_SCIENCE_URL={sim.url}/science/"]
    command += ["-s", f"APOD_OUTPUT_DIR={output}"]
    before = sim.stats()["total"]
    with tempfile.TemporaryFile() as log:
        started = time.perf_counter()
        process = subprocess.Popen(command, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT)
        _, status, usage = os.wait4(process.pid, 0)  # the rusage of this child alone
        seconds = time.perf_counter() - started
        process.returncode = os.waitstatus_to_exitcode(status)
        log.seek(0)
        text = log.read().decode("utf-8", errors="replace")
    dump = text.split("Dumping Scrapy stats:", 1)[-1]
    stats = {key: int(value) for key, value in _STAT.findall(dump)}
    crawl = Crawl(seconds, usage.ru_maxrss / 1024, process.returncode, stats, text)
    crawl.requests_seen = sim.stats()["total"] - before
    crawl.output = output
    crawl.cpu_seconds = usage.ru_utime + usage.ru_stime
    return crawl


def classic_span(sim: Simulator, output: Path, first: dt.date, last: dt.date) -> Crawl:
    """`scrapy crawl apod` of the days first..last from the simulator's classic site."""
    span = ["-a", f"start={first}", "-a", f"end={last}", "-a", "source=classic"]
    return scrapy_crawl(sim, output, *span)


def bare_fetch(
    urls: list[str], concurrency: int = politeness.OFF["CONCURRENT_REQUESTS_PER_DOMAIN"]
) -> float:
    """Seconds a bare aiohttp client takes to GET every URL, as many at once as the crawl
    asks (CONCURRENT_REQUESTS_PER_DOMAIN): the fetch ceiling of the simulator."""
    import aiohttp

    async def fetch_all() -> None:
        pending = iter(urls)
        async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=concurrency)) as s:

            async def worker() -> None:
                for url in pending:
                    async with s.get(url) as answer:
                        await answer.read()

            await asyncio.gather(*(worker() for _ in range(concurrency)))

    started = time.perf_counter()
    asyncio.run(fetch_all())
    return time.perf_counter() - started


def bare_spider(urls: list[str], workdir: Path) -> float:
    """Seconds a spider that does nothing but ask (bench/bare_spider.py) takes over the same
    URLs, from its start to its exit as a crawl's are timed: Scrapy's own floor."""
    listing = workdir / "bare-spider-urls.txt"
    listing.write_text("\n".join(urls))
    command = [sys.executable, "-m", "bench.bare_spider", str(listing)]
    started = time.perf_counter()
    subprocess.run(command, cwd=ROOT, check=True, capture_output=True)
    return time.perf_counter() - started


def check(crawl: Crawl, what: str) -> None:
    """Stop the benchmark on a crawl that broke: its numbers would mean nothing."""
    if crawl.returncode not in (0, 1) or not crawl.stats:
        tail = "\n".join(crawl.log.splitlines()[-30:])
        raise SystemExit(f"{what}: scrapy crawl exited {crawl.returncode}\n{tail}")


def day_files(directory: Path) -> int:
    return sum(1 for _ in directory.glob("ap*.txt"))


class Bench:
    """The runs the rows share: each made once, on first use."""

    def __init__(self, workdir: Path, quick: bool) -> None:
        self.workdir = workdir
        self.quick = quick
        self._classic: Crawl | None = None
        self._one_year: Crawl | None = None
        self._backfill: tuple[Crawl, dt.date] | None = None
        self._site: SiteBuild | None = None
        self.fetch_seconds = 0.0  # the bare fetcher's, beside the classic crawl
        self.floor_seconds = 0.0  # the bare spider's, beside it

    def classic_range(self) -> tuple[dt.date, dt.date]:
        return (END - dt.timedelta(days=59), END) if self.quick else (FIRST_DAY, END)

    def classic_crawl(self) -> Crawl:
        """The whole archive (quick: 60 days) from the classic site, page by page, and a
        bare async fetcher and a bare spider of the same pages from the same simulator right
        after it."""
        if self._classic is None:
            first, last = self.classic_range()
            with simulator("classic", last) as sim:
                self._classic = classic_span(sim, self.workdir / "classic", first, last)
                pages = [f"{sim.url}/apod/ap{day:%y%m%d}.html" for day in archive_days(last, first)]
                self.fetch_seconds = bare_fetch(pages)
                self.floor_seconds = bare_spider(pages, self.workdir)
            check(self._classic, "whole-archive crawl")
        return self._classic

    def one_year_range(self) -> tuple[dt.date, dt.date]:
        return (END - dt.timedelta(days=29), END) if self.quick else ONE_YEAR

    def one_year_crawl(self) -> Crawl:
        """One year (quick: 30 days) from the classic site: row 2's memory beside the whole
        archive's, row 4's export of one year."""
        if self._one_year is None:
            first, last = self.one_year_range()
            with simulator("classic", last) as sim:
                self._one_year = classic_span(sim, self.workdir / "one-year", first, last)
            check(self._one_year, "one-year crawl")
        return self._one_year

    def backfill(self) -> tuple[Crawl, dt.date]:
        """The whole archive to today from the API (moved mode), and today."""
        if self._backfill is None:
            today = today_eastern()
            first = today - dt.timedelta(days=59) if self.quick else FIRST_DAY
            with simulator("moved", today) as sim:
                crawl = scrapy_crawl(sim, self.workdir / "moved", "-a", f"start={first}")
            check(crawl, "list backfill")
            self._backfill = (crawl, today)
        return self._backfill


# --- row 2: the whole-archive crawl ------------------------------------------------------------


def row_crawl(bench: Bench) -> list[Row]:
    first, last = bench.classic_range()
    one_first, one_last = bench.one_year_range()
    year = bench.one_year_crawl()
    crawl = bench.classic_crawl()
    days = (last - first).days + 1
    rate = crawl.written / crawl.seconds
    fetched = crawl.written / bench.fetch_seconds
    behind = fetched / rate  # the crawl at 1/behind of the fetcher
    floor = crawl.written / bench.floor_seconds
    span = f"{first}..{last}"
    return [
        Row(2, f"whole-archive crawl {span}, {crawl.written:,} days written",
            f"{crawl.seconds:.1f} s, {rate:,.0f} pages/s", "<= 60 s",
            verdict(crawl.seconds <= 60) if not bench.quick else ""),
        Row(2, f"  requests (Scrapy / simulator), {days:,} days asked",
            f"{crawl.requests:,} / {crawl.requests_seen:,}"),
        Row(2, "  a bare async fetcher of the same pages, same simulator",
            f"{fetched:,.0f} pages/s; the crawl at 1/{behind:.1f} of it", "<= 1/7.0",
            verdict(behind <= 7.0) if not bench.quick else ""),
        Row(2, "  Scrapy's floor: a spider that only asks, crawl's settings (bench/bare_spider)",
            f"{floor:,.0f} pages/s, 1/{fetched / floor:.1f} of the fetcher; the crawl at "
            f"{100 * rate / floor:.0f}% of it"),
        Row(2, "  CPU of the crawl (os.wait4)",
            f"{crawl.cpu_seconds:.1f} s, {1000 * crawl.cpu_seconds / crawl.written:.2f} ms a page"),
        Row(2, "  peak RSS, the crawl above", f"{crawl.peak_rss_mb:.0f} MB", "<= 200 MB",
            verdict(crawl.peak_rss_mb <= 200)),
        Row(2, f"  peak RSS, one year ({one_first}..{one_last}, {year.written} days)",
            f"{year.peak_rss_mb:.0f} MB"),
    ]  # fmt: skip


# --- row 3: the no-op cron run ---------------------------------------------------------------


def row_cron(bench: Bench) -> list[Row]:
    crawl, today = bench.backfill()
    with simulator("moved", today) as sim:
        cron = scrapy_crawl(sim, crawl.output)  # no dates: continue from the archive
    check(cron, "no-op cron run")
    met = cron.requests <= 3 and cron.seconds <= 5
    return [
        Row(3, f"no-op cron run (archive of {day_files(crawl.output):,} days to {today})",
            f"{plural(cron.requests, 'request')}, {cron.seconds:.1f} s", "<= 3 requests, 5 s",
            verdict(met)),
        Row(3, "  days written / unchanged",
            f"{cron.written} / {cron.stats.get('apod/unchanged', 0)}"),
    ]  # fmt: skip


# --- row 4: rebuild ----------------------------------------------------------------------------


def row_rebuild(bench: Bench) -> list[Row]:
    target = ">= 1000 days/s"
    crawl = bench.classic_crawl()
    first = timed_export(crawl.output, bench.workdir / "export-first.parquet")  # the crawl's
    stats = timed_tool("stats", str(crawl.output))
    check = timed_tool("check", str(crawl.output))
    year = timed_export(bench.one_year_crawl().output, bench.workdir / "export-one-year.parquet")
    captures = warc_dir(crawl.output)
    out = bench.workdir / "rebuilt"
    command = [sys.executable, "-m", "apodscrape", "rebuild", "--warc", str(captures)]
    # export (of the crawl's catalog) timed right before and right after the rebuild: these
    # machines' speed moves by a third from one minute to the next, so the ratio is of
    # times taken side by side
    before = timed_export(crawl.output, bench.workdir / "export-before.parquet")
    started = time.perf_counter()
    run = subprocess.run([*command, "--out", str(out)], cwd=ROOT, capture_output=True, text=True)
    seconds = time.perf_counter() - started
    if run.returncode != 0:
        raise SystemExit(f"rebuild exited {run.returncode}\n{run.stderr[-3000:]}")
    after = timed_export(crawl.output, bench.workdir / "export-after.parquet")
    rebuilt = day_files(out)
    rate = rebuilt / seconds
    beside = (before[0] + after[0]) / 2
    return [
        Row(4, f"rebuild of {rebuilt:,} days from the crawl's captures",
            f"{rate:,.0f} days/s ({seconds:.1f} s)", target,
            verdict(rate >= 1000) if not bench.quick else ""),
        Row(4, "  export to Parquet (from the crawl's catalog) right before and after it",
            f"{before[0]:.2f} and {after[0]:.2f} s: 1/{seconds / beside:.1f} of rebuild",
            "<= 1/10", verdict(beside * 10 <= seconds) if not bench.quick else ""),
        Row(4, "  the first export, right after the crawl",
            f"{first[0]:.2f} s, {first[1]:.0f} MB peak"),
        Row(4, "  stats of the whole archive (from the catalog)", f"{stats:.2f} s",
            "< 1 s", verdict(stats < 1) if not bench.quick else ""),
        Row(4, "  check of the whole archive (every file against FORMAT.md and its row)",
            f"{check:.2f} s"),
        Row(4, f"  export's peak RSS, one year ({year[2]:,} days) / all ({first[2]:,} days)",
            f"{year[1]:.0f} / {first[1]:.0f} MB"),
    ]  # fmt: skip


def timed_tool(*arguments: str) -> float:
    """`python -m apodscrape ARGUMENTS`: seconds (the tool must succeed)."""
    started = time.perf_counter()
    run = subprocess.run([sys.executable, "-m", "apodscrape", *arguments], cwd=ROOT,
                         capture_output=True, text=True)  # fmt: skip
    seconds = time.perf_counter() - started
    if run.returncode != 0:
        raise SystemExit(f"{arguments[0]} exited {run.returncode}\n{run.stdout[-2000:]}")
    return seconds


def timed_export(archive: Path, out: Path) -> tuple[float, float, int]:
    """`python -m apodscrape export ARCHIVE OUT`: seconds, peak RSS (MB), days exported."""
    command = [sys.executable, "-m", "apodscrape", "export", str(archive), str(out)]
    started = time.perf_counter()
    process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE)
    said = process.stdout.read().decode() if process.stdout else ""
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - started
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"export exited {os.waitstatus_to_exitcode(status)}")
    return seconds, usage.ru_maxrss / 1024, int(said.split()[0])


# --- row 5: the list backfill ------------------------------------------------------------------


def row_backfill(bench: Bench) -> list[Row]:
    crawl, today = bench.backfill()
    first = today - dt.timedelta(days=59) if bench.quick else FIRST_DAY
    return [
        Row(5, f"list backfill {first}..{today}, {crawl.written:,} days written",
            f"{crawl.requests:,} requests", "<= 600 requests",
            verdict(crawl.requests <= 600) if not bench.quick else ""),
        Row(5, "  requests seen by the simulator; wall time",
            f"{crawl.requests_seen:,}; {crawl.seconds:.1f} s"),
    ]  # fmt: skip


# --- rows 6 and 7: the static site ------------------------------------------------------------


@dataclass
class SiteBuild:
    archive: Path
    out: Path
    days: int
    seconds: float
    summary: str


def apodscrape_site(archive: Path, out: Path) -> tuple[float, str]:
    """`python -m apodscrape site ARCHIVE OUT`: wall time and its summary line."""
    command = [sys.executable, "-m", "apodscrape", "site", str(archive), str(out)]
    started = time.perf_counter()
    run = subprocess.run(command, cwd=ROOT, capture_output=True, text=True)
    seconds = time.perf_counter() - started
    if run.returncode != 0:
        raise SystemExit(f"site exited {run.returncode}\n{run.stderr[-3000:]}")
    return seconds, run.stdout.strip()


def site_size(out: Path) -> tuple[int, int]:
    """Bytes and files of a built site."""
    sizes = [path.stat().st_size for path in out.rglob("*") if path.is_file()]
    return sum(sizes), len(sizes)


def site_build(bench: Bench) -> SiteBuild:
    """The full build of a synthetic archive (quick: 600 days), made once."""
    if bench._site is None:
        days = 200 if bench.quick else synthetic.DAYS
        archive = bench.workdir / "synthetic"
        synthetic.write_archive(archive, days)
        synthetic.catalogue(archive)
        out = bench.workdir / "site"
        bench._site = SiteBuild(archive, out, days, *apodscrape_site(archive, out))
    return bench._site


def row_site(bench: Bench) -> list[Row]:
    built = site_build(bench)
    size, count = site_size(built.out)
    return [
        Row(6, f"site: full build of {built.days:,} days, search index included",
            f"{built.seconds:.1f} s", "<= 30 s",
            verdict(built.seconds <= 30) if not bench.quick else ""),
        Row(6, "  the site's size", f"{size / 2**20:,.0f} MiB in {count:,} files"),
    ]  # fmt: skip


def row_site_update(bench: Bench) -> list[Row]:
    built = site_build(bench)
    synthetic.cron_change(built.archive, built.days)
    synthetic.catalogue(built.archive)
    seconds, summary = apodscrape_site(built.archive, built.out)
    rendered = re.search(r"([\d,]+) day pages rendered", summary)
    return [
        Row(7, "site: update after a cron crawl changed 3 days (1 corrected, 2 new)",
            f"{seconds:.1f} s", "<= 3 s", verdict(seconds <= 3) if not bench.quick else ""),
        Row(7, "  day pages rendered again", rendered.group(1) if rendered else summary),
    ]  # fmt: skip


def row_site_thumbnails(bench: Bench) -> list[Row]:
    days = 200 if bench.quick else synthetic.DAYS
    archive = bench.workdir / "synthetic-media"
    synthetic.write_archive(archive, days)
    synthetic.catalogue(archive)
    pictures = synthetic.write_media(archive, synthetic.picture_days(archive))
    out = bench.workdir / "site-media"
    seconds, _ = apodscrape_site(archive, out)
    size, count = site_size(out / "thumbs")
    new = synthetic.cron_change(archive, days)[1:]  # the newest corrected, two new days
    synthetic.catalogue(archive)
    synthetic.write_media(archive, sorted(set(new) & set(synthetic.picture_days(archive))))
    update, _ = apodscrape_site(archive, out)
    return [
        Row(8, f"site with thumbnails: first build, {pictures:,} local pictures",
            f"{seconds:.1f} s", "<= 300 s", verdict(seconds <= 300) if not bench.quick else ""),
        Row(8, "  the thumbnails' size", f"{size / 2**20:,.0f} MiB in {count:,} files"),
        Row(8, "  update after a cron crawl changed 3 days", f"{update:.1f} s", "<= 3 s",
            verdict(update <= 3) if not bench.quick else ""),
    ]  # fmt: skip


# --- command line ------------------------------------------------------------------------------


# --- row 10: the captures: revisits, WACZ -------------------------------------------------------


def warc_bytes(output: Path) -> int:
    return sum(path.stat().st_size for path in warc_dir(output).glob("*.warc.gz"))


def cron_runs(
    sim: Simulator, output: Path, before: int, runs: int, revisits: bool
) -> tuple[int, int]:
    """`before` days of the archive, then `runs` daily runs of `scrapy crawl apod` each
    asking one new day (the refresh window asks the two before it again): the WARC bytes
    before the runs and those the runs added."""
    first = END - dt.timedelta(days=runs - 1)
    start = ["-a", f"start={first - dt.timedelta(days=before)}", "-a", "source=classic"]
    keep = ["-s", f"APOD_WARC_REVISITS={revisits}"]
    base = scrapy_crawl(sim, output, *start, "-a", f"end={first - dt.timedelta(days=1)}", *keep)
    check(base, "the days before the cron runs")
    kept = warc_bytes(output)
    for n in range(runs):
        day = first + dt.timedelta(days=n)
        check(scrapy_crawl(sim, output, *start, "-a", f"end={day}", *keep), f"cron run {day}")
    return kept, warc_bytes(output) - kept


def row_captures(bench: Bench) -> list[Row]:
    before, runs = (3, 2) if bench.quick else (30, 30)
    with simulator("classic", END) as sim:
        copies = cron_runs(sim, bench.workdir / "cron-copies", before, runs, revisits=False)
        revisits = cron_runs(sim, bench.workdir / "cron-revisits", before, runs, revisits=True)
    crawl = bench.classic_crawl()
    out = bench.workdir / "captures.wacz"
    command = [sys.executable, "-m", "apodscrape", "wacz", str(crawl.output), str(out)]
    started = time.perf_counter()
    run = subprocess.run(command, cwd=ROOT, capture_output=True, text=True)
    seconds = time.perf_counter() - started
    if run.returncode != 0:
        raise SystemExit(f"wacz exited {run.returncode}\n{run.stderr[-3000:]}")
    ratio = out.stat().st_size / warc_bytes(crawl.output)
    validate = [str(Path(sys.executable).parent / "wacz"), "validate", "-f", str(out)]
    started = time.perf_counter()
    valid = subprocess.run(validate, capture_output=True, text=True).returncode == 0
    checked = time.perf_counter() - started
    kib = 1024
    met = seconds <= 60 and ratio <= 1.05
    return [
        Row(10, f"{runs} daily cron runs (a new day, the 2 before asked again): WARC bytes added",
            f"{revisits[1] / kib:,.0f} KiB with revisits, {copies[1] / kib:,.0f} KiB as copies "
            f"({100 * revisits[1] / copies[1]:.0f}%)"),
        Row(10, f"  the archive's WARC files after them ({before} days before them, then the runs)",
            f"{sum(revisits) / kib:,.0f} KiB with revisits, {sum(copies) / kib:,.0f} KiB as "
            "copies"),
        Row(10, f"wacz of the whole-archive crawl's captures ({crawl.written:,} days)",
            f"{seconds:.1f} s, {out.stat().st_size / 2**20:,.1f} MiB, {ratio:.3f} of the WARCs",
            "<= 60 s, <= 1.05", verdict(met) if not bench.quick else ""),
        Row(10, "  wacz validate (py-wacz) of it", f"{'valid' if valid else 'INVALID'}, "
            f"{checked:.1f} s", "valid", verdict(valid)),
    ]  # fmt: skip


ROWS: dict[int, Callable[..., list[Row]]] = {
    1: lambda bench: row_conversion(bench.quick),
    2: row_crawl,
    3: row_cron,
    4: row_rebuild,
    5: row_backfill,
    6: row_site,
    7: row_site_update,
    8: row_site_thumbnails,
    9: lambda bench: api.row_api(bench.quick, bench.workdir),
    10: row_captures,
}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.run", description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="small slices: a smoke check")
    parser.add_argument("--only", help="rows to run, e.g. 1 or 2,4 (default: all)")
    args = parser.parse_args(argv)
    wanted = sorted(ROWS) if not args.only else sorted({int(n) for n in args.only.split(",")})
    unknown = [n for n in wanted if n not in ROWS]
    if unknown:
        parser.error(f"no row {unknown[0]}: rows are 1 to {len(ROWS)}")
    rows: list[Row] = []
    with tempfile.TemporaryDirectory(prefix="apodbench-") as workdir:
        bench = Bench(Path(workdir), args.quick)
        # Row 1 loads every real page into this process: it runs last, since a child's peak
        # RSS (ru_maxrss) counts the process it was forked from (Linux keeps the high-water
        # mark across exec), and the crawls' peaks would read this one's.
        for number in sorted(wanted, key=lambda n: n == 1):
            print(f"row {number}...", file=sys.stderr, flush=True)
            rows += ROWS[number](bench)
    rows.sort(key=lambda row: row.number)
    print(f"apodscrape bench{' (quick)' if args.quick else ''}: {os.cpu_count()} cores, "
          f"Python {sys.version.split()[0]}")  # fmt: skip
    print_table(rows)
    return 0


if __name__ == "__main__":
    sys.exit(main())
