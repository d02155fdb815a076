"""Shared fixtures: the shared corpus and spec, the simulated site, in-process crawls."""

from __future__ import annotations

import asyncio
import datetime as dt
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from scrapy import signals
from scrapy.utils.test import get_crawler

from apodscrape import archive, catalog, warc
from apodscrape.crawl import settings as project_settings
from apodscrape.crawl.spiders.apod import ApodSpider
from apodscrape.tools.convert import url_of
from sitesim import SiteSim

from .archives import corpus_days, write_days

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
FIXTURES = Path(__file__).resolve().parent / "fixtures"


def day_files(directory: Path) -> list[str]:
    """The day files of an archive directory, sorted (captures and the rest left out)."""
    return sorted(p.name for p in directory.glob("ap*.txt")) if directory.is_dir() else []


def corpus_dir() -> Path:
    """The shared corpus: $APOD_CORPUS, else ../shared/corpus beside the checkout."""
    return Path(os.environ.get("APOD_CORPUS", SHARED / "corpus"))


_LOOPBACK = {"127.0.0.1", "localhost", "::1"}


@pytest.fixture(scope="session", autouse=True)
def offline() -> Iterator[None]:
    """No test leaves this machine: resolving any other host fails, and fails the session."""
    resolve = socket.getaddrinfo
    attempts: list[str] = []

    def loopback_only(host, *args, **kwargs):  # type: ignore[no-untyped-def]
        name = host.decode() if isinstance(host, bytes) else str(host)
        if name not in _LOOPBACK:
            attempts.append(name)
            raise socket.gaierror(socket.EAI_NONAME, f"tests stay offline, not {name}")
        return resolve(host, *args, **kwargs)

    socket.getaddrinfo = loopback_only
    yield
    socket.getaddrinfo = resolve
    assert not attempts, f"tests tried to reach {sorted(set(attempts))}"


@pytest.fixture(scope="session")
def corpus() -> Path:
    path = corpus_dir()
    if not (path / "MANIFEST.tsv").is_file():
        pytest.skip(f"shared corpus not found at {path} (set APOD_CORPUS)")
    return path


@pytest.fixture(scope="session")
def spec() -> Path:
    path = SHARED / "spec"
    if not (path / "FORMAT.md").is_file():
        pytest.skip(f"shared spec not found at {path}")
    return path


@pytest.fixture
def site() -> Iterator[SiteSim]:
    """The simulated NASA sites with no day yet: a test publishes the days it needs (or
    scripts the answers of single paths)."""
    with SiteSim(days=()) as sim:
        yield sim


def project_settings_dict(**overrides: Any) -> dict[str, Any]:
    """The project's settings (get_crawler does not load them), fast and local."""
    values = {
        name: getattr(project_settings, name) for name in dir(project_settings) if name.isupper()
    }
    values.update(
        DOWNLOAD_DELAY=0,
        AUTOTHROTTLE_ENABLED=False,
        CONCURRENT_REQUESTS_PER_DOMAIN=8,
        LOG_LEVEL="INFO",
    )
    values.update(overrides)
    return values


@dataclass
class CrawlResult:
    items: list[Any]
    stats: dict[str, Any]


def simulator_settings(site: SiteSim, output: Path | None = None, **more: object) -> dict:
    """The settings of a crawl of the simulator without politeness delays, writing to
    `output` (if given), with `more` on top."""
    output_dir = {} if output is None else {"APOD_OUTPUT_DIR": output}
    return {
        "APOD_CLASSIC_URL": f"{site.url}/apod/",
        "APOD_SCIENCE_URL": f"{site.url}/science/",
        **output_dir,
        "DOWNLOAD_DELAY": 0,
        "AUTOTHROTTLE_ENABLED": False,
        **more,
    }


def setting_options(settings: dict) -> list[str]:
    """Settings as a crawl's command line gives them: -s NAME=value."""
    return [word for name, value in settings.items() for word in ("-s", f"{name}={value}")]


def start_scrapy_crawl(
    site: SiteSim, output: Path, *arguments: str, **settings: object
) -> subprocess.Popen[str]:
    """`scrapy crawl apod ARGUMENTS` in a subprocess against `site`, writing to `output`,
    without politeness delays; `settings` are more `-s NAME=value`. Output is piped, as text."""
    command = [sys.executable, "-m", "scrapy", "crawl", "apod", *arguments]
    command += setting_options(simulator_settings(site, output, **settings))
    pipe = subprocess.PIPE
    return subprocess.Popen(command, cwd=ROOT, stdout=pipe, stderr=pipe, text=True)


def crawl_daily(site: SiteSim, crawl, days: list[dt.date], settings: dict | None = None) -> None:
    """A daily cron run for each of `days` (consecutive), each the day it is published: the
    refresh window asks the days before it again."""
    for today in days:
        site.publish(*days[: days.index(today) + 1], title="Sky of {day}")
        crawl(site, start=str(days[0]), end=str(today), source="classic", settings=settings)


def hold_archive(directory: Path, seconds: float) -> subprocess.Popen[str]:
    """Another process holding an archive's lock for `seconds`, returned once it holds it."""
    holder = subprocess.Popen(
        [sys.executable, "-c", "import time; from apodscrape import archive; "
         f"archive.lock({str(directory)!r}); print('held', flush=True); time.sleep({seconds})"],
        cwd=ROOT, stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    assert holder.stdout is not None and holder.stdout.readline() == "held\n"
    return holder


def wait_until_requested(site: SiteSim, path: str, seconds: float = 60) -> None:
    """Until the crawl has asked `path` of the site, and half a second more (it waits on
    the answer then: time for a signal to find it waiting)."""
    deadline = time.monotonic() + seconds
    while not site.requested(path) and time.monotonic() < deadline:
        time.sleep(0.05)
    time.sleep(0.5)


def scrapy_crawl(
    site: SiteSim, output: Path, *arguments: str, **settings: object
) -> subprocess.CompletedProcess[str]:
    """`start_scrapy_crawl`, run to its end (two minutes at most)."""
    process = start_scrapy_crawl(site, output, *arguments, **settings)
    stdout, stderr = process.communicate(timeout=120)
    return subprocess.CompletedProcess(process.args, process.returncode, stdout, stderr)


@pytest.fixture
def crawl(tmp_path: Path):
    """Run the apod spider in-process with the real engine; returns items and stats."""

    def run(
        site: SiteSim,
        output: Path | None = None,
        settings: dict | None = None,
        **spider_args: str,
    ) -> CrawlResult:
        settings = project_settings_dict(
            APOD_CLASSIC_URL=f"{site.url}/apod/",
            APOD_SCIENCE_URL=f"{site.url}/science/",
            APOD_OUTPUT_DIR=str(output or tmp_path / "output"),
            **(settings or {}),
        )
        crawler = get_crawler(ApodSpider, settings)
        items: list[Any] = []

        def collect(item: Any) -> None:  # a named receiver: signals hold weak references
            items.append(item)

        crawler.signals.connect(collect, signal=signals.item_scraped)
        asyncio.run(crawler.crawl_async(**spider_args))
        return CrawlResult(items, crawler.stats.get_stats())

    return run


@pytest.fixture(scope="session")
def classic_archive(corpus: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An archive of every classic capture in the corpus (read only: tests share it)."""
    return write_days(tmp_path_factory.mktemp("classic"), corpus_days(corpus))


def capture_corpus(corpus: Path, directory: Path) -> warc.Captured:
    """An archive of the corpus's classic pages and API records, as a crawl keeps them: one
    WARC file of the raw answers, each day's file written from its newest capture. Returns
    what the captures gave."""
    writer = warc.CaptureWriter(archive.warc_dir(directory))
    saved = sorted((corpus / "classic").glob("ap*.html"))
    saved += sorted((corpus / "science").glob("apod-basic-[0-9]*.json"))
    for path in saved:
        writer.write(url_of(path), 200, [("Content-Type", "text/html")], path.read_bytes())
    writer.close()
    captured = warc.days_in(warc.warc_files(archive.warc_dir(directory)))
    for day in captured.days.values():
        archive.store(directory, day, sync=False)
    return captured


@pytest.fixture(scope="session")
def corpus_archive(corpus: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The corpus's captures and their day files, with the catalog built from both (tests
    that change it copy it first)."""
    directory = tmp_path_factory.mktemp("catalogued")
    captured = capture_corpus(corpus, directory)
    db = catalog.open_catalog(directory)
    catalog.build(db, directory, captured)
    db.close()
    return directory
