"""Item pipelines: each does one thing with a Day the spider has parsed."""

from __future__ import annotations

import asyncio
import errno
import hashlib
import logging
import os
import re
from pathlib import Path, PurePosixPath
from typing import Any, ClassVar, NoReturn
from urllib.parse import urljoin, urlsplit

from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.exceptions import DropItem, IgnoreRequest, NotConfigured
from scrapy.http import Response
from scrapy.http.request import NO_CALLBACK
from scrapy.pipelines.files import FilesPipeline, FSFilesStore
from scrapy.pipelines.media import FileException
from scrapy.statscollectors import StatsCollector
from twisted.python.failure import Failure

from .. import archive, catalog, days, media
from ..catalog import Recorder
from ..errors import ApodError
from ..record import CLASSIC, Day

logger = logging.getLogger(__name__)


class WriteDayPipeline:
    """Writes each day to `{APOD_OUTPUT_DIR}/apYYMMDD.txt`, atomically, then hands its full
    record to the catalog (catalog.Recorder: its own thread commits it).

    A day whose file already has the same bytes is left alone (its modification time too).
    """

    def __init__(self, output_dir: Path, stats: StatsCollector, crawler: Crawler) -> None:
        self.output_dir = output_dir
        self.stats = stats
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> WriteDayPipeline:
        return cls(Path(crawler.settings.get("APOD_OUTPUT_DIR")), crawler.stats, crawler)

    @property
    def recorder(self) -> Recorder | None:
        """The apod spider's catalog (opened once the run holds the archive); outside its
        crawl (another spider, a test), none."""
        return getattr(self.crawler.spider, "catalog", None)

    async def process_item(self, item: Day) -> Day:
        try:
            # a thread keeps the fsync off the event loop
            stored = await asyncio.to_thread(archive.store, self.output_dir, item)
        except Exception as error:  # a full disk, a read-only folder, a directory in the way
            said = f"cannot write its file: {_said(error)}"
            if self.recorder is not None:
                self.recorder.outcome(item.date, catalog.FAILED, said)
            self.stats.inc_value("apod/failed")
            logger.error("%s: failed: %s", item.date, said)
            raise DropItem(f"{item.date}: not written", log_level="DEBUG") from None
        if self.recorder is not None:
            self.recorder.stored(item, stored, archive.day_path(self.output_dir, item.date))
        self.stats.inc_value(f"apod/{stored.outcome}")
        # DEBUG, not INFO: the summary line counts them (bench/PERFORMANCE.md: the cost of
        # a line a day)
        logger.debug("%s: %s (%s)", days.stem(item.date), stored.outcome, item.title)
        return item


class MediaStore(FSFilesStore):
    """Scrapy's file store, writing as the archive writes: each file atomically (never a
    piece in place that a later run takes as done) and never through a symlink; a file
    that is not a regular one of ours (a symlink, a piece of the old store) is not there."""

    def __init__(self, basedir: str) -> None:
        super().__init__(basedir)
        if not Path(self.basedir).is_dir():  # Scrapy's store takes a file there for its folder
            raise NotADirectoryError(errno.ENOTDIR, "Not a directory", self.basedir)

    def persist_file(self, path, buf, info, meta=None, headers=None) -> None:
        target = self._get_filesystem_path(path)
        _no_symlink_between(Path(self.basedir), target.parent)
        archive.write_atomic(target, buf.getvalue())

    def stat_file(self, path, info) -> dict[str, Any]:
        data = archive.read_own(self._get_filesystem_path(path))
        if data is None:
            return {}
        status = self._get_filesystem_path(path).lstat()
        return {"last_modified": status.st_mtime, "checksum": hashlib.md5(data).hexdigest()}


def _no_symlink_between(base: Path, folder: Path) -> None:
    """OSError if a folder from `base` down to `folder` is a symlink (someone else's)."""
    for part in (folder, *folder.parents):
        if part == base or base not in part.parents:
            break
        if part.is_symlink():
            raise OSError(errno.ELOOP, "a symlink the archive did not make", str(part))


class MediaPipeline(FilesPipeline):
    """With `-a media=1`: downloads each day's media into `{APOD_OUTPUT_DIR}/media/apYYMMDD/`
    (the larger linked file where there is one; never a YouTube or Vimeo embed), and records
    path and checksum in the item's `media_files`. Files already there are not fetched again
    (FILES_EXPIRES, 90 days), so an interrupted run resumes; APOD_MEDIA_MAXSIZE caps a file.

    Only media are kept: an answer that is a web page or text (an "Access denied" page
    served with 200), or shorter than its Content-Length, is refused. Each file is written
    atomically (MediaStore). A file that is not kept is one line at WARNING."""

    STORE_SCHEMES: ClassVar[dict[str, Any]] = {
        **FilesPipeline.STORE_SCHEMES,
        "": MediaStore,
        "file": MediaStore,
    }

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> MediaPipeline:
        if not getattr(crawler.spider, "media", False):
            raise NotConfigured  # off without -a media=1 (a message would be a warning a run)
        settings = crawler.settings
        output = Path(settings["APOD_OUTPUT_DIR"])
        store = settings.get("FILES_STORE") or str(output / archive.MEDIA_DIRNAME)
        try:
            pipeline = cls(store, crawler=crawler)
        except OSError as error:  # a file where the media folder goes, a read-only disk
            raise ApodError(f"cannot keep media in {store}: {_said(error)}") from None
        pipeline.maxsize = settings.getint("APOD_MEDIA_MAXSIZE")
        media_logger = logging.getLogger("scrapy.pipelines.media")
        if not any(isinstance(f, _SaidOnce) for f in media_logger.filters):
            media_logger.addFilter(_SaidOnce())
        pipeline.output = output
        return pipeline

    def get_media_requests(self, item: Day, info: Any) -> list[Request]:
        url = media_url(item)
        if url is None:
            return []
        return [Request(url, callback=NO_CALLBACK, meta={"download_maxsize": self.maxsize})]

    def file_path(self, request: Request, response=None, info=None, *, item: Day) -> str:
        name = PurePosixPath(urlsplit(request.url).path).name or "media"
        return f"{days.stem(item.date)}/{name}"

    def media_failed(self, failure: Failure, request: Request, info: Any) -> NoReturn:
        if failure.check(IgnoreRequest):
            super().media_failed(failure, request, info)
        raise FileException(f"{failure.getErrorMessage() or failure.type.__name__}")

    async def media_downloaded(
        self, response: Response, request: Request, info: Any, *, item: Any = None
    ) -> dict[str, Any]:
        """Scrapy's, less its warnings and tracebacks (item_completed says it in one line),
        and keeping only whole media."""
        if reason := _not_media(response):
            raise FileException(f"{reason} from {response.url}")
        path = self.file_path(request, response=response, info=info, item=item)
        try:
            checksum = await self.file_downloaded(response, request, info, item=item)
        except OSError as error:
            raise FileException(f"cannot write {path}: {_said(error)}") from None
        status = "cached" if "cached" in response.flags else "downloaded"
        self.inc_stats(status)
        return {"url": request.url, "path": path, "checksum": checksum, "status": status}

    def item_completed(self, results: list[tuple[bool, Any]], item: Day, info: Any) -> Day:
        # the catalog's media rows: a media run asks again an archived day with a failure
        recorder: Recorder = self.crawler.spider.catalog
        url = media_url(item)
        for ok, result in results:
            if ok:
                item.media_files.append(dict(result))
                self.crawler.stats.inc_value("apod/media_stored")
                path = os.path.relpath(Path(self.store.basedir) / result["path"], self.output)
                recorder.media(item.date, result["url"], catalog.STORED, Path(path).as_posix())
            else:
                self.crawler.stats.inc_value("apod/media_failed")
                reason = result.getErrorMessage() or result.type.__name__
                logger.warning("%s: media not stored: %s", item.date, reason)
                recorder.media(item.date, url or "", catalog.FAILED, reason=reason)
        if not results:  # an embedded player, or no media: nothing to store
            recorder.media(item.date, url or item.image_url or "", catalog.NONE)
        return item


class _SaidOnce(logging.Filter):
    """Scrapy logs every failed media request with its traceback at ERROR; a FileException
    of MediaPipeline is a media file not kept, said in one line by item_completed."""

    def filter(self, record: logging.LogRecord) -> bool:
        error = record.exc_info[1] if record.exc_info else None
        if isinstance(record.msg, Failure):
            error = record.msg.value
        return not isinstance(error, FileException)


# Answers that are no media file, whatever the address ends in: a web page (an error or
# login page served with 200), text, JSON.
_NOT_MEDIA = re.compile(r"(?:text/|application/(?:json|xhtml\+xml|xml)\b)", re.IGNORECASE)


def _not_media(response: Response) -> str | None:
    """Why an answer to a media request is not a whole media file, or None."""
    if response.status != 200:
        return f"HTTP {response.status}"
    if not response.body:
        return "an empty answer"
    kind = response.headers.get(b"Content-Type", b"").decode("latin-1").strip()
    if _NOT_MEDIA.match(kind):
        return f"a {kind.split(';')[0]} answer, not media"
    announced = response.headers.get(b"Content-Length")
    encoded = response.headers.get(b"Content-Encoding")
    whole = not announced or encoded or not announced.strip().isdigit()
    if not whole and int(announced) != len(response.body):
        return f"{len(response.body)} of the {int(announced)} bytes announced"
    return None


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
