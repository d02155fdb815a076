"""A local HTTP server on 127.0.0.1 that plays the APOD sites for tests: no test leaves the
machine. Each path answers what the test put in `routes`; every request is logged."""

from __future__ import annotations

import datetime as dt
import json
import mimetypes
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit


@dataclass
class Answer:
    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=lambda: {"Content-Type": "text/html"})
    sent: int | None = None  # bytes of the body actually sent (a truncated answer)
    delay: float = 0.0  # seconds to wait before answering


class LocalSite:
    """Serves `routes` (path with query -> Answer), then asks each of `handlers`; anything
    else is a 404."""

    def __init__(self) -> None:
        self.routes: dict[str, Answer | list[Answer]] = {}
        self.handlers: list[Callable[[str], Answer | None]] = []
        self.requests: list[str] = []
        self.times: dict[str, list[float]] = {}  # time.monotonic() of each request, by path
        self.lock = threading.Lock()
        site = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                with site.lock:
                    site.requests.append(self.path)
                    site.times.setdefault(self.path, []).append(time.monotonic())
                    answer = site.answer(self.path)
                time.sleep(answer.delay)
                self.send_response(answer.status)
                for name, value in answer.headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(answer.body)))
                self.end_headers()
                self.wfile.write(answer.body[: answer.sent])
                if answer.sent is not None:
                    self.close_connection = True

            def log_message(self, format: str, *args: object) -> None:
                pass  # the test reads site.requests instead

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> LocalSite:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()

    def answer(self, path: str) -> Answer:
        if path in self.routes:
            route = self.routes[path]
            if isinstance(route, list):  # answers in turn; the last one stays
                return route.pop(0) if len(route) > 1 else route[0]
            return route
        for handler in self.handlers:
            if (answer := handler(path)) is not None:
                return answer
        return Answer(404, b"not found")

    def moved(self, landing: bytes) -> None:
        """Play the classic site after the 2026 move: every day page 301s to a landing page
        that shows today's picture."""

        def redirect(path: str) -> Answer | None:
            if path.startswith("/apod/ap") and path.endswith(".html"):
                return Answer(301, b"", {"Location": f"{self.url}/science/apod/"})
            return None

        self.handlers.append(redirect)
        self.page("/science/apod/", landing)

    def page(self, path: str, body: bytes, status: int = 200, **headers: str) -> None:
        """Serve `body` at `path`."""
        self.routes[path] = Answer(status, body, {"Content-Type": "text/html", **headers})

    def answers(self, path: str, *answers: Answer) -> None:
        """Serve `answers` at `path` in turn, the last one from then on."""
        self.routes[path] = list(answers)

    def requested(self, prefix: str) -> list[str]:
        """The logged request paths that start with `prefix`."""
        return [path for path in self.requests if path.startswith(prefix)]

    def directory(self, root: Path) -> None:
        """Serve the files under `root` (a built site), as a static web server does."""
        self.handlers.append(Directory(root))


class Directory:
    """Answers a path with the file it names under `root` (index.html for a folder)."""

    def __init__(self, root: Path) -> None:
        self.root = root.resolve()

    def __call__(self, path: str) -> Answer | None:
        relative = unquote(urlsplit(path).path).lstrip("/")
        file = (self.root / relative).resolve()
        if file.is_dir():
            file = file / "index.html"
        if not file.is_relative_to(self.root) or not file.is_file():
            return None
        kind = mimetypes.guess_type(file.name)[0] or "application/octet-stream"
        if kind.startswith("text/") or kind.endswith("javascript"):
            kind += "; charset=utf-8"
        return Answer(200, file.read_bytes(), {"Content-Type": kind})


JSON = {"Content-Type": "application/json; charset=UTF-8"}
NOT_FOUND = json.dumps(
    {"code": "apod_basic_not_found", "message": "APOD not found.", "data": {"status": 404}}
).encode()


class ScienceApi:
    """science.nasa.gov's apod-basic API under /science/: single days, and ranges newest
    first in pages of at most `cap` records; `failing_pages` answer 500."""

    PREFIX = "/science/wp-json/wp/v2/apod-basic"

    def __init__(self, records: list[dict[str, Any]], cap: int = 25) -> None:
        self.records = {dt.date.fromisoformat(r["date"]): r for r in records}
        self.cap = cap
        self.failing_pages: set[int] = set()

    def __call__(self, path: str) -> Answer | None:
        parts = urlsplit(path)
        if parts.path == self.PREFIX:
            return self.list_page(parse_qs(parts.query))
        if parts.path.startswith(self.PREFIX + "/"):
            yymmdd = parts.path.rsplit("/", 1)[-1]
            day = dt.datetime.strptime(yymmdd, "%y%m%d").date()
            record = self.records.get(day)
            if record is None:
                return Answer(404, NOT_FOUND, JSON)
            return Answer(200, json.dumps(record).encode(), JSON)
        return None

    def list_page(self, query: dict[str, list[str]]) -> Answer:
        first = dt.datetime.strptime(query["date_from"][0], "%y%m%d").date()
        last = dt.datetime.strptime(query["date_to"][0], "%y%m%d").date()
        per_page = min(int(query.get("per_page", ["10"])[0]), self.cap)
        page = int(query.get("page", ["1"])[0])
        if page in self.failing_pages:
            return Answer(500, b"upstream error")
        found = sorted((d for d in self.records if first <= d <= last), reverse=True)
        chosen = found[(page - 1) * per_page : page * per_page]
        body = json.dumps([self.records[d] for d in chosen]).encode()
        return Answer(200, body, JSON)
