"""Dates: command-line arguments, ranges, and the apYYMMDD names of days."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Iterator
from zoneinfo import ZoneInfo

from .errors import DateArgumentError

FIRST_DAY = dt.date(1995, 6, 16)
# Days APOD never had: asked again only when a run refreshes everything.
KNOWN_GAPS = frozenset(
    {dt.date(1995, 6, 17), dt.date(1995, 6, 18), dt.date(1995, 6, 19), dt.date(2020, 6, 10)}
)
# APOD corrects recent pages: by default an incremental run fetches again the 3 newest days.
DEFAULT_REFRESH = 3
# APOD publishes at midnight US Eastern time: "today" is the Eastern calendar day.
PUBLISHING_ZONE = ZoneInfo("America/New_York")
CANONICAL_BASE = "https://apod.nasa.gov/apod/"

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


def parse_day_argument(value: str, name: str, today: dt.date) -> dt.date:
    """One ISO date from the command line, checked against the archive's range."""
    try:
        day = dt.date.fromisoformat(value.strip())
    except ValueError:
        raise DateArgumentError(f"{name}={value!r} is not a date of the form YYYY-MM-DD") from None
    if day < FIRST_DAY:
        raise DateArgumentError(f"{name}={value} is before the first APOD ({FIRST_DAY})")
    if day > today:
        raise DateArgumentError(f"{name}={value} is after today ({today}, US Eastern time)")
    return day


def select_days(
    *,
    start: str | None = None,
    end: str | None = None,
    dates: str | None = None,
    today: dt.date,
) -> list[dt.date] | None:
    """The days a run asks for, from `start`/`end` or `dates`, oldest first, no duplicates;
    None when it names none (the run continues from the archive)."""
    if dates is not None:
        if start is not None or end is not None:
            raise DateArgumentError("give either dates=... or start=/end=, not both")
        values = [v for v in dates.split(",") if v.strip()]
        if not values:
            raise DateArgumentError("dates= names no day")
        return sorted({parse_day_argument(v, "dates", today) for v in values})
    if start is None:
        if end is not None:
            raise DateArgumentError(f"end={end} needs start=")
        return None
    first = parse_day_argument(start, "start", today)
    last = parse_day_argument(end, "end", today) if end is not None else today
    if first > last:
        raise DateArgumentError(f"start={first} is after end={last}")
    return list(day_range(first, last))


def parse_refresh(value: str | None) -> int | None:
    """The refresh window from `-a refresh=`: a number of days, or None for all."""
    if value is None:
        return DEFAULT_REFRESH
    if value.strip().lower() == "all":
        return None
    try:
        days = int(value)
    except ValueError:
        days = -1
    if days < 0:
        raise DateArgumentError(f"refresh={value!r} is neither a number of days nor 'all'")
    return days


def continue_range(archived: set[dt.date], refresh: int | None, today: dt.date) -> list[dt.date]:
    """The days a run without dates covers: from the newest archived day, less the refresh
    window, to today; today alone on an empty archive."""
    if not archived:
        return [today]
    if refresh is None:
        first = min(archived)
    else:
        first = min(max(archived) + dt.timedelta(days=1), today - dt.timedelta(days=refresh - 1))
    return list(day_range(max(first, FIRST_DAY), today))


def plan(
    requested: list[dt.date], archived: set[dt.date], refresh: int | None
) -> tuple[list[dt.date], list[dt.date]]:
    """(days to fetch, days to skip): a day already archived is skipped unless it lies in the
    refresh window (the `refresh` newest days asked for; None: every day), and so is a known
    gap of the archive."""
    if refresh is None or not requested:
        return list(requested), []
    window_start = requested[-1] - dt.timedelta(days=refresh - 1)
    fetch, skip = [], []
    for day in requested:
        fresh = refresh > 0 and day >= window_start
        (skip if not fresh and (day in archived or day in KNOWN_GAPS) else fetch).append(day)
    return fetch, skip


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
