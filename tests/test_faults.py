"""The failure model, as a table of faults a broken or hostile server shows and what the
mirror must make of them (docs/failures.md, "When things go wrong"). Every day asked ends in exactly
one counted outcome; a day without a file is `missing` only on its source's word, else
`failed`; nothing but a complete page of the same day replaces an archived one; nothing
is fetched from a host or scheme the run was not pointed at.

Each row runs the real engine in-process against the one simulator (sitesim) on
127.0.0.1; the rows about exit status, locks, signals and quiet runs run `scrapy crawl`
in a subprocess."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from scrapy import signals
from scrapy.utils.test import get_crawler

from apodscrape import archive
from apodscrape.crawl.spiders.apod import ApodSpider
from apodscrape.days import today_eastern
from apodscrape.errors import ArchiveLocked
from apodscrape.warc import CaptureWriter
from sitesim import Answer, SiteSim
from sitesim.science import JSON

from .conftest import (
    ROOT,
    day_files,
    hold_archive,
    project_settings_dict,
    scrapy_crawl,
    start_scrapy_crawl,
    wait_until_requested,
)

DAY = dt.date(2025, 1, 5)
OLDER = dt.date(2025, 1, 4)
PAGE = f"/apod/ap{DAY:%y%m%d}.html"
API_DAY = f"/science/wp-json/wp/v2/apod-basic/{DAY:%y%m%d}"
NOT_FOUND = b'{"code": "apod_basic_not_found", "message": "No APOD", "data": {"status": 404}}'
OUTCOMES = ("written", "unchanged", "skipped", "missing", "failed")


@dataclass
class Fault:
    """One row: what the site does, how the run is asked, and what must come of it."""

    setup: Callable[[SiteSim], None]
    arguments: dict[str, str]
    outcome: dict[str, int]  # the outcomes counted (the others must be 0)
    files: list[str] | None  # the day files the archive has afterwards (None: not checked)
    settings: dict[str, object] = field(default_factory=dict)
    archived: bool = False  # the archive already holds a good file of DAY


def _page(site: SiteSim, day: dt.date = DAY) -> bytes:
    site.publish(day)
    return site.classic_page(day).body


def _cut_short(site: SiteSim) -> None:  # an honest Content-Length for 60% of the page
    body = _page(site)
    site.page(PAGE, body[: len(body) * 60 // 100])


def _closes_early(site: SiteSim) -> None:  # announces the whole page, sends 60% of it
    body = _page(site)
    site.answers(PAGE, Answer(200, body, sent=len(body) * 60 // 100))


def _redirect(location: str) -> Callable[[SiteSim], None]:
    def setup(site: SiteSim) -> None:
        _page(site)
        site.page(PAGE, b"", status=301, Location=location.format(url=site.url))

    return setup


def _empty(site: SiteSim) -> None:
    _page(site, OLDER)
    site.page(PAGE, b"")


def _classic_fails_api_has_none(site: SiteSim) -> None:
    site.page(PAGE, b"oops", status=500)
    site.page(API_DAY, NOT_FOUND, status=404, **{"Content-Type": JSON})


def _odd_record(site: SiteSim) -> None:
    site.publish(DAY)
    record = {**site.science_record(DAY), "credit": ["not", "html"]}
    site.page(API_DAY, json_bytes(record), **{"Content-Type": JSON})


def json_bytes(value: object) -> bytes:
    return json.dumps(value).encode()


def _list_starts_late(site: SiteSim) -> None:
    # the list leaves out the run's first day though the day exists
    days = [DAY - dt.timedelta(days=n) for n in range(3)]
    site.publish(*days)
    listed = [site.science_record(day) for day in days[:2]]
    query = f"?date_from={days[-1]:%y%m%d}&date_to={DAY:%y%m%d}&per_page=100&page=1"
    site.page(f"/science/wp-json/wp/v2/apod-basic{query}", json_bytes(listed), **{
        "Content-Type": JSON
    })  # fmt: skip


def _list_ignores_page(site: SiteSim) -> None:
    days = [DAY - dt.timedelta(days=n) for n in range(60)]
    site.publish(*days)
    first = [site.science_record(day) for day in days[:25]]
    for page in range(1, 4):
        query = f"?date_from={days[-1]:%y%m%d}&date_to={DAY:%y%m%d}&per_page=100&page={page}"
        site.page(f"/science/wp-json/wp/v2/apod-basic{query}", json_bytes(first), **{
            "Content-Type": JSON
        })  # fmt: skip


def _escaped_markup(site: SiteSim) -> None:
    site.publish(DAY, title="Escapes")
    body = site.classic_page(DAY).body.replace(
        b"<b> Explanation: </b>",
        b"<b> Explanation: </b> Text &lt;img src=x onerror=alert(1)&gt; and a "
        b'<a href="javascript:alert(1)">live link</a>.',
        1,
    )
    site.page(PAGE, body)


FAULTS = {
    "page-cut-short": Fault(_cut_short, {"dates": str(DAY), "source": "classic"},
                            {"failed": 1}, []),
    "page-cut-short-keeps-the-archived-day": Fault(
        _cut_short, {"dates": str(DAY), "source": "classic"}, {"failed": 1}, ["ap250105.txt"],
        archived=True),
    "page-closes-early": Fault(_closes_early, {"dates": str(DAY), "source": "classic"},
                               {"failed": 1}, []),
    "cut-short-in-auto-comes-from-the-api": Fault(_cut_short, {"dates": str(DAY)},
                                                  {"written": 1}, ["ap250105.txt"]),
    "redirect-to-another-host": Fault(_redirect("http://example.com/apod/ap250105.html"),
                                      {"dates": str(DAY), "source": "classic"}, {"failed": 1}, []),
    "redirect-to-a-file": Fault(_redirect("file:///etc/hostname"),
                                {"dates": str(DAY), "source": "classic"}, {"failed": 1}, []),
    "redirect-to-itself": Fault(_redirect("{url}/apod/ap250105.html"),
                                {"dates": str(DAY), "source": "classic"}, {"failed": 1}, []),
    "empty-page-fails-that-day-only": Fault(
        _empty, {"start": str(OLDER), "end": str(DAY), "source": "classic"},
        {"written": 1, "failed": 1}, ["ap250104.txt"]),
    "classic-fails-and-api-has-none": Fault(_classic_fails_api_has_none, {"dates": str(DAY)},
                                            {"failed": 1}, []),
    "record-with-odd-field-types": Fault(_odd_record, {"dates": str(DAY), "source": "science"},
                                         {"failed": 1}, []),
    "list-starts-late": Fault(_list_starts_late,
                              {"start": "2025-01-03", "end": str(DAY), "source": "science"},
                              {"written": 3}, ["ap250103.txt", "ap250104.txt", "ap250105.txt"]),
    "list-ignores-page": Fault(_list_ignores_page,
                               {"start": "2024-11-07", "end": str(DAY), "source": "science"},
                               {"written": 60}, None),
    "escaped-markup-stays-text": Fault(_escaped_markup, {"dates": str(DAY), "source": "classic"},
                                       {"written": 1}, ["ap250105.txt"]),
}  # fmt: skip


@pytest.mark.parametrize("name", FAULTS)
def test_fault(name: str, site: SiteSim, crawl, tmp_path: Path) -> None:
    fault = FAULTS[name]
    output = tmp_path / "output"
    if fault.archived:
        output.mkdir()
        (output / "ap250105.txt").write_text("---\n{}\n---\n\nthe good day\n")
    fault.setup(site)
    result = crawl(site, output, fault.settings, **fault.arguments)
    counted = {outcome: result.stats.get(f"apod/{outcome}", 0) for outcome in OUTCOMES}
    assert counted == {outcome: fault.outcome.get(outcome, 0) for outcome in OUTCOMES}
    if fault.files is not None:
        assert day_files(output) == fault.files
    if fault.archived:
        assert (output / "ap250105.txt").read_text().endswith("the good day\n")
    assert not [p for p in site.requests if p.startswith(("http", "file"))]


@pytest.mark.slow
def test_a_server_that_never_answers_is_given_up_on(site: SiteSim, crawl, tmp_path) -> None:
    days = [DAY - dt.timedelta(days=n) for n in range(3)]
    for day in days:
        site.answers(f"/apod/ap{day:%y%m%d}.html", Answer(200, b"", delay=20))
    started = time.monotonic()
    settings = {"DOWNLOAD_TIMEOUT": 1, "CONCURRENT_REQUESTS_PER_DOMAIN": 1}
    result = crawl(site, tmp_path / "out", settings,
                   source="classic", start=str(days[-1]), end=str(DAY))  # fmt: skip
    assert result.stats["apod/failed"] == 3
    assert result.stats["apod/unreachable/127.0.0.1"] == 1
    assert len(site.requested("/apod/")) == 3  # one day's three tries, then no more asking
    assert time.monotonic() - started < 15


def test_escaped_markup_stays_text_in_the_file(site: SiteSim, crawl, tmp_path: Path) -> None:
    _escaped_markup(site)
    crawl(site, tmp_path / "out", source="classic", dates=str(DAY))
    text = (tmp_path / "out" / "ap250105.txt").read_text()
    assert "Text \\<img src=x onerror=alert(1)> and a live link." in text
    assert "javascript:" not in text


def test_the_api_ignoring_page_costs_a_bounded_number_of_requests(site, crawl, tmp_path) -> None:
    _list_ignores_page(site)
    crawl(site, tmp_path / "out", start="2024-11-07", end=str(DAY), source="science")
    lists = site.requested("/science/wp-json/wp/v2/apod-basic?")
    assert len(lists) == 2  # page 2 brings nothing new: the rest is asked day by day
    assert len(site.requested("/science/wp-json/wp/v2/apod-basic/")) == 35


def test_media_from_a_host_the_run_was_not_pointed_at_is_not_fetched(site, crawl, tmp_path):
    site.publish(DAY, kind="image")
    body = site.classic_page(DAY).body
    page = body.replace(b'<a href="image/', b'<a href="http://example.com/image/', 1)
    site.page(PAGE, page)
    result = crawl(site, tmp_path / "out", source="classic", dates=str(DAY), media="1")
    assert result.stats.get("apod/written") == 1
    assert not (tmp_path / "out" / "media").exists() or not any(
        (tmp_path / "out" / "media").rglob("*.*")
    )


def test_a_plain_run_asks_again_a_day_that_failed(site, crawl, tmp_path) -> None:
    today = today_eastern()
    days = [today - dt.timedelta(days=n) for n in range(6)]
    site.publish(*days)
    hole = days[4]
    site.page(f"/apod/ap{hole:%y%m%d}.html", b"oops", status=500)
    output = tmp_path / "out"
    first = crawl(site, output, source="classic", start=str(days[-1]))
    assert first.stats["apod/failed"] == 1
    site.routes.clear()
    asked = len(site.requested("/apod/"))
    second = crawl(site, output, source="classic")  # a plain cron run
    assert second.stats.get("apod/failed", 0) == 0 and second.stats["apod/written"] == 1
    assert day_files(output) == sorted(f"ap{day:%y%m%d}.txt" for day in days)
    assert len(site.requested("/apod/")) - asked == 4  # the refresh window and the hole


# --- in a subprocess: exit status, locks, signals, quiet runs --------------------------------


@pytest.mark.slow
def test_a_failed_day_is_exit_status_1(site: SiteSim, tmp_path: Path) -> None:
    _classic_fails_api_has_none(site)
    run = scrapy_crawl(site, tmp_path, "-a", f"dates={DAY}")
    assert run.returncode == 1
    assert f"{DAY}: failed:" in run.stderr


@pytest.mark.slow
def test_a_good_run_is_silent_at_warning(site: SiteSim, tmp_path: Path) -> None:
    site.publish(DAY)
    run = scrapy_crawl(site, tmp_path, "-a", f"dates={DAY}", "-a", "source=classic",
                       LOG_LEVEL="WARNING")  # fmt: skip
    assert (run.returncode, run.stdout, run.stderr) == (0, "", "")


@pytest.mark.slow
def test_a_second_run_on_the_archive_exits_at_once(site: SiteSim, tmp_path: Path) -> None:
    site.publish(DAY)
    site.answers(PAGE, Answer(200, site.classic_page(DAY).body, delay=4))
    first = start_scrapy_crawl(site, tmp_path, "-a", f"dates={DAY}", "-a", "source=classic")
    deadline = time.monotonic() + 30
    while not (tmp_path / ".apodscrape.lock").exists() and time.monotonic() < deadline:
        time.sleep(0.05)  # the first run holds the archive (its page takes 4 s to come)
    second = scrapy_crawl(site, tmp_path, "-a", f"dates={DAY}", "-a", "source=classic")
    assert second.returncode == 1
    assert second.stderr.strip().splitlines() == [
        f"error: {tmp_path} is in use by another run (pid {first.pid})"
    ]
    assert first.wait(timeout=60) == 0
    assert day_files(tmp_path) == ["ap250105.txt"]


@pytest.mark.slow
def test_sigterm_ends_a_retry_after_wait_at_once(site: SiteSim, tmp_path: Path) -> None:
    site.answers(PAGE, Answer(503, b"busy", {"Retry-After": "300"}))
    process = start_scrapy_crawl(site, tmp_path, "-a", f"dates={DAY}", "-a", "source=classic")
    wait_until_requested(site, PAGE)
    sent = time.monotonic()
    process.send_signal(signal.SIGTERM)
    process.communicate(timeout=30)
    assert time.monotonic() - sent < 10
    assert process.returncode == 1


@pytest.mark.slow
def test_an_unreachable_site_fails_fast_in_one_line_a_day(tmp_path: Path) -> None:
    dead = "http://127.0.0.1:9/"  # the discard port: connections are refused
    site = SiteSim(days=())
    site.url = dead.rstrip("/")
    started = time.monotonic()
    run = scrapy_crawl(site, tmp_path, "-a", "start=2025-01-01", "-a", "end=2025-01-10",
                       APOD_SCIENCE_URL=dead + "science/", APOD_CLASSIC_URL=dead + "apod/",
                       LOG_LEVEL="ERROR")  # fmt: skip
    assert time.monotonic() - started < 60
    assert run.returncode == 1
    lines = run.stderr.splitlines()
    assert len([line for line in lines if ": failed: " in line]) == 10
    given_up = [line for line in lines if "127.0.0.1 does not answer" in line]
    assert len(given_up) == 1 and "not asking it again in this run" in given_up[0]
    assert run.stderr.count("Gave up retrying") <= 3  # only the tries before it gave up


def test_a_failed_media_download_is_asked_again_by_the_next_media_run(site, crawl, tmp_path):
    today = today_eastern()
    old = today - dt.timedelta(days=10)  # outside the refresh window of a plain run
    site.publish(old, title="Sky", kind="image", slug="sky")
    image = f"/apod/image/{old:%y%m}/sky_big.jpg"
    site.answers(image, Answer(500, b"busy"))
    output = tmp_path / "out"
    first = crawl(site, output, source="classic", dates=str(old), media="1")
    assert first.stats["apod/media_failed"] == 1 and first.stats["apod/written"] == 1
    site.page(image, b"JPEG" * 100, **{"Content-Type": "image/jpeg"})
    second = crawl(site, output, source="classic", media="1")  # a plain media run
    assert second.stats["apod/media_stored"] == 1
    assert (output / "media" / f"ap{old:%y%m%d}" / "sky_big.jpg").read_bytes() == b"JPEG" * 100
    third = crawl(site, output, source="classic", media="1")
    assert f"/apod/ap{old:%y%m%d}.html" not in site.requests[-5:]  # done: not asked again
    assert third.stats.get("apod/media_stored", 0) == 0


def test_a_day_whose_file_cannot_be_written_fails_that_day_only(site: SiteSim, crawl, tmp_path):
    site.publish(DAY, OLDER)
    output = tmp_path / "out"
    (output / "ap250105.txt").mkdir(parents=True)  # a directory where the file goes
    result = crawl(site, output, source="classic", start=str(OLDER), end=str(DAY))
    assert (result.stats.get("apod/written"), result.stats.get("apod/failed")) == (1, 1)
    assert day_files(output) == ["ap250104.txt", "ap250105.txt"]
    assert (output / "ap250105.txt").is_dir() and (output / "ap250104.txt").is_file()


def test_rebuild_never_makes_a_day_of_a_cut_off_capture(site: SiteSim, tmp_path: Path) -> None:
    # the last record of a killed run: the page as far as it had come
    site.publish(DAY)
    body = site.classic_page(DAY).body
    writer = CaptureWriter(tmp_path / "warc")
    writer.write(f"{site.url}/apod/ap250105.html", 200, [], body[: len(body) * 60 // 100])
    writer.close()
    out = tmp_path / "out"
    (out).mkdir()
    (out / "ap250105.txt").write_text("---\n{}\n---\n\nthe good day\n")
    run = subprocess.run(
        [sys.executable, "-m", "apodscrape", "rebuild", "--out", str(out),
         "--warc", str(tmp_path / "warc")],
        cwd=ROOT, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert run.returncode == 0
    assert "passed over:" in run.stderr and "cut-off answer" in run.stderr
    assert (out / "ap250105.txt").read_text().endswith("the good day\n")


@pytest.mark.parametrize("tool", ["rebuild", "site"])
def test_a_tool_that_writes_or_reads_the_archive_waits_for_no_crawl(tool: str, tmp_path) -> None:
    out = tmp_path / "out"
    held = archive.lock(out)  # as a crawl under way holds it
    try:
        arguments = {
            "rebuild": ["rebuild", "--out", str(out), "--warc", str(tmp_path)],
            "site": ["site", str(out), str(tmp_path / "www")],
        }[tool]
        run = subprocess.run([sys.executable, "-m", "apodscrape", *arguments], cwd=ROOT,
                             capture_output=True, text=True, timeout=60)  # fmt: skip
    finally:
        held.close()
    assert run.returncode == 1
    assert run.stderr.splitlines() == [f"error: {out} is in use by another run (pid {os.getpid()})"]


def test_a_run_asked_to_wait_for_the_archive_waits(tmp_path: Path) -> None:
    holder = hold_archive(tmp_path, 1)
    with pytest.raises(ArchiveLocked):
        archive.lock(tmp_path)
    started = time.monotonic()
    archive.lock(tmp_path, wait=True).close()  # APOD_LOCK_WAIT=True
    assert time.monotonic() - started > 0.3
    assert holder.wait(timeout=30) == 0


def _held_elsewhere(directory: Path) -> bool:
    """Whether another process finds the archive held (it tries the lock, without waiting)."""
    probe = subprocess.run(
        [sys.executable, "-c", "import sys; from apodscrape import archive, errors\n"
         "try: archive.lock(sys.argv[1])\nexcept errors.ArchiveLocked: sys.exit(3)",
         str(directory)],
        cwd=ROOT, timeout=60,
    )  # fmt: skip
    assert probe.returncode in (0, 3)
    return probe.returncode == 3


def test_an_in_process_crawl_holds_the_archive_from_its_plan_to_its_end(
    site: SiteSim, tmp_path: Path
) -> None:
    site.publish(DAY)
    settings = project_settings_dict(
        APOD_CLASSIC_URL=f"{site.url}/apod/", APOD_OUTPUT_DIR=str(tmp_path)
    )
    crawler = get_crawler(ApodSpider, settings)
    held_when: dict[str, bool] = {}
    read_archive = ApodSpider.read_archive

    def planned(spider: ApodSpider) -> None:
        held_when["planned"] = _held_elsewhere(tmp_path)
        read_archive(spider)

    def closed() -> None:  # a named receiver: signals hold weak references
        held_when["closed"] = _held_elsewhere(tmp_path)

    crawler.signals.connect(closed, signal=signals.spider_closed)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(ApodSpider, "read_archive", planned)
        asyncio.run(crawler.crawl_async(dates=str(DAY), source="classic"))
    assert held_when == {"planned": True, "closed": True}
    assert not _held_elsewhere(tmp_path)  # let go when the crawl ended
    assert day_files(tmp_path) == ["ap250105.txt"]


def test_an_in_process_crawl_on_a_held_archive_asks_nothing(site: SiteSim, crawl, tmp_path) -> None:
    site.publish(DAY)
    (tmp_path / ".ap250104.txt.abcd1234.tmp").write_text("the holder's write, under way")
    holder = hold_archive(tmp_path, 60)
    try:
        result = crawl(site, tmp_path, dates=str(DAY), source="classic")
    finally:
        holder.kill()
        holder.wait()
    assert result.stats["finish_reason"] == "archive_locked"
    assert not site.requested("/") and day_files(tmp_path) == []
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        ".ap250104.txt.abcd1234.tmp",  # not removed: not this run's to remove
        ".apodscrape.lock",
    ]


def test_a_crawl_removes_what_killed_runs_left_once_it_holds_the_archive(
    site: SiteSim, crawl, tmp_path: Path
) -> None:
    site.publish(DAY)
    (tmp_path / ".ap250104.txt.abcd1234.tmp").write_text("half")
    (tmp_path / ".apodscrape-state.json.abcd1234.tmp").write_text("{")
    (tmp_path / "notes.tmp").write_text("not ours")
    crawl(site, tmp_path, dates=str(DAY), source="classic")
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")) == ["notes.tmp"]
    assert day_files(tmp_path) == ["ap250105.txt"]
