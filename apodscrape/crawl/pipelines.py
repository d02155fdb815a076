"""Item pipelines: each does one thing with a Day the spider has parsed."""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path, PurePosixPath
from typing import Any
from urllib.parse import urljoin, urlsplit

from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.exceptions import DropItem, NotConfigured
from scrapy.http.request import NO_CALLBACK
from scrapy.pipelines.files import FilesPipeline
from scrapy.statscollectors import StatsCollector

from .. import archive, days, media
from ..record import CLASSIC, Day

logger = logging.getLogger(__name__)


class WriteDayPipeline:
    """Writes each day to `{APOD_OUTPUT_DIR}/apYYMMDD.txt`, atomically.

    A day whose file already has the same bytes is left alone (its modification time too).
    """

    def __init__(self, output_dir: Path, stats: StatsCollector) -> None:
        self.output_dir = output_dir
        self.stats = stats

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> WriteDayPipeline:
        return cls(Path(crawler.settings.get("APOD_OUTPUT_DIR")), crawler.stats)

    def open_spider(self) -> None:
        # This run holds the archive (archive.lock: runs on one archive never overlap), so
        # any temporary file here is the leftover of a run that was killed while writing.
        if removed := archive.remove_stale_temporaries(self.output_dir):
            logger.warning("removed %d temporary file(s) left by a killed run", removed)

    async def process_item(self, item: Day) -> Day:
        try:
            # a thread keeps the fsync off the event loop
            outcome = await asyncio.to_thread(archive.store, self.output_dir, item)
        except Exception as error:  # a full disk, a read-only folder, a directory in the way
            self.stats.inc_value("apod/failed")
            logger.error("%s: failed: cannot write its file: %s", item.date, _said(error))
            raise DropItem(f"{item.date}: not written", log_level="DEBUG") from None
        self.stats.inc_value(f"apod/{outcome}")
        # DEBUG, not INFO: the summary line counts them (bench/PERFORMANCE.md: the cost of
        # a line a day)
        logger.debug("%s: %s (%s)", days.stem(item.date), outcome, item.title)
        return item


class MediaPipeline(FilesPipeline):
    """With `-a media=1`: downloads each day's media into `{APOD_OUTPUT_DIR}/media/apYYMMDD/`
    (the larger linked file where there is one; never a YouTube or Vimeo embed), and records
    path and checksum in the item's `media_files`. Files already there are not fetched again
    (FILES_EXPIRES, 90 days), so an interrupted run resumes; APOD_MEDIA_MAXSIZE caps a file."""

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> MediaPipeline:
        if not getattr(crawler.spider, "media", False):
            raise NotConfigured  # off without -a media=1 (a message would be a warning a run)
        settings = crawler.settings
        output = Path(settings["APOD_OUTPUT_DIR"])
        store = settings.get("FILES_STORE") or str(output / archive.MEDIA_DIRNAME)
        pipeline = cls(store, crawler=crawler)
        pipeline.maxsize = settings.getint("APOD_MEDIA_MAXSIZE")
        return pipeline

    def get_media_requests(self, item: Day, info: Any) -> list[Request]:
        url = media_url(item)
        if url is None:
            return []
        return [Request(url, callback=NO_CALLBACK, meta={"download_maxsize": self.maxsize})]

    def file_path(self, request: Request, response=None, info=None, *, item: Day) -> str:
        name = PurePosixPath(urlsplit(request.url).path).name or "media"
        return f"{days.stem(item.date)}/{name}"

    def item_completed(self, results: list[tuple[bool, Any]], item: Day, info: Any) -> Day:
        for ok, result in results:
            if ok:
                item.media_files.append(dict(result))
                self.crawler.stats.inc_value("apod/media_stored")
            else:
                self.crawler.stats.inc_value("apod/media_failed")
                reason = result.getErrorMessage() or result.type.__name__
                logger.warning("%s: media not stored: %s", item.date, reason)
        if all(ok for ok, _ in results):  # stored, or nothing to store: not asked again
            self.crawler.spider.media_done.add(item.date)
        return item


def _said(error: Exception) -> str:
    if isinstance(error, OSError) and error.strerror:
        return f"{error.strerror} ({error.filename})" if error.filename else error.strerror
    return f"{type(error).__name__}: {error}"


def media_url(day: Day) -> str | None:
    """The file worth keeping for a day: the larger linked file, else the media itself,
    unless that is a page embedded from a video site. A classic page's own files are
    fetched from the host that served the page (a mirror keeps its copies), although the
    record names them at apod.nasa.gov."""
    url = day.hd_image_url or day.image_url
    if url is None or media.is_embed(url):
        return None
    if day.source == CLASSIC and url.startswith(days.CANONICAL_BASE):
        return urljoin(day.source_url, url.removeprefix(days.CANONICAL_BASE))
    return url
