"""Pure parsing: the bytes of an answer and the address it was read from in, Day records out.

Two entries, one for each kind of answer the project asks for, both from raw bytes (decoded
as FORMAT.md says, whatever the server declares) and both stamping each record with the
checksum of those bytes:

    parse_page(body, url) -> Day            a classic day page (HTML) or one apod-basic record
    parse_listing(body, url) -> list[Day]   one page of the apod-basic list API

No Scrapy here: the spider, the raw-capture reader and the tools all come in this way.
"""

from __future__ import annotations

import hashlib

from ..days import day_in_name
from ..errors import NotADayPage, WrongDayError
from ..record import Day
from .classic import parse_classic
from .decode import decode
from .science import load_json, parse_science

__all__ = ["parse_listing", "parse_page"]


def parse_page(body: bytes, url: str) -> Day:
    """The Day a page shows, from its raw bytes and the address it was read from.

    Raises NotADayPage for anything that is not one day (a site page, a list, an API
    error), and WrongDayError when the address names a day (apYYMMDD, apod-basic/YYMMDD)
    and the page shows another.
    """
    text = decode(body)
    if not text.strip():
        raise NotADayPage("an empty answer")
    if text.lstrip().startswith(("{", "[")):
        record = load_json(text)
        if not isinstance(record, dict):
            raise NotADayPage("a list of days, not one day")
        day = _science(record, url)
    else:
        day = parse_classic(text, url)
    named = day_in_name(url)
    if named is not None and named != day.date:
        raise WrongDayError(f"the page shows {day.date}, but its address names {named}")
    day.raw_sha256 = hashlib.sha256(body).hexdigest()
    return day


def parse_listing(body: bytes, url: str) -> list[Day]:
    """The Days of one page of the list form of the apod-basic API, newest first."""
    data = load_json(decode(body))
    if not isinstance(data, list):
        raise NotADayPage("expected a list of apod-basic records")
    checksum = hashlib.sha256(body).hexdigest()
    found = [_science(record, url) for record in data]
    for day in found:
        day.raw_sha256 = checksum
    return found


def _science(record: object, url: str) -> Day:
    """One apod-basic record; any field of a type the API never sends makes it no day."""
    if not isinstance(record, dict):
        raise NotADayPage("not an apod-basic record (not a JSON object)")
    try:
        return parse_science(record, url)
    except (TypeError, AttributeError, ValueError, KeyError) as error:
        raise NotADayPage(f"not an apod-basic record ({type(error).__name__}: {error})") from None
