"""The APOD API over an archive's catalog: NASA's v1 contract (GET /planetary/apod), search,
full records, health; every answer JSON, every error v1's {"code", "msg", "service_version"}.

Answers are kept per query string until the catalog changes (or US Eastern's day turns),
each with its ETag, so that a repeated question costs a dictionary look-up, a CDN or a
client cache can revalidate it (304), and a crawl's commit is seen by the next request.
"""

from __future__ import annotations

import datetime as dt
import email.utils
import gzip
import hashlib
import json
import logging
import random
import re
import sqlite3
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl

import orjson
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.types import Receive, Scope, Send

from ..catalog import CatalogError
from ..credits import asserts_copyright
from ..days import today_eastern
from ..markdown_text import plain_text
from . import v1
from .store import Store

RATE_HEADERS = ["X-RateLimit-Limit", "X-RateLimit-Remaining"]
# every origin may read every answer, and the rate headers (v1's flask-cors settings)
CORS = {
    "access-control-allow-origin": "*",
    "access-control-expose-headers": ", ".join(RATE_HEADERS),
}
PREFLIGHT = {
    **CORS,
    "access-control-allow-methods": "GET, HEAD, OPTIONS",
    "access-control-max-age": "86400",
}
UNLIMITED = 1_000_000  # what the rate headers say where the operator set no limit
GZIP_FROM = 1024  # bytes: smaller answers gain less than the work costs
CACHE_BYTES = 64 * 1024 * 1024  # answers kept, at most (all dropped when full)
RECORDS_KEPT = 2 * 16384  # days kept as JSON for count=N (2 archives of 16,384 days: 50 MB)
SEARCH_FIELDS = ("q", "page", "per_page", "api_key")
SEARCH_USAGE = "Allowed request fields for search method are '" + "', '".join(SEARCH_FIELDS) + "'"
_WORD = re.compile(r"(\w+)(\*?)")


@dataclass
class Answer:
    """One answer, as kept: status, JSON body and the caching headers that go with it."""

    status: int
    body: bytes
    cache_control: str
    last_modified: str | None = None
    etag: str | None = None
    extra: dict[str, str] = field(default_factory=dict)
    _gzipped: bytes | None = None
    headers: list[tuple[bytes, bytes]] = field(init=False, default_factory=list)

    def __post_init__(self) -> None:
        headers = {**CORS, "content-type": "application/json", **self.extra}
        headers["cache-control"] = self.cache_control
        if self.status == 200:
            self.etag = '"' + hashlib.blake2b(self.body, digest_size=12).hexdigest() + '"'
            headers.update(etag=self.etag, vary="Accept-Encoding")
            if self.last_modified:
                headers["last-modified"] = self.last_modified
        # the headers every sending of it carries, ready for the server (ASGI's raw pairs)
        self.headers = [(name.encode(), value.encode()) for name, value in headers.items()]

    def gzipped(self) -> bytes:
        if self._gzipped is None:
            self._gzipped = gzip.compress(self.body, compresslevel=6, mtime=0)
        return self._gzipped


def dumps(value: Any) -> bytes:
    # v1 (Flask's jsonify) sorted the keys; clients see the same order. orjson's bytes hold
    # on to its whole output buffer (16 KB for a 1 KB day): what is kept is a copy, its size.
    return bytes(memoryview(orjson.dumps(value, option=orjson.OPT_SORT_KEYS)))


def error(code: int, msg: str, **extra: str) -> Answer:
    body = dumps({"code": code, "msg": msg, "service_version": v1.SERVICE_VERSION})
    return Answer(code, body, "no-store", extra=extra)


BROKEN = error(500, "Internal Service Error")  # v1's words for a failure of its own
logger = logging.getLogger(__name__)


def _response(answer: Answer) -> Response:
    """A kept answer as Starlette sends it, with the headers it carries everywhere."""
    headers = {name.decode(): value.decode() for name, value in answer.headers}
    return Response(answer.body, answer.status, headers)


def gateway_error(status: int, code: str, message: str) -> Answer:
    """api.nasa.gov's gateway answered key and rate errors in its own shape."""
    return Answer(status, dumps({"error": {"code": code, "message": message}}), "no-store")


def http_date(iso: str | None) -> str | None:
    if not iso:
        return None
    try:
        moment = dt.datetime.fromisoformat(iso)
    except ValueError:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    return email.utils.format_datetime(moment.astimezone(dt.UTC), usegmt=True)


def copyright_of(row: sqlite3.Row) -> str | None:
    """v1's `copyright`: the names the credit says hold it, as plain text."""
    if not row["copyright"]:
        return None
    credits = json.loads(row["credits"])
    holders = [c for c in credits if asserts_copyright([c])] or credits
    text = "; ".join(plain_text(c["text"]).strip() for c in holders)
    return text or None


def record(row: sqlite3.Row, query: v1.Query) -> dict[str, Any]:
    """A day in v1's shape (and, with full=true, the rest of what the catalog knows)."""
    media_type = row["media_type"].lower()
    out: dict[str, Any] = {
        "date": row["date"],
        "title": row["title"],
        "explanation": row["explanation_text"],
        "media_type": media_type,
        "service_version": v1.SERVICE_VERSION,
    }
    if row["image_url"]:
        out["url"] = row["image_url"]
    if row["hd_image_url"]:
        out["hdurl"] = row["hd_image_url"]
    if (holder := copyright_of(row)) is not None:
        out["copyright"] = holder
    if query.thumbs and media_type == "video" and row["thumbnail_url"]:
        out["thumbnail_url"] = row["thumbnail_url"]
    if query.concept_tags:
        out["concepts"] = v1.CONCEPTS_OFF
    if query.full:
        out["apod_url"] = row["canonical_url"]
        out["credit"] = [plain_text(line) for line in json.loads(row["credit"])]
        out["credits"] = [
            {"role": c["role"], "text": plain_text(c["text"])} for c in json.loads(row["credits"])
        ]
        out["keywords"] = json.loads(row["keywords"]) if row["keywords"] else None
        if row["thumbnail_url"]:
            out["thumbnail_url"] = row["thumbnail_url"]
        for name in ("alt", "permalink"):
            if row[name]:
                out[name] = row[name]
    return out


def search_match(text: str) -> str:
    """An FTS5 query of the words of `text`, each quoted (no operator syntax to get wrong),
    all required; a word ending in * matches as a prefix."""
    terms = [f'"{w}"*' if star else f'"{w}"' for w, star in _WORD.findall(text)[:32]]
    return " ".join(terms)


_NO_LIMIT = [
    (b"x-ratelimit-limit", b"%d" % UNLIMITED),
    (b"x-ratelimit-remaining", b"%d" % UNLIMITED),
]


class RateLimit:
    """At most `limit` answers per client (its api_key, else its address) per hour, in this
    process; the headers tell the client where it stands."""

    def __init__(self, limit: int | None) -> None:
        self.limit = limit
        self._window = 0
        self._used: dict[str, int] = {}

    def take(self, client: str) -> tuple[bool, list[tuple[bytes, bytes]]]:
        if self.limit is None:
            return True, _NO_LIMIT
        window = int(time.time() // 3600)
        if window != self._window:
            self._window, self._used = window, {}
        used = self._used.get(client, 0) + 1
        self._used[client] = used
        remaining = max(0, self.limit - used)
        headers = [
            (b"x-ratelimit-limit", b"%d" % self.limit),
            (b"x-ratelimit-remaining", b"%d" % remaining),
        ]
        return used <= self.limit, headers


class Service:
    """The answers of one server process over one archive."""

    def __init__(
        self, archive: str | Path, rate_limit: int | None = None, api_keys: set[str] | None = None
    ) -> None:
        self.store = Store(archive)
        self.rate = RateLimit(rate_limit)
        self.api_keys = api_keys
        self._state: tuple[Any, ...] = ()
        self._cache: dict[tuple[str, str], Answer] = {}
        self._records: dict[tuple[str, tuple[bool, ...]], tuple[bytes, str]] = {}
        self._cached_bytes = 0
        self._second = 0
        self._today_eastern = today_eastern()

    # --- the way in -------------------------------------------------------------------------

    def respond(self, kind: str, query: str, client: str, asked: dict[bytes, bytes]) -> Sent:
        """The answer to a GET or HEAD of `kind` with this query string, from this client
        (its address), with these request headers (those the answer depends on)."""
        rate_headers = _NO_LIMIT
        if self.rate.limit is not None or self.api_keys is not None:
            key = v1.first_values(parse_qsl(query, keep_blank_values=True)).get("api_key")
            allowed, rate_headers = self.rate.take(key or client)
            if self.api_keys is not None and (denied := self._check_key(key)):
                return sending(denied, asked, rate_headers)
            if not allowed:
                message = "You have exceeded your rate limit. Try again later."
                return sending(gateway_error(429, "OVER_RATE_LIMIT", message), asked, rate_headers)
        return sending(self._answer(kind, query), asked, rate_headers)

    def _check_key(self, key: str | None) -> Answer | None:
        if not key:
            return gateway_error(403, "API_KEY_MISSING", "No api_key was supplied.")
        if key not in (self.api_keys or ()):
            return gateway_error(403, "API_KEY_INVALID", "An invalid api_key was supplied.")
        return None

    def _answer(self, kind: str, query: str) -> Answer:
        try:
            today = self._today()
            state = (self.store.version(), today)
            if state != self._state:
                self._state, self._cache, self._cached_bytes = state, {}, 0
                self._records = {}
            key = (kind, query)
            if (answer := self._cache.get(key)) is not None:
                return answer
            fields = v1.first_values(parse_qsl(query, keep_blank_values=True))
            with self.store.snapshot():
                answer, keep = self._compute(kind, fields, today)
        except (sqlite3.Error, CatalogError) as failure:
            return error(503, f"The archive's catalog cannot be read now: {failure}")
        if keep:
            if self._cached_bytes + len(answer.body) > CACHE_BYTES:
                self._cache, self._cached_bytes = {}, 0
            self._cache[key] = answer
            self._cached_bytes += len(answer.body)
        return answer

    def _today(self) -> dt.date:
        """US Eastern's date, worked out once a second."""
        second = int(time.time())
        if second != self._second:
            self._second, self._today_eastern = second, today_eastern()
        return self._today_eastern

    def _compute(self, kind: str, fields: dict[str, str], today: dt.date) -> tuple[Answer, bool]:
        """The answer to a request, and whether it may be kept (a random one may not)."""
        try:
            if kind == "search":
                return self._search(fields), True
            if kind == "health":
                return self._health(today), False
            query = v1.parse(fields, today)
            if query.kind == "count":
                return self._count(query), False
            if query.kind == "range":
                return self._range(query, today), True
            return self._date(query, today), True
        except v1.V1Error as failure:
            return error(failure.code, failure.msg), True

    # --- the answers ------------------------------------------------------------------------

    def _date(self, query: v1.Query, today: dt.date) -> Answer:
        if query.date is None:  # the newest day published, in APOD's own time zone
            row = self.store.newest(today)
            if row is None:
                return error(404, f"No data available for date: {today.isoformat()}")
            return Answer(
                200, dumps(record(row, query)), "public, max-age=60", http_date(row["changed_at"])
            )
        row = self.store.day(query.date)
        if row is None:
            return self._absent(query.date)
        return Answer(
            200,
            dumps(record(row, query)),
            freshness(query.date, today),
            http_date(row["changed_at"]),
        )

    def _absent(self, date: dt.date) -> Answer:
        """A day the archive lacks: one APOD never had (404, as v1), or one a run failed
        to fetch (503 with its reason: it may come)."""
        outcome = self.store.last_outcome(date)
        if outcome is not None and outcome["outcome"] == "failed":
            reason = outcome["reason"] or "no reason recorded"
            return error(
                503,
                f"The archive has no copy of {date.isoformat()} yet: its last run failed"
                f" ({reason}) at {outcome['at']}. Try again later.",
                **{"Retry-After": "3600"},
            )
        return error(404, f"No data available for date: {date.isoformat()}")

    def _range(self, query: v1.Query, today: dt.date) -> Answer:
        assert query.start is not None and query.end is not None
        rows = self.store.span(query.start, query.end)
        body = dumps([record(row, query) for row in rows])
        changed = max((row["changed_at"] for row in rows), default=None)
        return Answer(200, body, freshness(query.end, today), http_date(changed))

    def _count(self, query: v1.Query) -> Answer:
        dates = self.store.dates()
        chosen = random.sample(dates, min(query.count, len(dates)))
        # each day's record kept as JSON (with when it changed), by the options it depends
        # on: a random answer is never asked twice, its days are
        shape = (query.thumbs, query.concept_tags, query.full)
        kept = self._records
        if len(kept) + len(chosen) > RECORDS_KEPT:  # full: all dropped, before any is taken
            kept.clear()
        unknown = [date for date in chosen if (date, shape) not in kept]
        if unknown:
            for row in self.store.some(unknown):
                kept[row["date"], shape] = (dumps(record(row, query)), row["changed_at"])
        found = [kept[date, shape] for date in chosen if (date, shape) in kept]
        body = b"[" + b",".join(json for json, _ in found) + b"]"
        changed = max((changed for _, changed in found), default=None)
        return Answer(200, body, "no-store", http_date(changed))

    def _search(self, fields: dict[str, str]) -> Answer:
        if any(key not in SEARCH_FIELDS for key in fields):
            raise v1.V1Error(400, f"Bad Request: incorrect field passed. {SEARCH_USAGE}")
        text = fields.get("q", "")
        match = search_match(text)
        if not match:
            raise v1.V1Error(400, "Bad Request: q must hold at least one word to search for.")
        page = _bounded(fields, "page", 1, 1, 1000)
        per_page = _bounded(fields, "per_page", 10, 1, 100)
        total, rows = self.store.search(match, per_page, (page - 1) * per_page)
        hits = [
            {
                "date": row["date"],
                "title": row["title"],
                "media_type": row["media_type"].lower(),
                "url": row["image_url"],
                "snippet": row["snippet"],
                "score": round(-row["rank"], 3),
            }
            for row in rows
        ]
        body = dumps(
            {
                "q": text,
                "total": total,
                "page": page,
                "per_page": per_page,
                "results": hits,
                "service_version": v1.SERVICE_VERSION,
            }
        )
        return Answer(200, body, "public, max-age=60", http_date(self.store.last_changed()))

    def _health(self, today: dt.date) -> Answer:
        facts = self.store.health()
        newest = facts["newest"]
        behind = (today - dt.date.fromisoformat(newest)).days if newest else None
        facts.update(
            status="ok" if behind is not None and behind <= 1 else "stale",
            today_eastern=today.isoformat(),
            days_behind=behind,
            last_changed=self.store.last_changed(),
            service_version=v1.SERVICE_VERSION,
        )
        return Answer(200, dumps(facts), "no-cache", http_date(self.store.last_changed()))


def freshness(last: dt.date, today: dt.date) -> str:
    """How long caches may keep an answer: a minute while its days may still come or
    change (the newest two), an hour for older ones (a rebuild may still correct them)."""
    return "public, max-age=60" if last >= today - dt.timedelta(days=1) else "public, max-age=3600"


def _bounded(fields: dict[str, str], name: str, default: int, low: int, high: int) -> int:
    text = fields.get(name)
    if not text:
        return default
    try:
        value = int(text)
    except ValueError:
        value = low - 1
    if not low <= value <= high:
        raise v1.V1Error(400, f"Bad Request: {name} must be a whole number from {low} to {high}.")
    return value


Sent = tuple[int, list[tuple[bytes, bytes]], bytes]  # status, raw headers, body


def sending(answer: Answer, asked: dict[bytes, bytes], rate: list[tuple[bytes, bytes]]) -> Sent:
    """What goes out for a kept answer to a request with these headers: a 304 to a client
    that holds it, gzip to one that takes it, and the rate headers."""
    headers = answer.headers + rate
    if answer.etag is None:
        return answer.status, headers, answer.body
    if not_modified(asked, answer):
        return 304, headers, b""
    body = answer.body
    if len(body) >= GZIP_FROM and b"gzip" in asked.get(b"accept-encoding", b""):
        body = answer.gzipped()
        headers.append((b"content-encoding", b"gzip"))
    return 200, headers, body


def not_modified(asked: dict[bytes, bytes], answer: Answer) -> bool:
    """Whether the client already holds this answer (RFC 9110: If-None-Match wins over
    If-Modified-Since)."""
    if (tags := asked.get(b"if-none-match")) is not None:
        held = {tag.strip().removeprefix("W/") for tag in tags.decode("latin-1").split(",")}
        return "*" in held or answer.etag in held
    since = asked.get(b"if-modified-since")
    if since and answer.last_modified:
        try:
            held = email.utils.parsedate_to_datetime(since.decode("latin-1"))
            return held >= email.utils.parsedate_to_datetime(answer.last_modified)
        except (TypeError, ValueError, IndexError, OverflowError):
            return False
    return False


class Endpoint:
    """One of the service's paths as a bare ASGI app: a kept answer goes out as it is kept,
    without a Request and a Response object made for each call."""

    ASKED = frozenset({b"if-none-match", b"if-modified-since", b"accept-encoding"})

    def __init__(self, service: Service, kind: str) -> None:
        self.service, self.kind = service, kind

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        asked = {name: value for name, value in scope["headers"] if name in self.ASKED}
        if scope["method"] == "OPTIONS":
            status, headers, body = preflight(scope)
        else:
            query = scope["query_string"].decode("latin-1")
            client = scope["client"][0] if scope.get("client") else ""
            try:
                status, headers, body = self.service.respond(self.kind, query, client, asked)
            except Exception:  # a bug of ours: logged, and v1's words to the client
                logger.exception("answering %s?%s", scope["path"], query)
                status, headers, body = 500, BROKEN.headers.copy(), BROKEN.body
            if status != 304:  # (a 304's would have to be its 200's)
                headers.append((b"content-length", b"%d" % len(body)))
        await send({"type": "http.response.start", "status": status, "headers": headers})
        await send({"type": "http.response.body", "body": body})


class Front:
    """The API's paths straight to their endpoints; anything else (the site, unknown paths,
    other methods) through Starlette's routing and error handlers."""

    def __init__(self, endpoints: dict[str, Endpoint], app: Starlette) -> None:
        self.endpoints, self.app = endpoints, app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        endpoint = self.endpoints.get(scope["path"]) if scope["type"] == "http" else None
        if endpoint is not None and scope["method"] in ("GET", "HEAD", "OPTIONS"):
            await endpoint(scope, receive, send)
        else:
            await self.app(scope, receive, send)


def preflight(scope: Scope) -> Sent:
    """CORS preflight: any origin, GET and HEAD, whatever headers it asks to send."""
    headers = [(name.encode(), value.encode()) for name, value in PREFLIGHT.items()]
    for name, value in scope["headers"]:
        if name == b"access-control-request-headers":
            headers.append((b"access-control-allow-headers", value))
    return 200, [*headers, (b"content-length", b"0")], b""


def create_app(
    archive: str | Path,
    site: str | Path | None = None,
    rate_limit: int | None = None,
    api_keys: set[str] | None = None,
) -> Front:
    """The ASGI application over `archive` (and the static site `site`, if given);
    CatalogError if the archive has no usable catalog."""
    service = Service(archive, rate_limit, api_keys)
    service.store.version()  # opened now: a catalog that cannot be used stops the start

    async def nothing_here(request: Request, failure: Exception) -> Response:
        status = failure.status_code if isinstance(failure, HTTPException) else 404
        if status == 405:
            answer = error(405, f"Method {request.method} not allowed: ask with GET or HEAD.")
        else:
            answer = error(404, f"Sorry, Nothing at this URL. {v1.USAGE}")
        return _response(answer)

    async def broken(request: Request, failure: Exception) -> Response:
        # never a traceback to the client: v1's own words for a failure of ours
        return _response(BROKEN)

    endpoints = {
        "/planetary/apod": Endpoint(service, "apod"),
        "/v1/apod/": Endpoint(service, "apod"),
        "/v1/apod": Endpoint(service, "apod"),
        "/planetary/apod/search": Endpoint(service, "search"),
        "/health": Endpoint(service, "health"),
    }
    # the same paths in Starlette's routing too, for what Front passes on (another method)
    routes: list[Route | Mount] = [
        Route(path, endpoint, methods=["GET", "HEAD", "OPTIONS"])
        for path, endpoint in endpoints.items()
    ]
    if site is not None:
        routes.append(Mount("/", StaticFiles(directory=site, html=True)))
    app = Starlette(
        routes=routes, exception_handlers={HTTPException: nothing_here, Exception: broken}
    )
    return Front(endpoints, app)
