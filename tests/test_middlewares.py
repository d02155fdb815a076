"""Downloader middlewares, called directly: Retry-After read both ways, captures kept."""

from __future__ import annotations

import email.utils
import time
from pathlib import Path

import pytest
from scrapy import Request
from scrapy.http import HtmlResponse
from scrapy.utils.test import get_crawler

from apodscrape.middlewares import CaptureMiddleware, retry_after
from apodscrape.warc import captures

from .conftest import project_settings_dict


def _answer(status: int = 200, **headers: str) -> HtmlResponse:
    return HtmlResponse("http://127.0.0.1:9/apod/ap250105.html", status=status, headers=headers)


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
