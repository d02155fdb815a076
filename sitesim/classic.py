"""The classic site's day pages, apod.nasa.gov/apod/apYYMMDD.html, in the layout of each era.

1995 without <center> and with CRLF line ends, 1996-99 with one <center>, the 2000s in a table
with rollover pictures, the 2010s in two <center> blocks with YouTube iframes, 2020-24 behind a
UTF-8 byte-order mark, 2025 on with <video><source>; some old days in Windows-1252. Each page
comes with what apodscrape must read from it (`Expected`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from html import escape
from urllib.parse import urljoin

from apodscrape.days import CANONICAL_BASE

from .content import Content, Expected, Token, content, era, explanation_markdown, name_links

HTML = "text/html; charset=UTF-8"  # what the real server says, whatever the bytes are
NOT_FOUND_HTML = b"<html><head><title>404 Not Found</title></head>\n<body><h1>Not Found</h1>\n\
<p>The requested URL was not found on this server.</p></body></html>\n"
# The archive page (archivepix.html): a page of the site that is not a day.
ARCHIVE_PAGE = b"""<html><head><title>Astronomy Picture of the Day Archive</title></head>
<body><h1>Archive</h1><b>2025 January 04: <a href="ap250104.html">Sky</a></b></body></html>
"""


@dataclass(frozen=True)
class Page:
    """A classic page as served, and what it must read as."""

    body: bytes
    expected: Expected


def classic_page(day: dt.date, seed: int = 0, **changes: object) -> Page:
    """The classic page of a day and what it must read as; `changes` to what the day shows
    as for `content`."""
    c = content(day, seed, **changes)
    layout = era(day)
    media_html, image_url = day_media(c, layout)
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
        explanation=explanation_markdown(c, separate=layout != "2000s"),
    )
    return Page(text.encode(encoding), expected)


def _absolute(href: str) -> str:
    return urljoin(CANONICAL_BASE, href)


def day_media(c: Content, layout: str) -> tuple[str, str | None]:
    """The media of a day as the era's page shows it, and the imageUrl it must read as."""
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


def _classic_credit(c: Content, layout: str) -> tuple[str, list[str]]:
    """The credit block after the title's <br>, and its lines as the file must read them."""
    names = ", ".join(name for name, _ in c.names)
    links_html, links = name_links(c)
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


def _wrap(tokens: tuple[Token, ...] | list[Token], which: str) -> str:
    """Tokens as page text, hard-wrapped the way hand-written pages are."""
    lines: list[str] = []
    for start in range(0, len(tokens), 9):
        lines.append(" ".join(getattr(t, which) for t in tokens[start : start + 9]))
    return "\n".join(lines)


def _explanation_html(c: Content, separate: bool) -> str:
    joiner = "\n<p>\n\n" if separate else "\n\n"
    return joiner.join(_wrap(paragraph, "classic") for paragraph in c.paragraphs)


def _mdy(day: dt.date) -> str:
    return f"{day:%B} {day.day}, {day.year}"


def date_line(day: dt.date) -> str:
    """The date as day pages write it since 1997: 2025 January 5."""
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
    long_date = _mdy(c.day) if c.day.year == 1996 else date_line(c.day)
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
{_title_line(c, date_line(c.day))}
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

{date_line(c.day)}
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
{_title_line(c, date_line(c.day), dash)}
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

{date_line(c.day)}
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
