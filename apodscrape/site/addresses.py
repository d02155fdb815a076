"""Where things are on the site: the classic addresses, relative, and links to them."""

from __future__ import annotations

import datetime as dt
import re
from typing import NamedTuple

from ..days import stem

# The classic site's day pages, under each host it has had, as the archive's links name them.
_HOSTS = r"(?:www\.)?apod\.nasa\.gov|antwrp\.gsfc\.nasa\.gov"
_DAY_LINK = re.compile(rf"https?://(?:{_HOSTS})/apod/(ap\d{{6}})\.html(#\S*)?", re.IGNORECASE)
# Anywhere in a lowercased text: finds every day `local_address` could point at (and maybe
# more). Case-sensitive on lowered text, as a pattern with a literal start is searched 3x faster.
_DAY_MENTION = re.compile(rf"https?://(?:{_HOSTS})/apod/(ap\d{{6}})\.html")
_SITE_LINK = re.compile(rf"https?://(?:{_HOSTS})/apod/(astropix|archivepix)\.html", re.IGNORECASE)
_SITE_PAGES = {"astropix": "index.html", "archivepix": "archivepix.html"}

INDEX = "index.html"
ARCHIVE = "archivepix.html"
CALENDARS = "calendar/allyears.html"
SEARCH = "search.html"
RANDOM = "random.html"


class Listed(NamedTuple):
    """A day of the site as its lists show it."""

    date: dt.date
    stem: str  # apYYMMDD
    title: str
    thumb: str | None = None  # its thumbnail's address, when the site has one

    @property
    def page(self) -> str:
        return f"{self.stem}.html"


def page_name(day: dt.date) -> str:
    """A day's page, at its classic address: apYYMMDD.html."""
    return f"{stem(day)}.html"


def calendar_name(year: int, month: int) -> str:
    """A month's calendar page, at its classic address: calendar/caYYMM.html."""
    return f"calendar/ca{year % 100:02d}{month:02d}.html"


def local_address(url: str, days: set[str]) -> str | None:
    """The site's own page for a link to the classic site (a day the site has, the front
    page, the archive list), relative to the site's top; None for any other link."""
    found = _DAY_LINK.fullmatch(url)
    if found is not None:
        name = found.group(1).lower()
        return f"{name}.html{found.group(2) or ''}" if name in days else None
    found = _SITE_LINK.fullmatch(url)
    return _SITE_PAGES[found.group(1).lower()] if found is not None else None


def linked_days(text: str) -> set[str]:
    """The days (apYYMMDD) a text links to on the classic site."""
    return set(_DAY_MENTION.findall(text.lower()))
