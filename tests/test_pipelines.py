"""Item pipelines, called directly (the alltheplaces way): a crawler from get_crawler, then
process_item on a Day; no crawl."""

from __future__ import annotations

import asyncio
import dataclasses
import os
import signal
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from scrapy.exceptions import DropItem
from scrapy.utils.test import get_crawler

from apodscrape import archive, parse_page
from apodscrape.pipelines import WriteDayPipeline, media_url
from apodscrape.pool import WorkerPool
from apodscrape.record import Day

from .conftest import project_settings_dict

URL = "https://apod.nasa.gov/apod/ap250105.html"


@pytest.fixture
def day(spec: Path) -> Day:
    return parse_page((spec / "ap250105.reconstructed.html").read_bytes(), URL)


def _process(writer: WriteDayPipeline, item: Day) -> Day:
    """The pipeline's process_item, run to its end."""
    return asyncio.run(writer.process_item(item))


@pytest.fixture
def writer(tmp_path: Path) -> WriteDayPipeline:
    crawler = get_crawler(settings_dict=project_settings_dict(APOD_OUTPUT_DIR=str(tmp_path)))
    return WriteDayPipeline.from_crawler(crawler)


def test_a_new_day_is_written_and_counted(writer, day, spec, tmp_path) -> None:
    assert _process(writer, day) is day
    assert (tmp_path / "ap250105.txt").read_bytes() == (spec / "ap250105.txt").read_bytes()
    assert writer.stats.get_value("apod/written") == 1


def test_the_same_bytes_are_left_alone(writer, day, tmp_path) -> None:
    _process(writer, day)
    path = tmp_path / "ap250105.txt"
    before = path.stat().st_mtime_ns
    _process(writer, day)
    assert path.stat().st_mtime_ns == before
    assert writer.stats.get_value("apod/unchanged") == 1


def test_a_changed_day_replaces_the_file(writer, day, tmp_path) -> None:
    _process(writer, day)
    _process(writer, dataclasses.replace(day, title="Corrected"))
    assert '"title": "Corrected"' in (tmp_path / "ap250105.txt").read_text()
    assert writer.stats.get_value("apod/written") == 2


def test_a_staged_day_changes_nothing_a_reader_sees_until_it_is_committed(day, tmp_path) -> None:
    archive.store(tmp_path, day)
    path = tmp_path / "ap250105.txt"
    before = path.read_bytes()
    staged = archive.stage(tmp_path, dataclasses.replace(day, title="Corrected"))
    assert path.read_bytes() == before and staged.path == path
    # a run killed now leaves a temporary the next run removes (open_spider)
    assert archive.TEMPORARY.fullmatch(staged.temporary.name)
    assert archive.commit(staged) == archive.WRITTEN
    assert '"title": "Corrected"' in path.read_text()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["ap250105.txt"]
    assert archive.stage(tmp_path, dataclasses.replace(day, title="Corrected")) is None


@pytest.fixture
def pooled(tmp_path: Path) -> Iterator[WriteDayPipeline]:
    """The pipeline of a long crawl: one worker process."""
    crawler = get_crawler(settings_dict=project_settings_dict(APOD_OUTPUT_DIR=str(tmp_path)))
    workers = WorkerPool(1)
    yield WriteDayPipeline(tmp_path, crawler.stats, workers)
    workers.close()


def _not_here(*_args: object) -> None:
    raise AssertionError("a file was staged in the crawl's process")


def test_with_a_worker_the_file_is_staged_there_and_no_thread_is_started(
    pooled, day, spec, tmp_path, monkeypatch
) -> None:
    """A thread beside the event loop takes the GIL from it at every system call."""
    monkeypatch.setattr(archive, "_filled_temporary", _not_here)  # not in the worker's import
    before = set(threading.enumerate())

    async def scenario() -> set[threading.Thread]:
        await pooled.process_item(day)
        return set(threading.enumerate()) - before

    assert asyncio.run(scenario()) == set()
    assert pooled.workers.started == 1 and not pooled.workers.broken
    assert (tmp_path / "ap250105.txt").read_bytes() == (spec / "ap250105.txt").read_bytes()
    assert pooled.stats.get_stats() == {"apod/written": 1}


def test_without_a_worker_a_thread_writes_not_the_event_loop(
    writer, day, tmp_path, monkeypatch
) -> None:
    """A short run's fsync would hold up its downloads."""
    store, writers = archive.store, []

    def recorded(*args: object, **kwargs: object) -> str:
        writers.append(threading.current_thread())
        return store(*args, **kwargs)

    monkeypatch.setattr(archive, "store", recorded)
    _process(writer, day)
    assert len(writers) == 1 and writers[0] is not threading.main_thread()
    assert (tmp_path / "ap250105.txt").is_file()


def _die_in_a_worker(crawl: int) -> None:
    if os.getpid() != crawl:  # made again in the crawl's process once the worker is gone
        os.kill(os.getpid(), signal.SIGKILL)


def test_a_worker_killed_after_staging_a_file_leaves_one_counted_file(
    pooled, day, tmp_path
) -> None:
    async def scenario() -> None:
        await pooled.workers.run(os.getpid)  # the worker is up
        # one batch: the worker stages the file, then dies before it answers
        await asyncio.gather(
            pooled.process_item(day), pooled.workers.run(_die_in_a_worker, os.getpid())
        )

    asyncio.run(scenario())
    assert pooled.workers.broken
    left = sorted(p.name for p in tmp_path.iterdir())
    assert len(left) == 2 and archive.TEMPORARY.fullmatch(left[0]) and left[1] == "ap250105.txt"
    pooled.close_spider()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["ap250105.txt"]
    assert pooled.stats.get_stats() == {"apod/written": 1}


def test_a_file_that_cannot_be_put_in_place_fails_its_day_alone(
    pooled, day, tmp_path, caplog
) -> None:
    (tmp_path / "ap250105.txt").mkdir()  # staged by the worker, refused at the rename here
    with pytest.raises(DropItem):
        asyncio.run(pooled.process_item(day))
    assert pooled.stats.get_stats() == {"apod/failed": 1}
    assert "2025-01-05: failed: cannot write its file: Is a directory" in caplog.text
    assert sorted(p.name for p in tmp_path.iterdir()) == ["ap250105.txt"]  # no temporary


def test_written_files_get_the_usual_mode(writer, day, tmp_path) -> None:
    _process(writer, day)
    assert (tmp_path / "ap250105.txt").stat().st_mode & 0o777 == 0o666 & ~_umask()


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def test_a_killed_runs_state_temporary_is_removed_too(writer, tmp_path) -> None:
    (tmp_path / ".apodscrape-state.json.abcd1234.tmp").write_text("{")
    (tmp_path / ".apodscrape-state.json").write_text("{}")
    writer.open_spider()
    assert sorted(p.name for p in tmp_path.iterdir()) == [".apodscrape-state.json"]


def test_leftover_temporaries_are_removed_when_the_spider_opens(writer, tmp_path) -> None:
    (tmp_path / ".ap250105.txt.abcd1234.tmp").write_text("half")
    (tmp_path / "notes.tmp").write_text("not ours")
    writer.open_spider()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes.tmp"]


@pytest.mark.parametrize(
    ("image", "hd", "source_url", "expected"),
    [
        ("https://apod.nasa.gov/apod/image/2501/a.jpg", None, URL,
         "https://apod.nasa.gov/apod/image/2501/a.jpg"),
        ("https://apod.nasa.gov/apod/image/2501/a.jpg", "https://apod.nasa.gov/apod/image/2501/b.jpg",
         "http://127.0.0.1:8080/apod/ap250105.html", "http://127.0.0.1:8080/apod/image/2501/b.jpg"),
        ("https://www.youtube.com/embed/B1R3dTdcpSU?rel=0", None, URL, None),
        ("https://player.vimeo.com/video/12345", None, URL, None),
        (None, None, URL, None),
    ],
    ids=["picture", "hi-res-from-the-mirror", "youtube", "vimeo", "no-media"],
)  # fmt: skip
def test_which_media_file_is_kept(day, image, hd, source_url, expected) -> None:
    changed = dataclasses.replace(day, image_url=image, hd_image_url=hd, source_url=source_url)
    assert media_url(changed) == expected
