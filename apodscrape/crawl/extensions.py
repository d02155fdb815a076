"""Extensions: the archive held for the crawl's lifetime, the one-line summary that ends
every run, progress for long runs, and loggers that build no message the log would drop."""

from __future__ import annotations

import logging
import time

from scrapy import Spider, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import CloseSpider
from scrapy.utils.asyncio import create_looping_call

from .. import archive
from ..archive.lock import Hold
from ..errors import ApodError, ArchiveLocked
from ..plan import read_settings

logger = logging.getLogger("apodscrape")

# What a day can come to in a run, as counted in the stats.
OUTCOMES = ("written", "unchanged", "skipped", "missing", "failed")


def outcome_counts(stats: dict) -> dict[str, int]:
    return {name: stats.get(f"apod/{name}", 0) for name in OUTCOMES}


class ArchiveLock:
    """Holds the archive for the crawl (archive.lock: runs on one archive never overlap),
    from when the spider opens until the engine stops: then it removes what killed runs
    left and has the spider read the archive (read_archive), so that nothing is read or
    removed before the run holds it. A crawl that cannot hold it, or read it, closes
    without asking anything (`archive_locked`, `archive_unreadable`).

    `scrapy crawl` takes the archive before Scrapy starts, so that a second run is one line
    and a waiting run (APOD_LOCK_WAIT) waits before anything starts; this keeps that hold
    (archive.lock gives a process's hold again) and is the one that lets it go."""

    def __init__(self, output: str, wait: bool) -> None:
        self.output = output
        self.wait = wait
        self.held: Hold | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ArchiveLock:
        settings = crawler.settings
        extension = cls(settings["APOD_OUTPUT_DIR"], read_settings(settings).wait_for_lock)
        crawler.signals.connect(extension.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(extension.engine_stopped, signal=signals.engine_stopped)
        return extension

    def spider_opened(self, spider: Spider) -> None:
        try:
            self.held = archive.lock(self.output, wait=self.wait)
            # This run holds the archive, so any temporary file in it is the leftover of a
            # run that was killed while writing.
            if removed := archive.remove_stale_temporaries(self.output):
                logger.warning("removed %d temporary file(s) left by a killed run", removed)
            if (read_archive := getattr(spider, "read_archive", None)) is not None:
                read_archive()
        except ApodError as error:  # in use by another run, not a directory, a bad state
            self.engine_stopped()
            logger.error("%s", error)
            locked = isinstance(error, ArchiveLocked)
            raise CloseSpider("archive_locked" if locked else "archive_unreadable") from None

    def engine_stopped(self) -> None:
        if self.held is not None:
            self.held.close()
            self.held = None


class RunSummary:
    """Logs one line when the spider closes: written / unchanged / skipped (already there) /
    missing (no page) / failed, and how the run ended."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.started = time.monotonic()
        crawler.signals.connect(self.spider_closed, signal=signals.spider_closed)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> RunSummary:
        return cls(crawler)

    def spider_closed(self, reason: str) -> None:
        counts = outcome_counts(self.crawler.stats.get_stats())
        line = ", ".join(f"{counts[name]} {name}" for name in OUTCOMES)
        took = time.monotonic() - self.started
        level = logging.ERROR if counts["failed"] or reason != "finished" else logging.INFO
        logger.log(level, "apod: %s (%s in %.1f s)", line, reason, took)


class Progress:
    """For runs longer than APOD_PROGRESS_AFTER seconds, logs every APOD_PROGRESS_INTERVAL
    seconds the days done of the total, the rate and the time left."""

    def __init__(self, crawler: Crawler, after: float, interval: float) -> None:
        self.crawler = crawler
        self.after = after
        self.interval = interval
        self.started = time.monotonic()
        self.task = None
        crawler.signals.connect(self.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(self.spider_closed, signal=signals.spider_closed)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Progress:
        settings = crawler.settings
        return cls(
            crawler,
            settings.getfloat("APOD_PROGRESS_AFTER"),
            settings.getfloat("APOD_PROGRESS_INTERVAL"),
        )

    def spider_opened(self) -> None:
        self.started = time.monotonic()
        self.task = create_looping_call(self.report)
        self.task.start(self.interval, now=False)

    def report(self) -> None:
        elapsed = time.monotonic() - self.started
        if elapsed < self.after:
            return
        stats = self.crawler.stats.get_stats()
        counts = outcome_counts(stats)
        total = stats.get("apod/days", 0) - counts["skipped"]
        done = counts["written"] + counts["unchanged"] + counts["missing"] + counts["failed"]
        rate = done / elapsed if elapsed else 0.0
        left = (total - done) / rate if rate else float("inf")
        logger.info(
            "progress: %d/%d days (%.0f%%), %.1f days/s, about %s left",
            done,
            total,
            100 * done / total if total else 100,
            rate,
            _duration(left),
        )

    def spider_closed(self) -> None:
        if self.task is not None and self.task.running:
            self.task.stop()


def _duration(seconds: float) -> str:
    if seconds == float("inf"):
        return "unknown time"
    minutes, seconds = divmod(int(seconds), 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours}h{minutes:02d}m" if hours else f"{minutes}m{seconds:02d}s"


class LogLevel:
    """Sets the loggers of Scrapy and apodscrape to LOG_LEVEL for the crawl's time. Scrapy
    filters only in its root handler, so every message below LOG_LEVEL was built and then
    dropped: at INFO, the two Scrapy makes at DEBUG for each page ("Crawled", "Scraped")
    and the day's "written" were 3% of a long crawl's event loop."""

    def __init__(self, level: int | str) -> None:
        self.loggers = [logging.getLogger(name) for name in ("scrapy", "apodscrape")]
        self.before = [each.level for each in self.loggers]
        for each in self.loggers:
            each.setLevel(level)
        for name in _DATA_LOSS_LOGGERS:
            handler_logger = logging.getLogger(name)
            if not any(isinstance(f, DataLossIsRetried) for f in handler_logger.filters):
                handler_logger.addFilter(DataLossIsRetried())

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> LogLevel:
        extension = cls(crawler.settings.get("LOG_LEVEL"))
        crawler.signals.connect(extension.engine_stopped, signal=signals.engine_stopped)
        return extension

    def engine_stopped(self) -> None:
        for each, level in zip(self.loggers, self.before, strict=True):
            each.setLevel(level)


# Where Scrapy's download handlers say "Got data loss in URL ..." (once a run).
_DATA_LOSS_LOGGERS = (
    "scrapy.core.downloader.handlers.http11",
    "scrapy.core.downloader.handlers._base_streaming",
)


class DataLossIsRetried(logging.Filter):
    """Scrapy says "Got data loss" at WARNING when an answer is cut short, before the
    retry that most often recovers it: a good run would mail cron's owner. It is INFO; a day
    the retries did not recover fails with its own line at ERROR."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.levelno == logging.WARNING and str(record.msg).startswith("Got data loss in "):
            record.levelno, record.levelname = logging.INFO, "INFO"
        return True
