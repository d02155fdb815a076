"""Downloader middlewares: raw captures, and retries that honour Retry-After."""

from __future__ import annotations

import asyncio
import email.utils
import time
from pathlib import Path

from scrapy import Request, signals
from scrapy.crawler import Crawler
from scrapy.downloadermiddlewares.retry import RetryMiddleware
from scrapy.exceptions import NotConfigured
from scrapy.http import Response

from .archive import warc_dir
from .warc import CaptureWriter


class CaptureMiddleware:
    """Keeps every 200 answer to a day request (classic page, API day or list) in this run's
    WARC file under APOD_WARC_DIR (default `{APOD_OUTPUT_DIR}/warc`); off when
    APOD_WARC_ENABLED is False."""

    def __init__(self, writer: CaptureWriter) -> None:
        self.writer = writer

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> CaptureMiddleware:
        settings = crawler.settings
        if not settings.getbool("APOD_WARC_ENABLED"):
            raise NotConfigured
        directory = settings.get("APOD_WARC_DIR") or warc_dir(settings["APOD_OUTPUT_DIR"])
        middleware = cls(CaptureWriter(Path(directory)))
        crawler.signals.connect(middleware.spider_closed, signal=signals.spider_closed)
        return middleware

    def process_response(self, request: Request, response: Response) -> Response:
        if response.status == 200 and "apod_source" in request.meta:
            headers = [
                (name.decode("latin-1"), value.decode("latin-1"))
                for name, values in response.headers.items()
                for value in values
            ]
            self.writer.write(response.url, response.status, headers, response.body)
        return response

    def spider_closed(self) -> None:
        self.writer.close()


class RetryAfterMiddleware(RetryMiddleware):
    """Scrapy's retries (network errors, 5xx, 429), and: a 429 or 503 that says Retry-After
    holds the whole crawl that long before the retry. A wait longer than
    APOD_RETRY_AFTER_MAX seconds is not waited for: the day fails and the next run tries."""

    def __init__(self, settings) -> None:
        super().__init__(settings)
        self.longest_wait = settings.getfloat("APOD_RETRY_AFTER_MAX")

    async def process_response(self, request: Request, response: Response) -> Request | Response:
        wait = retry_after(response) if response.status in (429, 503) else None
        if wait is None or request.meta.get("dont_retry", False):
            return super().process_response(request, response)
        if wait > self.longest_wait:
            self.crawler.spider.logger.warning(
                "%s asks to wait %.0f s, more than APOD_RETRY_AFTER_MAX", request.url, wait
            )
            return response
        retry = self._retry(request, f"{response.status}, Retry-After {wait:.0f} s")
        if retry is None:
            return response
        self.crawler.stats.inc_value("apod/retry_after")
        engine = self.crawler.engine
        engine.pause()  # no new request to anyone while the server asks us to wait
        try:
            await asyncio.sleep(wait)
        finally:
            engine.unpause()
        return retry


def retry_after(response: Response) -> float | None:
    """Seconds a Retry-After header asks for (delta-seconds or an HTTP date), if any."""
    value = response.headers.get("Retry-After")
    if not value:
        return None
    text = value.decode("latin-1").strip()
    if text.isdigit():
        return float(text)
    try:
        when = email.utils.parsedate_to_datetime(text)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - time.time())
