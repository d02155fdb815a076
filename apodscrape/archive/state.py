"""What runs remember of an archive besides its files: the catalog keeps it
(catalog.read_state); before the catalog, `.apodscrape-state.json` did (read once into it)."""

from __future__ import annotations

import datetime as dt
import json
import os
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import ApodError

# What runs remember of the archive besides its files (see State).
STATE_NAME = ".apodscrape-state.json"


@dataclass
class State:
    """What runs remember of an archive besides its files (catalog.read_state)."""

    # The oldest day any run was asked for: a plain run asks every day from it to today
    # that has no file (holes, failed days, the rest of a killed backfill).
    span_from: dt.date | None = None
    # Days their source confirmed it does not have: not asked again outside the refresh
    # window (APOD's own gaps beyond days.KNOWN_GAPS, days the API never had).
    missing: set[dt.date] = field(default_factory=set)
    # Days whose media a `-a media=1` run stored (or found nothing to store): a media run
    # asks again the archived days not among them (a download that failed or was cut).
    media_done: set[dt.date] = field(default_factory=set)


def read_state(directory: str | os.PathLike[str]) -> State:
    """The state an apodscrape before the catalog kept in `.apodscrape-state.json` (read
    once into the catalog: catalog.migrate); an empty one if there is none. A damaged one
    is refused (ApodError naming what is wrong and the way on), never half taken: moved
    aside, the catalog is made from the day files and captures alone, and the days it
    listed as missing are asked once more."""
    path = Path(directory) / STATE_NAME
    try:
        data = json.loads(path.read_bytes())
    except FileNotFoundError:
        return State()
    except OSError as error:
        raise ApodError(f"{path}: cannot be read ({error.strerror or error})") from None
    except ValueError as error:
        raise _damaged(path, f"not JSON ({error})") from None
    try:
        return _state_of(data)
    except ValueError as error:
        raise _damaged(path, str(error)) from None


def _state_of(data: object) -> State:
    if not isinstance(data, dict):
        raise ValueError(f"a JSON {type(data).__name__}, not an object")
    span = data.get("spanFrom")
    if span is not None and not isinstance(span, str):
        raise ValueError(f"spanFrom is a {type(span).__name__}, not a date")
    return State(
        span_from=_date(span, "spanFrom") if span else None,
        missing=_dates(data, "missing"),
        media_done=_dates(data, "mediaDone"),
    )


def _dates(data: dict, key: str) -> set[dt.date]:
    values = data.get(key, [])
    if not isinstance(values, list) or not all(isinstance(value, str) for value in values):
        kind = type(values).__name__ if not isinstance(values, list) else "list of non-dates"
        raise ValueError(f"{key} is a {kind}, not a list of dates")
    return {_date(value, key) for value in values}


def _date(value: str, key: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise ValueError(f"{key} holds {value[:40]!r}, not a date") from None


def _damaged(path: Path, what: str) -> ApodError:
    return ApodError(
        f"{path}: damaged, not a state file apodscrape wrote: {what}. Move it aside "
        f"(mv {path} {path}.damaged) and run again: the catalog is made from the day files "
        "and captures, and the days it listed as missing are asked once more"
    )
