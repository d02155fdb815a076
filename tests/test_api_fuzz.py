"""Fuzzing the APOD API's real server: whatever the query, path or headers, the answer is
JSON of v1's error shape or a day, never a 500 or a traceback (hypothesis, bounded)."""

from __future__ import annotations

import datetime as dt
import json
import re
import socket
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from apodscrape.api.v1 import FIELDS

from .archives import corpus_days, write_days
from .test_api import Server, fill_catalog, start_server, stop_server

OK = {200, 304, 400, 403, 404, 405, 429, 503}
FUZZ = settings(
    max_examples=200,
    deadline=None,
    derandomize=True,  # the same cases every run: a failure is seen again
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

dates = st.dates(dt.date(1990, 1, 1), dt.date(2030, 12, 31)).map(dt.date.isoformat)
junk = st.text(max_size=40)
values = st.one_of(
    dates,
    junk,
    st.integers(-1000, 100_000).map(str),
    st.sampled_from(["", "true", "false", "1", "0", "TRUE", "%", "%zz", "\x00", "٣", " 5 "]),
    dates.map(lambda d: d.replace("-", "/")),
)
keys = st.one_of(st.sampled_from(sorted(FIELDS | {"q", "page", "per_page"})), junk)
queries = st.lists(st.tuples(keys, values), max_size=6)
paths = st.sampled_from(
    ["/planetary/apod", "/v1/apod/", "/planetary/apod/search", "/health", "/", "/x"]
)
headers = st.dictionaries(
    st.sampled_from(["If-None-Match", "If-Modified-Since", "Accept-Encoding", "Origin", "Range"]),
    st.text(st.characters(min_codepoint=32, max_codepoint=126), max_size=40).map(str.strip),
    max_size=3,
)


@pytest.fixture(scope="module")
def client() -> Iterator[httpx.Client]:
    """One client for all the cases, its connections kept alive."""
    with httpx.Client(timeout=10) as kept:
        yield kept


@pytest.fixture(scope="module")
def fuzzed(corpus: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    days = corpus_days(corpus)
    archive = write_days(tmp_path_factory.mktemp("fuzz"), days)
    fill_catalog(archive, days)
    running = start_server(archive)
    yield running
    stop_server(running)


def assert_sound(answer: httpx.Response) -> None:
    assert answer.status_code in OK, (answer.status_code, answer.text[:300])
    if answer.status_code == 304 or answer.request.method == "HEAD":
        return
    body = answer.json()
    if answer.status_code >= 400 and answer.status_code not in (403, 429):
        assert set(body) == {"code", "msg", "service_version"}
        assert body["code"] == answer.status_code
        assert "Traceback" not in body["msg"]


@pytest.mark.slow
@FUZZ
@given(path=paths, query=queries, sent=headers, method=st.sampled_from(["GET", "HEAD", "POST"]))
def test_any_request_gets_json_never_a_500(
    fuzzed: Server, client, path, query, sent, method
) -> None:  # type: ignore[no-untyped-def]
    answer = client.request(method, fuzzed.url + path, params=query, headers=sent)
    assert_sound(answer)


def raw_get(server: Server, target: bytes) -> tuple[int, bytes]:
    """GET `target` sent as bytes, as no client library would send it: status and body."""
    host, port = server.url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=10) as connection:
        connection.sendall(b"GET " + target + b" HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        answer = b""
        while chunk := connection.recv(65536):
            answer += chunk
    head, _, body = answer.partition(b"\r\n\r\n")
    return int(head.split(b" ", 2)[1]), body


# what a request line may hold: visible ASCII (a space, a control character or a byte past
# ASCII breaks the line itself: uvicorn answers 400 "Invalid HTTP request received." before
# any application sees it)
target_bytes = st.binary(max_size=80).map(lambda b: bytes(c for c in b if 0x20 < c < 0x7F))


@FUZZ
@given(path=target_bytes, query=target_bytes)
def test_any_raw_target(fuzzed: Server, path: bytes, query: bytes) -> None:
    status, body = raw_get(fuzzed, b"/planetary/apod" + path + b"?" + query)
    if status == 307:  # Starlette's: /planetary/apod/ -> /planetary/apod (as v1's Flask did)
        assert re.split(rb"[?#]", b"/planetary/apod" + path, maxsplit=1)[0].endswith(b"/")
        return
    assert status in OK, (status, body[:300])
    answer = json.loads(body)
    if status >= 400:
        assert set(answer) == {"code", "msg", "service_version"}


@FUZZ
@given(q=st.text(max_size=60), page=values, per_page=values)
def test_any_search(fuzzed: Server, client: httpx.Client, q: str, page: str, per_page: str) -> None:
    params = {"q": q, "page": page, "per_page": per_page}
    answer = client.get(fuzzed.url + "/planetary/apod/search", params=params)
    assert_sound(answer)
    if answer.status_code == 200:
        assert answer.json()["total"] >= len(answer.json()["results"])
