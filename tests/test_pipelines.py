"""Item pipelines, called directly (the alltheplaces way): a crawler from get_crawler, then
process_item on a Day; no crawl."""

from __future__ import annotations

import asyncio
import dataclasses
import os
import threading
from pathlib import Path

import pytest
from scrapy.exceptions import DropItem
from scrapy.utils.test import get_crawler

from apodscrape import archive, parse_page
from apodscrape.crawl.pipelines import WriteDayPipeline, media_url
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


def test_a_thread_writes_not_the_event_loop(writer, day, tmp_path, monkeypatch) -> None:
    """The fsync would hold up the crawl's downloads."""
    store, writers = archive.store, []

    def recorded(*args: object, **kwargs: object) -> str:
        writers.append(threading.current_thread())
        return store(*args, **kwargs)

    monkeypatch.setattr(archive, "store", recorded)
    _process(writer, day)
    assert len(writers) == 1 and writers[0] is not threading.main_thread()
    assert (tmp_path / "ap250105.txt").is_file()


def test_a_file_that_cannot_be_put_in_place_fails_its_day_alone(
    writer, day, tmp_path, caplog
) -> None:
    (tmp_path / "ap250105.txt").mkdir()  # written, then refused at the rename
    with pytest.raises(DropItem):
        _process(writer, day)
    assert writer.stats.get_stats() == {"apod/failed": 1}
    assert "2025-01-05: failed: cannot write its file: Is a directory" in caplog.text
    assert sorted(p.name for p in tmp_path.iterdir()) == ["ap250105.txt"]  # no temporary


def test_written_files_get_the_usual_mode(writer, day, tmp_path) -> None:
    _process(writer, day)
    assert (tmp_path / "ap250105.txt").stat().st_mode & 0o777 == 0o666 & ~_umask()


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


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
