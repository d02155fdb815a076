"""A local APOD for tests and benchmarks: apod.nasa.gov and science.nasa.gov for a whole archive.

Every day from 1995-06-16 to an end date has a page, except the real gaps (GAPS). Pages are
written lazily from the date alone (a seeded random draw picks the title, credit, media and
words), in the layout of the day's era: 1995 without <center>, 1996-99 with one <center>,
the 2000s in a table with rollover pictures, the 2010s in two <center> blocks with YouTube
iframes, 2020-24 behind a UTF-8 byte-order mark, 2025 on with <video><source>, and some days
in Windows-1252. Every page comes with what the project must read from it (`Expected`), so
tests can check a crawl day by day.

Modes (science.nasa.gov's API serves every day in each of them: since the move the spider
takes the newest days from it whatever the classic site does):
- `classic`: the classic site serves every day, `/apod/apYYMMDD.html`.
- `moved`: after the 2026 move: every classic day page answers 301 to a landing page that
  shows the last day.
- `faults`: the classic site with server errors, delays, truncated bodies and 429s
  (see Faults; faults can also be laid over the other modes).

The API, under `/science/wp-json/wp/v2/apod-basic`: one day (`/YYMMDD`), or a range newest
first (`?date_from=YYMMDD&date_to=YYMMDD&per_page=N&page=K`, per_page capped at 25); a day
without an APOD is a 404 `apod_basic_not_found`. Every request is counted by kind, and the
counts are served at `/__sim/stats` (not counted).

    python -m bench.sitesim --mode moved --end 2026-11-23     # prints its URL, serves until ^C
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import dataclasses
import datetime as dt
import functools
import json
import random
import signal
import socket
import sys
import threading
from collections import Counter
from dataclasses import dataclass, field
from html import escape
from typing import Any
from urllib.parse import parse_qs, urljoin, urlsplit

from aiohttp import web

from apodscrape.days import FIRST_DAY, canonical_url, day_range, from_yymmdd, today_eastern

GAPS = frozenset(
    {dt.date(1995, 6, 17), dt.date(1995, 6, 18), dt.date(1995, 6, 19), dt.date(2020, 6, 10)}
)
MODES = ("classic", "moved", "faults")
CLASSIC_PREFIX = "/apod/"
SCIENCE_PREFIX = "/science/"
LANDING_PATH = "/science/apod/"
API_PATH = "/science/wp-json/wp/v2/apod-basic"
STATS_PATH = "/__sim/stats"
LIST_CAP = 25  # science.nasa.gov gives at most 25 records a page, whatever per_page asks
LIST_DEFAULT = 10  # WordPress's per_page when none is given
CANONICAL_BASE = "https://apod.nasa.gov/apod/"
DAM = "https://assets.science.nasa.gov/content/dam/science/cds/apod/apod/"
RENDITIONS = "https://assets.science.nasa.gov/dynamicimage/assets/science/cds/apod/apod/"

HTML = "text/html; charset=UTF-8"  # what the real server says, whatever the bytes are
JSON = "application/json; charset=UTF-8"
NOT_FOUND_JSON = json.dumps(
    {"code": "apod_basic_not_found", "message": "APOD not found.", "data": {"status": 404}}
).encode()
NOT_FOUND_HTML = b"<html><head><title>404 Not Found</title></head>\n<body><h1>Not Found</h1>\n\
<p>The requested URL was not found on this server.</p></body></html>\n"


def has_page(day: dt.date, end: dt.date) -> bool:
    """Whether the archive that ends on `end` has a page for `day`."""
    return FIRST_DAY <= day <= end and day not in GAPS


def archive_days(end: dt.date, start: dt.date = FIRST_DAY) -> list[dt.date]:
    """The days with a page from `start` to `end`, oldest first."""
    return [day for day in day_range(max(start, FIRST_DAY), end) if day not in GAPS]


# --- what a day shows --------------------------------------------------------------------

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


class _Token:
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
    paragraphs: tuple[tuple[_Token, ...], ...]
    variant: int  # picks among the layouts an era allows


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


@functools.lru_cache(maxsize=4096)
def content(day: dt.date, seed: int = 0) -> Content:
    """What `day` shows, the same on every call (seeded by the date and `seed`)."""
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
) -> tuple[_Token, ...]:
    tokens: list[_Token] = []
    for _ in range(rng.randint(6, 10)):
        sentence: list[_Token] = []
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
                sentence.append(_Token(rng.choice(places)))
            elif position > 0 and draw < 0.15 and layout != "1995":
                sentence.append(_Token("10<sup>6</sup>"))
            elif position > 0 and draw < 0.17 and encoding == "windows-1252":
                sentence.append(_Token("\u2013"))  # an en dash: byte 0x96
            sentence.append(_Token(words[position]))
            position += 1
        sentence[-1].end_sentence()
        tokens.extend(sentence)
    return tuple(tokens)


def _link(rng: random.Random, day: dt.date, layout: str, text: str) -> _Token:
    draw = rng.random()
    if draw < 0.45 and day > FIRST_DAY + dt.timedelta(days=10):
        earlier = day - dt.timedelta(days=rng.randint(5, (day - FIRST_DAY).days))
        while earlier in GAPS:
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
    return _Token(f'<a href="{href}">{text}</a>', f'<a href="{url}">{text}</a>', f"[{text}]({url})")


def _wrap(tokens: tuple[_Token, ...] | list[_Token], which: str) -> str:
    """Tokens as page text, hard-wrapped the way hand-written pages are."""
    lines: list[str] = []
    for start in range(0, len(tokens), 9):
        lines.append(" ".join(getattr(t, which) for t in tokens[start : start + 9]))
    return "\n".join(lines)


def _markdown(paragraphs: tuple[tuple[_Token, ...], ...], separate: bool) -> str:
    texts = [" ".join(t.markdown for t in paragraph) for paragraph in paragraphs]
    return "\n\n".join(texts) if separate else " ".join(texts)


# --- the classic site -----------------------------------------------------------------------


@dataclass(frozen=True)
class Page:
    body: bytes
    expected: Expected


def classic_page(day: dt.date, seed: int = 0) -> Page:
    """The classic page of a day (which must have one) and what it must read as."""
    c = content(day, seed)
    layout = era(day)
    media_html, image_url = _classic_media(c, layout)
    credit_html, credit = _classic_credit(c, layout)
    writer = _LAYOUTS[layout]
    text = writer(c, media_html, credit_html)
    if layout == "1995":
        text = text.replace("\n", "\r\n")
    encoding = "utf-8" if c.encoding == "ascii" else c.encoding
    expected = Expected(
        title=c.title,
        image_url=image_url,
        credit=tuple(credit),
        explanation=_markdown(c.paragraphs, separate=layout != "2000s"),
    )
    return Page(text.encode(encoding), expected)


def _absolute(href: str) -> str:
    return urljoin(CANONICAL_BASE, href)


def _classic_media(c: Content, layout: str) -> tuple[str, str | None]:
    folder = "image/" if layout == "1995" else f"image/{c.day:%y%m}/"
    alt = 'alt="See Explanation.  Clicking on the picture will download\nthe largest version."'
    if c.kind == "none":
        return "", None
    if c.kind == "youtube":
        scheme = "" if layout == "2010s" else "https:"
        src = f"{scheme}//www.youtube.com/embed/{c.video_id}?rel=0"
        html = f'<iframe width="960" height="540" src="{src}"\nframeborder="0" allowfullscreen>'
        return html + "</iframe>", f"https://www.youtube.com/embed/{c.video_id}?rel=0"
    if c.kind == "vimeo":
        src = f"https://player.vimeo.com/video/{int(c.video_id, 16) % 10**9}"
        return f'<iframe src="{src}" width="960" height="540" allowfullscreen></iframe>', src
    if c.kind == "video":
        src = f"{folder}{c.slug}.mp4"
        html = (
            f'<video width="960" height="540" controls autoplay muted>\n<source src="{src}"\n'
            '\ttype="video/mp4">\nYour browser cannot play this video.\n</video>'
        )
        return html, _absolute(src)
    if layout == "1995":
        src = f"{folder}{c.slug}.gif"
        return f'<a href="{src}">\n<IMG SRC="{src}"\n{alt}>\n</a>', _absolute(src)
    if layout == "1996":
        src = f"{folder}{c.slug}.gif"
        return f'<a href="{folder}{c.slug}_big.jpg">\n<IMG SRC="{src}"\n{alt}></a>', _absolute(src)
    src = f"{folder}{c.slug}.jpg"
    if c.kind == "rollover":
        over = f"{folder}{c.slug}_labels.jpg"
        html = (
            '<a href="#"\n'
            f"onMouseOver=\"if (document.images) document.imagename1.src=\n'{over}';\"\n"
            f"onMouseOut=\"if (document.images) document.imagename1.src=\n'{src}';\"\n"
            f'ONCLICK="return false;">\n<IMG SRC="{src}" name=imagename1\n'
            'alt="See Explanation.  Moving the cursor over the image brings up labels.">'
            "</a>"
        )
        return html, _absolute(src)
    return f'<a href="{folder}{c.slug}_big.jpg">\n<IMG SRC="{src}"\n{alt}>\n</a>', _absolute(src)


def _name_links(c: Content) -> tuple[str, str]:
    html = ", ".join(f'<a href="{url}">{escape(name)}</a>' for name, url in c.names)
    markdown = ", ".join(f"[{name}]({url})" for name, url in c.names)
    return html, markdown


def _classic_credit(c: Content, layout: str) -> tuple[str, list[str]]:
    """The credit block after the title's <br>, and its lines as the file must read them."""
    names = ", ".join(name for name, _ in c.names)
    links_html, links = _name_links(c)
    if layout == "1995":
        if c.variant % 3 == 2:
            return (
                f"<b> Credit: </b> {c.org} <br>\n<b> Copyright: </b> {escape(names)} <p>",
                [f"Credit: {c.org}", f"Copyright: {names}"],
            )
        return f"<b> Picture Credit: </b> {escape(names)}, {c.org} <p>", [
            f"Picture Credit: {names}, {c.org}"
        ]
    if layout == "1996":
        return f"<b> Credit: </b>\n{links_html},\n{c.org}\n", [f"Credit: {links}, {c.org}"]
    if layout == "2000s":
        return f"<b> Credit & Copyright: </b>\n\n{links_html}\n\n", [f"Credit & Copyright: {links}"]
    label = "Video" if c.kind in ("youtube", "vimeo", "video") else "Image"
    rights = CANONICAL_BASE + "lib/about_apod.html#srapply"
    html = (
        f'<b> {label} Credit & <a href="lib/about_apod.html#srapply">Copyright</a>: </b>\n'
        f"{links_html}"
    )
    lines = [f"{label} Credit & [Copyright]({rights}): {links}"]
    if c.music:
        song, artist, url = c.music
        html += f' <br>\n<b> Music: </b> {song} by <a href="{url}">{artist}</a>'
        lines.append(f"Music: {song} by [{artist}]({url})")
    if layout == "2025" and c.variant % 4 == 0:
        html += " <br>\n"  # a closing <br>: the credit ends with an empty line
        lines.append("")
    return html + "\n", lines


def _title_line(c: Content, long_date: str, dash: str = "-") -> str:
    return f"<title> APOD: {long_date} {dash} {escape(c.title)}\n</title>"


def _explanation_html(c: Content, separate: bool) -> str:
    joiner = "\n<p>\n\n" if separate else "\n\n"
    return joiner.join(_wrap(paragraph, "classic") for paragraph in c.paragraphs)


def _mdy(day: dt.date) -> str:
    return f"{day:%B} {day.day}, {day.year}"


def _ymd(day: dt.date) -> str:
    return f"{day.year} {day:%B} {day.day}"


def _next_stem(day: dt.date) -> str:
    return f"ap{day + dt.timedelta(days=1):%y%m%d}"


def _page_1995(c: Content, media: str, credit: str) -> str:
    title = escape(c.title)
    if c.variant % 3 == 1:  # title and credit label share one bold
        credit = credit.replace("<b> Picture Credit: </b>", "Picture Credit: </b>", 1)
        title_block = f"<b> {title} <br> {credit}"
    else:
        title_block = f"<b> {title} </b> <br>\n{credit}"
    label = "<B>Explanation</B>:" if c.variant % 2 else "<b> Explanation: </b>"
    return f"""{_title_line(c, _mdy(c.day))}

<p>
<h1> Astronomy Picture of the Day </h1>
<p>

Today's Picture: {_mdy(c.day)} <br>

{media}

<br>

{title_block}
{label}
{_explanation_html(c, True)}
<p>

<hr>

Earlier pictures wait in our
<a href="archivepix.html">archive</a>.

<hr>

A new picture of the sky every day, with a short note by an astronomer.
<p>
"""


def _page_1996(c: Content, media: str, credit: str) -> str:
    long_date = _mdy(c.day) if c.day.year == 1996 else _ymd(c.day)
    return f"""<head>
{_title_line(c, long_date)}
</head>
<body bgcolor="#F4F4FF" text="#000000">

<center>
<h1> Astronomy Picture of the Day </h1>
<p>

<a href="archivepix.html">See the archive!</a>
A new picture of the sky every day, with a short note by an astronomer. <p>

{long_date}
<br>
{media}

<br>

<b> {escape(c.title)} </b> <br>
{credit}</center>
<p>

<b> Explanation: </b>
{_explanation_html(c, True)}
<p>
<center>
<b> Tomorrow's picture: </b> more sky
<p>
<hr>
<a href="archivepix.html">Archive</a> | <a href="lib/aptree.html">Index</a>
</center>
</body>
"""


def _page_2000s(c: Content, media: str, credit: str) -> str:
    return f"""<html>
<head>
{_title_line(c, _ymd(c.day))}
<META NAME="keywords" CONTENT="{c.slug.split("_")[0]}, sky">
</head>
<body BGCOLOR="#F4F4FF" text="#000000">

<center>
<h1> Astronomy Picture of the Day </h1>
<p>
<a href="archivepix.html">See the archive!</a>
A new picture of the sky every day, with a short note by an astronomer. <p>

<TABLE CELLSPACING=2 CELLPADDING=2>
<TR>
<TD>
<center>

{_ymd(c.day)}
<br>
{media}
</center>

<center>
<b> {escape(c.title)} </b> <br>
{credit}</center>

</TD>
<TD VALIGN="TOP"><br>

<b> Explanation: </b>

{_explanation_html(c, False)}

</TD>
</TR>
</TABLE>
<p>
<center>
<b> Tomorrow's picture: </b> <a href="{_next_stem(c.day)}.html">more sky</a>
<p>
<hr>
<a href="archivepix.html">Archive</a> | <a href="lib/aptree.html">Index</a>
| <a href="lib/about_apod.html">About APOD</a>
</center>
</body>
</html>
"""


def _page_modern(c: Content, media: str, credit: str) -> str:
    dash = "\u2013" if era(c.day) == "2025" else "-"
    notice = ""
    if c.variant % 5 == 0:
        notice = (
            '\n<p>\n<b> Sky Walks: </b> <a href="lib/walks.html">join an astronomer</a>'
            " on a night out\n"
        )
    return f"""<!doctype html>
<html>
<head>
{_title_line(c, _ymd(c.day), dash)}
<!-- site meta tags -->
<meta name="orgcode" content="000">
<meta name="content-owner" content="The Simulated Editors">
<meta name="webmaster" content="The Simulated Webmaster">
<meta name="description" content="A new picture of the sky every day, along with a short
note written by an astronomer.">
<meta name=viewport content="width=device-width, initial-scale=1">
<meta name="keywords" content="{c.slug.split("_")[0]}, sky">
<!-- -->
<script id="counter" src="js/counter.js?agency=SIM"></script>
</head>

<body BGCOLOR="#F4F4FF" text="#000000" link="#0000FF">

<center>
<h1> Astronomy Picture of the Day </h1>
<p>

<a href="archivepix.html">See the archive!</a>
A new picture of the sky every day, with a short note by an astronomer.
<p>

{_ymd(c.day)}
<br>
{media}
</center>

<center>
<b> {escape(c.title)} </b> <br>
{credit}</center> <p>

<b> Explanation: </b>
{_explanation_html(c, True)}
{notice}
<p> <center>
<b> Tomorrow's picture: </b><a href="{_next_stem(c.day)}.html">more sky</a>

<p> <hr>
<a href="ap{c.day - dt.timedelta(days=1):%y%m%d}.html">&lt;</a>
| <a href="archivepix.html">Archive</a>
| <a href="lib/aptree.html">Index</a>
| <a href="calendar/allyears.html">Calendar</a>
| <a href="{_next_stem(c.day)}.html">&gt;</a>

<hr><p>
<b> Authors & editors: </b>
<a href="lib/editors.html">The Simulated Editors</a>
(<a href="lib/about_apod.html">about</a>)<br>
<b> NASA Official: </b> nobody real
<a href="lib/about_apod.html#srapply">Specific rights apply</a>.<br>
<a href="lib/privacy.html">Web Privacy</a>,
<a href="lib/accessibility.html">Accessibility</a>,
<a href="lib/notices.html">Notices</a>; <br>
<b> A service of: </b> <a href="lib/service.html">a simulated office</a><br>
</center>
</body>
</html>
"""


_LAYOUTS = {
    "1995": _page_1995,
    "1996": _page_1996,
    "2000s": _page_2000s,
    "2010s": _page_modern,
    "2020s": _page_modern,
    "2025": _page_modern,
}


# --- science.nasa.gov's API -------------------------------------------------------------


def science_record(day: dt.date, seed: int = 0) -> tuple[dict[str, Any], Expected]:
    """The apod-basic record of a day (which must have one) and what it must read as."""
    c = content(day, seed)
    folder = f"{DAM}{day.year}/{day:%B}/".lower()
    renditions = folder.replace(DAM, RENDITIONS)
    permalink = (
        f"https://science.nasa.gov/image-article/apod-{day.year}-{day:%B}-{day.day}-"
        f"{c.slug.replace('_', '-')}/".lower()
    )
    video = c.kind in ("youtube", "vimeo", "video")
    media_type = "video" if video else "other" if c.kind == "none" else "image"
    with_page = c.variant != 0  # a few records have no basic_html
    media_html, media_url = "", None
    if c.kind in ("image", "rollover"):
        media_url = f"{folder}{c.slug}.jpg"
        media_html = f'<a href="{folder}{c.slug}_big.jpg"><IMG SRC="{media_url}" alt=""></a>'
    elif c.kind == "video":
        media_url = f"{folder}{c.slug}.mp4"
        media_html = f'<video controls title="">\n<source src="{media_url}" type="video/mp4">\n'
        media_html += "</video>"
    elif c.kind in ("youtube", "vimeo"):
        media_html, media_url = _classic_media(c, "2020s")
    if c.variant == 1 and c.kind in ("image", "rollover"):
        media_html = ""  # basic_html without media: the file behind hdurl stands in
    links_html, links = _name_links(c)
    explanation = (
        "<strong>Explanation:\xa0</strong>"
        + "<p>".join(" ".join(t.api for t in paragraph) for paragraph in c.paragraphs)
        + "<br><br><strong>Tomorrow&#8217;s picture: </strong>more sky"
    )
    record: dict[str, Any] = {
        "date": day.isoformat(),
        "post_id": 1_000_000 + (day - FIRST_DAY).days,
        "title": escape(c.title, quote=False),
        "permalink": permalink,
        "media_type": media_type,
        "explanation": explanation,
        "credit": links_html,
        "copyright": links_html,
        "alt": f"A picture of {escape(c.title, quote=False)}.",
        "url": permalink,
    }
    if c.kind != "none":
        record["hdurl"] = f"{renditions}{c.slug}_big.jpg?w=1080&h=1350&fit=clip"
    if with_page:
        record["basic_html"] = _basic_html(c, media_html, links_html)
    if with_page and media_html:
        image_url = media_url
    elif c.kind in ("image", "rollover"):
        image_url = f"{folder}{c.slug}_big.jpg"
    else:
        image_url = None
    expected = Expected(
        title=c.title,
        image_url=image_url,
        credit=(links,),
        explanation=_markdown(c.paragraphs, separate=True),
    )
    return record, expected


def _basic_html(c: Content, media: str, links_html: str) -> str:
    return f"""<!doctype html>
<html>
<head>
<meta charset="UTF-8">
<title> APOD: {_ymd(c.day)} - {escape(c.title)}</title>
</head>
<body BGCOLOR="#F4F4FF" text="#000000">
<center>
<h1> Astronomy Picture of the Day </h1>
<p>
{_ymd(c.day)}<br>
{media}
</center>
<center>
<b> {escape(c.title)} </b> <br>
<b>Image Credit &
<a href="https://science.nasa.gov/apod/about-apod/">Copyright</a>:</b>
{links_html}
</center>
<p>
<b> Explanation: </b>
{" ".join(t.api for t in c.paragraphs[0])}
<p> <center>
<b> Tomorrow's picture: </b>more sky
</center>
</body>
</html>
"""


def list_page(
    end: dt.date, query: dict[str, list[str]], seed: int = 0, cap: int = LIST_CAP
) -> tuple[int, bytes, dict[str, str]]:
    """One page of the list form of the API: status, body and headers, as WordPress answers."""

    def number(name: str, default: int) -> int:
        try:
            return max(1, int(query.get(name, [str(default)])[0]))
        except ValueError:
            return default

    try:
        first = _yymmdd(query["date_from"][0]) if "date_from" in query else FIRST_DAY
        last = _yymmdd(query["date_to"][0]) if "date_to" in query else end
    except ValueError:
        return 400, _error("rest_invalid_param", "Invalid date."), {"Content-Type": JSON}
    per_page = min(number("per_page", LIST_DEFAULT), cap)
    page = number("page", 1)
    found = archive_days(min(last, end), first)
    found.reverse()  # newest first
    pages = max(1, -(-len(found) // per_page))
    if page > pages:
        message = "The page number requested is larger than the number of pages available."
        return 400, _error("rest_post_invalid_page_number", message), {"Content-Type": JSON}
    chosen = found[(page - 1) * per_page : page * per_page]
    body = json.dumps([science_record(d, seed)[0] for d in chosen], ensure_ascii=True)
    headers = {"Content-Type": JSON, "X-WP-Total": str(len(found)), "X-WP-TotalPages": str(pages)}
    return 200, body.encode(), headers


def _error(code: str, message: str) -> bytes:
    return json.dumps({"code": code, "message": message, "data": {"status": 400}}).encode()


def _yymmdd(text: str) -> dt.date:
    if len(text) != 6 or not text.isdigit():
        raise ValueError(text)
    return from_yymmdd(text[:2], text[2:4], text[4:])


# --- the server -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Faults:
    """Faults laid over the site's answers, drawn per request (seeded by path and attempt,
    so a retry of the same address gets a fresh draw). Rates are fractions of requests."""

    error_rate: float = 0.0  # 500 Internal Server Error
    throttle_rate: float = 0.0  # 429 Too Many Requests with Retry-After
    truncate_rate: float = 0.0  # a body cut short of the Content-Length it announced
    delay: float = 0.0  # each answer waits a random time up to this many seconds
    retry_after: int = 1  # seconds, in the 429's Retry-After header

    def draw(self, seed: int, path: str, attempt: int) -> tuple[str | None, float]:
        """The fault (None, "500", "429" or "truncated") and the delay of one request."""
        rng = random.Random(f"{seed}:{path}:{attempt}")
        roll, wait = rng.random(), rng.random() * self.delay
        if roll < self.throttle_rate:
            return "429", wait
        if roll < self.throttle_rate + self.error_rate:
            return "500", wait
        if roll < self.throttle_rate + self.error_rate + self.truncate_rate:
            return "truncated", wait
        return None, wait


DEFAULT_FAULTS = Faults(error_rate=0.05, throttle_rate=0.02, truncate_rate=0.02, delay=0.01)


@dataclass
class Answer:
    status: int
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=lambda: {"Content-Type": HTML})
    kind: str = "not_found"  # what was asked: counted in the simulator's stats


@dataclass(frozen=True)
class Hit:
    """One request the simulator answered."""

    path: str
    status: int
    kind: str
    fault: str | None = None
    delay: float = 0.0


class SiteSim:
    """The simulated APOD sites on 127.0.0.1 (port 0). Use as a context manager (a server
    thread, for tests), or `await serve()` (in the caller's event loop, for the CLI)."""

    def __init__(
        self,
        mode: str = "classic",
        end: dt.date | None = None,
        *,
        seed: int = 0,
        faults: Faults | None = None,
        list_cap: int = LIST_CAP,
        log: bool = True,
    ) -> None:
        if mode not in MODES:
            raise ValueError(f"mode {mode!r} is not one of {', '.join(MODES)}")
        self.mode = mode
        self.end = end or today_eastern()
        self.seed = seed
        self.faults = faults if faults is not None else DEFAULT_FAULTS if mode == "faults" else None
        self.list_cap = list_cap
        self.log = log
        self.hits: list[Hit] = []
        self.counts: Counter[str] = Counter()
        self._attempts: Counter[str] = Counter()
        self.url = ""
        self._runner: web.AppRunner | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None

    # what a path answers, without HTTP

    def answer(self, path: str) -> Answer:
        """The answer to a GET of `path` (with its query), faults aside."""
        parts = urlsplit(path)
        route = parts.path
        if route == "/robots.txt":
            return Answer(
                200, b"User-agent: *\nDisallow:\n", {"Content-Type": "text/plain"}, "robots"
            )
        if route.startswith(CLASSIC_PREFIX):
            return self._classic(route[len(CLASSIC_PREFIX) :])
        if self.mode == "moved" and route == LANDING_PATH:
            return Answer(200, classic_page(self._newest(), self.seed).body, kind="landing")
        if route == API_PATH:
            status, body, headers = list_page(
                self.end, parse_qs(parts.query), self.seed, self.list_cap
            )
            return Answer(status, body, headers, "api_list")
        if route.startswith(API_PATH + "/"):
            return self._api_day(route[len(API_PATH) + 1 :])
        return Answer(404, NOT_FOUND_HTML)

    def _classic(self, name: str) -> Answer:
        day = _day_of_page(name)
        if day is not None and self.mode == "moved":
            return self._moved()  # every day's address, whether the day exists or not
        if day is None or not has_page(day, self.end):
            return Answer(404, NOT_FOUND_HTML)
        return Answer(200, classic_page(day, self.seed).body, kind="classic_day")

    def _moved(self) -> Answer:
        headers = {"Content-Type": HTML, "Location": f"{self.url}{LANDING_PATH}"}
        return Answer(301, b"", headers, "classic_redirect")

    def _api_day(self, name: str) -> Answer:
        try:
            day = _yymmdd(name)
        except ValueError:
            return Answer(404, NOT_FOUND_HTML)
        if not has_page(day, self.end):
            return Answer(404, NOT_FOUND_JSON, {"Content-Type": JSON}, "api_not_found")
        record, _ = science_record(day, self.seed)
        return Answer(200, json.dumps(record).encode(), {"Content-Type": JSON}, "api_day")

    def _newest(self) -> dt.date:
        day = self.end
        while day in GAPS:
            day -= dt.timedelta(days=1)
        return day

    # the log

    def requested(self, prefix: str) -> list[str]:
        """The logged request paths that start with `prefix`."""
        return [hit.path for hit in self.hits if hit.path.startswith(prefix)]

    def stats(self) -> dict[str, int]:
        """Requests answered, by kind (classic_day, api_list, ...), and `total`."""
        return {**self.counts, "total": sum(self.counts.values())}

    # HTTP

    async def _handle(self, request: web.Request) -> web.StreamResponse:
        path = request.path_qs
        if request.path == STATS_PATH:  # not counted: the benchmark reads it
            return web.json_response(self.stats())
        fault, wait = None, 0.0
        if self.faults is not None:
            self._attempts[path] += 1
            fault, wait = self.faults.draw(self.seed, path, self._attempts[path])
            if wait:
                await asyncio.sleep(wait)
        answer = self.answer(path)
        if fault == "500":
            answer = Answer(500, b"<html><body><h1>Internal Server Error</h1></body></html>")
        elif fault == "429":
            headers = {"Content-Type": HTML, "Retry-After": str(self.faults.retry_after)}
            answer = Answer(429, b"<html><body><h1>Too Many Requests</h1></body></html>", headers)
        elif fault == "truncated" and len(answer.body) < 2:
            fault = None  # nothing to cut short
        self.counts[fault or answer.kind] += 1
        if self.log:
            self.hits.append(Hit(path, answer.status, answer.kind, fault, wait))
        if fault == "truncated":
            response = web.StreamResponse(status=answer.status, headers=answer.headers)
            response.content_length = len(answer.body)
            await response.prepare(request)
            await response.write(answer.body[: len(answer.body) // 2])
            if request.transport is not None:
                request.transport.close()  # the rest never comes
            return response
        return web.Response(status=answer.status, body=answer.body, headers=answer.headers)

    async def serve(self) -> str:
        """Start serving in the running event loop; returns the URL."""
        app = web.Application()
        app.router.add_route("GET", "/{tail:.*}", self._handle)
        self._runner = web.AppRunner(app, access_log=None, handle_signals=False)
        await self._runner.setup()
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(("127.0.0.1", 0))
        await web.SockSite(self._runner, sock, backlog=512).start()
        self.url = f"http://127.0.0.1:{sock.getsockname()[1]}"
        return self.url

    async def close(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    def __enter__(self) -> SiteSim:
        self._loop = asyncio.new_event_loop()
        started = threading.Event()

        def run() -> None:
            assert self._loop is not None
            asyncio.set_event_loop(self._loop)
            self._loop.run_until_complete(self.serve())
            started.set()
            self._loop.run_forever()

        self._thread = threading.Thread(target=run, name="sitesim", daemon=True)
        self._thread.start()
        started.wait(10)
        return self

    def __exit__(self, *exc: object) -> None:
        assert self._loop is not None and self._thread is not None
        asyncio.run_coroutine_threadsafe(self.close(), self._loop).result(10)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(10)
        self._loop.close()


def _day_of_page(name: str) -> dt.date | None:
    """The day of `apYYMMDD.html`, or None for any other name."""
    if len(name) != 13 or not (name.startswith("ap") and name.endswith(".html")):
        return None
    try:
        return _yymmdd(name[2:8])
    except ValueError:
        return None


# --- command line ---------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.sitesim", description=__doc__)
    parser.add_argument("--mode", choices=MODES, default="classic")
    parser.add_argument("--end", type=dt.date.fromisoformat, help="last day (default: today)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--list-cap", type=int, default=LIST_CAP)
    parser.add_argument("--error-rate", type=float, help="faults: fraction answered 500")
    parser.add_argument("--throttle-rate", type=float, help="faults: fraction answered 429")
    parser.add_argument("--truncate-rate", type=float, help="faults: fraction cut short")
    parser.add_argument("--delay", type=float, help="faults: longest delay, seconds")
    parser.add_argument("--retry-after", type=int, help="faults: the 429's Retry-After")
    parser.add_argument("--no-log", action="store_true", help="keep no list of requests")
    args = parser.parse_args(argv)
    given = {
        name: getattr(args, name)
        for name in ("error_rate", "throttle_rate", "truncate_rate", "delay", "retry_after")
        if getattr(args, name) is not None
    }
    faults = None
    if given or args.mode == "faults":
        base = DEFAULT_FAULTS if args.mode == "faults" else Faults()
        faults = dataclasses.replace(base, **given)
    sim = SiteSim(
        args.mode, args.end, seed=args.seed, faults=faults, list_cap=args.list_cap,
        log=not args.no_log,
    )  # fmt: skip

    async def run() -> None:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(signum, stop.set)
        print(await sim.serve(), flush=True)
        await stop.wait()
        await sim.close()

    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(run())
    return 0


if __name__ == "__main__":
    sys.exit(main())
