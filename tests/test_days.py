"""Dates: arguments, the archive's range, apYYMMDD names."""

from __future__ import annotations

import datetime as dt

import pytest

from apodscrape.days import day_in_name, runs, stem, today_eastern
from apodscrape.errors import ArgumentError
from apodscrape.plan import select_days

TODAY = dt.date(2026, 11, 24)


def test_today_is_the_us_eastern_date() -> None:
    # 03:00 UTC on the 24th is still the 23rd in New York
    assert today_eastern(dt.datetime(2026, 11, 24, 3, 0, tzinfo=dt.UTC)) == dt.date(2026, 11, 23)
    assert today_eastern(dt.datetime(2026, 11, 24, 6, 0, tzinfo=dt.UTC)) == dt.date(2026, 11, 24)


def test_start_defaults_end_to_today() -> None:
    assert select_days(start="2026-11-22", today=TODAY) == [
        dt.date(2026, 11, 22),
        dt.date(2026, 11, 23),
        TODAY,
    ]


def test_dates_are_sorted_and_deduplicated() -> None:
    days = select_days(dates="2025-01-05, 2020-06-09,2025-01-05", today=TODAY)
    assert days == [dt.date(2020, 6, 9), dt.date(2025, 1, 5)]


@pytest.mark.parametrize(
    "arguments",
    [
        {"start": "2025-1-5x"},
        {"start": "1995-06-15"},
        {"start": "2026-11-25"},
        {"start": "2025-02-01", "end": "2025-01-01"},
        {"dates": "2025-01-05,nope"},
        {"dates": " , "},
        {"dates": "2025-01-05", "end": "2025-01-06"},
    ],
)
def test_bad_arguments(arguments: dict[str, str]) -> None:
    with pytest.raises(ArgumentError):
        select_days(today=TODAY, **arguments)


@pytest.mark.parametrize(
    ("name", "day"),
    [
        ("ap950616.html", dt.date(1995, 6, 16)),
        ("ap250105.html", dt.date(2025, 1, 5)),
        ("https://apod.nasa.gov/apod/ap991231.html", dt.date(1999, 12, 31)),
        ("https://science.nasa.gov/wp-json/wp/v2/apod-basic/261002", dt.date(2026, 10, 2)),
        ("apod-basic-150603.json", dt.date(2015, 6, 3)),
        ("astropix.html", None),
        ("ap251341.html", None),
        ("apod-basic-list-150603-150604.json", None),
    ],
)
def test_day_in_name(name: str, day: dt.date | None) -> None:
    assert day_in_name(name) == day


def test_stem() -> None:
    assert stem(dt.date(1995, 6, 16)) == "ap950616"


def test_runs_of_consecutive_days() -> None:
    march = [dt.date(2025, 3, d) for d in (1, 2, 3, 4, 6, 9, 10)]
    assert [[d.day for d in run] for run in runs(march)] == [[1, 2, 3, 4], [6], [9, 10]]
    assert [[d.day for d in run] for run in runs(march, 3)] == [[1, 2, 3], [4], [6], [9, 10]]
