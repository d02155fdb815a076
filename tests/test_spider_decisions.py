"""The spider's decision table, by direct calls: each answer a source can give for a day
(status, body, probe or not, source) and what the spider makes of it, without a crawl."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
import scrapy
from scrapy.http import HtmlResponse, Response, TextResponse
from scrapy.utils.test import get_crawler
from twisted.internet.error import ConnectionRefusedError
from twisted.python.failure import Failure

from apodscrape import catalog
from apodscrape.crawl.spiders.apod import ApodSpider
from apodscrape.record import Day

from .conftest import FIXTURES, project_settings_dict

DAY = dt.date(2025, 1, 5)
CLASSIC = "http://127.0.0.1:9/apod/"
SCIENCE = "http://127.0.0.1:9/science/"
NOT_FOUND = b'{"code": "apod_basic_not_found", "message": "No APOD", "data": {"status": 404}}'


@pytest.fixture
def spider_for(tmp_path: Path):
    def build(source: str, **arguments: str) -> ApodSpider:
        settings = project_settings_dict(
            APOD_SOURCE=source,
            APOD_CLASSIC_URL=CLASSIC,
            APOD_SCIENCE_URL=SCIENCE,
            APOD_OUTPUT_DIR=str(tmp_path),
            CONCURRENT_REQUESTS_PER_DOMAIN=2,
        )
        crawler = get_crawler(ApodSpider, settings)
        crawler.spider = crawler._create_spider(**(arguments or {"dates": DAY.isoformat()}))
        crawler.spider.read_archive()  # as a crawl has it do once it holds the archive
        return crawler.spider

    return build


def _classic_answer(spider: ApodSpider, status: int, body: bytes = b"", **headers: str):
    request = spider.classic_request(DAY, probe=spider.api_fallback)
    spider.classic_in_flight += 1
    response = HtmlResponse(request.url, status=status, body=body, headers=headers, request=request)
    return list(spider.parse_classic(response, **request.cb_kwargs))


def _what(spider: ApodSpider, results: list[Any]) -> list[str]:
    """Each result as a word: the day, or the request it asks (and where)."""
    words = []
    for result in results:
        if isinstance(result, Day):
            words.append(f"day {result.date}")
        elif isinstance(result, scrapy.Request) and result.url.startswith(SCIENCE):
            words.append("ask the API")
        elif isinstance(result, scrapy.Request):
            words.append(f"ask {result.url.removeprefix(CLASSIC)}")
    stats = spider.crawler.stats
    words += [
        f"{n} {name}" for name in ("missing", "failed") if (n := stats.get_value(f"apod/{name}"))
    ]
    return words


NOT_A_DAY = (FIXTURES / "classic" / "not-a-day-about.html").read_bytes()


@pytest.mark.parametrize(
    ("source", "answer", "outcome"),
    [
        # the classic site's answers, in classic mode: never anything but the day's page
        ("classic", (200, "page"), ["day 2025-01-05"]),
        ("classic", (404, ""), ["1 missing"]),
        ("classic", (301, "landing"), ["1 failed"]),
        ("classic", (200, "not a day"), ["1 failed"]),
        # in auto (this answer is the probe's): what the classic site cannot give, the API may
        ("auto", (200, "page"), ["day 2025-01-05"]),
        ("auto", (404, ""), ["1 missing"]),
        ("auto", (301, "landing"), ["ask the API"]),
        ("auto", (200, "another day"), ["ask the API"]),
        ("auto", (200, "not a day"), ["ask the API"]),
        # the same day's page at another address is followed, once
        ("classic", (301, "https"), ["ask ap250105.html"]),
    ],
    ids=lambda value: (
        value
        if isinstance(value, str)
        else "-".join(map(str, value))
        if isinstance(value, tuple)
        else None
    ),
)
def test_classic_answers(spider_for, spec: Path, source: str, answer, outcome) -> None:
    spider = spider_for(source)
    status, kind = answer
    body = {
        "page": (spec / "ap250105.reconstructed.html").read_bytes(),
        "another day": (spec / "ap250105.reconstructed.html")
        .read_bytes()
        .replace(b"2025 January 5", b"2025 January 6"),
        "not a day": NOT_A_DAY,
    }.get(kind, b"")
    headers = {}
    if kind == "landing":
        headers["Location"] = "https://science.nasa.gov/apod/"
    elif kind == "https":
        headers["Location"] = f"{CLASSIC}ap250105.html"
    assert _what(spider, _classic_answer(spider, status, body, **headers)) == outcome


def test_a_probe_that_does_not_answer_sends_every_day_to_the_api(spider_for) -> None:
    spider = spider_for("auto", start="2025-01-03", end="2025-01-05")
    requests = []

    async def collect() -> None:
        requests.extend([r async for r in spider.start()])

    asyncio.run(collect())
    assert [r.url.removeprefix(CLASSIC) for r in requests] == ["ap250105.html"]  # the probe
    failure = Failure(ConnectionRefusedError("refused"))
    failure.request = requests[0]
    results = list(spider.classic_error(failure))
    assert _what(spider, results) == ["ask the API"]
    assert "date_from=250103&date_to=250105" in results[0].url
    assert spider.classic_moved and spider.classic_queue == []


def test_after_a_failed_probe_the_apis_no_is_no_proof_for_any_queued_day(spider_for) -> None:
    spider = spider_for("auto", start="2025-01-03", end="2025-01-05")
    spider.classic_queue = [dt.date(2025, 1, 3), dt.date(2025, 1, 4)]
    failure = Failure(ConnectionRefusedError("refused"))
    failure.request = spider.classic_request(DAY, probe=True)
    spider.classic_in_flight += 1
    list(spider.classic_error(failure))
    request = spider.science_day_request(dt.date(2025, 1, 3))
    response = TextResponse(request.url, status=404, body=NOT_FOUND, request=request)
    spider.parse_science_day(response, **request.cb_kwargs)
    assert _what(spider, []) == ["1 failed"]


def test_a_probe_redirected_to_the_same_day_keeps_the_window_shut(spider_for) -> None:
    spider = spider_for("auto", start="2025-01-01", end="2025-01-05")
    spider.classic_queue = [dt.date(2025, 1, d) for d in (1, 2, 3, 4)]
    results = _classic_answer(spider, 301, Location=f"{CLASSIC}ap250105.html")
    assert _what(spider, results) == ["ask ap250105.html"]  # the hop alone, still the probe
    assert not spider.classic_probed and results[0].cb_kwargs["probe"]


def test_after_the_probe_the_window_opens(spider_for, spec: Path) -> None:
    spider = spider_for("auto", start="2025-01-01", end="2025-01-05")
    spider.classic_queue = [dt.date(2025, 1, d) for d in (1, 2, 3, 4)]
    results = _classic_answer(spider, 200, (spec / "ap250105.reconstructed.html").read_bytes())
    assert _what(spider, results) == ["day 2025-01-05", "ask ap250104.html", "ask ap250103.html"]


def _science_answer(spider: ApodSpider, status: int, body: bytes) -> list[Any]:
    request = spider.science_day_request(DAY)
    response = TextResponse(request.url, status=status, body=body, request=request)
    result = spider.parse_science_day(response, **request.cb_kwargs)
    return [] if result is None else [result]


@pytest.mark.parametrize(
    ("status", "body", "outcome"),
    [
        (404, NOT_FOUND, ["1 missing"]),
        (404, b"<html>Not Found</html>", ["1 failed"]),
        (200, b"[]", ["1 failed"]),
        (200, b"", ["1 failed"]),
    ],
    ids=["not-found", "plain-404", "a-list", "empty"],
)
def test_api_day_answers(spider_for, status: int, body: bytes, outcome: list[str]) -> None:
    spider = spider_for("science")
    assert _what(spider, _science_answer(spider, status, body)) == outcome


def test_api_day_record(spider_for, corpus: Path) -> None:
    spider = spider_for("science", dates="2026-10-02")
    body = (corpus / "science" / "apod-basic-261002.json").read_bytes()
    request = spider.science_day_request(dt.date(2026, 10, 2))
    response = TextResponse(request.url, status=200, body=body, request=request)
    day = spider.parse_science_day(response, **request.cb_kwargs)
    assert isinstance(day, Day) and day.date == dt.date(2026, 10, 2) and day.raw_sha256


def _list_answer(spider: ApodSpider, run: list[dt.date], page: int, body: bytes, size=None):
    request = spider.science_list_request(run, set(run), page=page, page_size=size)
    response: Response = TextResponse(request.url, status=200, body=body, request=request)
    return list(spider.parse_science_list(response, **request.cb_kwargs))


def test_a_list_page_that_is_not_json_falls_back_to_single_days(spider_for) -> None:
    spider = spider_for("science")
    run = [dt.date(2025, 1, d) for d in (3, 4, 5)]
    results = _list_answer(spider, run, 1, b"<html>oops</html>")
    assert _what(spider, results) == ["ask the API"] * 3
    assert spider.crawler.stats.get_value("apod/list_fallback") == 1


def _records(corpus: Path, *dates: dt.date) -> bytes:
    template = json.loads((corpus / "science" / "apod-basic-261002.json").read_bytes())
    return json.dumps([{**template, "date": d.isoformat()} for d in dates]).encode()


RUN = [dt.date(2025, 1, d) for d in range(1, 8)]  # 7 days, newest first in the API


def test_an_empty_list_page_is_no_proof_its_days_are_missing(spider_for) -> None:
    spider = spider_for("science")
    assert _what(spider, _list_answer(spider, RUN[:3], 1, b"[]")) == ["ask the API"] * 3


def test_paging_goes_on_while_full_pages_bring_new_days(spider_for, corpus) -> None:
    spider = spider_for("science")
    results = _list_answer(spider, RUN, 1, _records(corpus, *RUN[:-4:-1]))  # 7, 6, 5
    assert _what(spider, results) == ["day 2025-01-07", "day 2025-01-06", "day 2025-01-05",
                                      "ask the API"]  # fmt: skip
    assert "page=2" in results[-1].url


def test_a_page_that_brings_nothing_new_ends_paging(spider_for, corpus) -> None:
    # an API that ignores page=: page 2 is page 1 again; what it never gave is asked alone
    spider = spider_for("science")
    request = spider.science_list_request(RUN, set(RUN[:4]), page=2, page_size=3)
    body = _records(corpus, *RUN[:-4:-1])
    response = TextResponse(request.url, status=200, body=body, request=request)
    results = list(spider.parse_science_list(response, **request.cb_kwargs))
    assert _what(spider, results) == ["ask the API"] * 4


def test_paging_stops_at_the_last_page_the_api_counts(spider_for, corpus) -> None:
    spider = spider_for("science")
    request = spider.science_list_request(RUN, set(RUN), page=1, page_size=None)
    body = _records(corpus, *RUN[:-4:-1])
    headers = {"X-WP-TotalPages": "1"}
    response = TextResponse(request.url, status=200, body=body, headers=headers, request=request)
    results = list(spider.parse_science_list(response, **request.cb_kwargs))
    assert _what(spider, results)[3:] == ["ask the API"] * 4  # days 1-4, one by one


def test_a_day_the_classic_site_failed_is_not_missing_on_the_apis_word(spider_for) -> None:
    spider = spider_for("auto")
    spider.classic_probed = True
    failure = Failure(ConnectionRefusedError("refused"))
    failure.request = spider.classic_request(DAY)
    spider.classic_in_flight += 1
    assert _what(spider, list(spider.classic_error(failure))) == ["ask the API"]
    assert _what(spider, _science_answer(spider, 404, NOT_FOUND)) == ["1 failed"]


def test_only_days_settled_past_the_refresh_window_are_remembered_missing(spider_for) -> None:
    spider = spider_for("classic")
    today = dt.date.today()
    for day in (today, today - dt.timedelta(days=30)):
        spider.missing(day, "HTTP 404")
    spider.closed("finished")
    db = catalog.open_readonly(spider.output)
    assert catalog.read_state(db).missing == {today - dt.timedelta(days=30)}  # today's may
    db.close()  # not be out yet
