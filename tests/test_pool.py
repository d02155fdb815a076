"""Parsing in a worker process (apodscrape.pool, APOD_PARSE_WORKERS): the same Days, the same
errors, the same crawl as in the crawl's own process; a dead worker loses no day; a short
run starts no worker."""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import multiprocessing
import os
import pickle
import signal
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from scrapy import signals
from scrapy.utils.test import get_crawler

from apodscrape import errors, parse_page
from apodscrape.pool import WorkerPool
from apodscrape.spiders.apod import ApodSpider
from sitesim import ARCHIVE_PAGE, SiteSim, classic_page

from .conftest import day_files, project_settings_dict

DECEMBER = [dt.date(2024, 12, 1) + dt.timedelta(days=n) for n in range(31)]
JANUARY = [dt.date(2025, 1, 1) + dt.timedelta(days=n) for n in range(24)]
URL = "http://127.0.0.1:9/apod/ap250105.html"
POOL_ON = {"APOD_PARSE_WORKERS": 1, "APOD_PARSE_WORKERS_MIN_DAYS": 1}
POOL_OFF = {"APOD_PARSE_WORKERS": 0}


def _error_classes(base: type[Exception] = errors.ApodError) -> list[type[Exception]]:
    found = [base]
    for subclass in base.__subclasses__():
        found += _error_classes(subclass)
    return found


@pytest.mark.parametrize("kind", _error_classes(), ids=lambda kind: kind.__name__)
def test_every_apod_error_comes_back_from_a_worker_intact(kind: type[Exception]) -> None:
    error = pickle.loads(pickle.dumps(kind("the page shows 2025-01-06, not 2025-01-05")))
    assert type(error) is kind
    assert str(error) == "the page shows 2025-01-06, not 2025-01-05"


@pytest.fixture
def pool() -> Iterator[WorkerPool]:
    workers = WorkerPool(1)
    yield workers
    workers.close()


def test_a_worker_gives_what_parse_page_gives(pool: WorkerPool, spec: Path) -> None:
    body = (spec / "ap250105.reconstructed.html").read_bytes()
    wrong = body.replace(b"2025 January 5", b"2025 January 6")

    async def scenario() -> None:
        assert await pool.run(parse_page, body, URL) == parse_page(body, URL)
        with pytest.raises(errors.WrongDayError, match="shows 2025-01-06, but its address"):
            await pool.run(parse_page, wrong, URL)
        with pytest.raises(errors.NotADayPage, match="an empty answer"):
            await pool.run(parse_page, b"", URL)
        assert await pool.run(os.getpid) != os.getpid()  # it did run in a worker

    asyncio.run(scenario())
    assert pool.started and not pool.broken


def test_calls_made_together_each_get_their_own_outcome(pool: WorkerPool, spec: Path) -> None:
    body = (spec / "ap250105.reconstructed.html").read_bytes()
    wrong = body.replace(b"2025 January 5", b"2025 January 6")

    async def scenario() -> list[Any]:  # one turn of the loop: one batch for the worker
        calls = [pool.run(parse_page, page, URL) for page in (body, wrong, b"", body)]
        return await asyncio.gather(*calls, return_exceptions=True)

    day, wrong_day, empty, again = asyncio.run(scenario())
    assert day == again == parse_page(body, URL)
    assert isinstance(wrong_day, errors.WrongDayError) and isinstance(empty, errors.NotADayPage)


class _Unpicklable(Exception):
    def __init__(self) -> None:
        super().__init__("holds a lock")
        self.lock = threading.Lock()


def _fails_unpicklably(*_args: Any) -> None:
    raise _Unpicklable()


def test_an_exception_that_cannot_be_pickled_fails_its_call_alone(pool: WorkerPool, spec) -> None:
    body = (spec / "ap250105.reconstructed.html").read_bytes()

    async def scenario() -> list[Any]:  # one batch: the bug's outcome travels with the others
        calls = [
            pool.run(parse_page, body, URL),
            pool.run(_fails_unpicklably),
            pool.run(parse_page, body, URL),
        ]
        return await asyncio.gather(*calls, return_exceptions=True)

    day, bug, again = asyncio.run(scenario())
    assert day == again == parse_page(body, URL)
    assert isinstance(bug, RuntimeError) and str(bug) == "_Unpicklable: holds a lock"
    assert not pool.broken


def test_a_call_that_cannot_be_sent_is_made_here(pool: WorkerPool) -> None:
    lock = threading.Lock()  # cannot be pickled

    async def scenario() -> tuple[Any, Any]:
        return await pool.run(id, lock), await pool.run(os.getpid)

    here, worker = asyncio.run(scenario())
    assert here == id(lock) and worker != os.getpid()
    assert not pool.broken


def test_the_crawl_s_process_gets_no_thread_for_its_workers(pool: WorkerPool, spec) -> None:
    """A thread beside the event loop takes the GIL from it for every call."""
    body = (spec / "ap250105.reconstructed.html").read_bytes()
    before = set(threading.enumerate())

    async def scenario() -> set[threading.Thread]:
        await asyncio.gather(*(pool.run(parse_page, body, URL) for _ in range(20)))
        return set(threading.enumerate()) - before

    assert asyncio.run(scenario()) == set()


class _TwoArguments(Exception):
    """Pickles, and cannot be rebuilt from its pickle (as urllib's HTTPError)."""

    def __init__(self, first: str, second: str) -> None:
        super().__init__(f"{first}/{second}")


def _fails_with_two_arguments() -> None:
    raise _TwoArguments("x", "y")


def _answer_of(size: int, delay: float) -> bytes:
    time.sleep(delay)
    return b"r" * size


def test_an_exception_that_cannot_be_rebuilt_fails_its_call_alone(pool: WorkerPool) -> None:
    async def scenario() -> tuple[Any, Any]:
        failed = await asyncio.gather(pool.run(_fails_with_two_arguments), return_exceptions=True)
        return failed[0], await pool.run(os.getpid)

    error, pid = asyncio.run(scenario())
    assert isinstance(error, RuntimeError) and str(error) == "_TwoArguments: x/y"
    assert pid != os.getpid() and not pool.broken


def _returns_a_lock() -> threading.Lock:
    return threading.Lock()


def test_a_result_that_cannot_be_sent_back_fails_its_call_alone(pool: WorkerPool) -> None:
    async def scenario() -> list[Any]:  # one batch: the other calls keep their results
        calls = [pool.run(os.getpid), pool.run(_returns_a_lock), pool.run(os.getpid)]
        return await asyncio.gather(*calls, return_exceptions=True)

    first, lock, last = asyncio.run(scenario())
    assert first == last != os.getpid()
    assert isinstance(lock, RuntimeError) and str(lock).startswith("lock: cannot pickle")
    assert not pool.broken


def test_a_cancelled_call_leaves_the_rest_of_its_batch_its_outcome(pool: WorkerPool) -> None:
    async def scenario() -> Any:
        await pool.run(os.getpid)
        first = asyncio.ensure_future(pool.run(os.getpid))
        second = asyncio.ensure_future(pool.run(id, threading.Lock()))  # cannot be sent
        await asyncio.sleep(0)  # both in one batch, not yet submitted
        first.cancel()
        return await asyncio.wait_for(second, 10)

    assert isinstance(asyncio.run(scenario()), int)


def test_closing_while_both_ends_have_much_to_send_blocks_neither(pool: WorkerPool) -> None:
    """The worker owes a 20 MB answer while 20 MB of the next batch wait to be sent: each
    end would wait to write until the other reads."""

    async def scenario() -> tuple[int, int]:
        await pool.run(os.getpid)
        answer = asyncio.ensure_future(pool.run(_answer_of, 20_000_000, 0.3))
        await asyncio.sleep(0.05)  # sent
        sent = asyncio.ensure_future(pool.run(len, b"a" * 20_000_000))
        await asyncio.sleep(0.05)  # partly sent
        pool.close()
        return len(await answer), await sent

    assert asyncio.run(asyncio.wait_for(scenario(), 60)) == (20_000_000, 20_000_000)


def test_a_dead_worker_loses_no_parse_and_is_said_once(pool: WorkerPool, spec, caplog) -> None:
    body = (spec / "ap250105.reconstructed.html").read_bytes()

    async def scenario() -> list[Any]:
        os.kill(await pool.run(os.getpid), signal.SIGKILL)
        return [await pool.run(parse_page, body, URL) for _ in range(3)]

    with caplog.at_level(logging.WARNING, logger="apodscrape.pool"):
        assert asyncio.run(scenario()) == [parse_page(body, URL)] * 3
    assert pool.broken
    assert [record.getMessage() for record in caplog.records] == [
        "a parse worker died: parsing and writing in the crawl's process from now on"
    ]


def test_a_call_made_as_the_pool_closes_still_gets_its_outcome(pool: WorkerPool, spec) -> None:
    body = (spec / "ap250105.reconstructed.html").read_bytes()

    async def scenario() -> tuple[Any, Any]:
        await pool.run(os.getpid)  # the worker is up
        waiting = asyncio.ensure_future(pool.run(parse_page, body, URL))
        await asyncio.sleep(0)  # the call is made, its batch not yet submitted
        pool.close()
        return await asyncio.wait_for(waiting, 30), await pool.run(os.getpid)

    day, pid = asyncio.run(scenario())
    assert day == parse_page(body, URL) and pid == os.getpid()


def test_no_worker_when_asked_for_none() -> None:
    in_process = WorkerPool(0)
    assert asyncio.run(in_process.run(os.getpid)) == os.getpid()
    assert not in_process.started


# --- crawls with and without the worker ------------------------------------------------------


def _january(site: SiteSim) -> None:
    """December 2024, and 24 days of January 2025 of every outcome: written, missing (404),
    failed (not a day, another day's page, a page cut short)."""
    site.publish(*DECEMBER, *[day for day in JANUARY if day != dt.date(2025, 1, 9)])
    site.page("/apod/ap250112.html", ARCHIVE_PAGE)
    site.page("/apod/ap250115.html", classic_page(JANUARY[0]).body)
    cut = site.classic_page(dt.date(2025, 1, 20)).body
    site.page("/apod/ap250120.html", cut[: len(cut) // 2])


def _crawl(site: SiteSim, output: Path, settings: dict[str, Any], kill_worker: bool = False):
    """An in-process crawl of January (classic pages) and of December and January from the
    API's list pages (3 of them) into a second archive; the day files and the stats of each. With
    `kill_worker`, the parse worker is killed when the first day is scraped."""
    results = []
    for name, arguments in [
        ("classic", {"source": "classic", "start": "2025-01-01", "end": "2025-01-24"}),
        ("science", {"source": "science", "start": "2024-12-01", "end": "2025-01-24"}),
    ]:
        archive = output / name
        crawler = get_crawler(ApodSpider, project_settings_dict(
            APOD_CLASSIC_URL=f"{site.url}/apod/", APOD_SCIENCE_URL=f"{site.url}/science/",
            APOD_OUTPUT_DIR=str(archive), **settings,
        ))  # fmt: skip

        def scraped(item: Any) -> None:  # a named receiver: signals hold weak references
            if kill_worker:
                for worker in multiprocessing.active_children():
                    os.kill(worker.pid, signal.SIGKILL)

        crawler.signals.connect(scraped, signal=signals.item_scraped)
        asyncio.run(crawler.crawl_async(**arguments))
        files = {path: (archive / path).read_bytes() for path in day_files(archive)}
        results.append((files, crawler.stats.get_stats()))
    return results


# What must be the same: every outcome and every request (time, memory and the worker's own
# stats are not).
def _compared(stats: dict[str, Any]) -> dict[str, Any]:
    return {
        key: value
        for key, value in stats.items()
        if (
            key.startswith(("apod/", "downloader/request_count", "downloader/response_status"))
            and not key.startswith("apod/parse_worker")
        )
        or key in ("item_scraped_count", "response_received_count", "finish_reason")
    }


def test_a_crawl_with_the_worker_is_the_crawl_without(site: SiteSim, tmp_path: Path) -> None:
    _january(site)
    without = _crawl(site, tmp_path / "in-process", POOL_OFF)
    pooled = _crawl(site, tmp_path / "worker", POOL_ON)
    for (files, stats), (pooled_files, pooled_stats) in zip(without, pooled, strict=True):
        assert pooled_files == files
        assert _compared(pooled_stats) == _compared(stats)
        assert pooled_stats["apod/parse_workers"] == 1 and "apod/parse_workers" not in stats
    classic, science = without
    assert {key: classic[1].get(f"apod/{key}") for key in ("written", "missing", "failed")} == {
        "written": 20, "missing": 1, "failed": 3,
    }  # fmt: skip
    assert science[1]["apod/written"] == 54 and science[1]["apod/missing"] == 1


def test_a_worker_killed_mid_crawl_loses_no_day(site: SiteSim, tmp_path: Path, caplog) -> None:
    _january(site)
    without = _crawl(site, tmp_path / "in-process", POOL_OFF)
    with caplog.at_level(logging.WARNING, logger="apodscrape.pool"):
        killed = _crawl(site, tmp_path / "killed", POOL_ON, kill_worker=True)
    for (files, stats), (killed_files, killed_stats) in zip(without, killed, strict=True):
        assert killed_files == files
        assert _compared(killed_stats) == _compared(stats)
        assert killed_stats["apod/parse_worker_died"] == 1
    assert len([r for r in caplog.records if "a parse worker died" in r.getMessage()]) == 2


def test_a_short_run_starts_no_worker(site: SiteSim, crawl, tmp_path: Path) -> None:
    site.publish(*JANUARY[:3])
    result = crawl(site, source="classic", start="2025-01-01", end="2025-01-03")  # a cron run
    assert result.stats["apod/written"] == 3
    assert "apod/parse_workers" not in result.stats
    assert multiprocessing.active_children() == []
