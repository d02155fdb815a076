"""A run's plan: the spider's arguments and the APOD_* settings, checked, and the days to ask.

Every argument (`-a name=value`) and every APOD_* setting is read here, once; a wrong one,
or an argument of another name, is an ArgumentError with a one-line message, raised before
anything starts (`scrapy crawl` turns it into exit status 2). Then the days: those the
arguments name (or, without dates, from the newest archived day to today and every hole
since the oldest day ever asked), less those the archive has, or its source confirmed it
lacks, outside the refresh window.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from . import days
from .archive import State
from .errors import ArgumentError

AUTO, CLASSIC, SCIENCE = "auto", "classic", "science"
SOURCES = (AUTO, CLASSIC, SCIENCE)
# The spider's arguments (`-a name=value`), each with its value's form and what it does:
# the one list that the checks, `scrapy crawl apod -h` and `apodscrape crawl -h` read.
ARGUMENTS = {
    "start": ("DATE", "first day, ISO date (2025-01-01), not before 1995-06-16"),
    "end": ("DATE", "last day, ISO date; default: today in US Eastern time"),
    "dates": ("DATE,...", "comma-separated ISO dates, instead of start/end"),
    "source": ("SOURCE", "auto (default), classic or science: where days are read from"),
    "refresh": ("N|all", "days fetched again though archived: the N newest asked (default 3)"),
    "media": ("0|1", "1 downloads each day's media too; 0 (default) does not"),
}
# Scrapyd gives each job its id (and the project's version, when asked for one) as spider
# arguments: taken, and not the run's business.
SCRAPYD_ARGUMENTS = ("_job", "_version")
# APOD corrects recent pages: by default an incremental run fetches again the 3 newest days.
DEFAULT_REFRESH = 3
_YES, _NO = ("1", "true", "yes", "on"), ("0", "false", "no", "off")
# A window longer than the archive is the same as the whole archive (and keeps dates valid).
_LONGEST_REFRESH = 100_000


@dataclass(frozen=True)
class Arguments:
    """The spider's arguments, checked."""

    requested: list[dt.date] | None  # the days named, oldest first; None: continue
    source: str | None  # None: the APOD_SOURCE setting
    refresh: int | None  # the refresh window in days; None: every day
    media: bool  # download each day's media too


def parse_arguments(given: dict[str, Any], today: dt.date | None = None) -> Arguments:
    """The spider's arguments from `-a name=value`; ArgumentError for any wrong one."""
    unknown = sorted(set(given) - set(ARGUMENTS) - set(SCRAPYD_ARGUMENTS))
    if unknown:
        raise ArgumentError(
            f"-a {unknown[0]}=: no such argument (the apod spider takes {', '.join(ARGUMENTS)})"
        )
    source = given.get("source")
    if source is not None and source not in SOURCES:
        raise ArgumentError(f"source={source!r} is not one of {', '.join(SOURCES)}")
    return Arguments(
        requested=select_days(
            start=given.get("start"),
            end=given.get("end"),
            dates=given.get("dates"),
            today=today or days.today_eastern(),
        ),
        source=source,
        refresh=parse_refresh(given.get("refresh")),
        media=_switch("media", given.get("media")),
    )


@dataclass(frozen=True)
class Settings:
    """The APOD_* settings (and the parallelism) a run's plan depends on, checked."""

    source: str
    classic_url: str
    science_url: str
    per_page: int
    classic_parallel: int  # classic pages asked at once (CONCURRENT_REQUESTS_PER_DOMAIN)
    wait_for_lock: bool = False  # APOD_LOCK_WAIT: wait for another run on the archive to end


def read_settings(settings: Any) -> Settings:
    """The run's settings from a Scrapy Settings object (or any mapping with .get)."""
    source = settings.get("APOD_SOURCE")
    if source not in SOURCES:
        raise ArgumentError(f"APOD_SOURCE={source!r} is not one of {', '.join(SOURCES)}")
    return Settings(
        source=source,
        classic_url=_base_url(settings, "APOD_CLASSIC_URL"),
        science_url=_base_url(settings, "APOD_SCIENCE_URL"),
        per_page=_whole_number(settings, "APOD_SCIENCE_PER_PAGE", 1, 100),
        classic_parallel=_whole_number(settings, "CONCURRENT_REQUESTS_PER_DOMAIN", 1, 1000),
        wait_for_lock=_switch("APOD_LOCK_WAIT", _text(settings.get("APOD_LOCK_WAIT"))),
    )


@dataclass(frozen=True)
class Plan:
    """What a run does: its source, the days it asks, and those it leaves alone."""

    source: str
    fetch: list[dt.date]  # oldest first
    skipped: list[dt.date]  # archived outside the refresh window, or known gaps


def make_plan(
    arguments: Arguments,
    settings: Settings,
    archived: set[dt.date],
    today: dt.date,
    state: State | None = None,
) -> Plan:
    """The days to ask and to skip, given what the archive has and remembers.

    Without dates, a run asks from the newest archived day (less the refresh window) to
    today, and every hole: a day since the oldest ever asked with no file, unless its
    source confirmed it has none. Days confirmed missing are skipped as archived days are.
    """
    state = state or State()
    # with media, an archived day whose media is not stored yet is not done
    done = archived & state.media_done if arguments.media else archived
    requested = arguments.requested
    if requested is None:
        wanted = set(continue_range(archived, arguments.refresh, today))
        wanted |= holes(archived, state, today) | (archived - done)
        requested = sorted(wanted)
    fetch, skipped = split_archived(requested, done | state.missing, arguments.refresh)
    return Plan(arguments.source or settings.source, fetch, skipped)


def holes(archived: set[dt.date], state: State, today: dt.date) -> set[dt.date]:
    """Days from the oldest ever asked (or archived) to today with no file, but APOD's own
    gaps and the days a source confirmed it does not have."""
    first = min(filter(None, (state.span_from, min(archived, default=None))), default=None)
    if first is None:
        return set()
    first = max(first, days.FIRST_DAY)  # a span remembered from before APOD began
    known = archived | state.missing | days.KNOWN_GAPS
    return {day for day in days.day_range(first, today) if day not in known}


def _switch(name: str, value: str | None) -> bool:
    if value is None:
        return False
    if value.strip().lower() in _YES:
        return True
    if value.strip().lower() in _NO:
        return False
    raise ArgumentError(f"{name}={value!r} is neither 1 (on) nor 0 (off)")


def _text(value: Any) -> str | None:
    """A setting as text, as `-s NAME=value` gives it (settings.py may give a bool)."""
    return None if value is None else str(int(value)) if isinstance(value, bool) else str(value)


def _whole_number(settings: Any, name: str, low: int, high: int) -> int:
    value = settings.get(name)
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise ArgumentError(f"{name}={value!r} is not a whole number") from None
    if not low <= number <= high:
        raise ArgumentError(f"{name}={number} is not between {low} and {high}")
    return number


def _base_url(settings: Any, name: str) -> str:
    value = settings.get(name)
    if not isinstance(value, str) or not value.startswith(("http://", "https://")):
        raise ArgumentError(f"{name}={value!r} is not an http(s) address")
    return value if value.endswith("/") else f"{value}/"


def parse_day_argument(value: str, name: str, today: dt.date) -> dt.date:
    """One ISO date from the command line, checked against the archive's range."""
    try:
        day = dt.date.fromisoformat(value.strip())
    except ValueError:
        raise ArgumentError(f"{name}={value!r} is not a date of the form YYYY-MM-DD") from None
    if day < days.FIRST_DAY:
        raise ArgumentError(f"{name}={value} is before the first APOD ({days.FIRST_DAY})")
    if day > today:
        raise ArgumentError(f"{name}={value} is after today ({today}, US Eastern time)")
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
            raise ArgumentError("give either dates=... or start=/end=, not both")
        values = [v for v in dates.split(",") if v.strip()]
        if not values:
            raise ArgumentError("dates= names no day")
        return sorted({parse_day_argument(v, "dates", today) for v in values})
    if start is None:
        if end is not None:
            raise ArgumentError(f"end={end} needs start=")
        return None
    first = parse_day_argument(start, "start", today)
    last = parse_day_argument(end, "end", today) if end is not None else today
    if first > last:
        raise ArgumentError(f"start={first} is after end={last}")
    return list(days.day_range(first, last))


def parse_refresh(value: str | None) -> int | None:
    """The refresh window from `-a refresh=`: a number of days, or None for all."""
    if value is None:
        return DEFAULT_REFRESH
    if value.strip().lower() == "all":
        return None
    try:
        count = int(value)
    except ValueError:
        count = -1
    if count < 0:
        raise ArgumentError(f"refresh={value!r} is neither a number of days nor 'all'")
    return min(count, _LONGEST_REFRESH)


def continue_range(archived: set[dt.date], refresh: int | None, today: dt.date) -> list[dt.date]:
    """The days a run without dates covers: from the newest archived day, less the refresh
    window, to today; today alone on an empty archive."""
    if not archived:
        return [today]
    if refresh is None:
        first = min(archived)
    else:
        first = min(max(archived) + dt.timedelta(days=1), today - dt.timedelta(days=refresh - 1))
    return list(days.day_range(max(first, days.FIRST_DAY), today))


def split_archived(
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
        (skip if not fresh and (day in archived or day in days.KNOWN_GAPS) else fetch).append(day)
    return fetch, skip
