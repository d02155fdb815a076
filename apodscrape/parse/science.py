"""A day from science.nasa.gov's apod-basic JSON API (since the 2026 move) to a Day record.

FORMAT.md, "After the 2026 move": the same archive format, with `canonicalUrl` still the
apod.nasa.gov address of the day and `imageUrl` the media where it lives now.
"""

from __future__ import annotations

import datetime as dt
import html
import json
import re
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from .. import days
from ..days import API_PATH, SCIENCE_BASE
from ..errors import NotADayPage
from ..media import thumbnail
from ..record import IMAGE, OTHER, SCIENCE, VIDEO, Day
from .alt import description
from .classic import REPLACEMENT, Media, explanation_fragment, page_media
from .markdown import MEDIA_SCHEMES, is_absolute, to_inline
from .stream import collapse

NOT_FOUND = "apod_basic_not_found"
_BREAK = re.compile(r"<br\s*/?>", re.IGNORECASE)
_ESCAPED_NUL = re.compile(r"(?<!\\)((?:\\\\)*)\\u0000")  # not an escaped backslash's "u0000"


def day_url(science_base: str, day: dt.date) -> str:
    """The API address of one day."""
    return f"{science_base}{API_PATH}/{day:%y%m%d}"


def list_url(science_base: str, first: dt.date, last: dt.date, per_page: int, page: int) -> str:
    """The API address of one page of a range of days (newest first)."""
    return (
        f"{science_base}{API_PATH}?date_from={first:%y%m%d}&date_to={last:%y%m%d}"
        f"&per_page={per_page}&page={page}"
    )


def load_json(text: str) -> Any:
    """The JSON of an API answer; an API error object becomes NotADayPage. An escaped NUL
    (\\u0000) is dropped as decode() drops a raw one."""
    try:
        data = json.loads(_ESCAPED_NUL.sub(r"\1", text) if "\\u0000" in text else text)
    except ValueError as error:
        raise NotADayPage(f"not JSON: {error}") from None
    except RecursionError:
        raise NotADayPage("not JSON that an API sends: nested too deep") from None
    if isinstance(data, dict) and "code" in data and "date" not in data:
        raise NotADayPage(f"the API answered {data.get('code')}: {data.get('message')}")
    return data


def is_listing(url: str) -> bool:
    """Whether an address asks the list form of the API (a page of a range of days)."""
    return f"{API_PATH}?" in url


def is_not_found(text: str) -> bool:
    """Whether an API answer is its 'no APOD for that day' error."""
    try:
        data = json.loads(text)
    except ValueError:
        return False
    return isinstance(data, dict) and data.get("code") == NOT_FOUND


def parse_science(record: dict[str, Any], url: str) -> Day:
    """The Day of one apod-basic record."""
    try:
        date = dt.date.fromisoformat(record["date"])
        title = collapse(html.unescape(record["title"]))
    except (KeyError, TypeError, ValueError):
        raise NotADayPage("not an apod-basic day record (no date or title)") from None
    if not title:
        raise NotADayPage(f"the record of {date} has no title")
    permalink = _permalink(record)
    base = permalink or f"{SCIENCE_BASE}apod/"
    media = _media(record, base)
    return Day(
        date=date,
        title=title,
        canonical_url=days.canonical_url(date),
        media_type=media.media_type,
        image_url=media.url,
        hd_image_url=media.hd_url,
        credit=_credit_lines(record.get("credit") or "", base),
        explanation=explanation_fragment(record.get("explanation") or "", base),
        keywords=None,  # the API gives none: unknown, not an empty list
        source=SCIENCE,
        source_url=url,
        thumbnail_url=thumbnail(media.media_type, media.url, _still(record)),
        # the record's own `alt`, else its page's (the same text where both are given)
        alt=description(html.unescape(record.get("alt") or "")) or media.alt,
        permalink=permalink,
        source_damaged=REPLACEMENT in json.dumps(record, ensure_ascii=False),
    )


def _credit_lines(credit: str, base: str) -> list[str]:
    """Credit lines from the record's own `credit` field, labels only where it has them."""
    lines = [to_inline(part, base) for part in _BREAK.split(credit)]
    while lines and not lines[-1]:
        lines.pop()  # the field's closing <br>, unlike a page's, ends no visible line
    return lines


def _media(record: dict[str, Any], base: str) -> Media:
    """Media of `basic_html`, else the original file behind `hdurl` on an image day."""
    hd_original = _original_file(record.get("hdurl"))
    page = record.get("basic_html")
    if page:
        try:
            media = page_media(page, base)
        except NotADayPage:
            media = Media(OTHER, None)
        if media.url:
            if media.media_type == IMAGE and not media.hd_url:
                return media._replace(hd_url=hd_original)
            return media
    if record.get("media_type") == VIDEO:
        return Media(VIDEO, None)  # `hdurl` of a video day is a still, not the video
    if hd_original:
        return Media(IMAGE, hd_original, hd_original)
    return Media(OTHER, None)


def _permalink(record: dict[str, Any]) -> str | None:
    """The day's own page at science.nasa.gov (`permalink`, WordPress's `link`), if given."""
    for key in ("permalink", "link"):
        if is_absolute(value := record.get(key), MEDIA_SCHEMES):
            return value
    return None


def _still(record: dict[str, Any]) -> str | None:
    """The still the API names for a video day (`hdurl`, as given), else None."""
    hdurl = record.get("hdurl")
    if record.get("media_type") != VIDEO or not isinstance(hdurl, str):
        return None
    hdurl = hdurl.strip()
    return hdurl if is_absolute(hdurl, MEDIA_SCHEMES) else None


def _original_file(hdurl: str | None) -> str | None:
    """The original behind a rendition: …/dynamicimage/assets/…?w=… is …/content/dam/…;
    None unless it is an http(s) address."""
    if not hdurl:
        return None
    parts = urlsplit(hdurl.strip())
    path = parts.path.replace("/dynamicimage/assets/", "/content/dam/", 1)
    url = urlunsplit((parts.scheme or "https", parts.netloc, path, "", ""))
    return url if is_absolute(url, MEDIA_SCHEMES) else None
