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
    once into the catalog: catalog.migrate); an empty one if there is none. ApodError if
    it is damaged."""
    path = Path(directory) / STATE_NAME
    try:
        data = json.loads(path.read_bytes())
        span = data.get("spanFrom")
        return State(
            span_from=dt.date.fromisoformat(span) if span else None,
            missing={dt.date.fromisoformat(day) for day in data.get("missing", [])},
            media_done={dt.date.fromisoformat(day) for day in data.get("mediaDone", [])},
        )
    except FileNotFoundError:
        return State()
    except (OSError, ValueError, TypeError, AttributeError) as error:
        raise ApodError(f"{path}: not a state file apodscrape wrote ({error})") from None
