"""The APOD API (python -m apodscrape serve): a real server on 127.0.0.1 in a subprocess,
asked by a real HTTP client, over a catalog of the corpus's real captures."""

from __future__ import annotations

import datetime as dt
import gzip
import json
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from apodscrape import archive, catalog
from apodscrape.__main__ import main
from apodscrape.api import app
from apodscrape.api.protocol import HEADER_TIMEOUT
from apodscrape.api.v1 import USAGE
from apodscrape.days import today_eastern
from apodscrape.record import Day
from bench.api import free_port  # the one helper, for tests and bench

from .archives import corpus_days, write_days
from .conftest import ROOT
from .test_layers import _loaded_frameworks

FAILED_DAY = "2014-09-23"  # not in the corpus: a run failed it
GAP = "2020-06-10"  # APOD never had it


def fill_catalog(directory: Path, days: list[Day]) -> Path:
    """The archive's catalog as a crawl leaves it: each day's record put as it is parsed
    from its capture, and a run that failed one day and found another missing."""
    db = catalog.open_catalog(directory)
    try:
        for day in days:
            catalog.put_day(db, day, catalog.stamp_file(archive.day_path(directory, day.date)))
        with catalog.transaction(db):
            db.execute(
                "INSERT INTO runs (id, command, arguments, started_at, ended_at, exit_status)"
                " VALUES (1, 'crawl', '{}', '2026-12-06T01:00:00Z', '2026-12-06T01:05:00Z', 1)"
            )
            db.execute(
                "INSERT INTO outcomes VALUES (1, ?, 'failed', 'HTTP 503 three times', ?)",
                (FAILED_DAY, "2026-12-06T01:04:00Z"),
            )
            db.execute(
                "INSERT INTO outcomes VALUES (1, ?, 'missing', 'APOD has no page', ?)",
                (GAP, "2026-12-06T01:04:00Z"),
            )
    finally:
        db.close()
    return catalog.catalog_path(directory)


@dataclass
class Server:
    url: str
    archive: Path
    process: subprocess.Popen[bytes]

    def get(self, path: str, **kwargs: object) -> httpx.Response:
        return httpx.get(self.url + path, timeout=10, **kwargs)  # type: ignore[arg-type]


def start_server(archive: Path, *options: str) -> Server:
    port = free_port()
    command = [sys.executable, "-m", "apodscrape", "serve", str(archive), "--port", str(port)]
    process = subprocess.Popen(
        [*command, *options], cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(process.stderr.read().decode() if process.stderr else "")
        try:
            httpx.get(url + "/health", timeout=1)
            return Server(url, archive, process)
        except httpx.TransportError:
            time.sleep(0.1)
    process.kill()
    raise AssertionError("the server did not answer within 20 s")


def stop_server(server: Server) -> None:
    server.process.terminate()
    server.process.wait(timeout=10)


@pytest.fixture(scope="module")
def days(corpus: Path) -> list[Day]:
    return corpus_days(corpus)


@pytest.fixture(scope="module")
def server(days: list[Day], tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    archive = write_days(tmp_path_factory.mktemp("api"), days, catalogued=False)
    fill_catalog(archive, days)
    running = start_server(archive)
    yield running
    stop_server(running)


def v1_error(code: int, msg: str) -> dict[str, object]:
    return {"code": code, "msg": msg, "service_version": "v1"}


TODAY = f"{today_eastern():%b %d, %Y}"
TOMORROW = (today_eastern() + dt.timedelta(days=1)).isoformat()

COMBINATION = f"Bad Request: invalid field combination passed. {USAGE}"
NOT_A_DATE = "time data 'nope' does not match format '%Y-%m-%d'"

# (query, v1's status, v1's msg): every error nasa/apod-api's application.py gives
ERRORS = [
    ("foo=bar", 400, f"Bad Request: incorrect field passed. {USAGE}"),
    ("date=2020-13-01", 400, "time data '2020-13-01' does not match format '%Y-%m-%d'"),
    ("date=2020-02-30", 400, "day is out of range for month"),
    ("date=2020-01-01x", 400, "unconverted data remains: x"),
    ("date=1995-06-15", 400, f"Date must be between Jun 16, 1995 and {TODAY}."),
    (f"date={TOMORROW}", 400, f"Date must be between Jun 16, 1995 and {TODAY}."),
    ("start_date=1990-01-01", 400, f"Date must be between Jun 16, 1995 and {TODAY}."),
    ("start_date=2014-09-24&end_date=2014-09-20", 400, "start_date cannot be after end_date"),
    ("start_date=2014-09-24&end_date=nope", 400, NOT_A_DATE),
    ("end_date=2014-09-24", 400, COMBINATION),
    ("count=3&date=2014-09-20", 400, COMBINATION),
    ("count=3&start_date=2014-09-20", 400, COMBINATION),
    ("date=2014-09-20&start_date=2014-09-20", 400, COMBINATION),
    ("count=0", 400, "Count must be positive and cannot exceed 100"),
    ("count=101", 400, "Count must be positive and cannot exceed 100"),
    ("count=-1", 400, "Count must be positive and cannot exceed 100"),
    ("count=abc", 400, "invalid literal for int() with base 10: 'abc'"),
    (f"date={GAP}", 404, f"No data available for date: {GAP}"),
]  # fmt: skip


@pytest.mark.parametrize(("query", "status", "msg"), ERRORS)
def test_v1_errors(server: Server, query: str, status: int, msg: str) -> None:
    answer = server.get(f"/planetary/apod?{query}")
    assert answer.status_code == status
    assert answer.headers["content-type"] == "application/json"
    assert answer.json() == v1_error(status, msg)


def test_a_day_in_v1s_shape(server: Server, days: list[Day]) -> None:
    day = next(d for d in days if d.date == dt.date(2014, 9, 20))
    answer = server.get("/planetary/apod?date=2014-09-20&api_key=DEMO_KEY&hd=true")
    assert answer.status_code == 200
    got = answer.json()
    assert list(got) == sorted(got)  # v1's jsonify sorted the keys
    assert got == {
        "copyright": "Bill Dickinson",
        "date": "2014-09-20",
        "explanation": day.explanation_text,
        "hdurl": day.hd_image_url,
        "media_type": "image",
        "service_version": "v1",
        "title": "Shoreline of the Universe",
        "url": day.image_url,
    }
    assert got["hdurl"] != got["url"] and not got["hdurl"].endswith(".html")


def test_a_day_without_hd_or_copyright_has_neither(server: Server, days: list[Day]) -> None:
    got = server.get("/planetary/apod?date=2024-12-07").json()
    assert "hdurl" not in got and "copyright" not in got
    assert got["media_type"] == "image" and got["url"]


def test_v1s_own_path_answers_the_same(server: Server) -> None:
    ours = server.get("/planetary/apod?date=2025-03-24").json()
    assert server.get("/v1/apod/?date=2025-03-24").json() == ours


def test_copyright_is_the_holders_name(server: Server, days: list[Day]) -> None:
    held = [d for d in days if d.copyright]
    assert held, "the corpus has copyrighted days"
    for day in held:
        got = server.get(f"/planetary/apod?date={day.date}").json()
        assert got["copyright"]
        assert "copyright" not in got["copyright"].lower()
        assert "](" not in got["copyright"]  # plain text, not Markdown


def test_no_date_is_the_newest_day_published(server: Server, days: list[Day]) -> None:
    answer = server.get("/planetary/apod")
    assert answer.status_code == 200
    assert answer.json()["date"] == max(d.date for d in days).isoformat()
    assert server.get("/planetary/apod?date=").json() == answer.json()


def test_a_range_skips_the_days_the_archive_lacks(server: Server) -> None:
    answer = server.get("/planetary/apod?start_date=2014-09-20&end_date=2014-09-24")
    assert answer.status_code == 200
    got = [day["date"] for day in answer.json()]
    assert got == ["2014-09-20", "2014-09-21", "2014-09-22", "2014-09-24"]


def test_a_range_without_end_runs_to_today(server: Server, days: list[Day]) -> None:
    got = server.get("/planetary/apod?start_date=2020-01-01").json()
    expected = sorted(d.date.isoformat() for d in days if d.date >= dt.date(2020, 1, 1))
    assert [day["date"] for day in got] == sorted(set(expected))


def test_count_gives_distinct_random_days(server: Server, days: list[Day]) -> None:
    known = {d.date.isoformat() for d in days}
    seen: set[tuple[str, ...]] = set()
    for _ in range(4):
        answer = server.get("/planetary/apod?count=5")
        assert answer.status_code == 200
        dates = tuple(day["date"] for day in answer.json())
        assert len(set(dates)) == 5 and set(dates) <= known
        assert answer.headers["cache-control"] == "no-store"
        seen.add(dates)
    assert len(seen) > 1
    everything = server.get("/planetary/apod?count=100").json()
    assert {day["date"] for day in everything} == known


def test_a_full_count_cache_still_gives_every_day_asked(days, tmp_path, monkeypatch) -> None:
    archive = write_days(tmp_path / "archive", days, catalogued=False)
    fill_catalog(archive, days)
    monkeypatch.setattr(app, "RECORDS_KEPT", 12)  # full at every second answer
    service = app.Service(archive)
    for query in ["count=10"] * 5 + ["count=10&full=true"] * 5:
        status, _, body = service.respond("apod", query, "127.0.0.1", {})
        assert status == 200 and len({day["date"] for day in json.loads(body)}) == 10


@pytest.mark.parametrize("options", ["", "&thumbs=true", "&full=true&concept_tags=true"])
def test_each_day_of_a_count_is_that_days_own_answer(server: Server, options: str) -> None:
    for _ in range(2):  # the second time, from the days kept as JSON by the first
        for day in server.get(f"/planetary/apod?count=100{options}").json():
            assert day == server.get(f"/planetary/apod?date={day['date']}{options}").json()


def test_concept_tags_say_they_are_off_as_v1_did(server: Server) -> None:
    got = server.get("/planetary/apod?date=2025-03-24&concept_tags=true").json()
    assert got["concepts"] == "concept_tags functionality turned off in current service"


def test_thumbs_give_a_video_days_still(server: Server, days: list[Day]) -> None:
    video = next(d for d in days if d.media_type == "video" and d.thumbnail_url)
    plain = server.get(f"/planetary/apod?date={video.date}").json()
    assert plain["media_type"] == "video" and "thumbnail_url" not in plain
    got = server.get(f"/planetary/apod?date={video.date}&thumbs=true").json()
    assert got["thumbnail_url"] == video.thumbnail_url
    image = server.get("/planetary/apod?date=2014-09-20&thumbs=true").json()
    assert "thumbnail_url" not in image


def test_full_record_on_request(server: Server, days: list[Day]) -> None:
    day = next(d for d in days if d.date == dt.date(2020, 1, 28))
    got = server.get("/planetary/apod?date=2020-01-28&full=true").json()
    assert got["apod_url"] == day.canonical_url
    assert [c["role"] for c in got["credits"]] == [c["role"] for c in day.credits]
    assert len(got["credit"]) == len(day.credit)
    assert got["explanation"] == day.explanation_text


def test_a_day_a_run_failed_says_so(server: Server) -> None:
    answer = server.get(f"/planetary/apod?date={FAILED_DAY}")
    assert answer.status_code == 503
    assert "HTTP 503 three times" in answer.json()["msg"]
    assert answer.json()["code"] == 503
    assert answer.headers["retry-after"]


def test_unknown_path_and_method(server: Server) -> None:
    answer = server.get("/planetary/apodx")
    assert answer.status_code == 404
    assert answer.json() == v1_error(404, f"Sorry, Nothing at this URL. {USAGE}")
    posted = httpx.post(server.url + "/planetary/apod", timeout=10)
    assert posted.status_code == 405 and posted.json()["code"] == 405
    for sent in (answer, posted):  # the headers of every error answer, never cached
        assert sent.headers["content-type"] == "application/json"
        assert sent.headers["cache-control"] == "no-store"
        assert sent.headers["access-control-allow-origin"] == "*"


def test_cors_and_rate_headers_on_every_answer(server: Server) -> None:
    for path in ("/planetary/apod?date=2025-03-24", "/planetary/apod?foo=1", "/nowhere"):
        answer = server.get(path, headers={"Origin": "https://example.org"})
        assert answer.headers["access-control-allow-origin"] == "*"
        exposed = answer.headers["access-control-expose-headers"].lower()
        assert "x-ratelimit-limit" in exposed and "x-ratelimit-remaining" in exposed
    answer = server.get("/planetary/apod?date=2025-03-24")
    assert int(answer.headers["x-ratelimit-limit"]) > 0
    assert int(answer.headers["x-ratelimit-remaining"]) > 0


def test_cors_preflight(server: Server) -> None:
    answer = httpx.options(
        server.url + "/planetary/apod",
        headers={
            "Origin": "https://example.org",
            "Access-Control-Request-Method": "GET",
            "Access-Control-Request-Headers": "X-Requested-With",
        },
        timeout=10,
    )
    assert answer.status_code == 200
    assert answer.headers["access-control-allow-origin"] == "*"
    assert "GET" in answer.headers["access-control-allow-methods"]
    assert "x-requested-with" in answer.headers["access-control-allow-headers"].lower()


def test_conditional_requests_get_304(server: Server) -> None:
    first = server.get("/planetary/apod?date=2025-03-24")
    etag, modified = first.headers["etag"], first.headers["last-modified"]
    assert first.headers["cache-control"].startswith("public, max-age=")
    again = server.get("/planetary/apod?date=2025-03-24", headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.content == b""
    assert again.headers["etag"] == etag
    since = server.get("/planetary/apod?date=2025-03-24", headers={"If-Modified-Since": modified})
    assert since.status_code == 304
    other = server.get("/planetary/apod?date=2025-03-24", headers={"If-None-Match": '"other"'})
    assert other.status_code == 200 and other.json()["date"] == "2025-03-24"


def test_head_has_the_headers_and_no_body(server: Server) -> None:
    got = server.get("/planetary/apod?date=2025-03-24")
    head = httpx.head(server.url + "/planetary/apod?date=2025-03-24", timeout=10)
    assert head.status_code == 200 and head.content == b""
    assert head.headers["etag"] == got.headers["etag"]
    assert head.headers["content-length"] == got.headers["content-length"]


def test_lists_are_gzipped_for_clients_that_take_it(server: Server) -> None:
    path = "/planetary/apod?start_date=2014-09-20&end_date=2014-09-24"
    headers = {"Accept-Encoding": "gzip"}
    with httpx.stream("GET", server.url + path, headers=headers, timeout=10) as raw:
        assert raw.headers["content-encoding"] == "gzip"
        packed = b"".join(raw.iter_raw())
    plain = httpx.get(server.url + path, headers={"Accept-Encoding": "identity"}, timeout=10)
    assert "content-encoding" not in plain.headers
    assert gzip.decompress(packed) == plain.content
    assert len(packed) < len(plain.content) / 2


def test_search_ranks_titles_first_with_snippets(server: Server) -> None:
    word = "Shoreline"  # 2014-09-20's title
    answer = server.get(f"/planetary/apod/search?q={word}")
    assert answer.status_code == 200
    got = answer.json()
    assert got["total"] >= 1
    assert got["results"][0]["date"] == "2014-09-20"
    assert all(word.lower() in hit["snippet"].lower() for hit in got["results"])
    assert all("**" in hit["snippet"] for hit in got["results"])
    paged = server.get(f"/planetary/apod/search?q={word}&per_page=1&page=1").json()
    assert len(paged["results"]) == 1 and paged["total"] == got["total"]


@pytest.mark.parametrize(
    "query", ["", "q=", "q=%22%2A%28", "q=a&page=0", "q=a&per_page=1000", "q=a&bogus=1"]
)
def test_search_errors_are_v1_errors(server: Server, query: str) -> None:
    answer = server.get(f"/planetary/apod/search?{query}")
    assert answer.status_code == 400
    assert set(answer.json()) == {"code", "msg", "service_version"}


def test_health_says_how_fresh_the_archive_is(server: Server, days: list[Day]) -> None:
    got = server.get("/health").json()
    assert got["days"] == len({d.date for d in days})
    assert got["newest"] == max(d.date for d in days).isoformat()
    assert got["status"] == "stale"  # the corpus ends in 2025
    assert got["last_run"]["exit_status"] == 1


def test_the_server_loads_no_crawl_framework() -> None:
    code = "import apodscrape.tools.serve as serve\nserve.app"
    assert _loaded_frameworks(f"import apodscrape.api\n{code}") == []


@pytest.mark.slow
def test_a_cron_crawl_is_answered_by_the_next_request(site, crawl, tmp_path: Path) -> None:
    """A crawl of the simulator and the catalog's rebuild, while the server runs: the next
    answer has the new day, with no restart, and the answers kept before it (the newest day,
    a range) are not served stale."""
    first = [dt.date(2025, 1, 1) + dt.timedelta(days=n) for n in range(3)]
    new = dt.date(2025, 1, 4)
    site.publish(*first, new, title="Sky of {day}")
    output = tmp_path / "output"
    crawl(site, output=output, start=str(first[0]), end=str(first[-1]))
    assert main(["rebuild", "--out", str(output), "--jobs", "1"]) == 0
    running = start_server(output)
    try:
        assert running.get(f"/planetary/apod?date={new}").status_code == 404
        assert running.get("/planetary/apod").json()["date"] == str(first[-1])
        span = f"/planetary/apod?start_date={first[0]}&end_date={new}"
        assert [d["date"] for d in running.get(span).json()] == [str(d) for d in first]
        assert len(running.get("/planetary/apod?count=3").json()) == 3

        site.publish(first[0], title="Corrected {day}")
        crawl(site, output=output, dates=f"{first[0]},{new}", refresh="all")
        assert main(["rebuild", "--out", str(output), "--jobs", "1"]) == 0

        answer = running.get(f"/planetary/apod?date={new}")
        assert answer.status_code == 200 and answer.json()["title"] == f"Sky of {new}"
        assert running.get("/planetary/apod").json()["date"] == str(new)
        assert [d["date"] for d in running.get(span).json()] == [str(d) for d in [*first, new]]
        counted = {d["date"]: d["title"] for d in running.get("/planetary/apod?count=4").json()}
        assert counted == {str(d): f"Sky of {d}" for d in [*first[1:], new]} | {
            str(first[0]): f"Corrected {first[0]}"
        }
    finally:
        stop_server(running)


@pytest.mark.slow
def test_slow_and_flooding_clients_do_not_starve_the_others(server: Server) -> None:
    """Clients that trickle their headers, and one that floods: another client's request is
    answered meanwhile, and a trickler is let go once its headers are late."""
    host, port = server.url.removeprefix("http://").split(":")
    slow = [socket.create_connection((host, int(port))) for _ in range(200)]
    for connection in slow:
        connection.sendall(b"GET /planetary/apod?date=2014-09-20 HTTP/1.1\r\nHost: x\r\n")
    flooding = True

    def flood() -> None:
        with httpx.Client(timeout=10) as client:
            while flooding:
                client.get(server.url + "/planetary/apod?start_date=1995-06-16")

    flooders = [threading.Thread(target=flood) for _ in range(4)]
    for thread in flooders:
        thread.start()
    try:
        answer = server.get("/planetary/apod?date=2014-09-20")
        assert answer.status_code == 200 and answer.json()["date"] == "2014-09-20"
        slow[0].settimeout(HEADER_TIMEOUT + 5)
        assert slow[0].recv(1024) == b""  # closed by the server, unanswered
    finally:
        flooding = False
        for thread in flooders:
            thread.join()
        for connection in slow:
            connection.close()


@pytest.fixture(scope="module")
def guarded(days: list[Day], tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    archive = write_days(tmp_path_factory.mktemp("guarded"), days)
    fill_catalog(archive, days)
    keys = archive / "keys.txt"
    keys.write_text("first-key\nsecond-key\n")
    running = start_server(archive, "--rate-limit", "3", "--api-keys", str(keys))
    yield running
    stop_server(running)


def test_keys_checked_where_the_operator_gives_them(guarded: Server) -> None:
    missing = guarded.get("/planetary/apod?date=2014-09-20")
    assert missing.status_code == 403
    assert missing.json()["error"]["code"] == "API_KEY_MISSING"
    wrong = guarded.get("/planetary/apod?date=2014-09-20&api_key=DEMO_KEY")
    assert wrong.status_code == 403 and wrong.json()["error"]["code"] == "API_KEY_INVALID"
    right = guarded.get("/planetary/apod?date=2014-09-20&api_key=second-key")
    assert right.status_code == 200 and right.json()["date"] == "2014-09-20"


def test_the_rate_limit_counts_per_key(guarded: Server) -> None:
    path = "/planetary/apod?date=2014-09-20&api_key=first-key"
    remaining = []
    for _ in range(3):
        answer = guarded.get(path)
        assert answer.status_code == 200 and answer.headers["x-ratelimit-limit"] == "3"
        remaining.append(answer.headers["x-ratelimit-remaining"])
    assert remaining == ["2", "1", "0"]
    over = guarded.get(path)
    assert over.status_code == 429 and over.json()["error"]["code"] == "OVER_RATE_LIMIT"
    assert over.headers["x-ratelimit-remaining"] == "0"


@pytest.mark.slow
def test_the_site_beside_the_api(server: Server, tmp_path: Path) -> None:
    """--site DIR: the static site of the same archive at /, the API's paths still the API."""
    site = tmp_path / "site"
    assert main(["site", str(server.archive), str(site), "--quiet", "--jobs", "1"]) == 0
    running = start_server(server.archive, "--site", str(site))
    try:
        page = running.get("/")
        assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
        assert page.content == (site / "index.html").read_bytes()
        assert running.get("/planetary/apod?date=2014-09-20").json()["date"] == "2014-09-20"
        missing = running.get("/no-such-page.html")
        assert missing.status_code == 404 and missing.json()["code"] == 404
    finally:
        stop_server(running)
