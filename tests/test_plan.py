"""The run's plan: arguments and settings checked once, and the days a run asks."""

from __future__ import annotations

import datetime as dt

import pytest

from apodscrape.archive import State
from apodscrape.errors import ArgumentError
from apodscrape.plan import (
    DEFAULT_REFRESH,
    Arguments,
    Settings,
    make_plan,
    parse_arguments,
    read_settings,
)

TODAY = dt.date(2026, 11, 23)
GOOD_SETTINGS = {
    "APOD_SOURCE": "auto",
    "APOD_CLASSIC_URL": "https://apod.nasa.gov/apod/",
    "APOD_SCIENCE_URL": "https://science.nasa.gov/",
    "APOD_SCIENCE_PER_PAGE": 100,
    "CONCURRENT_REQUESTS_PER_DOMAIN": 1,
}


def test_no_arguments_continue_from_the_archive() -> None:
    assert parse_arguments({}, TODAY) == Arguments(None, None, DEFAULT_REFRESH, False)


def test_every_argument_is_read() -> None:
    given = {"start": "2026-11-20", "source": "science", "refresh": "all", "media": "yes"}
    arguments = parse_arguments(given, TODAY)
    assert arguments.requested == [dt.date(2026, 11, d) for d in (20, 21, 22, 23)]
    assert (arguments.source, arguments.refresh, arguments.media) == ("science", None, True)


@pytest.mark.parametrize(
    ("given", "message"),
    [
        ({"stat": "2025-01-01"}, "-a stat=: no such argument"),
        ({"media": "maybe"}, "media='maybe' is neither 1 (on) nor 0 (off)"),
        ({"source": "web"}, "source='web' is not one of auto, classic, science"),
        ({"refresh": "-1"}, "refresh='-1' is neither a number of days nor 'all'"),
    ],
)
def test_a_wrong_argument_is_one_line(given: dict[str, str], message: str) -> None:
    with pytest.raises(ArgumentError, match="^" + message.replace("(", r"\(").replace(")", r"\)")):
        parse_arguments(given, TODAY)


def test_the_arguments_scrapyd_gives_every_job_are_taken_and_ignored() -> None:
    given = {"_job": "6487ec79947edab326d6db28a2d86511", "_version": "r12", "dates": "2025-01-05"}
    assert parse_arguments(given, TODAY) == parse_arguments({"dates": "2025-01-05"}, TODAY)


def test_a_huge_refresh_window_asks_every_day_since_the_first() -> None:
    arguments = parse_arguments({"refresh": "99999999999999999999"}, TODAY)
    plan = make_plan(arguments, read_settings(GOOD_SETTINGS), {dt.date(2026, 11, 20)}, TODAY)
    assert plan.fetch[0] == dt.date(1995, 6, 16) and plan.fetch[-1] == TODAY
    assert len(plan.fetch) == (TODAY - dt.date(1995, 6, 16)).days + 1


def test_settings_are_read_and_checked() -> None:
    assert read_settings({**GOOD_SETTINGS, "APOD_CLASSIC_URL": "http://127.0.0.1:8080/apod"}) == (
        Settings("auto", "http://127.0.0.1:8080/apod/", "https://science.nasa.gov/", 100, 1)
    )


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("APOD_SOURCE", "web", "APOD_SOURCE='web' is not one of auto, classic, science"),
        ("APOD_SCIENCE_PER_PAGE", "abc", "APOD_SCIENCE_PER_PAGE='abc' is not a whole number"),
        ("APOD_SCIENCE_PER_PAGE", "0", "APOD_SCIENCE_PER_PAGE=0 is not between 1 and 100"),
        ("APOD_CLASSIC_URL", "file:///etc/", "APOD_CLASSIC_URL='file:///etc/' is not an http(s)"),
    ],
)
def test_a_wrong_setting_is_one_line(name: str, value: str, message: str) -> None:
    with pytest.raises(ArgumentError) as raised:
        read_settings({**GOOD_SETTINGS, name: value})
    assert str(raised.value).startswith(message)


def test_the_plan_skips_archived_days_outside_the_refresh_window() -> None:
    arguments = parse_arguments({"start": "2026-11-18"}, TODAY)
    archived = {dt.date(2026, 11, d) for d in (18, 19, 20, 21)}
    plan = make_plan(arguments, read_settings(GOOD_SETTINGS), archived, TODAY)
    assert plan.source == "auto"
    assert plan.skipped == [dt.date(2026, 11, d) for d in (18, 19, 20)]
    assert plan.fetch == [dt.date(2026, 11, d) for d in (21, 22, 23)]


def test_a_media_run_asks_again_the_archived_days_whose_media_are_not_done() -> None:
    archived = {dt.date(2026, 11, d) for d in (10, 11, 12)}
    state = State(media_done={dt.date(2026, 11, 11)})  # and no spanFrom: an older archive
    arguments = parse_arguments({"media": "1"}, TODAY)
    plan = make_plan(arguments, read_settings(GOOD_SETTINGS), archived, TODAY, state)
    assert dt.date(2026, 11, 10) in plan.fetch and dt.date(2026, 11, 12) in plan.fetch
    assert dt.date(2026, 11, 11) not in plan.fetch  # its media are done: not asked


def test_a_plain_run_asks_every_hole_but_the_days_known_missing() -> None:
    archived = {dt.date(2026, 11, d) for d in (1, 2, 5)}
    state = State(span_from=dt.date(2026, 10, 30), missing={dt.date(2026, 11, 3)})
    plan = make_plan(parse_arguments({}, TODAY), read_settings(GOOD_SETTINGS), archived, TODAY,
                     state)  # fmt: skip
    holes = {dt.date(2026, 10, 30), dt.date(2026, 10, 31), dt.date(2026, 11, 4)}
    assert holes <= set(plan.fetch)
    assert dt.date(2026, 11, 3) not in plan.fetch and dt.date(2026, 11, 1) not in plan.fetch
