"""Scrapy's own floor for row 2: python -m bench.bare_spider URLS_FILE

A spider that asks for each address of URLS_FILE (one a line) and yields one item a page,
nothing else: no parse, no file, no capture. Scrapy with the crawl's own settings
(apodscrape/crawl/settings.py: CONCURRENT_ITEMS, the Scrapy components it switches off)
but none of apodscrape's components, and the politeness the bench's crawls switch off
(bench/politeness.py) switched off here too. What the crawl does beyond Scrapy's per-request
work is the gap between the two.
"""

from __future__ import annotations

import sys
from collections.abc import AsyncIterator
from pathlib import Path

import scrapy
from scrapy.crawler import CrawlerProcess
from scrapy.http import Response
from scrapy.settings import Settings

from . import politeness

COMPONENTS = ("DOWNLOADER_MIDDLEWARES", "SPIDER_MIDDLEWARES", "EXTENSIONS", "ITEM_PIPELINES")


def bare_settings() -> Settings:
    """The crawl's settings less apodscrape's own components (Scrapy's that it switches off
    stay off), politeness off."""
    settings = Settings()
    settings.setmodule("apodscrape.crawl.settings", priority="project")
    for name in COMPONENTS:
        kept = {path: order for path, order in settings[name].items() if order is None}
        settings.set(name, kept, priority="project")
    settings.update(politeness.OFF, priority="cmdline")
    return settings


class BareSpider(scrapy.Spider):
    name = "bare"

    def __init__(self, urls: list[str]) -> None:
        super().__init__()
        self.urls = urls

    async def start(self) -> AsyncIterator[scrapy.Request]:
        for url in self.urls:
            yield scrapy.Request(url, callback=self.parse)

    def parse(self, response: Response) -> dict[str, str]:
        return {"url": response.url}


def main() -> None:
    urls = Path(sys.argv[1]).read_text().split()
    process = CrawlerProcess(bare_settings())
    process.crawl(BareSpider, urls=urls)
    process.start()


if __name__ == "__main__":
    main()
