"""A parsed page as a flat stream of tags and text, in document order.

Classic APOD pages are hand-written HTML whose parts (date line, title, credit, explanation)
are runs of siblings between markers, not elements of their own, and the tree a parser
builds from them depends on how each page happens to nest its tags. Walking the tree once
into a flat stream lets the parser find those runs by what comes before and after them,
whatever the nesting, and any run is grown into a tree for Markdown (parse.markdown).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import NamedTuple

from lxml import etree

START, END, TEXT = "start", "end", "text"

# Elements whose content is never text a reader sees.
INVISIBLE = frozenset({"script", "style", "noscript", "template"})
VOID = frozenset(
    {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "wbr"}
)


class Event(NamedTuple):
    kind: str  # START, END or TEXT
    tag: str  # the element's tag; "" for TEXT
    element: etree._Element | None  # the element a START or END belongs to
    text: str  # the text of a TEXT event


def walk(root: etree._Element) -> list[Event]:
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
            if text and tag not in INVISIBLE:
                append(new(Event, (TEXT, "", None, text)))
        else:
            append(new(Event, (END, tag, element, "")))
            tail = element.tail
            if tail and element is not root:
                append(new(Event, (TEXT, "", None, tail)))
    return stream


def visible(run: Iterable[Event]) -> Iterator[Event]:
    """A run without its invisible elements (script, style, ...): neither their starts and
    ends nor anything between them."""
    depth = 0  # inside invisible elements
    for event in run:
        if event.tag in INVISIBLE:  # a start or an end (text has no tag)
            depth += 1 if event.kind == START else -1 if depth else 0
        elif not depth:
            yield event


def collapse(text: str) -> str:
    """Every run of whitespace as one space, trimmed."""
    return " ".join(text.split())


def text_of(events: list[Event]) -> str:
    """The visible text of a run of the stream, whitespace collapsed."""
    return collapse("".join(e.text for e in events if e.kind == TEXT))
