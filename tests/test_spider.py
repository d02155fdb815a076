"""The apod spider with the real Scrapy engine against a local site: in-process crawls, and
`scrapy crawl` itself in a subprocess for what only the command line does (exit status)."""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import os

import pytest
from scrapy import signals
from scrapy.downloadermiddlewares.cookies import CookiesMiddleware
from scrapy.downloadermiddlewares.httpauth import HttpAuthMiddleware
from scrapy.downloadermiddlewares.offsite import OffsiteMiddleware
from scrapy.spidermiddlewares.depth import DepthMiddleware
from scrapy.spidermiddlewares.urllength import UrlLengthMiddleware
from scrapy.utils.test import get_crawler

from apodscrape.crawl import settings
from apodscrape.crawl.middlewares import AllowedHostsMiddleware
from apodscrape.crawl.spiders.apod import ApodSpider
from sitesim import API_PATH, ARCHIVE_PAGE, SiteSim, classic_page

from .conftest import day_files, project_settings_dict, scrapy_crawl

JAN_3, JAN_4, JAN_5 = dt.date(2025, 1, 3), dt.date(2025, 1, 4), dt.date(2025, 1, 5)


def serve_day(site: SiteSim, day: dt.date, title: str) -> None:
    site.publish(day, title=title)


def api_fails(site: SiteSim, day: dt.date) -> None:
    """science.nasa.gov fails for `day` too: in `auto` mode a classic page that gives no day
    is asked there (a day the simulated API does not have would be missing, not failed)."""
    site.page(f"{API_PATH}/{day:%y%m%d}", b"upstream error", status=500)


def test_crawl_writes_each_day_and_counts_a_missing_one(site, crawl, tmp_path) -> None:
    serve_day(site, JAN_3, "Third")
    serve_day(site, JAN_5, "Fifth")  # January 4 answers 404: a day without a page
    result = crawl(site, start="2025-01-03", end="2025-01-05")

    assert day_files(tmp_path / "output") == [
        "ap250103.txt",
        "ap250105.txt",
    ]
    assert '"title": "Fifth"' in (tmp_path / "output" / "ap250105.txt").read_text()
    assert [day.title for day in sorted(result.items, key=lambda d: d.date)] == ["Third", "Fifth"]
    assert result.stats["apod/written"] == 2
    assert result.stats["apod/missing"] == 1
    assert "apod/failed" not in result.stats
    assert sorted(site.requested("/apod/")) == [
        "/apod/ap250103.html",
        "/apod/ap250104.html",
        "/apod/ap250105.html",
    ]


def test_dates_argument_asks_for_those_days_only(site, crawl) -> None:
    serve_day(site, JAN_3, "Third")
    serve_day(site, JAN_5, "Fifth")
    result = crawl(site, dates="2025-01-05,2025-01-03")
    assert sorted(site.requested("/apod/")) == ["/apod/ap250103.html", "/apod/ap250105.html"]
    assert result.stats["apod/written"] == 2


def test_documented_example_crawled_in_process(site, crawl, spec, tmp_path) -> None:
    site.page("/apod/ap250105.html", (spec / "ap250105.reconstructed.html").read_bytes())
    crawl(site, dates="2025-01-05")
    written = (tmp_path / "output" / "ap250105.txt").read_bytes()
    assert written == (spec / "ap250105.txt").read_bytes()


def test_page_of_another_day_is_never_written_under_the_asked_day(site, crawl, tmp_path) -> None:
    site.page("/apod/ap250105.html", classic_page(JAN_4, title="Yesterday's page").body)
    api_fails(site, JAN_5)
    result = crawl(site, dates="2025-01-05")
    assert day_files(tmp_path / "output") == []
    assert result.stats["apod/failed"] == 1
    assert result.items == []


def test_non_day_page_is_refused_and_counted(site, crawl, tmp_path) -> None:
    site.page("/apod/ap250105.html", ARCHIVE_PAGE)
    api_fails(site, JAN_5)
    result = crawl(site, dates="2025-01-05")
    assert not (tmp_path / "output" / "ap250105.txt").exists()
    assert result.stats["apod/failed"] == 1


def test_server_error_fails_the_day_without_a_file(site, crawl, tmp_path) -> None:
    site.page("/apod/ap250105.html", b"oops", status=500)
    api_fails(site, JAN_5)
    result = crawl(site, dates="2025-01-05")
    assert not (tmp_path / "output" / "ap250105.txt").exists()
    assert result.stats["apod/failed"] == 1
    assert len(site.requested("/apod/ap250105.html")) == 1 + settings.RETRY_TIMES


def test_same_content_again_leaves_the_file_untouched(site, crawl, tmp_path) -> None:
    serve_day(site, JAN_5, "Fifth")
    crawl(site, dates="2025-01-05")
    path = tmp_path / "output" / "ap250105.txt"
    os.utime(path, (1_000_000_000, 1_000_000_000))
    result = crawl(site, dates="2025-01-05")
    assert result.stats["apod/unchanged"] == 1
    assert "apod/written" not in result.stats
    assert path.stat().st_mtime == 1_000_000_000


def test_changed_content_is_rewritten(site, crawl, tmp_path) -> None:
    serve_day(site, JAN_5, "Fifth")
    crawl(site, dates="2025-01-05")
    serve_day(site, JAN_5, "Fifth, corrected")
    result = crawl(site, dates="2025-01-05")
    assert result.stats["apod/written"] == 1
    assert '"title": "Fifth, corrected"' in (tmp_path / "output" / "ap250105.txt").read_text()


@pytest.mark.parametrize("level", ["INFO", "DEBUG"])
def test_no_message_below_the_log_level_is_built(site, crawl, caplog, level) -> None:
    """Scrapy's handler drops what is below LOG_LEVEL; its loggers and ours never build it
    (a record for each page, "Crawled" and "Scraped"), and are as before once it is over."""
    site.publish(dt.date(2025, 1, 5))
    before = [logging.getLogger(name).level for name in ("scrapy", "apodscrape")]
    caplog.set_level(logging.DEBUG)  # a handler that would keep anything it is given
    crawl(site, settings={"LOG_LEVEL": level}, dates="2025-01-05", source="classic")
    debug = [r.getMessage() for r in caplog.records if r.levelno < logging.INFO]
    per_page = [m for m in debug if m.startswith(("Crawled (200)", "Scraped from", "ap250105:"))]
    assert len(per_page) == (0 if level == "INFO" else 4)  # the day's, and robots.txt's
    assert [logging.getLogger(name).level for name in ("scrapy", "apodscrape")] == before


def test_scrapy_components_that_do_nothing_here_are_off(site, tmp_path) -> None:
    """Each is work for every request or answer: the crawl has hosts of its own
    (AllowedHostsMiddleware), no cookie, credential or depth that matters, and only
    addresses it makes."""
    site.publish(dt.date(2025, 1, 5))
    crawler = get_crawler(ApodSpider, project_settings_dict(
        APOD_CLASSIC_URL=f"{site.url}/apod/", APOD_OUTPUT_DIR=str(tmp_path),
    ))  # fmt: skip
    found: dict[str, object] = {}

    def opened() -> None:  # a named receiver: signals hold weak references
        for kind in (AllowedHostsMiddleware, CookiesMiddleware, HttpAuthMiddleware,
                     OffsiteMiddleware):  # fmt: skip
            found[kind.__name__] = crawler.get_downloader_middleware(kind)
        for kind in (DepthMiddleware, UrlLengthMiddleware):
            found[kind.__name__] = crawler.get_spider_middleware(kind)

    crawler.signals.connect(opened, signal=signals.spider_opened)
    asyncio.run(crawler.crawl_async(dates="2025-01-05", source="classic"))
    assert found.pop("AllowedHostsMiddleware") is not None  # the query does find what is on
    assert found == dict.fromkeys(found)


def test_politeness_and_quiet_defaults() -> None:
    assert settings.ROBOTSTXT_OBEY is True
    assert settings.AUTOTHROTTLE_ENABLED is True
    assert settings.CONCURRENT_REQUESTS_PER_DOMAIN == 1
    assert settings.DOWNLOAD_DELAY > 0
    assert settings.USER_AGENT.startswith("apodscrape/") and "+https://" in settings.USER_AGENT
    assert settings.TELNETCONSOLE_ENABLED is False
    assert settings.REMOTE_CONTROL_ENABLED is False
    assert 1024 * 1024 <= settings.DOWNLOAD_MAXSIZE <= 8 * 1024 * 1024


# --- `scrapy crawl` in a subprocess -------------------------------------------------------


@pytest.mark.slow
def test_scrapy_crawl_writes_the_documented_example(site, spec, tmp_path) -> None:
    site.page("/apod/ap250105.html", (spec / "ap250105.reconstructed.html").read_bytes())
    run = scrapy_crawl(site, tmp_path, "-a", "dates=2025-01-05")
    assert run.returncode == 0, run.stderr
    assert (tmp_path / "ap250105.txt").read_bytes() == (spec / "ap250105.txt").read_bytes()


@pytest.mark.slow  # ten subprocesses; the messages are test_plan's, in-process
@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (
            ["-a", "start=2025-13-01"],
            "error: start='2025-13-01' is not a date of the form YYYY-MM-DD",
        ),
        (
            ["-a", "start=1995-06-15"],
            "error: start=1995-06-15 is before the first APOD (1995-06-16)",
        ),
        (["-a", "dates=2999-01-01"], "error: dates=2999-01-01 is after today"),
        (
            ["-a", "start=2025-02-01", "-a", "end=2025-01-01"],
            "error: start=2025-02-01 is after end=2025-01-01",
        ),
        (["-a", "start=2025-01-01", "-a", "dates=2025-01-02"], "error: give either dates="),
        (["-a", "stat=2025-01-01"], "error: -a stat=: no such argument (the apod spider takes"),
        (["-a", "media=maybe"], "error: media='maybe' is neither 1 (on) nor 0 (off)"),
        (["-a", "source=nasa"], "error: source='nasa' is not one of auto, classic, science"),
        (["-s", "APOD_SCIENCE_PER_PAGE=abc"], "error: APOD_SCIENCE_PER_PAGE='abc' is not a whole"),
        (["-s", "APOD_SOURCE=web"], "error: APOD_SOURCE='web' is not one of auto, classic"),
    ],
)
def test_bad_dates_exit_non_zero_with_one_line(site, tmp_path, arguments, message) -> None:
    run = scrapy_crawl(site, tmp_path, *arguments)
    assert run.returncode == 2
    lines = run.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith(message), run.stderr
    assert "Traceback" not in run.stderr and run.stdout == ""
    assert site.requests == []
    assert list(tmp_path.iterdir()) == []  # no file, no capture


@pytest.mark.slow
def test_a_failed_day_makes_scrapy_crawl_exit_non_zero(site, tmp_path) -> None:
    serve_day(site, JAN_4, "Fourth")
    site.page("/apod/ap250105.html", ARCHIVE_PAGE)
    api_fails(site, JAN_5)
    run = scrapy_crawl(site, tmp_path, "-a", "start=2025-01-04", "-a", "end=2025-01-05")
    assert run.returncode == 1
    assert "2025-01-05: failed" in run.stderr
    assert day_files(tmp_path) == ["ap250104.txt"]
