"""The site's feeds of its newest days, made with feedgen: RSS 2.0 (rss.xml, for those who
followed the classic apod.rss) and Atom (atom.xml).

An entry is a day: its title, a link to the site's page, the picture (its thumbnail when the
site has one, the remote picture otherwise: a feed reader shows one at a time), the
explanation and the credit as HTML, its canonical apod.nasa.gov address as a stable id, and
midnight of its date in APOD's time zone (US Eastern) as its date. Links are relative to the
feed's own address (readers resolve them) unless the site's public address is given.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from html import escape
from urllib.parse import urljoin

from feedgen.feed import FeedGenerator

from ..days import CANONICAL_BASE, PUBLISHING_ZONE, canonical_url
from .pages import DayPage

RSS, ATOM = "rss.xml", "atom.xml"
NEWEST = 30  # days in a feed, as many as a month
TITLE = "Astronomy Picture of the Day"
SUBTITLE = "Each day a different image or photograph of our fascinating universe."


def published(day: dt.date) -> dt.datetime:
    """When APOD publishes a day: midnight of its date, US Eastern."""
    return dt.datetime.combine(day, dt.time(), PUBLISHING_ZONE)


def feeds(
    days: Sequence[DayPage],
    content: Callable[[DayPage], str],
    picture: Callable[[DayPage], str | None],
    base: str = "",
) -> tuple[str, str]:
    """The RSS and Atom feeds of these days (oldest first; the newest NEWEST are taken).
    `content`: a day's explanation and credit as HTML; `picture`: its picture's address."""
    newest = list(days[-NEWEST:])
    generator = FeedGenerator()
    generator.id(CANONICAL_BASE)
    generator.title(TITLE)
    generator.subtitle(SUBTITLE)
    generator.language("en")
    generator.generator("apodscrape", uri="https://github.com/apodscrape/apodscrape")
    if newest:
        # the newest day's date, not the run's time: a run that changed nothing writes nothing
        generator.updated(published(newest[-1].date))
        generator.lastBuildDate(published(newest[-1].date))
    for page in newest:
        entry = generator.add_entry(order="prepend")  # newest first
        entry.id(canonical_url(page.date))
        entry.guid(canonical_url(page.date), permalink=False)
        entry.title(page.title or page.stem)
        entry.link(href=f"{base}{page.stem}.html", rel="alternate")
        entry.published(published(page.date))
        entry.updated(published(page.date))
        address = picture(page)
        shown = (
            f'<p><img src="{escape(urljoin(base, address))}" alt="{escape(page.alt)}"></p>\n'
            if address
            else ""
        )
        entry.content(shown + content(page), type="html")
    made = []
    for own in (RSS, ATOM):
        generator.link(href=f"{base}index.html", rel="alternate", replace=True)
        generator.link(href=f"{base}{own}", rel="self")
        xml = generator.rss_str if own == RSS else generator.atom_str
        made.append(xml(pretty=True).decode("utf-8"))
    return made[0], made[1]
