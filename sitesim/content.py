"""What a simulated day shows: its title, media, credit and explanation, drawn from its date.

Every day of the archive (from FIRST_DAY, less the real gaps) has content; the same date and
seed always give the same content. Each piece of explanation text is kept three ways: as the
classic page writes it, as the API writes it, and as the archive file must read it.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import random
from dataclasses import dataclass
from html import escape
from typing import Any

from apodscrape.days import (
    CANONICAL_BASE,
    FIRST_DAY,
    KNOWN_GAPS,
    canonical_url,
    day_range,
    from_yymmdd,
)


def has_page(day: dt.date, end: dt.date) -> bool:
    """Whether the archive that ends on `end` has a page for `day`."""
    return FIRST_DAY <= day <= end and day not in KNOWN_GAPS


def archive_days(end: dt.date, start: dt.date = FIRST_DAY) -> list[dt.date]:
    """The days with a page from `start` to `end`, oldest first."""
    return [day for day in day_range(max(start, FIRST_DAY), end) if day not in KNOWN_GAPS]


def day_of_yymmdd(text: str) -> dt.date:
    """The date of a YYMMDD address part (95-99 are 1995-1999); ValueError if it is none."""
    if len(text) != 6 or not text.isdigit():
        raise ValueError(text)
    return from_yymmdd(text[:2], text[2:4], text[4:])


_SUBJECTS = (
    "Dust Lanes",
    "Star Trails",
    "The Long Tail",
    "Twin Jets",
    "Shadow Play",
    "A Deep Mosaic",
    "Dark Clouds",
    "Light Echoes",
    "Auroral Curtains",
    "The Bright Core",
    "Glowing Filaments",
    "Moonrise",
    "The Cosmic Reef",
    "Sunspot Loops",
    "A Ring of Fire",
    "The Blue Hour",
    "Faint Arcs",
    "Tidal Streams",
    "Pillars & Globules",
    "The Zodiacal Band",
)
_CATALOGS = ("NGC ", "IC ", "Sh2-", "Abell ", "LDN ", "Barnard ", "vdB ", "Arp ", "Gum ", "RCW ")
_PLACES = ("Chile", "Namibia", "Mauna Kea", "La Palma", "Utah", "Tenerife", "Iceland", "Arizona")
_PLACES_1252 = ("Québec", "São Tomé", "Señal Peak", "Ålesund", "Zürich", "Córdoba")
_PLACES_UTF8 = ("Kraków", "Łódź", "Ōmura", "Český Krumlov", "Reykjavík", "Ærø")
_FIRST = ("Ana", "Tomas", "Mei", "Jonas", "Priya", "Olu", "Sven", "Lucia", "Kenji", "Farah")
_LAST = ("Okafor", "Lindqvist", "Moreau", "Tanaka", "Brandt", "Silva", "Novak", "Haddad", "Reyes")
_LAST_1252 = ("Müller", "Peña", "Gómez", "Ståhl")
_LAST_UTF8 = ("Šimek", "Łukasik", "Øster", "Dvořák")
_ORGS = ("NASA", "ESA", "JPL", "NOAO", "ESO", "STScI", "NSSDC", "CXC", "AURA", "Caltech")
_VOCABULARY = """
the a of and in bright faint cloud star stars galaxy nebula dust gas light across near glows
shines drifts pictured featured image sky planet moon comet orbit distant young hot cold
hydrogen shell wind wave spiral arm core cluster field telescope camera exposure night
horizon red blue green glowing dark lane bubble jet shock remnant million years away from
toward above below between
"""
_WORDS = tuple(_VOCABULARY.split())
_SONGS = ("Night Drift", "Slow Orbit", "Blue Hour", "Quiet Field")


class Token:
    """A piece of explanation text: as the classic page writes it, as the API writes it,
    and as the archive file must read."""

    __slots__ = ("api", "classic", "markdown")

    def __init__(self, classic: str, api: str | None = None, markdown: str | None = None):
        self.classic = classic
        self.api = classic if api is None else api
        self.markdown = classic if markdown is None else markdown

    def end_sentence(self) -> None:
        self.classic += "."
        self.api += "."
        self.markdown += "."


@dataclass(frozen=True)
class Content:
    """What one day shows, drawn from its date: the same in every mode."""

    day: dt.date
    title: str
    slug: str  # the file name stem of its media
    kind: str  # image, rollover, youtube, vimeo, video, none
    video_id: str
    encoding: str  # ascii, windows-1252, utf-8, utf-8-sig
    names: tuple[tuple[str, str], ...]  # (name, home page)
    org: str
    music: tuple[str, str, str] | None  # (song, artist, home page)
    paragraphs: tuple[tuple[Token, ...], ...]
    # picks among the layouts an era allows; in the API, 0 is a record without basic_html
    # and 1 one whose basic_html shows no media (on image days)
    variant: int


@dataclass(frozen=True)
class Expected:
    """What apodscrape must read from a day as served: the fields of its archive file."""

    title: str
    image_url: str | None
    credit: tuple[str, ...]
    explanation: str


def era(day: dt.date) -> str:
    """The layout a day's page has: 1995, 1996, 2000s, 2010s, 2020s, 2025."""
    if day.year == 1995:
        return "1995"
    if day.year < 2000:
        return "1996"
    if day.year < 2010:
        return "2000s"
    if day.year < 2020:
        return "2010s"
    return "2020s" if day.year < 2025 else "2025"


def content(day: dt.date, seed: int = 0, **changes: Any) -> Content:
    """What `day` shows, the same on every call (seeded by the date and `seed`), with
    `changes` to its fields (title=, kind=, slug=, ...): a test's own day in the same layout."""
    drawn = _drawn(day, seed)
    return dataclasses.replace(drawn, **changes) if changes else drawn


@functools.lru_cache(maxsize=4096)
def _drawn(day: dt.date, seed: int) -> Content:
    rng = random.Random(f"{seed}:{day.isoformat()}")
    index = (day - FIRST_DAY).days
    layout = era(day)
    if layout == "2020s":
        encoding = "utf-8-sig"
    elif layout == "2025":
        encoding = "utf-8"
    else:
        encoding = "windows-1252" if rng.random() < 0.04 else "ascii"
    places = {"windows-1252": _PLACES_1252, "ascii": _PLACES}.get(encoding, _PLACES_UTF8)
    lasts = {"windows-1252": _LAST_1252, "ascii": _LAST}.get(encoding, _LAST_UTF8)

    catalog = _CATALOGS[index % len(_CATALOGS)]
    target = f"{catalog}{index + 1}"  # unique: every day has its own title
    subject = rng.choice(_SUBJECTS)
    title = rng.choice(
        (f"{subject} in {target}", f"{target}: {subject}", f"{subject} of {target} over ")
    )
    if title.endswith(" "):
        title += rng.choice(places)
    slug = f"{catalog.strip().rstrip('-').lower()}{index + 1}_{rng.choice(_LAST).lower()}"

    kind = _media_kind(layout, rng)
    names = tuple(
        (
            f"{rng.choice(_FIRST)} {rng.choice(lasts if n == 0 else _LAST)}",
            f"https://astro.example.org/~{slug}/{n}/",
        )
        for n in range(rng.choice((1, 1, 2)))
    )
    org = ", ".join(rng.sample(_ORGS, rng.choice((1, 2))))
    music = None
    if kind in ("youtube", "vimeo", "video") and rng.random() < 0.5:
        music = (rng.choice(_SONGS), rng.choice(_FIRST), f"https://music.example.org/{slug}/")
    paragraphs = tuple(
        _paragraph(rng, day, layout, places, encoding) for _ in range(rng.choice((1, 1, 2, 3)))
    )
    return Content(
        day=day,
        title=title,
        slug=slug,
        kind=kind,
        video_id=f"{rng.getrandbits(40):010x}",
        encoding=encoding,
        names=names,
        org=org,
        music=music,
        paragraphs=paragraphs,
        variant=rng.randrange(12),
    )


def _media_kind(layout: str, rng: random.Random) -> str:
    draw = rng.random()
    if layout in ("2000s", "2010s", "2020s", "2025") and draw < 0.01:
        return "none"  # a day without media of its own
    if layout == "2000s":
        return "rollover" if draw < 0.25 else "image"
    if layout == "2010s":
        return "youtube" if draw < 0.13 else "image"
    if layout == "2020s":
        return "youtube" if draw < 0.11 else "vimeo" if draw < 0.16 else "image"
    if layout == "2025":
        return "video" if draw < 0.18 else "youtube" if draw < 0.26 else "image"
    return "image"


def _paragraph(
    rng: random.Random, day: dt.date, layout: str, places: tuple[str, ...], encoding: str
) -> tuple[Token, ...]:
    tokens: list[Token] = []
    for _ in range(rng.randint(6, 10)):
        sentence: list[Token] = []
        words = [rng.choice(_WORDS) for _ in range(rng.randint(8, 16))]
        words[0] = words[0].capitalize()
        position = 0
        while position < len(words):
            draw = rng.random()
            if position > 0 and draw < 0.12:
                span = rng.randint(1, 2)
                sentence.append(
                    _link(rng, day, layout, " ".join(words[position : position + span]))
                )
                position += span
                continue
            if position > 0 and draw < 0.14:
                sentence.append(Token(rng.choice(places)))
            elif position > 0 and draw < 0.15 and layout != "1995":
                sentence.append(Token("10<sup>6</sup>"))
            elif position > 0 and draw < 0.17 and encoding == "windows-1252":
                sentence.append(Token("\u2013"))  # an en dash: byte 0x96
            sentence.append(Token(words[position]))
            position += 1
        sentence[-1].end_sentence()
        tokens.extend(sentence)
    return tuple(tokens)


def _link(rng: random.Random, day: dt.date, layout: str, text: str) -> Token:
    draw = rng.random()
    if draw < 0.45 and day > FIRST_DAY + dt.timedelta(days=10):
        earlier = day - dt.timedelta(days=rng.randint(5, (day - FIRST_DAY).days))
        while earlier in KNOWN_GAPS:
            earlier += dt.timedelta(days=1)
        href, url = f"ap{earlier:%y%m%d}.html", canonical_url(earlier)
    elif draw < 0.6:
        href = f"lib/glossary.html#{text.split()[0].lower()}"
        url = CANONICAL_BASE + href
    else:
        scheme = "http" if layout in ("1995", "1996", "2000s") else "https"
        url = f"{scheme}://en.wikipedia.org/wiki/{text.replace(' ', '_').capitalize()}"
        href = url
        if layout in ("1996", "2000s") and draw > 0.9:
            # old pages break long hrefs across lines; a browser drops the line break
            url = f"http://www.example.edu/astro/{text.split()[0].lower()}/notes.html"
            href = url.replace("/notes", "/\nnotes")
    return Token(f'<a href="{href}">{text}</a>', f'<a href="{url}">{text}</a>', f"[{text}]({url})")


def explanation_markdown(c: Content, separate: bool) -> str:
    """The explanation as the archive file must read: paragraphs apart, or run together."""
    texts = [" ".join(t.markdown for t in paragraph) for paragraph in c.paragraphs]
    return "\n\n".join(texts) if separate else " ".join(texts)


def name_links(c: Content) -> tuple[str, str]:
    """The credited names as HTML links, and as the archive file must read them."""
    html = ", ".join(f'<a href="{url}">{escape(name)}</a>' for name, url in c.names)
    markdown = ", ".join(f"[{name}]({url})" for name, url in c.names)
    return html, markdown
