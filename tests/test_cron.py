"""Cron-grade mirroring: incremental runs, raw captures and rebuilds, failures injected by
the simulated site (errors, 429 with Retry-After, truncated bodies, a killed run)."""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import os
import signal
import subprocess
import time
from pathlib import Path
from types import SimpleNamespace

import pytest

from apodscrape import archive, days
from apodscrape.__main__ import main
from apodscrape.crawl import middlewares
from sitesim import Answer, SiteSim, classic_page

from .conftest import day_files, start_scrapy_crawl

JAN = [dt.date(2025, 1, 1) + dt.timedelta(days=n) for n in range(10)]


def serve_classic(site: SiteSim, run: list[dt.date], delay: float = 0.0) -> None:
    site.publish(*run, title="Sky of {day}")
    site.delay = delay


def page_path(day: dt.date) -> str:
    return f"/apod/ap{day:%y%m%d}.html"


# --- incremental runs ----------------------------------------------------------------------


def test_second_run_asks_only_the_refresh_window_and_touches_no_file(site, crawl, tmp_path):
    serve_classic(site, JAN)
    crawl(site, start=str(JAN[0]), end=str(JAN[-1]))
    output = tmp_path / "output"
    before = {name: (output / name).stat().st_mtime_ns for name in day_files(output)}
    site.hits.clear()

    result = crawl(site, start=str(JAN[0]), end=str(JAN[-1]))
    assert sorted(site.requested("/apod/")) == [page_path(d) for d in JAN[-3:]]
    assert {name: (output / name).stat().st_mtime_ns for name in day_files(output)} == before
    assert result.stats["apod/skipped"] == 7
    assert result.stats["apod/unchanged"] == 3
    assert "apod/written" not in result.stats


@pytest.mark.parametrize(("refresh", "asked"), [("0", 0), ("5", 5), ("all", 10)])
def test_refresh_argument(site, crawl, refresh: str, asked: int) -> None:
    serve_classic(site, JAN)
    crawl(site, start=str(JAN[0]), end=str(JAN[-1]))
    site.hits.clear()
    crawl(site, start=str(JAN[0]), end=str(JAN[-1]), refresh=refresh)
    assert sorted(site.requested("/apod/")) == [page_path(d) for d in JAN[len(JAN) - asked :]]


def test_a_day_missing_from_the_archive_is_fetched_whatever_the_window(site, crawl, tmp_path):
    serve_classic(site, JAN)
    crawl(site, start=str(JAN[0]), end=str(JAN[-1]))
    (tmp_path / "output" / f"ap{JAN[2]:%y%m%d}.txt").unlink()
    site.hits.clear()
    crawl(site, start=str(JAN[0]), end=str(JAN[-1]), refresh="0")
    assert site.requested("/apod/") == [page_path(JAN[2])]


def test_known_gaps_are_missing_without_a_request(site, crawl) -> None:
    june_1995 = [dt.date(1995, 6, 16) + dt.timedelta(days=n) for n in range(10)]
    serve_classic(site, [d for d in june_1995 if d not in days.KNOWN_GAPS])
    result = crawl(site, start=str(june_1995[0]), end=str(june_1995[-1]))
    assert result.stats["apod/missing"] == 3
    assert result.stats["apod/written"] == 7
    assert sorted(site.requested("/apod/")) == sorted(
        page_path(d) for d in june_1995 if d not in days.KNOWN_GAPS
    )


def test_refresh_all_asks_the_known_gaps_too(site, crawl) -> None:
    june_1995 = [dt.date(1995, 6, 16) + dt.timedelta(days=n) for n in range(10)]
    serve_classic(site, [d for d in june_1995 if d not in days.KNOWN_GAPS])
    result = crawl(site, start=str(june_1995[0]), end=str(june_1995[-1]), refresh="all")
    assert len(site.requested("/apod/")) == 10
    assert result.stats["apod/missing"] == 3


def test_without_dates_the_run_continues_from_the_newest_archived_day(site, crawl, tmp_path):
    today = days.today_eastern()
    recent = [today - dt.timedelta(days=n) for n in range(9, -1, -1)]
    site.publish(*recent, title="Sky of {day}")
    crawl(site, start=str(recent[0]), end=str(recent[5]))  # the archive ends 4 days ago
    site.hits.clear()

    result = crawl(site)
    assert day_files(tmp_path / "output") == sorted(f"ap{d:%y%m%d}.txt" for d in recent)
    assert result.stats["apod/written"] == 4  # the 4 newest days, in one list page
    asked = site.requested("/science/")
    assert len(asked) == 1 and f"date_from={recent[6]:%y%m%d}&" in asked[0]


def test_without_dates_an_empty_archive_gets_today(site, crawl, tmp_path) -> None:
    today = days.today_eastern()
    site.publish(today, title="Today")
    result = crawl(site)
    assert day_files(tmp_path / "output") == [f"ap{today:%y%m%d}.txt"]
    assert result.stats["apod/days"] == 1


def test_stale_temporary_files_of_a_killed_run_are_removed(site, crawl, tmp_path) -> None:
    output = tmp_path / "output"
    output.mkdir()
    leftover = output / ".ap250101.txt.x1y2.tmp"
    leftover.write_text("half a fi")
    serve_classic(site, JAN[:1])
    crawl(site, dates=str(JAN[0]))
    assert not leftover.exists()
    assert day_files(output) == ["ap250101.txt"]


# --- failures ------------------------------------------------------------------------------


def test_server_error_then_success_is_retried_and_written(site, crawl, tmp_path) -> None:
    second = Answer(body=classic_page(JAN[0], title="Second try").body)
    site.answers(page_path(JAN[0]), Answer(500), second)
    result = crawl(site, dates=str(JAN[0]))
    assert len(site.requested(page_path(JAN[0]))) == 2
    assert result.stats["apod/written"] == 1
    assert "Second try" in (tmp_path / "output" / "ap250101.txt").read_text()


class SkippingClock:
    """A monotonic clock whose sleeps end at once: each moves the clock forward instead."""

    def __init__(self) -> None:
        self.skipped = 0.0

    def __call__(self) -> float:
        return time.monotonic() + self.skipped

    async def sleep(self, seconds: float) -> None:
        self.skipped += seconds
        await asyncio.sleep(0)


@pytest.mark.slow
def test_429_with_retry_after_is_honoured(site, crawl, monkeypatch) -> None:
    # The crawl's wait for Retry-After passes at once on a clock the site reads too: by that
    # clock the retry still comes at least Retry-After seconds after the 429.
    clock = SkippingClock()
    site.clock = clock
    monkeypatch.setattr(middlewares, "asyncio", SimpleNamespace(sleep=clock.sleep))
    site.answers(
        page_path(JAN[0]),
        Answer(429, b"slow down", {"Retry-After": "2"}),
        Answer(body=classic_page(JAN[0], title="After waiting").body),
    )
    result = crawl(site, dates=str(JAN[0]))
    first, second = site.times(page_path(JAN[0]))
    assert second - first >= 2.0
    assert result.stats["apod/written"] == 1
    assert result.stats["apod/retry_after"] == 1


def test_a_retry_after_beyond_the_limit_fails_the_day_instead_of_waiting(site, crawl) -> None:
    site.page(page_path(JAN[0]), b"come back tomorrow", status=429, **{"Retry-After": "86400"})
    started = time.monotonic()
    result = crawl(site, dates=str(JAN[0]), settings={"APOD_SOURCE": "classic"})
    assert time.monotonic() - started < 30
    assert result.stats["apod/failed"] == 1


def test_truncated_body_is_not_written(site, crawl, tmp_path) -> None:
    body = classic_page(JAN[0], title="Cut short").body
    site.routes[page_path(JAN[0])] = Answer(body=body, sent=len(body) // 2)
    result = crawl(site, dates=str(JAN[0]), settings={"APOD_SOURCE": "classic"})
    assert day_files(tmp_path / "output") == []
    assert result.stats["apod/failed"] == 1


def test_summary_line_ends_every_run(site, crawl, caplog) -> None:
    serve_classic(site, JAN[:2])
    with caplog.at_level(logging.INFO, logger="apodscrape"):
        crawl(site, start=str(JAN[0]), end=str(JAN[2]))
    summaries = [r.getMessage() for r in caplog.records if r.getMessage().startswith("apod: ")]
    assert summaries == [
        "apod: 2 written, 0 unchanged, 0 skipped, 1 missing, 0 failed (finished in "
        + summaries[0].split(" in ")[-1]
    ]


@pytest.mark.slow
def test_progress_is_logged_during_long_runs(site, crawl, caplog) -> None:
    serve_classic(site, JAN[:4], delay=0.4)
    settings = {
        "APOD_PROGRESS_AFTER": 0,
        "APOD_PROGRESS_INTERVAL": 0.3,
        "CONCURRENT_REQUESTS_PER_DOMAIN": 1,
    }
    with caplog.at_level(logging.INFO, logger="apodscrape"):
        crawl(site, start=str(JAN[0]), end=str(JAN[3]), settings=settings)
    progress = [r.getMessage() for r in caplog.records if r.getMessage().startswith("progress:")]
    assert progress and all("/4 days" in line and "days/s" in line for line in progress)


# --- raw captures and rebuilds -------------------------------------------------------------


def test_rebuild_from_the_captures_gives_the_same_files(site, crawl, tmp_path) -> None:
    # classic pages for January, the list API for a run of 2015 days, one API day alone
    serve_classic(site, JAN[:5])
    may_2015 = [dt.date(2015, 5, 1) + dt.timedelta(days=n) for n in range(6)]
    site.publish(*may_2015, title="Listed {day}")
    crawl(site, start=str(JAN[0]), end=str(JAN[4]))
    crawl(site, start=str(may_2015[0]), end=str(may_2015[-1]), source="science")
    output = tmp_path / "output"
    crawled = {name: (output / name).read_bytes() for name in day_files(output)}
    assert len(crawled) == 11
    for name in crawled:
        (output / name).unlink()

    assert main(["rebuild", "--out", str(output)]) == 0
    assert {name: (output / name).read_bytes() for name in day_files(output)} == crawled


def test_rebuild_prefers_the_newest_capture_and_leaves_unchanged_files(site, crawl, tmp_path):
    site.publish(JAN[0], title="First version")
    crawl(site, dates=str(JAN[0]))
    site.publish(JAN[0], title="Corrected version")
    crawl(site, dates=str(JAN[0]))
    path = tmp_path / "output" / "ap250101.txt"
    os.utime(path, (1_000_000_000, 1_000_000_000))
    assert main(["rebuild", "--out", str(tmp_path / "output"), "--jobs", "1"]) == 0
    assert "Corrected version" in path.read_text()
    assert path.stat().st_mtime == 1_000_000_000


def test_captures_can_be_turned_off(site, crawl, tmp_path) -> None:
    serve_classic(site, JAN[:1])
    crawl(site, dates=str(JAN[0]), settings={"APOD_WARC_ENABLED": False})
    assert not (tmp_path / "output" / "warc").exists()


def test_rebuild_without_captures_is_one_line_error(tmp_path, capsys) -> None:
    assert main(["rebuild", "--out", str(tmp_path)]) == 1
    assert capsys.readouterr().err == f"error: no captures at {tmp_path / 'warc'}\n"


# --- the command line: interruptions and exit status --------------------------------------

CRON = {"LOG_LEVEL": "INFO", "CONCURRENT_REQUESTS_PER_DOMAIN": 4}


def wait_for_files(output: Path, count: int, process: subprocess.Popen) -> None:
    deadline = time.monotonic() + 60
    while len(day_files(output)) < count and process.poll() is None:
        assert time.monotonic() < deadline, "the crawl made no progress"
        time.sleep(0.05)


def assert_every_file_complete(output: Path) -> None:
    for name in day_files(output):
        metadata, _ = archive.read((output / name).read_text(encoding="utf-8"))
        assert metadata["title"].startswith("Sky of ") and name[2:8] in metadata["canonicalUrl"]


MARCH = [dt.date(2025, 3, 1) + dt.timedelta(days=n) for n in range(30)]
MARCH_SPAN = ("-a", f"start={MARCH[0]}", "-a", f"end={MARCH[-1]}")


def crawl_march_until(site: SiteSim, output: Path, files: int) -> subprocess.Popen[str]:
    """`scrapy crawl` of MARCH from the classic site slowed to 0.1 s a page, still running
    once `files` day files are written (to be signalled)."""
    serve_classic(site, MARCH, delay=0.1)
    process = start_scrapy_crawl(site, output, *MARCH_SPAN, **CRON)
    wait_for_files(output, files, process)
    return process


@pytest.mark.slow
def test_sigkill_leaves_no_partial_file_and_the_next_run_completes(site, tmp_path) -> None:
    output = tmp_path / "output"
    process = crawl_march_until(site, output, 5)
    process.kill()
    process.wait(timeout=30)
    assert 5 <= len(day_files(output)) < 30
    assert_every_file_complete(output)

    rerun = start_scrapy_crawl(site, output, *MARCH_SPAN, **CRON)
    assert rerun.wait(timeout=120) == 0, rerun.stderr.read()
    assert day_files(output) == [f"ap{d:%y%m%d}.txt" for d in MARCH]
    assert_every_file_complete(output)
    assert list(output.glob(".ap*.tmp")) == []


@pytest.mark.slow
def test_sigterm_stops_cleanly_and_exits_non_zero(site, tmp_path) -> None:
    output = tmp_path / "output"
    process = crawl_march_until(site, output, 3)
    process.send_signal(signal.SIGTERM)
    assert process.wait(timeout=60) == 1
    stderr = process.stderr.read()
    assert "shutdown" in stderr and "Traceback" not in stderr
    assert 3 <= len(day_files(output)) < 30
    assert_every_file_complete(output)


@pytest.mark.slow
def test_persistent_server_errors_exit_non_zero_without_a_file(site, tmp_path) -> None:
    site.page(page_path(JAN[0]), b"down", status=503)
    arguments = ("-a", f"dates={JAN[0]}", "-a", "source=classic")
    process = start_scrapy_crawl(site, tmp_path, *arguments, **CRON)
    assert process.wait(timeout=120) == 1
    assert day_files(tmp_path) == []
    assert len(site.requested(page_path(JAN[0]))) == 3  # the request and its 2 retries
    assert "1 failed" in process.stderr.read()


@pytest.mark.slow
def test_truncated_body_is_not_written_by_scrapy_crawl(site, tmp_path) -> None:
    body = classic_page(JAN[0], title="Cut short").body
    site.routes[page_path(JAN[0])] = Answer(body=body, sent=100)
    arguments = ("-a", f"dates={JAN[0]}", "-a", "source=classic")
    process = start_scrapy_crawl(site, tmp_path, *arguments, **CRON)
    assert process.wait(timeout=120) == 1
    assert day_files(tmp_path) == []
