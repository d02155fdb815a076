"""Downloader middlewares, called directly: allowed hosts, hosts given up, Retry-After read
both ways, captures kept."""

from __future__ import annotations

import asyncio
import base64
import email.utils
import hashlib
import time
from pathlib import Path

import pytest
from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.exceptions import (
    CannotResolveHostError,
    DownloadConnectionRefusedError,
    DownloadTimeoutError,
    IgnoreRequest,
)
from scrapy.http import HtmlResponse
from scrapy.utils.test import get_crawler
from warcio.archiveiterator import ArchiveIterator

from apodscrape.crawl.middlewares import (
    AllowedHostsMiddleware,
    CaptureMiddleware,
    RetryAfterMiddleware,
    UnreachableHostMiddleware,
    retry_after,
)
from apodscrape.crawl.spiders.apod import ApodSpider
from apodscrape.warc import captures

from .conftest import project_settings_dict


def _answer(status: int = 200, **headers: str) -> HtmlResponse:
    url = "http://127.0.0.1:9/apod/ap250105.html"
    return HtmlResponse(url, status=status, headers=headers, request=Request(url))


def test_retry_after_in_seconds() -> None:
    assert retry_after(_answer(429, **{"Retry-After": " 120 "})) == 120.0


def test_retry_after_as_an_http_date() -> None:
    when = email.utils.formatdate(time.time() + 90, usegmt=True)
    assert 85 <= retry_after(_answer(503, **{"Retry-After": when})) <= 90


def test_retry_after_in_the_past_is_no_wait() -> None:
    when = email.utils.formatdate(time.time() - 3600, usegmt=True)
    assert retry_after(_answer(503, **{"Retry-After": when})) == 0.0


@pytest.mark.parametrize("value", ["soon", "", "-5"])
def test_retry_after_that_says_nothing_usable(value: str) -> None:
    assert retry_after(_answer(429, **{"Retry-After": value})) is None


@pytest.fixture
def capture(tmp_path: Path) -> CaptureMiddleware:
    settings = project_settings_dict(APOD_OUTPUT_DIR=str(tmp_path), APOD_WARC_ENABLED=True)
    return CaptureMiddleware.from_crawler(get_crawler(settings_dict=settings))


def test_day_answers_are_captured_and_others_not(capture, tmp_path) -> None:
    day = Request("http://127.0.0.1:9/apod/ap250105.html", meta={"apod_source": "classic"})
    media = Request("http://127.0.0.1:9/apod/image/2501/a.jpg")
    page = HtmlResponse(day.url, body=b"<html>day</html>", request=day)
    capture.process_response(day, page)
    capture.process_response(day, HtmlResponse(day.url, status=404, body=b"gone", request=day))
    capture.process_response(media, HtmlResponse(media.url, body=b"jpeg", request=media))
    capture.spider_closed()
    kept = list(captures(tmp_path / "warc"))
    assert [(c.url, c.body) for c in kept] == [(day.url, b"<html>day</html>")]


def test_a_capture_s_digests_are_those_of_what_it_holds(capture, tmp_path) -> None:
    day = Request("http://127.0.0.1:9/apod/ap250105.html", meta={"apod_source": "classic"})
    body = "<html>día</html>".encode() * 500
    capture.process_response(day, HtmlResponse(day.url, body=body, request=day))
    capture.spider_closed()
    (path,) = (tmp_path / "warc").glob("*.warc.gz")
    with path.open("rb") as file:  # a digest that does not match raises
        records = [
            (record, record.content_stream().read())
            for record in ArchiveIterator(file, check_digests="raise")
        ]
    [(record, kept)] = records
    assert kept == body
    payload = base64.b32encode(hashlib.sha1(body).digest()).decode()
    assert record.rec_headers.get_header("WARC-Payload-Digest") == f"sha1:{payload}"


@pytest.fixture
def crawler_settings(tmp_path: Path) -> dict:
    return project_settings_dict(
        APOD_OUTPUT_DIR=str(tmp_path),
        APOD_CLASSIC_URL="http://127.0.0.1:8080/apod/",
        APOD_SCIENCE_URL="http://127.0.0.1:8080/science/",
        APOD_MEDIA_EXTRA_HOSTS=["Media.Example"],
    )


@pytest.mark.parametrize(
    ("url", "meta", "allowed"),
    [
        ("http://127.0.0.1:8080/apod/ap250105.html", {"apod_source": "classic"}, True),
        ("https://apod.nasa.gov/apod/ap250105.html", {"apod_source": "classic"}, True),
        ("https://assets.science.nasa.gov/content/dam/a.jpg", {}, True),
        ("http://media.example/a.jpg", {}, True),  # a media host the user added
        ("http://media.example/ap250105.html", {"apod_source": "classic"}, False),
        ("http://example.com/apod/ap250105.html", {"apod_source": "classic"}, False),
        ("file:///etc/hostname", {}, False),
        ("ftp://apod.nasa.gov/a.jpg", {}, False),
    ],
)
def test_only_the_hosts_a_run_was_pointed_at(crawler_settings, url, meta, allowed) -> None:
    middleware = AllowedHostsMiddleware.from_crawler(get_crawler(settings_dict=crawler_settings))
    request = Request(url, meta=meta)
    if allowed:
        assert middleware.process_request(request) is None
    else:
        with pytest.raises(IgnoreRequest):
            middleware.process_request(request)


@pytest.fixture
def spider_crawler(crawler_settings: dict) -> Crawler:
    """A crawler with its apod spider."""
    crawler = get_crawler(ApodSpider, crawler_settings)
    crawler.spider = crawler._create_spider(dates="2025-01-05")
    return crawler


@pytest.mark.parametrize(
    "error", [CannotResolveHostError(), DownloadConnectionRefusedError(), DownloadTimeoutError()]
)
def test_a_host_that_fails_three_times_in_a_row_is_given_up(spider_crawler, error) -> None:
    crawler = spider_crawler
    middleware = UnreachableHostMiddleware.from_crawler(crawler)
    request = Request("http://127.0.0.1:8080/apod/ap250105.html")
    for _ in range(2):
        middleware.process_exception(request, error)
        assert middleware.process_request(request) is None
    middleware.process_exception(request, error)
    with pytest.raises(IgnoreRequest, match=r"127\.0\.0\.1 is unreachable"):
        middleware.process_request(request)
    assert crawler.stats.get_value("apod/unreachable/127.0.0.1") == 1


def test_any_answer_counts_the_host_reachable_again(spider_crawler) -> None:
    middleware = UnreachableHostMiddleware.from_crawler(spider_crawler)
    request = Request("http://127.0.0.1:8080/apod/ap250105.html")
    for _ in range(2):
        middleware.process_exception(request, DownloadTimeoutError())
    middleware.process_response(request, _answer(500))  # an error page is an answer
    middleware.process_exception(request, DownloadTimeoutError())
    assert middleware.process_request(request) is None


class _Engine:
    """What RetryAfterMiddleware asks of the engine: pause, unpause, running."""

    def __init__(self) -> None:
        self.running = True
        self.paused = 0
        self.unpaused = 0

    def pause(self) -> None:
        self.paused += 1

    def unpause(self) -> None:
        self.unpaused += 1


@pytest.mark.slow
def test_overlapping_retry_after_waits_resume_the_crawl_once_the_last_ends(spider_crawler) -> None:
    crawler = spider_crawler
    crawler.engine = engine = _Engine()
    middleware = RetryAfterMiddleware.from_crawler(crawler)
    resumed_during_the_long_wait = []

    async def both() -> None:
        short = _answer(429, **{"Retry-After": "1"})
        long = _answer(503, **{"Retry-After": "2"})
        second = asyncio.ensure_future(middleware.process_response(long.request, long))
        first = asyncio.ensure_future(middleware.process_response(short.request, short))
        await first
        resumed_during_the_long_wait.append(engine.unpaused)
        await second

    asyncio.run(both())
    assert resumed_during_the_long_wait == [0]  # the short wait ended: still paused
    assert (engine.paused, engine.unpaused) == (2, 1)
