"""apodscrape: mirror NASA's Astronomy Picture of the Day into plain text files.

The public API is pure (no Scrapy needed):

    parse_page(body, url) -> Day      a day as a record: a classic page (HTML) or a
                                      science.nasa.gov apod-basic record (JSON)
    parse_listing(body, url)          the days of one page of the apod-basic list API
    render(day) -> str                the text of its archive file (FORMAT.md)
    load(directory)                   an archive's days as plain records
"""

from __future__ import annotations

from .archive import load, render
from .errors import ApodError, NotADayPage, WrongDayError
from .parse import parse_listing, parse_page
from .record import Day

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
