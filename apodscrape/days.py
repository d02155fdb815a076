"""Dates: the archive's first day and gaps, today in APOD's time zone, ranges and runs, and
the apYYMMDD names of days."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Iterator
from zoneinfo import ZoneInfo

FIRST_DAY = dt.date(1995, 6, 16)
# Days APOD never had: asked again only when a run refreshes everything.
KNOWN_GAPS = frozenset(
    {dt.date(1995, 6, 17), dt.date(1995, 6, 18), dt.date(1995, 6, 19), dt.date(2020, 6, 10)}
)
# APOD publishes at midnight US Eastern time: "today" is the Eastern calendar day.
PUBLISHING_ZONE = ZoneInfo("America/New_York")
CANONICAL_BASE = "https://apod.nasa.gov/apod/"
# Since 2026-09 the days are served by science.nasa.gov's API: SCIENCE_BASE + API_PATH/YYMMDD
SCIENCE_BASE = "https://science.nasa.gov/"
API_PATH = "wp-json/wp/v2/apod-basic"

# apYYMMDD (classic pages), apod-basic/YYMMDD (the API), apod-basic-YYMMDD (its saved files)
_STEM = re.compile(r"(?:ap|apod-basic[-/])(\d{2})(\d{2})(\d{2})(?!\d)")


def today_eastern(now: dt.datetime | None = None) -> dt.date:
    """The newest day APOD can have published: today's date in US Eastern time."""
    now = now or dt.datetime.now(dt.UTC)
    return now.astimezone(PUBLISHING_ZONE).date()


def stem(day: dt.date) -> str:
    """The day's name on the classic site: apYYMMDD."""
    return f"ap{day:%y%m%d}"


def canonical_url(day: dt.date) -> str:
    """The stable identity of a day: its apod.nasa.gov address."""
    return f"{CANONICAL_BASE}{stem(day)}.html"


def from_yymmdd(yy: str, mm: str, dd: str) -> dt.date:
    """The date of a two-digit-year triple (95-99 are 1995-1999, the rest 20xx)."""
    year = int(yy)
    year += 1900 if year >= 95 else 2000
    return dt.date(year, int(mm), int(dd))


def day_in_name(name: str) -> dt.date | None:
    """The day a file name or URL names (apYYMMDD, apod-basic/YYMMDD), or None."""
    found = _STEM.findall(name)
    if not found:
        return None
    try:
        return from_yymmdd(*found[-1])  # the last apYYMMDD in a path is the file's own
    except ValueError:
        return None


def runs(ordered: Iterable[dt.date], longest: int | None = None) -> Iterator[list[dt.date]]:
    """Sorted days cut into runs of consecutive days (each at most `longest` long)."""
    run: list[dt.date] = []
    for day in ordered:
        if run and ((day - run[-1]).days != 1 or (longest is not None and len(run) >= longest)):
            yield run
            run = []
        run.append(day)
    if run:
        yield run


def day_range(first: dt.date, last: dt.date) -> Iterator[dt.date]:
    """Every calendar day from first to last, both included."""
    for offset in range((last - first).days + 1):
        yield first + dt.timedelta(days=offset)
