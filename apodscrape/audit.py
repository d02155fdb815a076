"""A second reading of a classic day page, to check what the parser made of it.

The parser finds a page's parts in lxml's tree. This module reads the same page another
way: the standard library's HTML tokenizer, which follows the HTML5 rules a browser
applies to broken markup (`<?a>` is a bogus comment up to the next `>`), and the text a
browser shows, with the page's blocks marked. From that text alone it knows the words of
the credit block (after the title, up to the `Explanation:` label) and of the
explanation (after the label, up to the first block of furniture: a `<center>`, `<hr>`,
`<table>` or `<form>`), and holds the parser's record against them.

audit_page(body, url) -> Audit   the day (or why it failed) and what is wrong with it
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser

from . import parse_page
from .errors import ApodError
from .markdown_text import plain_text
from .parse.decode import decode
from .record import Day

# What a page puts around the explanation: labels, teasers, navigation, footer, scripts.
LEAKS = (
    "Explanation:",
    "Tomorrow's picture",
    "Next picture",
    "Authors & editors",
    "NASA Official",
    "Specific rights apply",
    "APOD Wall Calendar",
    "Random APOD Generator",
    "digg_url",
    "document.images",
    "Your browser does not support",
)
# Signs of a page decoded with the wrong encoding.
MOJIBAKE = {
    "\ufffd": "a character lost in decoding (U+FFFD)",
    "Ã": "mojibake 'Ã' (UTF-8 read as Latin-1)",
    "â€": "mojibake 'â€' (UTF-8 read as Windows-1252)",
}
# Markup that is not text: a tag the Markdown does not keep (<sup> and <sub> it keeps).
_MARKUP = re.compile(r"(?<!\\)<(?!/?su[pb]>)/?[a-zA-Z!?][^>]*>|</>")
# The site's lines that may stand between the explanation and the furniture in the
# oldest pages, which have no <center> around them (reviewed: tests/golden/archive/REVIEW.md).
_NOTICE_LEADS = re.compile(r"^(?:Tomorrow's picture\s*:|Latest APOD)", re.IGNORECASE)
_LABEL = re.compile(r"Explanation\s*:", re.IGNORECASE)
_HARD_BREAK = re.compile(r"\\$", re.MULTILINE)

# Elements that start a new line where a browser shows them.
_BLOCKS = frozenset(
    [
        "address",
        "article",
        "aside",
        "blockquote",
        "br",
        "center",
        "dd",
        "div",
        "dl",
        "dt",
        "figcaption",
        "figure",
        "footer",
        "form",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "header",
        "hr",
        "iframe",
        "img",
        "li",
        "ol",
        "p",
        "pre",
        "section",
        "table",
        "td",
        "th",
        "tr",
        "ul",
        "video",
    ]
)
_HIDDEN = frozenset({"script", "style", "title", "noscript", "template"})
# Where the explanation's furniture starts; the end of a table cell ends it too.
_FURNITURE = frozenset({"center", "table", "form"})
_SEPARATOR = "\x00"  # marks where a block of furniture starts or ends in the visible text
_RULE = "\x01"  # marks an <hr>


class _VisibleText(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.hidden = 0

    def handle_starttag(self, tag: str, attrs: object) -> None:
        if tag in _HIDDEN:
            self.hidden += 1
        self.handle_startendtag(tag, attrs)

    def handle_startendtag(self, tag: str, attrs: object) -> None:
        if tag == "hr":
            self.parts.append(f" {_RULE} ")
        elif tag in _FURNITURE:
            self.parts.append(f" {_SEPARATOR} ")
        elif tag in _BLOCKS:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in _HIDDEN and self.hidden:
            self.hidden -= 1
        if tag in _FURNITURE or tag == "td":
            self.parts.append(f" {_SEPARATOR} ")
        elif tag in _BLOCKS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self.hidden:
            self.parts.append(data)


def visible_text(html: str) -> str:
    """The text a browser shows of a page, with furniture boundaries and rules marked."""
    reader = _VisibleText()
    reader.feed(html)
    reader.close()
    return "".join(reader.parts)


@dataclass
class Audit:
    """What the audit found on one page."""

    name: str
    day: Day | None = None
    failure: str = ""  # why the parser refused the page
    flags: list[tuple[str, str]] = field(default_factory=list)  # (rule, what was seen)


def audit_page(body: bytes, url: str) -> Audit:
    """Parse one classic day page and check the record against a second reading of it."""
    found = Audit(name=url.rsplit("/", 1)[-1])
    try:
        day = parse_page(body, url)
    except ApodError as error:
        found.failure = str(error)
        return found
    found.day = day
    text = visible_text(decode(body))
    flag = found.flags.append
    if not day.title:
        flag(("title", "no title"))
    credit = "\n".join(day.credit)
    for part, value in (("body", day.explanation), ("credit", credit), ("title", day.title)):
        for marker in LEAKS:
            if marker in value:
                flag(("furniture", f"{marker!r} in the {part}"))
        for marker, meaning in MOJIBAKE.items():
            if marker in value:
                flag(("decoding", f"{meaning} in the {part}"))
        if match := _MARKUP.search(value):
            flag(("markup", f"{match.group()!r} in the {part}"))
    label = _LABEL.search(text)
    if label is None:
        flag(("explanation", "the page shows no 'Explanation:' label"))
        return found
    if problem := _credit_problem(text[: label.start()], day):
        flag(("credit", problem))
    if problem := _explanation_problem(text[label.end() :], day):
        flag(("explanation", problem))
    return found


def _credit_problem(before_label: str, day: Day) -> str:
    """How the credit lines differ from the words between the title and the label."""
    shown = " ".join(before_label.split())
    at = shown.find(day.title) if day.title else -1
    if at < 0:
        return ""  # the first day's title is only in its <title>: no credit block to read
    # A rule (<hr>) ends the credit block: what stands after it is no credit (1996 epigraphs).
    block = shown[at + len(day.title) :].split(_RULE, 1)[0]
    page = [word for word in block.split() if word != _SEPARATOR]
    written = plain_text(" ".join(day.credit)).split()
    if page == written:
        return ""
    if not written:
        return f"no credit lines, the page writes {' '.join(page)[:60]!r}"
    return _first_difference(page, written)


def _explanation_problem(after_label: str, day: Day) -> str:
    """How the body differs from the words between the label and the furniture."""
    blocks = [block.split() for block in after_label.replace(_RULE, _SEPARATOR).split(_SEPARATOR)]
    page = blocks[0]
    if not page and len(blocks) > 2:
        # A poem day sets its verse in a <center> right after the label; prose may follow.
        page = blocks[1] + blocks[2]
    written = plain_text(_HARD_BREAK.sub("", day.explanation)).split()
    if page == written:
        return ""
    if page[: len(written)] == written:
        rest = " ".join(page[len(written) :])
        if _NOTICE_LEADS.match(rest):
            return ""
        return f"the body stops before {rest[:60]!r}"
    return _first_difference(page, written)


def _first_difference(page: list[str], written: list[str]) -> str:
    at = next((i for i, (a, b) in enumerate(zip(page, written, strict=False)) if a != b), None)
    if at is None:  # one is the other's beginning
        at = min(len(page), len(written))
    shown = " ".join(page[max(at - 3, 0) : at + 5])
    made = " ".join(written[max(at - 3, 0) : at + 5])
    return f"the page shows {shown!r}, the record has {made!r}"
