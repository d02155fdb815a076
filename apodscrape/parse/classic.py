"""A classic apod.nasa.gov day page, of any era from 1995 to 2026, to a Day record.

A day page is read as a stream (see stream.py) in which the parts follow each other:
the date line, the featured media, the title block (title, then credit lines), the
`Explanation:` label and the explanation, then notices, `Tomorrow's picture`, navigation
and footer. The page is parsed once with lxml; only the credit and explanation runs are
converted to Markdown.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import NamedTuple
from urllib.parse import urlsplit

import lxml.html
from lxml import etree

from .. import days
from ..errors import NotADayPage, TruncatedPage
from ..media import MEDIA_FILE, thumbnail
from ..record import CLASSIC, IMAGE, OTHER, VIDEO, Day
from .alt import description
from .markdown import to_inline, to_markdown, web_url
from .stream import END, START, TEXT, Event, collapse, text_of, walk

_MONTH_NAMES = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]
_MONTHS = {name.lower(): number for number, name in enumerate(_MONTH_NAMES, start=1)}
_MONTH = "|".join(_MONTH_NAMES)
# "2002 May 10" (1996 on) and "June 22, 1995" / "Today's Picture: June 22, 1995" (1995-96)
# (2001-10-14's page writes "2001 October14")
_DATE_YMD = re.compile(rf"\b(\d{{4}})\s+({_MONTH})\s*(\d{{1,2}})\b", re.IGNORECASE)
_DATE_MDY = re.compile(rf"\b({_MONTH})\s+(\d{{1,2}}),?\s+(\d{{4}})\b", re.IGNORECASE)
# "<title> APOD: 2025 March 24 - Title": the fallback for a page without a title block
_TITLE_AFTER_DATE = re.compile(
    rf"(?:\d{{4}}\s+(?:{_MONTH})\s+\d{{1,2}}|(?:{_MONTH})\s+\d{{1,2}},?\s+\d{{4}})\s*[-\u2013\u2014]\s*(.+)",
    re.IGNORECASE | re.DOTALL,
)
_EXPLANATION_LABEL = re.compile(r"^explanation\s*:?$", re.IGNORECASE)
# Bold lines after the explanation that end it whatever their wording.
_TRAILER_LABEL = re.compile(
    r"^(tomorrow'?s picture|next picture|yesterday'?s picture)", re.IGNORECASE
)
# The same teaser as plain text opening a paragraph (summer 1995: "<p> Tomorrow's picture: M31").
_TRAILER_LINE = re.compile(r"^\s*tomorrow'?s picture\s*:", re.IGNORECASE)
# Labels the editors lead a paragraph of the explanation with (1998-06-05, 1999-01-25):
# they speak of the day's subject, so they do not end the explanation as a notice does.
_EDITORIAL_LABEL = re.compile(r"^(update|news|note|editor'?s note)\s*:?$", re.IGNORECASE)
# What an HTML5 tokenizer reads as a bogus comment and a browser never shows: `<?a>` up to
# the next `>`, and an end tag that names no element (`</>`). libxml2 reads `<?` as a
# processing instruction running to the next `?>`, swallowing the text in between.
_BOGUS_COMMENT = re.compile(r"<\?[^>]*>|</(?![A-Za-z])[^>]*>")

# The label and the furniture after the explanation, in the page's own text (_check_complete).
# (the label's end tag may itself be cut: "Explanation: </b" at the end of the text)
_RAW_LABEL = re.compile(r"explanation\s*:?\s*(?:</|\Z)")
_RAW_VERSE = re.compile(r"\w*\s*>\s*:?\s*<center\b[^>]*>")
_RAW_CENTER_END = re.compile(r"</center\s*>")
_RAW_FURNITURE = re.compile(
    r"<(?:center|hr|table|form)\b|</(?:td|table|center)\s*>|tomorrow'?s\s+picture"
)

# What a decoder puts for what it could not read: a source that carries it lost those
# characters before we read it (valid UTF-8 bytes, not a decoding of ours).
REPLACEMENT = "\ufffd"

_BOLD = frozenset({"b", "strong"})
# The label's element: a bold, or a heading on the first day (`<h3> Explanation: </h3>`).
_LABEL_TAGS = _BOLD | {"h1", "h2", "h3", "h4", "h5", "h6"}
_MEDIA = frozenset({"img", "iframe", "video", "embed", "object"})
# Where the title block stops: the next block of the page.
_BLOCK_STARTS = frozenset({"p", "center", "hr", "table", "tr", "td", "div", "h1", "h2", "h3"})
_BLOCK_ENDS = frozenset({"p", "center", "td", "tr", "table", "div", "body"})
# Where the explanation stops: the page's furniture after it (a <p> only separates paragraphs).
_BODY_STARTS = frozenset({"center", "hr", "table", "tr", "td", "th", "h1", "h2", "h3", "form"})
_BODY_ENDS = frozenset({"center", "td", "tr", "table", "body"})
_LINE_BREAKS = frozenset({"br", "p"})


def parse_classic(text: str, url: str) -> Day:
    """The Day a classic page shows; NotADayPage if it is not a day page."""
    root = _document(_BOGUS_COMMENT.sub("", text))
    stream = walk(root.find("body"))
    label = _explanation_label(stream)
    if label is None:
        raise NotADayPage("no 'Explanation' label: not an APOD day page")
    _check_complete(text)
    date, date_line = _page_date(stream, label, root, days.day_in_name(url))
    canonical = days.canonical_url(date)

    title_at = _title_element(stream, date_line, label)
    if title_at is None:
        title = _title_from_head(root)
        if not title:
            raise NotADayPage("no title block and no dated <title>")
        credit: list[str] = []
        media_end = label
    else:
        title, credit_from = _title(stream, title_at)
        credit = _credit_lines(stream, credit_from, label, canonical)
        media_end = title_at

    media = _media(stream, date_line, media_end, canonical)
    return Day(
        date=date,
        title=title,
        canonical_url=canonical,
        media_type=media.media_type,
        image_url=media.url,
        hd_image_url=media.hd_url,
        credit=credit,
        explanation=_explanation(stream, _end_of(stream, label) + 1, canonical),
        keywords=_keywords(root),
        source=CLASSIC,
        source_url=url,
        thumbnail_url=thumbnail(media.media_type, media.url),
        alt=media.alt,
        source_damaged=REPLACEMENT in text,
    )


def _check_complete(text: str) -> None:
    """TruncatedPage unless the page goes on past its explanation to the furniture after it.

    Every real day page (all 9,702 of the January 2026 archive) has, after its label, a
    `<center>`, `<hr>`, `<table>` or `<form>`, the end of a table cell, or `Tomorrow's
    picture` (past a poem's own `<center>`); a page that ends before any of them was cut
    off (a server closing early, a Content-Length that lies, the last record of a killed
    run's captures), and its explanation may be cut too. lxml would close its open tags
    and make it look whole.
    """
    text = text.lower()  # the patterns are lower case: a literal search is much faster
    label = _RAW_LABEL.search(text)
    if label is None:
        return
    after = label.end()
    if verse := _RAW_VERSE.match(text, after):  # a poem's <center> is no furniture
        end = _RAW_CENTER_END.search(text, verse.end())
        after = end.end() if end else len(text)
    if not _RAW_FURNITURE.search(text, after):
        raise TruncatedPage("the page ends inside its explanation: a cut-off answer")


# lxml.html's parser without its HtmlElement classes: the tree is walked element by element,
# and a plain element costs lxml no Python call to create.
_HTML_PARSER = etree.HTMLParser()


def _document(text: str) -> etree._Element:
    """The page's tree; NotADayPage for one with no body (blank, comments, a head alone)."""
    root = etree.fromstring(text, _HTML_PARSER)
    if root is None:
        raise NotADayPage("not a page: Document is empty")
    if root.find("body") is None:
        raise NotADayPage("not a page: it has no body")
    return root


def _end_of(stream: list[Event], start: int) -> int:
    """Index of the END event that closes the element started at `start`."""
    element = stream[start].element
    for index in range(start + 1, len(stream)):
        if stream[index].kind == END and stream[index].element is element:
            return index
    return len(stream)


def _explanation_label(stream: list[Event]) -> int | None:
    """Index of the bold `Explanation:` label (colon inside or outside the bold)."""
    for index, event in enumerate(stream):
        if event.kind == START and event.tag in _LABEL_TAGS:
            label = text_of(stream[index : _end_of(stream, index)])
            if _EXPLANATION_LABEL.match(label):
                return index
    return None


def _page_date(
    stream: list[Event], before: int, root: etree._Element, named: dt.date | None
) -> tuple[dt.date, int]:
    """The day a page shows, and where its date line is (0 when it has none).

    The date line is the first date written before the explanation; a page without one
    (the first day) is dated by its `<title>`. Date lines have typos (2019-01-28's says
    2018): a page at a dated address is that day's when its date line or `<title>` says so.
    """
    line_date, line = None, 0
    for index in range(before):
        event = stream[index]
        if event.kind == TEXT and (line_date := _date_in(event.text)):
            line = index
            break
    title_date = _date_in(_head_title(root))
    if named is not None and named in (line_date, title_date):
        return named, line
    if date := line_date or title_date:
        return date, line
    raise NotADayPage("no date line before the explanation and no date in its <title>")


def _date_in(text: str) -> dt.date | None:
    """The first date written in a text ("2002 May 10", "June 22, 1995"), if any."""
    for match in _DATE_YMD.finditer(text):
        year, month, day = match.groups()
        if date := _date(year, month, day):
            return date
    for match in _DATE_MDY.finditer(text):
        month, day, year = match.groups()
        if date := _date(year, month, day):
            return date
    return None


def _date(year: str, month: str, day: str) -> dt.date | None:
    try:
        return dt.date(int(year), _MONTHS[month.lower()], int(day))
    except ValueError:
        return None


def _title_element(stream: list[Event], after: int, before: int) -> int | None:
    """The title's bold: the first bold after the date line that is not a label."""
    for index in range(after, before):
        event = stream[index]
        if event.kind == START and event.tag in _BOLD:
            title, _ = _title(stream, index)
            if title and not title.endswith(":"):
                return index
    return None


def _title(stream: list[Event], start: int) -> tuple[str, int]:
    """The title in the bold at `start`, and where the credit starts.

    In 1995-96 the title and the credit label can share one bold, split by a <br>:
    the title is what comes before it, the credit starts after it.
    """
    end = _end_of(stream, start)
    for index in range(start + 1, end):
        if stream[index].kind == START and stream[index].tag == "br":
            return text_of(stream[start:index]), index + 1
    return text_of(stream[start:end]), _skip_break(stream, end + 1)


def _skip_break(stream: list[Event], index: int) -> int:
    """Past the <br> that separates the title from the credit, if one follows."""
    while index < len(stream):
        event = stream[index]
        if event.kind == TEXT and not event.text.strip():
            index += 1
        elif event.kind == START and event.tag == "br":
            return index + 1
        else:
            break
    return index


def _credit_lines(stream: list[Event], start: int, label: int, base: str) -> list[str]:
    """The credit block cut into lines at each <br>, as inline Markdown.

    The block is the rest of the title's block and the `<center>` blocks that follow it
    straight away (1996-97 pages give the title, the credit and the copyright a `<center>`
    each): a new `<center>` starts a new line.
    """
    lines: list[list[Event]] = [[]]
    still_open: list[Event] = []  # a link cut by a <br> goes on in the next line (2014-07-02)
    index = start
    while index < label:
        event = stream[index]
        if (
            event.kind == END
            and event.tag == "center"
            and (next_center := _next_center(stream, index + 1, label))
        ):
            if any(e.kind == TEXT and e.text.strip() for e in lines[-1]):
                lines.append([])
            still_open = []
            index = next_center + 1
            continue
        if (event.kind == START and event.tag in _BLOCK_STARTS) or (
            event.kind == END and event.tag in _BLOCK_ENDS
        ):
            break
        if event.tag == "br":
            if event.kind == START:
                lines.append(list(still_open))
        else:
            lines[-1].append(event)
            if event.kind == START and event.tag == "a":
                still_open.append(event)
            elif event.kind == END and still_open and still_open[-1].element is event.element:
                still_open.pop()
        index += 1
    return [to_inline(line, base) for line in lines]


def _next_center(stream: list[Event], index: int, before: int) -> int | None:
    """Index of the `<center>` that starts right at `index` (blank text aside), if any."""
    while index < before and stream[index].kind == TEXT and not stream[index].text.strip():
        index += 1
    if index < before and stream[index].kind == START and stream[index].tag == "center":
        return index
    return None


def page_media(text: str, base: str) -> Media:
    """The featured media of a classic-style page (science.nasa.gov's basic_html is one)."""
    root = _document(text)
    stream = walk(root.find("body"))
    label = _explanation_label(stream)
    end = len(stream) if label is None else label
    _, date_line = _page_date(stream, end, root, None)
    title_at = _title_element(stream, date_line, end)
    return _media(stream, date_line, end if title_at is None else title_at, base)


def explanation_fragment(fragment: str, base: str) -> str:
    """Markdown of an explanation given as an HTML fragment (the API's `explanation`).

    Its own `Explanation:` label is dropped, and it ends where the site's notes start:
    after a double <br>, or at a bold label line such as `Tomorrow's picture:`.
    """
    stream = walk(lxml.html.fragment_fromstring(fragment, create_parent="div"))
    label = _explanation_label(stream)
    start = 1 if label is None else _end_of(stream, label) + 1
    return _prose(stream, start, base, double_break_ends=True)


def _explanation(stream: list[Event], start: int, base: str) -> str:
    """The explanation of a page, from just after its label.

    Poem and haiku days set their verse in a `<center>` right after the label (no `<p>`
    between them, as there is before the furniture's `<center>` on a day without text):
    that `<center>` is the explanation's first part, and the prose that may follow it the rest.
    """
    index = start
    while index < len(stream) and (
        # lxml ends the label's <p> where the <center> starts; a new <p> means furniture
        (stream[index].kind == END and stream[index].tag == "p")
        or (stream[index].kind == TEXT and stream[index].text.strip() in ("", ":"))
    ):
        index += 1
    if index < len(stream) and stream[index].kind == START and stream[index].tag == "center":
        end = _end_of(stream, index)
        verse = _verse(stream[index + 1 : end], base)
        prose = _prose(stream, end + 1, base)
        return "\n\n".join(part for part in (verse, prose) if part)
    return _prose(stream, start, base)


def _verse(events: list[Event], base: str) -> str:
    """Lines of verse as Markdown hard breaks (a backslash at a line's end), a blank line
    between stanzas: a line per <br>, a stanza break at an empty line or a <p>."""
    stanzas: list[list[str]] = [[]]
    line: list[Event] = []
    for event in [*events, Event(START, "p", None, "")]:
        if event.kind == START and event.tag in _LINE_BREAKS:
            text = to_inline(line, base)
            if text:
                stanzas[-1].append(text)
            if (not text or event.tag == "p") and stanzas[-1]:
                stanzas.append([])
            line = []
        elif not (event.kind == END and event.tag == "p"):
            line.append(event)
    return "\n\n".join("\\\n".join(lines) for lines in stanzas if lines)


def _prose(stream: list[Event], start: int, base: str, *, double_break_ends: bool = False) -> str:
    """The explanation from `start` up to the first thing the page puts after it."""
    body: list[Event] = []
    line_start = False  # only a bold that opens a line can be a notice's label
    breaks_in_a_row = 0
    colon_checked = False
    index = start
    while index < len(stream):
        event = stream[index]
        kind, tag = event.kind, event.tag
        after_blank_line = breaks_in_a_row >= 2
        if kind == START and tag == "br":
            breaks_in_a_row += 1
            if double_break_ends and breaks_in_a_row == 2:
                break
        elif (kind == TEXT and event.text.strip()) or kind == START:
            breaks_in_a_row = 0
        if kind == START and (
            tag in _BODY_STARTS
            or (tag in _BOLD and _opens_notice(stream, index, line_start, after_blank_line))
        ):
            break
        if kind == END and tag in _BODY_ENDS:
            break
        if kind == TEXT:
            text = event.text
            if line_start and _TRAILER_LINE.match(text):
                break
            if not colon_checked and text.strip():
                colon_checked = True
                text = text.lstrip()
                if text.startswith(":"):  # <B>Explanation</B>: (1995-96)
                    text = text[1:]
                event = event._replace(text=text)
            if text.strip():
                line_start = False
            body.append(event)
        else:
            if tag in _LINE_BREAKS:
                line_start = True
            elif kind == START:
                line_start = False
            body.append(event)
        index += 1
    return to_markdown(body, base)


def _opens_notice(stream: list[Event], start: int, line_start: bool, after_blank: bool) -> bool:
    """Whether the bold at `start` begins what the page puts after the explanation:
    `Tomorrow's picture` wherever it stands, a bold line after a blank line (colon or not),
    or a label ("APOD's email …:") opening a line; never an editor's `Update:` or `News:`,
    nor a label the explanation's own prose follows (_prose_follows)."""
    end = _end_of(stream, start)
    label = text_of(stream[start:end])
    if _TRAILER_LABEL.match(label):
        return True
    if _EDITORIAL_LABEL.match(label):
        return False
    if after_blank:
        return not _prose_follows(stream, end + 1)
    if not line_start or not label:
        return False
    following = stream[end + 1] if end + 1 < len(stream) else None
    is_label = label.endswith(":") or (
        following is not None and following.kind == TEXT and following.text.startswith(":")
    )
    return is_label and not _prose_follows(stream, end + 1)


def _prose_follows(stream: list[Event], index: int) -> bool:
    """Whether a line of plain text comes after `index` before the page's furniture.

    The notices after an explanation are lines that each open with a bold label, up to the
    furniture (a `<center>`, `<hr>`, the end of a cell, `Tomorrow's picture`); a bold label
    followed by a paragraph of prose is the explanation's own (1995-06-28: `Latest APOD
    Featuring this Image:`, then "For more information see …").
    """
    line_start = False
    for at in range(index, len(stream)):
        event = stream[at]
        kind, tag = event.kind, event.tag
        if (kind == START and tag in _BODY_STARTS) or (kind == END and tag in _BODY_ENDS):
            return False
        bold = kind == START and tag in _BOLD
        if bold and _TRAILER_LABEL.match(text_of(stream[at : _end_of(stream, at)])):
            return False
        if kind == START and tag in _LINE_BREAKS:
            line_start = True
        elif kind == TEXT and event.text.strip():
            if line_start:
                return not _TRAILER_LINE.match(event.text)
        elif kind == START:
            line_start = False
    return False


class Media(NamedTuple):
    """The featured media of a page: its type, address, larger file and description."""

    media_type: str
    url: str | None
    hd_url: str | None = None
    alt: str | None = None  # the picture's own description (parse/alt.py)


def _media(stream: list[Event], after: int, before: int, base: str) -> Media:
    """The featured media between the date line and the title."""
    for index in range(after, before):
        event = stream[index]
        if event.kind != START or event.tag not in _MEDIA:
            continue
        element = event.element
        if event.tag == "img":
            src = web_url(element.get("src"), base)
            if src:
                return Media(IMAGE, src, _hi_res(element, base), description(element.get("alt")))
        elif event.tag == "video":
            src = element.get("src") or next(
                (s.get("src") for s in element.iter("source") if s.get("src")), None
            )
            if url := web_url(src, base):
                return Media(VIDEO, url)
        elif event.tag == "iframe":
            if url := web_url(element.get("src"), base):
                return Media(VIDEO, url)
        elif url := web_url(element.get("src") or element.get("data"), base):
            return Media(OTHER, url)  # <embed>/<object>: Flash and other plug-ins
    return Media(OTHER, None)


def _hi_res(image: etree._Element, base: str) -> str | None:
    """The larger file a picture links to: its link's target, if that is a media file."""
    link = next(image.iterancestors("a"), None)
    if link is None:
        return None
    href = (link.get("href") or "").strip()
    if not href or href.startswith("#"):
        return None
    url = web_url(href, base)
    path = urlsplit(url).path if url else ""
    if MEDIA_FILE.search(path) or "/apod/image/" in path:
        return url
    return None  # a picture that links to a web page (an external video, an article)


def _keywords(root: etree._Element) -> list[str]:
    for meta in root.iter("meta"):
        if (meta.get("name") or "").lower() == "keywords":
            return [k for k in (collapse(k) for k in (meta.get("content") or "").split(",")) if k]
    return []


def _head_title(root: etree._Element) -> str:
    title = root.find(".//title")
    return collapse("".join(title.itertext())) if title is not None else ""


def _title_from_head(root: etree._Element) -> str:
    match = _TITLE_AFTER_DATE.search(_head_title(root))
    return collapse(match.group(1)) if match else ""
