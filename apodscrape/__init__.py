"""apodscrape: mirror NASA's Astronomy Picture of the Day into plain text files.

The public API is pure (no Scrapy needed):

    parse_page(body, url) -> Day      a day as a record: a classic page (HTML) or a
                                      science.nasa.gov apod-basic record (JSON)
    parse_listing(body, url)          the days of one page of the apod-basic list API
    render(day) -> str                the text of its archive file (FORMAT.md)
    load(directory)                   an archive's days as plain records
"""

from __future__ import annotations

import importlib
from typing import Any

from .errors import ApodError, NotADayPage, WrongDayError
from .record import Day

# Imported on first use: the parser stack (bs4, lxml, markdownify) and the day file's
# (frontmatter, yaml) cost about a second, which a tool that needs neither (`serve`) skips.
_LAZY = {"load": "archive", "render": "archive", "parse_listing": "parse", "parse_page": "parse"}

__version__ = "0.1.0"
__all__ = [
    "ApodError",
    "Day",
    "NotADayPage",
    "WrongDayError",
    "load",
    "parse_listing",
    "parse_page",
    "render",
]


def __getattr__(name: str) -> Any:
    if name not in _LAZY:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{_LAZY[name]}", __name__), name)
    globals()[name] = value
    return value
