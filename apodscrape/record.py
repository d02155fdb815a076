"""The Day record: everything a page tells about one APOD day."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from .credits import Credit, asserts_copyright, split_credits
from .markdown import plain_text

IMAGE, VIDEO, OTHER = "image", "video", "other"
CLASSIC, SCIENCE = "classic", "science"


@dataclass
class Day:
    """One APOD day, as parsed from a classic page or a science.nasa.gov JSON record.

    It is also the spider's item: feed exports (`-O apod.jsonl`) write its fields in this
    order, under the names of EXPORT_NAMES.
    """

    date: dt.date
    title: str
    canonical_url: str
    media_type: str  # IMAGE, VIDEO or OTHER
    image_url: str | None  # the featured media as displayed
    hd_image_url: str | None  # the larger file the picture links to, if any
    credit: list[str]  # credit lines, inline Markdown
    credits: list[Credit] = field(init=False)  # the lines split into labelled roles
    copyright: bool = field(init=False)  # whether the page asserts copyright
    explanation: str = ""  # Markdown, one line per paragraph
    explanation_text: str = field(init=False)  # the same as plain text
    keywords: list[str] = field(default_factory=list)  # the page's meta keywords
    source: str = CLASSIC  # CLASSIC or SCIENCE
    source_url: str = ""  # the address the record was read from
    raw_sha256: str = ""  # of the response body it was read from (set by the spider)
    media_files: list[dict[str, Any]] = field(default_factory=list)  # set by MediaPipeline

    def __post_init__(self) -> None:
        self.credits = split_credits(self.credit)
        self.copyright = asserts_copyright(self.credits)
        self.explanation_text = plain_text(self.explanation)


# Field -> column name in exports: the archive format's camelCase.
EXPORT_NAMES = {
    "date": "date",
    "title": "title",
    "canonical_url": "canonicalUrl",
    "media_type": "mediaType",
    "image_url": "imageUrl",
    "hd_image_url": "hdImageUrl",
    "credit": "credit",
    "credits": "credits",
    "copyright": "copyright",
    "explanation": "explanation",
    "explanation_text": "explanationText",
    "keywords": "keywords",
    "source": "source",
    "source_url": "sourceUrl",
    "raw_sha256": "rawSha256",
    "media_files": "mediaFiles",
}
