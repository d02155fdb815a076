"""The archive as a table: one column spec for feed exports, JSONL, CSV and Parquet.

A row is a day: the file's four keys and body, what derives from them (credits by role,
copyright, plain text), and what only the page had (hi-res link, keywords, source,
checksum), as the catalog holds them (dataset.rows). No Scrapy here: the feed exports
(settings.FEED_EXPORT_FIELDS, exporters.py) and `python -m apodscrape export` share it.
"""

from __future__ import annotations

import json
from typing import Any, NamedTuple


class Column(NamedTuple):
    field: str  # the Day attribute
    name: str  # the column's name: the archive format's camelCase
    kind: str  # date, string, bool, strings (a list of them), credits (roles and texts)
    description: str  # what it holds and where it comes from (the card, the JSON Schema)
    null: str = ""  # when it is null; "" for a column that never is

    @property
    def nullable(self) -> bool:
        """Whether a row may hold null in this column."""
        return bool(self.null)


CAPTURES = "the archive has no raw capture of the day (`warc/`)"
COLUMNS = (
    Column("date", "date", "date", "the day (the file name, `apYYMMDD.txt`)"),
    Column("title", "title", "string", "the day's title (the file's front matter)"),
    Column(
        "canonical_url",
        "canonicalUrl",
        "string",
        "the day's classic address, `https://apod.nasa.gov/apod/apYYMMDD.html` (front matter)",
    ),
    Column(
        "media_type",
        "mediaType",
        "string",
        "`image`, `video` or `other`: the capture's own (the page's media; the API's "
        "`media_type` where its record shows none), else read from `imageUrl` as `stats` does",
    ),
    Column(
        "image_url",
        "imageUrl",
        "string",
        "the featured media as displayed: picture, embedded player or video file (front matter)",
        "the day has no media of its own",
    ),
    Column(
        "hd_image_url",
        "hdImageUrl",
        "string",
        "the larger file the picture links to (classic page), or the original behind the "
        "API's `hdurl` on an image day (from the captures)",
        f"no larger file; {CAPTURES}",
    ),
    Column(
        "thumbnail_url",
        "thumbnailUrl",
        "string",
        "a still of a video day: the API's `hdurl` as given (science source), else for a "
        "YouTube embed `https://img.youtube.com/vi/ID/hqdefault.jpg` from the video id in "
        "`imageUrl`; no request is made to find it",
        "not a video day, or a video with no still known (Vimeo, video files)",
    ),
    Column("credit", "credit", "strings", "the credit lines, inline Markdown (front matter)"),
    Column(
        "credits",
        "credits",
        "credits",
        "the credit lines split into the roles they label ({role, text}; role null where a "
        "line has no label, as on most API days)",
    ),
    Column(
        "copyright",
        "copyright",
        "bool",
        "whether the credit asserts copyright (a `Copyright` label or ©): false only where the "
        "source labels its credits (classic pages; without captures the credit is read so)",
        "the science.nasa.gov API gave the day and its credit asserts nothing (the API's "
        "credit carries no label): unknown",
    ),
    Column("explanation", "explanation", "string", "the explanation, Markdown (the file's body)"),
    Column(
        "explanation_text",
        "explanationText",
        "string",
        "the explanation as plain text: links as their text, `<sup>`/`<sub>` tags and escapes "
        "dropped, paragraphs separated by a blank line",
    ),
    Column(
        "keywords",
        "keywords",
        "strings",
        "the classic page's meta keywords (from the captures)",
        f"the API gave the day (it has no keywords); {CAPTURES}",
    ),
    Column(
        "alt",
        "alt",
        "string",
        "the page's own description of the picture: its image's `alt` (classic pages, mostly "
        "since 2021) or the API's `alt`, whitespace collapsed (from the captures)",
        'the picture has no alt, or only a generic one ("See Explanation. Clicking on the '
        f'picture will download…"); not a picture; {CAPTURES}',
    ),
    Column(
        "permalink",
        "permalink",
        "string",
        "the day's address at science.nasa.gov, as the API gives it (`permalink`; from the "
        "captures)",
        f"the day was read from a classic page (it does not name its new address); {CAPTURES}",
    ),
    Column(
        "source_damaged",
        "sourceDamaged",
        "bool",
        "whether the answer the day was read from carries U+FFFD: characters the source "
        "lost before the archive read it (the text shows them as they came; from the captures)",
        CAPTURES,
    ),
    Column(
        "source",
        "source",
        "string",
        "`classic` (an apod.nasa.gov page) or `science` (the science.nasa.gov API): where the "
        "day was read from",
        CAPTURES,
    ),
    Column("source_url", "sourceUrl", "string", "the address the day was read from", CAPTURES),
    Column(
        "raw_sha256",
        "rawSha256",
        "string",
        "SHA-256 of the raw answer the day was read from, as kept in the WARC capture",
        CAPTURES,
    ),
)
NAMES = tuple(column.name for column in COLUMNS)
# What `-O file` writes of each item: every column, then the media the run downloaded.
FEED_FIELDS = {column.field: column.name for column in COLUMNS} | {"media_files": "mediaFiles"}


def csv_cell(value: Any) -> Any:
    """A CSV cell: a list of strings one per line, other structures as JSON, None empty;
    text that a spreadsheet would run as a formula (=, +, -, @, tab or CR first) gets a
    leading apostrophe, so that it shows as the text it is (OWASP's advice)."""
    if value is None:
        return ""
    if isinstance(value, bytes):  # a catalog value of the wrong kind: no cell holds it
        raise TypeError(f"bytes {value[:40]!r} where the catalog holds text")
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        value = "\n".join(value)
    elif isinstance(value, list | dict):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, str) and value.startswith(_FORMULA_STARTS):
        return f"'{value}"
    return value


_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def arrow_schema() -> Any:
    """The Parquet schema of the columns (pyarrow is imported only here: an extra)."""
    import pyarrow as pa

    text = pa.string()
    kinds = {
        "date": pa.date32(),
        "string": text,
        "bool": pa.bool_(),
        "strings": pa.list_(text),
        "credits": pa.list_(pa.struct([("role", text), ("text", text)])),
    }
    return pa.schema([(column.name, kinds[column.kind]) for column in COLUMNS])
