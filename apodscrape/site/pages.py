"""The site's pages from Jinja2 templates (autoescaped: every text from the archive is escaped;
only Markup's sanitized HTML goes in unescaped)."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass
from typing import NamedTuple

from jinja2 import Environment, PackageLoader, StrictUndefined
from markupsafe import Markup as Html

from ..days import canonical_url, from_yymmdd
from .addresses import Listed
from .calendar import MONTHS, WEEKDAYS, Month
from .manifest import fingerprint
from .markup import Markup
from .media import Media
from .search import html_words, plain_text

# Our own scripts and styles only: any script or style the archive's text might carry in
# spite of the escaping would not run. Media, frames and links may be anywhere.
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; "
    "img-src 'self' http: https: data:; media-src 'self' http: https:; "
    "frame-src http: https:; object-src 'none'; base-uri 'none'; form-action 'self'"
)


def long_date(day: dt.date) -> str:
    """A day page's date line: 2025 January 5."""
    return f"{day.year} {MONTHS[day.month - 1]} {day.day}"


def list_date(day: dt.date) -> str:
    """A date in the archive list: 2025 January 05."""
    return f"{day.year} {MONTHS[day.month - 1]} {day.day:02d}"


@dataclass(frozen=True)
class DayPage:
    """Everything a day's page is made of."""

    date: dt.date
    stem: str  # apYYMMDD
    title: str
    credit: tuple[str, ...]
    explanation: str
    media: Media | None
    previous: str | None  # the stem of the day before that the site has
    next: str | None
    linked: tuple[str, ...]  # the days it links to that the site has
    alt: str  # what the picture shows, in words: the page's description, else the title
    same_day: tuple[str, ...] = ()  # the days of the same date in other years (apYYMMDD)

    def text_fingerprint(self) -> str:
        """What its words and its explanation's text are made of (search reads them)."""
        return fingerprint(self.title, self.credit, self.explanation)

    def fingerprint(self, text: str) -> str:
        """Everything its page is made of (`text`: its text_fingerprint)."""
        media = self.media and (self.media.kind, self.media.src, self.media.stamp)
        return fingerprint(
            self.stem, text, media,
            self.previous, self.next, self.linked, self.alt, self.same_day,
        )  # fmt: skip


class Rendered(NamedTuple):
    """A day page, the words on it (how often each appears) and its explanation's text."""

    html: str
    words: Counter[str]
    text: str


@dataclass(frozen=True)
class Entry:
    """A line of the archive list."""

    date: str
    page: str
    title: str
    year: int
    thumb: str | None


class Pages:
    """Renders the pages of one site (the days it has decide which links are local)."""

    def __init__(self, days: set[str]) -> None:
        self.days = days
        self.markup = Markup(days)
        self.env = Environment(
            loader=PackageLoader("apodscrape.site", "templates"),
            autoescape=True,
            undefined=StrictUndefined,
            keep_trailing_newline=True,
        )
        self.env.globals.update(csp=CSP, root="")

    def credit(self, page: DayPage) -> list[str]:
        """The credit lines as HTML."""
        credit = list(page.credit)
        while credit and not credit[-1].strip():  # the documented example ends with ""
            credit.pop()
        return [self.markup.inline(line) for line in credit]

    def explanation(self, page: DayPage) -> str:
        """The explanation as HTML."""
        return self.markup.block(page.explanation) if page.explanation.strip() else ""

    def text(self, page: DayPage) -> str:
        """The explanation as a reader sees it, in plain text (for search's snippets)."""
        return plain_text(self.explanation(page))

    def feed_content(self, page: DayPage) -> str:
        """A feed entry's HTML: the explanation, then the credit (as on the classic RSS)."""
        lines = self.credit(page)
        credit = f"<p>{'<br>'.join(lines)}</p>\n" if lines else ""
        return self.explanation(page) + credit

    def day(self, page: DayPage) -> Rendered:
        """A day's page, the words a reader sees on it and its explanation's text."""
        lines = self.credit(page)
        explanation = self.explanation(page)
        text = plain_text(explanation)
        if explanation.startswith("<p>"):  # as on the classic page
            explanation = f"<p><b>Explanation:</b> {explanation[3:]}"
        same_day = [(_day_in_stem(s).year, f"{s}.html") for s in page.same_day]
        html = self.env.get_template("day.html").render(
            date=page.date,
            date_text=long_date(page.date),
            title=page.title,
            alt=page.alt,
            same_day=same_day,
            own=f"{page.stem}.html",
            canonical=canonical_url(page.date),
            media=page.media,
            credit=[Html(line) for line in lines],
            explanation=Html(explanation),
            previous=f"{page.previous}.html" if page.previous else None,
            next=f"{page.next}.html" if page.next else None,
        )
        return Rendered(html, html_words(page.title, *lines, explanation), text)

    def archive(self, days: list[Listed]) -> str:
        """archivepix.html: every day, newest first. `days`: oldest first."""
        entries = [
            Entry(list_date(d.date), d.page, d.title, d.date.year, d.thumb) for d in reversed(days)
        ]
        years = sorted({d.date.year for d in days}, reverse=True)
        return self.env.get_template("archivepix.html").render(
            days=entries, years=years, newest=long_date(days[-1].date),
            oldest=long_date(days[0].date),
        )  # fmt: skip

    def month(self, month: Month) -> str:
        """calendar/caYYMM.html."""
        return self.env.get_template("month.html").render(
            month=month, weekdays=WEEKDAYS, root="../"
        )

    def years(self, years: list[tuple[int, list[Month | None]]]) -> str:
        """calendar/allyears.html."""
        short = [name[:3] for name in MONTHS]
        return self.env.get_template("allyears.html").render(years=years, short=short, root="../")

    def search(self) -> str:
        return self.env.get_template("search.html").render()

    def random(self) -> str:
        return self.env.get_template("random.html").render()


def _day_in_stem(name: str) -> dt.date:
    return from_yymmdd(name[2:4], name[4:6], name[6:8])
