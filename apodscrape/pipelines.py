"""Item pipelines: each does one thing with a Day the spider has parsed."""

from __future__ import annotations

import logging
from pathlib import Path

from scrapy.crawler import Crawler
from scrapy.statscollectors import StatsCollector

from . import archive
from .record import Day

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
        # Runs on one archive never overlap (see the crontab line in the README), so any
        # temporary file here is the leftover of a run that was killed while writing.
        if removed := archive.remove_stale_temporaries(self.output_dir):
            logger.warning("removed %d temporary file(s) left by a killed run", removed)

    def process_item(self, item: Day) -> Day:
        path = archive.day_path(self.output_dir, item.date)
        text = archive.render(item)
        if path.is_file() and path.read_bytes() == text.encode("utf-8"):
            self.stats.inc_value("apod/unchanged")
            logger.debug("%s: unchanged", path.name)
            return item
        archive.write_atomic(path, text)
        self.stats.inc_value("apod/written")
        logger.info("%s: written (%s)", path.name, item.title)
        return item
