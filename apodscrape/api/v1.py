"""NASA's APOD API v1 as its clients see it (nasa/apod-api's application.py): the query
fields, which combination asks for what, and the errors, word for word.

Pure: a query in, a Query or a V1Error out. Where v1 was wrong this module is right, and
docs/api.md lists each difference.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from ..days import FIRST_DAY

SERVICE_VERSION = "v1"
# v1's list, in v1's order: its error messages quote it
V1_FIELDS = ("concept_tags", "date", "hd", "count", "start_date", "end_date", "thumbs")
# api.nasa.gov's gateway takes api_key; `full` asks for the day's whole record (ours)
FIELDS = frozenset((*V1_FIELDS, "api_key", "full"))
USAGE = "Allowed request fields for apod method are '" + "', '".join(V1_FIELDS) + "'"
CONCEPTS_OFF = "concept_tags functionality turned off in current service"
_TRUE = frozenset({"true", "1", "yes", "on"})


class V1Error(Exception):
    """An answer of v1's shape: {"code": status, "msg": ..., "service_version": "v1"}."""

    def __init__(self, code: int, msg: str, usage: bool = False) -> None:
        super().__init__(f"{msg} {USAGE}" if usage else msg)
        self.code = code
        self.msg = str(self)


@dataclass(frozen=True)
class Query:
    """What a request asks for: exactly one of `date` (None: the newest day), a `count`
    of random days, or the span `start`..`end`."""

    kind: str  # date | count | range
    date: dt.date | None = None
    count: int = 0
    start: dt.date | None = None
    end: dt.date | None = None
    thumbs: bool = False
    concept_tags: bool = False
    full: bool = False


def first_values(pairs: list[tuple[str, str]]) -> dict[str, str]:
    """A query's fields, each with its first value (as Flask's request.args.get)."""
    fields: dict[str, str] = {}
    for key, value in pairs:
        fields.setdefault(key, value)
    return fields


def flag(value: str | None) -> bool:
    return value is not None and value.strip().lower() in _TRUE


def parse(fields: dict[str, str], today: dt.date) -> Query:
    """The Query of a request's fields (first values), or v1's error for them."""
    if any(key not in FIELDS for key in fields):
        raise V1Error(400, "Bad Request: incorrect field passed.", usage=True)
    date, count = fields.get("date"), fields.get("count")
    start, end = fields.get("start_date"), fields.get("end_date")
    options = {
        "thumbs": flag(fields.get("thumbs")),
        "concept_tags": flag(fields.get("concept_tags")),
        "full": flag(fields.get("full")),
    }
    # v1's own order of tests: an empty value counts as absent
    if not count and not start and not end:
        return Query("date", date=parse_date(date, today) if date else None, **options)
    if not date and not start and not end and count:
        return Query("count", count=parse_count(count), **options)
    if not count and not date and start:
        first = parse_date(start, today)
        last = parse_date(end, today) if end else today
        if first > last:
            raise V1Error(400, "start_date cannot be after end_date")
        return Query("range", start=first, end=last, **options)
    raise V1Error(400, "Bad Request: invalid field combination passed.", usage=True)


def parse_date(text: str, today: dt.date) -> dt.date:
    """A date as v1 read it (strptime's messages), between the first APOD and `today`."""
    try:
        day = dt.datetime.strptime(text, "%Y-%m-%d").date()
    except ValueError as error:
        raise V1Error(400, str(error)) from None
    if not FIRST_DAY <= day <= today:
        raise V1Error(
            400,
            f"Date must be between {FIRST_DAY:%b %d, %Y} and {today:%b %d, %Y}.",
        )
    return day


def parse_count(text: str) -> int:
    try:
        count = int(text)
    except ValueError as error:
        raise V1Error(400, str(error)) from None
    if count > 100 or count <= 0:
        raise V1Error(400, "Count must be positive and cannot exceed 100")
    return count
