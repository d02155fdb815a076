"""A parsed page as a flat stream of tags and text, in document order.

Classic APOD pages are hand-written HTML whose parts (date line, title, credit, explanation)
are runs of siblings between markers, not elements of their own, and the tree a parser
builds from them depends on how each page happens to nest its tags. Walking the tree once
into a flat stream lets the parser find those runs by what comes before and after them,
whatever the nesting, and any run is replayed into a tree builder for Markdown.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import NamedTuple, Protocol

from lxml import etree

START, END, TEXT = "start", "end", "text"

# Elements whose content is never text a reader sees.
_INVISIBLE = frozenset({"script", "style", "noscript", "template"})
_VOID = frozenset(
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
            if text and tag not in _INVISIBLE:
                append(new(Event, (TEXT, "", None, text)))
        else:
            append(new(Event, (END, tag, element, "")))
            tail = element.tail
            if tail and element is not root:
                append(new(Event, (TEXT, "", None, tail)))
    return stream


class TreeBuilder(Protocol):
    """What a run is replayed into: the calls a parser makes (BeautifulSoup has them)."""

    def handle_starttag(
        self, name: str, namespace: None, nsprefix: None, attrs: dict
    ) -> object: ...

    def handle_endtag(self, name: str) -> None: ...

    def handle_data(self, data: str) -> None: ...


def replay(events: Iterable[Event], builder: TreeBuilder) -> None:
    """A run of the stream as the calls a parser of its HTML would make, the invisible
    elements left out: the tree the run's elements had, without writing out the HTML and
    parsing it again. An end whose start came before the run is the builder's to ignore."""
    skipping = 0  # depth inside invisible elements
    for kind, tag, element, text in events:
        if kind == TEXT:
            if not skipping:
                builder.handle_data(text)
        elif tag in _INVISIBLE:
            skipping += 1 if kind == START else -1 if skipping else 0
        elif skipping:
            continue
        elif kind == START:
            builder.handle_starttag(tag, None, None, dict(element.items()))
            if tag in _VOID:  # as a parser reports a void element: ended where it starts
                builder.handle_endtag(tag)
        elif tag not in _VOID:
            builder.handle_endtag(tag)


def collapse(text: str) -> str:
    """Every run of whitespace as one space, trimmed."""
    return " ".join(text.split())


def text_of(events: list[Event]) -> str:
    """The visible text of a run of the stream, whitespace collapsed."""
    return collapse("".join(e.text for e in events if e.kind == TEXT))
