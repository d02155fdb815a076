"""The Day record: everything a page tells about one APOD day."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

IMAGE, VIDEO, OTHER = "image", "video", "other"
CLASSIC, SCIENCE = "classic", "science"


@dataclass
class Day:
    """One APOD day, as parsed from a classic page or a science.nasa.gov JSON record.

    It is also the spider's item: feed exports write its fields in this order.
    """

    date: dt.date
    title: str
    canonical_url: str
    media_type: str  # IMAGE, VIDEO or OTHER
    image_url: str | None  # the featured media as displayed
    hd_image_url: str | None  # the larger file the picture links to, if any
    credit: list[str]  # credit lines, inline Markdown
    explanation: str  # Markdown, one line per paragraph
    keywords: list[str] = field(default_factory=list)
    source: str = CLASSIC  # CLASSIC or SCIENCE
    source_url: str = ""  # the address the record was read from
