"""A parsed page as a flat stream of tags and text, in document order.

Classic APOD pages are hand-written HTML whose parts (date line, title, credit, explanation)
are runs of siblings between markers, not elements of their own, and the tree a parser
builds from them depends on how each page happens to nest its tags. Walking the tree once
into a flat stream lets the parser find those runs by what comes before and after them,
whatever the nesting, and any run turns back into an HTML fragment for Markdown.
"""

from __future__ import annotations

from html import escape
from typing import NamedTuple

from lxml import etree
from lxml.html import HtmlElement

from .markdown import collapse

START, END, TEXT = "start", "end", "text"

# Elements whose content is never text a reader sees.
_INVISIBLE = frozenset({"script", "style", "noscript", "template"})
_VOID = frozenset(
    {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "wbr"}
)


class Event(NamedTuple):
    kind: str  # START, END or TEXT
    tag: str  # the element's tag; "" for TEXT
    element: HtmlElement | None  # the element a START or END belongs to
    text: str  # the text of a TEXT event


def walk(root: HtmlElement) -> list[Event]:
    """The stream of a tree: starts, ends and text, comments and scripts left out."""
    stream: list[Event] = []
    append = stream.append
    new = tuple.__new__  # Event(...) without the Python-level __new__ of a NamedTuple
    for action, element in etree.iterwalk(root, events=("start", "end")):
        tag = element.tag
        if tag.__class__ is not str:  # a comment or processing instruction: only its tail shows
            if action == "end" and element.tail:
                append(new(Event, (TEXT, "", None, element.tail)))
            continue
        if action == "start":
            append(new(Event, (START, tag, element, "")))
            text = element.text
            if text and tag not in _INVISIBLE:
                append(new(Event, (TEXT, "", None, text)))
        else:
            append(new(Event, (END, tag, element, "")))
            tail = element.tail
            if tail and element is not root:
                append(new(Event, (TEXT, "", None, tail)))
    return stream


def to_html(events: list[Event]) -> str:
    """An HTML fragment from a run of the stream (unbalanced tags are left to the next parser)."""
    parts: list[str] = []
    skipping = 0  # depth inside invisible elements
    for kind, tag, element, text in events:
        if kind == TEXT:
            if not skipping:
                parts.append(escape(text, quote=False))
        elif tag in _INVISIBLE:
            skipping += 1 if kind == START else -1 if skipping else 0
        elif skipping:
            continue
        elif kind == START:
            attrs = "".join(f' {name}="{escape(value)}"' for name, value in element.attrib.items())
            parts.append(f"<{tag}{attrs}>")
        elif tag not in _VOID:
            parts.append(f"</{tag}>")
    return "".join(parts)


def text_of(events: list[Event]) -> str:
    """The visible text of a run of the stream, whitespace collapsed."""
    return collapse("".join(e.text for e in events if e.kind == TEXT))
