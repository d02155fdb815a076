"""The Day record: everything a page tells about one APOD day."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from .credits import Credit, asserts_copyright, split_credits
from .markdown_text import plain_text

IMAGE, VIDEO, OTHER = "image", "video", "other"
CLASSIC, SCIENCE = "classic", "science"


@dataclass
class Day:
    """One APOD day, as parsed from a classic page or a science.nasa.gov JSON record.

    It is also the spider's item: feed exports (`-O apod.jsonl`) write its fields under
    the names of table.FEED_FIELDS.
    """

    date: dt.date
    title: str
    canonical_url: str
    media_type: str  # IMAGE, VIDEO or OTHER
    image_url: str | None  # the featured media as displayed
    hd_image_url: str | None  # the larger file the picture links to, if any
    credit: list[str]  # credit lines, inline Markdown
    credits: list[Credit] = field(init=False)  # the lines split into labelled roles
    # whether the page asserts copyright; None where the source cannot tell (the API)
    copyright: bool | None = field(init=False)
    explanation: str = ""  # Markdown, one line per paragraph
    explanation_text: str = field(init=False)  # the same as plain text
    # the page's meta keywords; None where the source has none to give (the API)
    keywords: list[str] | None = field(default_factory=list)
    source: str = CLASSIC  # CLASSIC or SCIENCE
    source_url: str = ""  # the address the record was read from
    raw_sha256: str = ""  # of the raw answer it was read from (set by the parser)
    # a still of a video day: the API's `hdurl`, else a YouTube embed's own still (media.py)
    thumbnail_url: str | None = None
    # the page's own description of the picture (its image's `alt`, the API's `alt`); None
    # where it has none or only the generic "See Explanation. Clicking on …" (parse/alt.py)
    alt: str | None = None
    permalink: str | None = None  # the day's address at science.nasa.gov, where given
    source_damaged: bool = False  # the source's text carries U+FFFD (lost before we read it)
    media_files: list[dict[str, Any]] = field(default_factory=list)  # set by MediaPipeline

    def __post_init__(self) -> None:
        self.credits, self.copyright, self.explanation_text = derived(
            self.credit, self.explanation, self.source
        )


class Derived(NamedTuple):
    credits: list[Credit]
    copyright: bool | None
    explanation_text: str


def derived(credit: list[str], explanation: str, source: str | None = None) -> Derived:
    """What follows from a day's credit lines and body: roles, copyright, plain text.

    Copyright is what the credit asserts. A classic page labels its credit, so no
    `Copyright` there is False; the API's credit carries no label of its own (its
    `copyright` field repeats `credit`), so there no assertion is unknown (None). Without a
    source (an archive without captures) the credit is read as the classic page's.
    """
    credits = split_credits(credit)
    asserted = asserts_copyright(credits)
    return Derived(
        credits, None if source == SCIENCE and not asserted else asserted, plain_text(explanation)
    )
