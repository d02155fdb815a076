"""The simulated sites over HTTP on 127.0.0.1: apod.nasa.gov under /apod/, science.nasa.gov
under /science/, served by aiohttp in a thread of its own (tests) or in the caller's event
loop (the command line). Scripted answers for single paths stand in front of the generated
site; every request is logged and counted."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import socket
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs, urlsplit

from aiohttp import web

from apodscrape.days import FIRST_DAY, KNOWN_GAPS, today_eastern

from .classic import HTML, NOT_FOUND_HTML, Page, classic_page
from .content import archive_days, day_of_yymmdd, has_page
from .faults import DEFAULT_FAULTS, Faults
from .science import JSON, LIST_CAP, NOT_FOUND_JSON, list_page, science_record

MODES = ("classic", "moved", "faults")
CLASSIC_PREFIX = "/apod/"
SCIENCE_PREFIX = "/science/"
LANDING_PATH = "/science/apod/"
API_PATH = "/science/wp-json/wp/v2/apod-basic"
STATS_PATH = "/__sim/stats"


@dataclass
class Answer:
    """What one request gets. `sent` cuts the body short of the Content-Length it announces
    (a truncated answer); `delay` is how long the answer waits, in seconds."""

    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=lambda: {"Content-Type": HTML})
    sent: int | None = None
    delay: float = 0.0
    kind: str = "scripted"  # what was asked: counted in the simulator's stats


@dataclass(frozen=True)
class Hit:
    """One request the simulator answered."""

    path: str
    status: int
    kind: str
    fault: str | None = None
    delay: float = 0.0
    at: float = 0.0  # the simulator's clock when the request came in


class SiteSim:
    """The simulated APOD sites on 127.0.0.1 (port 0). Use as a context manager (a server
    thread, for tests), or `await serve()` (in the caller's event loop, for the CLI).

    The site has a page for every day of the archive to `end` (less the real gaps), or for
    `days` alone when given (an empty site that a test fills with `publish`). `routes`
    (path with query -> Answer, or a list of Answers given in turn) answer before the site.
    `mode`, `delay`, `list_cap`, `failing_list_pages` and the clock can change between crawls.
    """

    def __init__(
        self,
        mode: str = "classic",
        end: dt.date | None = None,
        *,
        days: Iterable[dt.date] | None = None,
        seed: int = 0,
        faults: Faults | None = None,
        list_cap: int = LIST_CAP,
        log: bool = True,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if mode not in MODES:
            raise ValueError(f"mode {mode!r} is not one of {', '.join(MODES)}")
        self.mode = mode
        self.end = end or today_eastern()
        self.days: set[dt.date] | None = None if days is None else set(days)
        self.seed = seed
        self.faults = faults if faults is not None else DEFAULT_FAULTS if mode == "faults" else None
        self.list_cap = list_cap
        self.failing_list_pages: set[int] = set()  # list pages (by number) that answer 500
        self.delay = 0.0  # seconds every answer but robots.txt waits: a slow server
        self.log = log
        self.clock = clock
        self.changes: dict[dt.date, dict[str, Any]] = {}
        self.routes: dict[str, Answer | list[Answer]] = {}
        self.hits: list[Hit] = []
        self.counts: Counter[str] = Counter()
        self._attempts: Counter[str] = Counter()
        self._lock = threading.Lock()  # the test's thread changes the site, the server reads it
        self.url = ""
        self._runner: web.AppRunner | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None

    # the site's days

    def publish(self, *days: dt.date, **changes: Any) -> None:
        """Give the site a page for each of `days` (classic page and API record), with
        `changes` to what each shows (Content fields: title=, kind=, slug=, ...; `{day}` in a
        text is the day's ISO date). On the whole archive, only what the days show changes."""
        with self._lock:
            for day in days:
                if self.days is not None:
                    self.days.add(day)
                self.changes[day] = {
                    name: value.format(day=day) if isinstance(value, str) else value
                    for name, value in changes.items()
                }

    def has_page(self, day: dt.date) -> bool:
        """Whether the site has a page for `day`."""
        return day in self.days if self.days is not None else has_page(day, self.end)

    def classic_page(self, day: dt.date) -> Page:
        """The classic page of `day` as this site shows it."""
        return classic_page(day, self.seed, **self.changes.get(day, {}))

    def science_record(self, day: dt.date) -> dict[str, Any]:
        """The apod-basic record of `day` as this site serves it."""
        return science_record(day, self.seed, **self.changes.get(day, {}))[0]

    # scripted answers

    def page(self, path: str, body: bytes, status: int = 200, **headers: str) -> None:
        """Serve `body` at `path` (with its query), before whatever the site has there."""
        with self._lock:
            self.routes[path] = Answer(status, body, {"Content-Type": HTML, **headers})

    def answers(self, path: str, *answers: Answer) -> None:
        """Serve `answers` at `path` in turn, the last one from then on."""
        with self._lock:
            self.routes[path] = list(answers)

    # the log

    @property
    def requests(self) -> list[str]:
        """The path (with query) of every request logged, in order."""
        return [hit.path for hit in self.hits]

    def requested(self, prefix: str) -> list[str]:
        """The logged request paths that start with `prefix`."""
        return [hit.path for hit in self.hits if hit.path.startswith(prefix)]

    def times(self, path: str) -> list[float]:
        """When each request for `path` came in, by the simulator's clock."""
        return [hit.at for hit in self.hits if hit.path == path]

    def stats(self) -> dict[str, int]:
        """Requests answered, by kind (classic_day, api_list, scripted, ...), and `total`."""
        return {**self.counts, "total": sum(self.counts.values())}

    # what a path answers, without HTTP

    def answer(self, path: str) -> Answer:
        """The answer to a GET of `path` (with its query), faults aside."""
        with self._lock:
            route = self.routes.get(path)
            if isinstance(route, list):  # answers in turn; the last one stays
                return route.pop(0) if len(route) > 1 else route[0]
            if route is not None:
                return route
            return self._site(path)

    def _site(self, path: str) -> Answer:
        parts = urlsplit(path)
        route = parts.path
        if route == "/robots.txt":
            return Answer(
                200, b"User-agent: *\nDisallow:\n", {"Content-Type": "text/plain"}, kind="robots"
            )
        if route.startswith(CLASSIC_PREFIX):
            return self._classic(route[len(CLASSIC_PREFIX) :])
        if self.mode == "moved" and route == LANDING_PATH and (newest := self._newest()):
            return Answer(200, self.classic_page(newest).body, kind="landing")
        if route == API_PATH:
            return self._api_list(parse_qs(parts.query))
        if route.startswith(API_PATH + "/"):
            return self._api_day(route[len(API_PATH) + 1 :])
        return Answer(404, NOT_FOUND_HTML, kind="not_found")

    def _classic(self, name: str) -> Answer:
        day = _day_of_page(name)
        if day is not None and self.mode == "moved":
            return self._moved()  # every day's address, whether the day exists or not
        if day is None or not self.has_page(day):
            return Answer(404, NOT_FOUND_HTML, kind="not_found")
        return Answer(200, self.classic_page(day).body, kind="classic_day")

    def _moved(self) -> Answer:
        headers = {"Content-Type": HTML, "Location": f"{self.url}{LANDING_PATH}"}
        return Answer(301, b"", headers, kind="classic_redirect")

    def _api_list(self, query: dict[str, list[str]]) -> Answer:
        page = query.get("page", ["1"])[0]
        if page.isdigit() and int(page) in self.failing_list_pages:
            return Answer(500, b"upstream error", kind="api_list_error")
        status, body, headers = list_page(
            query, self._days_between, self.science_record, self.list_cap
        )
        return Answer(status, body, headers, kind="api_list")

    def _api_day(self, name: str) -> Answer:
        try:
            day = day_of_yymmdd(name)
        except ValueError:
            return Answer(404, NOT_FOUND_HTML, kind="not_found")
        if not self.has_page(day):
            return Answer(404, NOT_FOUND_JSON, {"Content-Type": JSON}, kind="api_not_found")
        body = json.dumps(self.science_record(day)).encode()
        return Answer(200, body, {"Content-Type": JSON}, kind="api_day")

    def _days_between(self, first: dt.date, last: dt.date) -> list[dt.date]:
        """The days with a page from `first` to `last`, newest first."""
        if self.days is not None:
            return sorted((d for d in self.days if first <= d <= last), reverse=True)
        return archive_days(min(last, self.end), first)[::-1]

    def _newest(self) -> dt.date | None:
        """The newest day with a page: the one the landing page shows."""
        if self.days is not None:
            return max((d for d in self.days if d <= self.end), default=None)
        day = self.end
        while day in KNOWN_GAPS:
            day -= dt.timedelta(days=1)
        return day if day >= FIRST_DAY else None

    # HTTP

    async def _handle(self, request: web.Request) -> web.StreamResponse:
        path = request.path_qs
        if request.path == STATS_PATH:  # not counted: the benchmark reads it
            return web.json_response(self.stats())
        arrived = self.clock()
        fault, wait = None, 0.0
        if self.faults is not None:
            self._attempts[path] += 1
            fault, wait = self.faults.draw(self.seed, path, self._attempts[path])
        answer = self.answer(path)
        wait += answer.delay + (self.delay if answer.kind != "robots" else 0.0)
        sent = answer.sent
        if fault == "500":
            body = b"<html><body><h1>Internal Server Error</h1></body></html>"
            answer = Answer(500, body, kind=answer.kind)
        elif fault == "429":
            assert self.faults is not None
            headers = {"Content-Type": HTML, "Retry-After": str(self.faults.retry_after)}
            body = b"<html><body><h1>Too Many Requests</h1></body></html>"
            answer = Answer(429, body, headers, kind=answer.kind)
        elif fault == "truncated" and len(answer.body) >= 2:
            sent = len(answer.body) // 2
        elif fault == "truncated":
            fault = None  # nothing to cut short
        # logged as it arrives: a test sees a request whose answer is still being waited for
        self.counts[fault or answer.kind] += 1
        if self.log:
            self.hits.append(Hit(path, answer.status, answer.kind, fault, wait, arrived))
        if wait:
            await asyncio.sleep(wait)
        if sent is not None:
            response = web.StreamResponse(status=answer.status, headers=answer.headers)
            response.content_length = len(answer.body)
            await response.prepare(request)
            await response.write(answer.body[:sent])
            if request.transport is not None:
                request.transport.close()  # the rest never comes
            return response
        return web.Response(status=answer.status, body=answer.body, headers=answer.headers)

    async def serve(self) -> str:
        """Start serving in the running event loop; returns the URL."""
        app = web.Application()
        app.router.add_route("GET", "/{tail:.*}", self._handle)
        # shutdown_timeout: a stop cancels answers still waiting out their delay
        self._runner = web.AppRunner(
            app, access_log=None, handle_signals=False, shutdown_timeout=0.1
        )
        await self._runner.setup()
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(("127.0.0.1", 0))
        await web.SockSite(self._runner, sock, backlog=512).start()
        self.url = f"http://127.0.0.1:{sock.getsockname()[1]}"
        return self.url

    async def close(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    def __enter__(self) -> SiteSim:
        self._loop = asyncio.new_event_loop()
        started = threading.Event()

        def run() -> None:
            assert self._loop is not None
            asyncio.set_event_loop(self._loop)
            self._loop.run_until_complete(self.serve())
            started.set()
            self._loop.run_forever()

        self._thread = threading.Thread(target=run, name="sitesim", daemon=True)
        self._thread.start()
        started.wait(10)
        return self

    def __exit__(self, *exc: object) -> None:
        assert self._loop is not None and self._thread is not None
        asyncio.run_coroutine_threadsafe(self.close(), self._loop).result(10)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(10)
        self._loop.close()


def _day_of_page(name: str) -> dt.date | None:
    """The day of `apYYMMDD.html`, or None for any other name."""
    if len(name) != 13 or not (name.startswith("ap") and name.endswith(".html")):
        return None
    try:
        return day_of_yymmdd(name[2:8])
    except ValueError:
        return None
