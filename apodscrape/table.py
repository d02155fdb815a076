"""The archive as a table: one column spec for feed exports, JSONL, CSV and Parquet.

A row is a day: the file's four keys and body, what derives from them (credits by role,
copyright, plain text), and what only the page had (hi-res link, keywords, source,
checksum), from a Day record when there is one. No Scrapy here: the feed exports
(settings.FEED_EXPORT_FIELDS, exporters.py) and `python -m apodscrape export` share it.
"""

from __future__ import annotations

import json
from typing import Any, NamedTuple

from .media import media_type
from .record import Day, derived


class Column(NamedTuple):
    field: str  # the Day attribute
    name: str  # the column's name: the archive format's camelCase
    kind: str  # date, string, bool, strings (a list of them), credits (roles and texts)


COLUMNS = (
    Column("date", "date", "date"),
    Column("title", "title", "string"),
    Column("canonical_url", "canonicalUrl", "string"),
    Column("media_type", "mediaType", "string"),
    Column("image_url", "imageUrl", "string"),
    Column("hd_image_url", "hdImageUrl", "string"),
    Column("credit", "credit", "strings"),
    Column("credits", "credits", "credits"),
    Column("copyright", "copyright", "bool"),
    Column("explanation", "explanation", "string"),
    Column("explanation_text", "explanationText", "string"),
    Column("keywords", "keywords", "strings"),
    Column("source", "source", "string"),
    Column("source_url", "sourceUrl", "string"),
    Column("raw_sha256", "rawSha256", "string"),
)
NAMES = tuple(column.name for column in COLUMNS)
# What `-O file` writes of each item: every column, then the media the run downloaded.
FEED_FIELDS = {column.field: column.name for column in COLUMNS} | {"media_files": "mediaFiles"}


def row(record: dict[str, Any], captured: Day | None = None) -> dict[str, Any]:
    """A day's row, in column order, from its file's record (archive.read_day) and, when
    there is one, its newest capture's Day; what only the page had is None without one."""
    extra = derived(record["credit"], record["explanation"])
    return {
        "date": record["date"],
        "title": record["title"],
        "canonicalUrl": record["canonicalUrl"],
        "mediaType": captured.media_type if captured else media_type(record["imageUrl"]),
        "imageUrl": record["imageUrl"],
        "hdImageUrl": captured.hd_image_url if captured else None,
        "credit": record["credit"],
        "credits": extra.credits,
        "copyright": extra.copyright,
        "explanation": record["explanation"],
        "explanationText": extra.explanation_text,
        "keywords": captured.keywords if captured else None,
        "source": captured.source if captured else None,
        "sourceUrl": captured.source_url if captured else None,
        "rawSha256": captured.raw_sha256 if captured else None,
    }


def csv_cell(value: Any) -> Any:
    """A CSV cell: a list of strings one per line, other structures as JSON, None empty;
    text that a spreadsheet would run as a formula (=, +, -, @, tab or CR first) gets a
    leading apostrophe, so that it shows as the text it is (OWASP's advice)."""
    if value is None:
        return ""
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
