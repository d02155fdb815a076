"""Downloader middlewares: only the hosts the run was pointed at, hosts that stopped
answering given up on, raw captures, and retries that honour Retry-After."""

from __future__ import annotations

import asyncio
import email.utils
import logging
import time
from pathlib import Path
from urllib.parse import urlsplit

from scrapy import Request, signals
from scrapy.crawler import Crawler
from scrapy.downloadermiddlewares.retry import RetryMiddleware
from scrapy.exceptions import (
    CannotResolveHostError,
    DownloadConnectionRefusedError,
    DownloadFailedError,
    DownloadTimeoutError,
    IgnoreRequest,
    NotConfigured,
)
from scrapy.http import Response

from ..archive import warc_dir
from ..warc import CaptureWriter, body_key

logger = logging.getLogger(__name__)


class AllowedHostsMiddleware:
    """Every request, redirects included, goes over http(s) to a host the run was pointed
    at: those of APOD_CLASSIC_URL and APOD_SCIENCE_URL and NASA's media hosts
    (APOD_HOSTS); media downloads may also go to APOD_MEDIA_EXTRA_HOSTS. Anything else
    (another host a redirect names, file://, a host a page links) is refused, never fetched."""

    def __init__(self, hosts: frozenset[str], media_hosts: frozenset[str]) -> None:
        self.hosts = hosts
        self.media_hosts = hosts | media_hosts

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> AllowedHostsMiddleware:
        settings = crawler.settings
        configured = {settings.get("APOD_CLASSIC_URL"), settings.get("APOD_SCIENCE_URL")}
        hosts = {urlsplit(url).hostname for url in configured if url}
        hosts |= set(settings.getlist("APOD_HOSTS"))
        extra = frozenset(host.lower() for host in settings.getlist("APOD_MEDIA_EXTRA_HOSTS"))
        return cls(frozenset(host.lower() for host in hosts if host), extra)

    def process_request(self, request: Request) -> None:
        parts = urlsplit(request.url)
        allowed = self.hosts if "apod_source" in request.meta else self.media_hosts
        if parts.scheme not in ("http", "https") or (parts.hostname or "") not in allowed:
            raise IgnoreRequest(f"{request.url} is not on a host this run may ask")


class UnreachableHostMiddleware:
    """A host that fails APOD_UNREACHABLE_AFTER times in a row without any answer (it does
    not resolve, refuses connections, or times out) is given up on for the rest of the run:
    its requests fail at once, each day with one line, instead of each waiting out its
    retries. Any answer from the host counts it as reachable again."""

    def __init__(self, crawler: Crawler, after: int) -> None:
        self.crawler = crawler
        self.after = after
        self.failures: dict[str, int] = {}

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> UnreachableHostMiddleware:
        return cls(crawler, crawler.settings.getint("APOD_UNREACHABLE_AFTER"))

    def process_request(self, request: Request) -> None:
        host = urlsplit(request.url).hostname or ""
        if self.failures.get(host, 0) >= self.after:
            raise IgnoreRequest(f"{host} is unreachable (gave up after {self.after} failures)")

    def process_response(self, request: Request, response: Response) -> Response:
        self.failures.pop(urlsplit(request.url).hostname or "", None)
        return response

    def process_exception(self, request: Request, exception: Exception) -> None:
        if not isinstance(exception, _UNREACHABLE):
            return
        host = urlsplit(request.url).hostname or ""
        self.failures[host] = self.failures.get(host, 0) + 1
        if self.failures[host] == self.after:
            self.crawler.stats.set_value(f"apod/unreachable/{host}", 1)
            self.crawler.spider.logger.error(
                "%s does not answer (%d failures in a row, the last: %s): "
                "not asking it again in this run",
                host,
                self.after,
                type(exception).__name__,
            )


# Failures that say nothing answered at all (not an HTTP error, which is an answer), as
# Scrapy's download handlers raise them (it wraps Twisted's and aiohttp's own errors).
_UNREACHABLE = (
    CannotResolveHostError,
    DownloadConnectionRefusedError,
    DownloadTimeoutError,
    DownloadFailedError,  # among them the connection that closes before any answer
)


class CaptureMiddleware:
    """Keeps every 200 answer to a day request (classic page, API day or list) in this run's
    WARC file under APOD_WARC_DIR (default `{APOD_OUTPUT_DIR}/warc`), an unchanged body as
    a revisit record (APOD_WARC_REVISITS), and tells the catalog where each is kept (its
    day's row names it); off when APOD_WARC_ENABLED is False."""

    def __init__(self, writer: CaptureWriter, crawler: Crawler) -> None:
        self.writer = writer
        self.crawler = crawler
        self.stats = crawler.stats

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> CaptureMiddleware:
        settings = crawler.settings
        if not settings.getbool("APOD_WARC_ENABLED"):
            raise NotConfigured
        directory = settings.get("APOD_WARC_DIR") or warc_dir(settings["APOD_OUTPUT_DIR"])
        revisits = settings.getbool("APOD_WARC_REVISITS")
        middleware = cls(CaptureWriter(Path(directory), revisits), crawler)
        crawler.signals.connect(middleware.spider_closed, signal=signals.spider_closed)
        return middleware

    def process_response(self, request: Request, response: Response) -> Response:
        if response.status == 200 and "apod_source" in request.meta:
            headers = [
                (name.decode("latin-1"), value.decode("latin-1"))
                for name, values in response.headers.items()
                for value in values
            ]
            try:
                where = self.writer.write(response.url, response.status, headers, response.body)
            except OSError as error:  # a full disk: the day goes on, without its capture
                self.stats.inc_value("apod/capture_failed")
                logger.warning("%s: not kept in the captures: %s", response.url, error.strerror)
            else:
                recorder = getattr(self.crawler.spider, "catalog", None)
                if recorder is not None:
                    recorder.captured(body_key(response.url, response.body), where)
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
        self.waiting = 0  # waits under way: the crawl resumes when the last one ends

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
        self.waiting += 1
        engine.pause()  # no new request to anyone while the server asks us to wait
        try:
            # in short naps, so that a stop (SIGTERM, Ctrl-C) is not kept waiting
            until = time.monotonic() + wait
            while engine.running and (left := until - time.monotonic()) > 0:
                await asyncio.sleep(min(left, 0.2))
        finally:
            self.waiting -= 1
            if not self.waiting:
                engine.unpause()
        return retry if engine.running else response


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
