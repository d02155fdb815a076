"""apodscrape: mirror NASA's Astronomy Picture of the Day into plain text files.

The public API is pure (no Scrapy needed):

    parse_page(body, url) -> Day      a day as a record: a classic page (HTML) or a
                                      science.nasa.gov apod-basic record (JSON)
    render(day) -> str                the text of its archive file (FORMAT.md)
"""

from __future__ import annotations

from .archive import render
from .classic import parse_classic
from .dataset import load
from .days import day_in_name
from .decode import decode
from .errors import ApodError, NotADayPage, WrongDayError
from .record import Day
from .science import load_json, parse_science

__version__ = "0.1.0"
__all__ = ["ApodError", "Day", "NotADayPage", "WrongDayError", "load", "parse_page", "render"]


def parse_page(body: bytes, url: str) -> Day:
    """The Day a page shows, from its raw bytes and the address it was read from.

    Raises NotADayPage for anything that is not one day (a site page, a list, an API
    error), and WrongDayError when the address names a day (apYYMMDD, apod-basic/YYMMDD)
    and the page shows another.
    """
    text = decode(body)
    if text.lstrip().startswith(("{", "[")):
        record = load_json(text)
        if not isinstance(record, dict):
            raise NotADayPage("a list of days, not one day")
        day = parse_science(record, url)
    else:
        day = parse_classic(text, url)
    named = day_in_name(url)
    if named is not None and named != day.date:
        raise WrongDayError(f"the page shows {day.date}, but its address names {named}")
    return day
