"""Small archives for the dataset tools, built in the tests: rendered days, converted captures."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from apodscrape import catalog, parse_page, render
from apodscrape.archive import day_path, warc_dir, write_atomic
from apodscrape.days import canonical_url
from apodscrape.record import IMAGE, Day
from apodscrape.tools.convert import url_of


def a_day(iso: str, **changes: Any) -> Day:
    """A day that checks clean, with the fields a test changes."""
    date = dt.date.fromisoformat(iso)
    fields: dict[str, Any] = {
        "date": date,
        "title": f"The Sky of {iso}",
        "canonical_url": canonical_url(date),
        "media_type": IMAGE,
        "image_url": f"https://apod.nasa.gov/apod/image/{date:%y%m}/sky.jpg",
        "hd_image_url": None,
        "credit": ["Image Credit: [NASA](https://www.nasa.gov/)"],
        "explanation": "A [galaxy](https://apod.nasa.gov/apod/ap950616.html) far away.",
    }
    fields.update(changes)
    return Day(**fields)


def write_days(directory: Path, days: Iterable[Day], *, catalogued: bool = True) -> Path:
    """An archive directory holding these days, written as the pipeline writes them, and
    (unless not `catalogued`) its catalog made true of its files, as a crawl leaves it."""
    directory.mkdir(parents=True, exist_ok=True)
    for day in days:
        write_atomic(day_path(directory, day.date), render(day))
    if catalogued:
        catalogue(directory)
    return directory


def catalogue(directory: Path) -> None:
    """The archive's catalog made true of its files (and captures), as a crawl leaves it."""
    db = catalog.open_catalog(directory)
    catalog.mend(db, directory, warc_dir(directory))
    db.close()


def corpus_days(corpus: Path) -> list[Day]:
    """Every classic capture of the corpus as a Day, read as `convert` reads it."""
    return [parse_page(p.read_bytes(), url_of(p)) for p in sorted((corpus / "classic").iterdir())]
