"""The archive as a dataset: its rows (the day files and their raw captures), the dataset
card that describes them and the JSON Schema of a row, both written from table.COLUMNS."""

from __future__ import annotations

import datetime as dt
import itertools
import json
import os
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from . import __version__, archive, days
from .days import CANONICAL_BASE
from .parse.science import API_PATH, SCIENCE_BASE
from .record import CLASSIC, SCIENCE
from .table import COLUMNS, Column, row
from .warc import RUN_STAMP, newest_facts


def rows(
    directory: str | os.PathLike[str],
    warc: str | os.PathLike[str] | None = None,
    damaged: list[str] | None = None,
) -> Iterator[dict[str, Any]]:
    """Every day of an archive as a table row, oldest first (by date: ap991231 before
    ap000101): the files' records with the newest capture's Facts of each day (from `warc`,
    default DIR/warc) where the archive has one. The day files are read one at a time as
    the rows are taken; the directory is listed at once (ApodError now if it cannot be).
    Capture records that could not be read are named in `damaged` (else logged)."""
    records = archive.records(directory)
    warc_dir = Path(warc) if warc else archive.warc_dir(directory)
    # the one thing held for the whole archive: small Facts a day (8.5 MB for 11,480 days)
    captured = newest_facts(warc_dir, os.cpu_count() or 1, damaged) if warc_dir.is_dir() else {}
    return (row(record, captured.get(record["date"])) for record in records)


@dataclass
class Summary:
    """What the dataset card tells of the rows, gathered as they pass (oldest first), so
    that the rows are read once and never held."""

    count: int = 0
    first: dt.date | None = None
    last: dt.date | None = None
    missing: list[dt.date] = field(default_factory=list)  # no row, between first and last
    years: dict[int, Counter[str | None]] = field(default_factory=dict)  # rows by source
    sources: Counter[str | None] = field(default_factory=Counter)
    hosts: Counter[str] = field(default_factory=Counter)  # "SOURCE from SCHEME://HOST"

    def add(self, r: dict[str, Any]) -> None:
        """Count one row, the next after those added (rows come oldest first)."""
        day = r["date"]
        if self.last is None:
            self.first = day
        else:
            self.missing += _between(self.last, day)
        self.count += 1
        self.last = day
        self.years.setdefault(day.year, Counter())[r["source"]] += 1
        self.sources[r["source"]] += 1
        if r["sourceUrl"]:
            parts = urlsplit(r["sourceUrl"])
            self.hosts[f"{r['source']} from {parts.scheme}://{parts.netloc}"] += 1

    def tally(self, table: Iterable[dict[str, Any]]) -> Iterator[dict[str, Any]]:
        """The rows of `table`, each added as it passes."""
        for r in table:
            self.add(r)
            yield r


def _between(earlier: dt.date, later: dt.date) -> Iterator[dt.date]:
    """The days after `earlier` and before `later`."""
    return days.day_range(earlier + dt.timedelta(days=1), later - dt.timedelta(days=1))


def missing(table: Iterable[dict[str, Any]]) -> list[dt.date]:
    """The days from the first row's to the last row's (oldest first) that have no row."""
    dates = [r["date"] for r in table]
    return [day for pair in itertools.pairwise(dates) for day in _between(*pair)]


def ranges(dates: list[dt.date]) -> list[str]:
    """Consecutive dates (sorted) as compact runs: 1995-06-17..1995-06-19, 1995-07-01."""
    return [str(run[0]) if len(run) == 1 else f"{run[0]}..{run[-1]}" for run in days.runs(dates)]


# kind -> (the type a reader sees, its JSON Schema)
_TYPES: dict[str, tuple[str, dict[str, Any]]] = {
    "date": (
        "date (Parquet `date32`; JSONL and CSV `YYYY-MM-DD`)",
        {"type": "string", "format": "date"},
    ),
    "string": ("string", {"type": "string"}),
    "bool": ("bool", {"type": "boolean"}),
    "strings": ("list of strings", {"type": "array", "items": {"type": "string"}}),
    "credits": (
        "list of {role: string or null, text: string}",
        {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {"role": {"type": ["string", "null"]}, "text": {"type": "string"}},
                "required": ["role", "text"],
                "additionalProperties": False,
            },
        },
    ),
}
# kind -> the Hugging Face feature of the column (the card's dataset_info)
_FEATURES: dict[str, dict[str, Any]] = {
    "date": {"dtype": "date32"},
    "string": {"dtype": "string"},
    "bool": {"dtype": "bool"},
    "strings": {"list": "string"},
    "credits": {"list": [{"name": "role", "dtype": "string"}, {"name": "text", "dtype": "string"}]},
}


def column_type(column: Column) -> str:
    """The column's type as the card and docs/format-and-dataset.md state it."""
    return _TYPES[column.kind][0]


def columns_table() -> str:
    """The columns as a Markdown table: name, type, where it comes from, when it is null."""
    lines = ["| column | type | value, and where it comes from | null when |", "|---|---|---|---|"]
    for column in COLUMNS:
        cells = (
            f"`{column.name}`",
            column_type(column),
            column.description,
            column.null or "never",
        )
        lines.append("| " + " | ".join(cell.replace("|", "\\|") for cell in cells) + " |")
    return "\n".join(lines)


def json_schema() -> dict[str, Any]:
    """The JSON Schema (2020-12) of a row, as the JSONL export writes it."""
    properties = {}
    for column in COLUMNS:
        schema = dict(_TYPES[column.kind][1])
        if column.nullable:
            schema["type"] = [schema["type"], "null"]
        properties[column.name] = {"description": column.description, **schema}
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "A day of NASA's Astronomy Picture of the Day, as apodscrape exports it",
        "type": "object",
        "properties": properties,
        "required": [column.name for column in COLUMNS],
        "additionalProperties": False,
    }


def features() -> list[dict[str, Any]]:
    """The columns as Hugging Face `datasets` features (the card's dataset_info)."""
    return [{"name": column.name, **_FEATURES[column.kind]} for column in COLUMNS]


def size_category(count: int) -> str:
    """Hugging Face's size category of a dataset of `count` rows."""
    for limit, name in ((1_000, "n<1K"), (10_000, "1K<n<10K"), (100_000, "10K<n<100K")):
        if count < limit:
            return name
    return "100K<n<1M"


def crawl_runs(warc: Path) -> list[dt.datetime]:
    """When each crawl whose captures the archive keeps started (from the WARC file names)."""
    found = []
    for path in sorted(warc.glob("apod-*.warc.gz")) if warc.is_dir() else []:
        try:
            found.append(dt.datetime.strptime(path.name.split("-")[1], RUN_STAMP))
        except (IndexError, ValueError):
            continue
    return found


def card(
    summary: Summary,
    data_file: str,
    directory: str | os.PathLike[str],
    warc: Path,
    exported: dt.datetime,
) -> str:
    """The dataset card of an export (its rows' Summary): YAML front matter as Hugging Face
    reads it, then the schema, counts per year and per source, the gaps, provenance and
    the licence situation."""
    return "".join(
        [
            _front_matter(summary.count, data_file),
            _body(summary, data_file, directory, warc, exported),
        ]
    )


PRETTY_NAME = "NASA Astronomy Picture of the Day (APOD), one row a day"
LICENSE_LINK = "https://apod.nasa.gov/apod/lib/about_apod.html#srapply"


def _yaml(value: str) -> str:
    return json.dumps(value, ensure_ascii=False)  # a JSON string is a YAML scalar


def _front_matter(count: int, data_file: str) -> str:
    lines = [
        "---",
        "license: other",
        "license_name: apod-credited-authors",
        f"license_link: {_yaml(LICENSE_LINK)}",
        f"pretty_name: {_yaml(PRETTY_NAME)}",
        "language:",
        "- en",
        "size_categories:",
        f"- {_yaml(size_category(count))}",
        "configs:",
        "- config_name: default",
        "  data_files:",
        "  - split: train",
        f"    path: {_yaml(data_file)}",
        "dataset_info:",
        "  features:",
    ]
    for feature in features():
        lines.append(f"  - name: {feature['name']}")
        if "dtype" in feature:
            lines.append(f"    dtype: {feature['dtype']}")
        elif isinstance(feature["list"], str):
            lines.append(f"    list: {feature['list']}")
        else:
            lines.append("    list:")
            for field in feature["list"]:
                lines += [f"    - name: {field['name']}", f"      dtype: {field['dtype']}"]
    lines += ["  splits:", "  - name: train", f"    num_examples: {count}", "---", ""]
    return "\n".join(lines)


def _body(
    summary: Summary,
    data_file: str,
    directory: str | os.PathLike[str],
    warc: Path,
    exported: dt.datetime,
) -> str:
    first, last, absent = summary.first, summary.last, summary.missing
    runs = crawl_runs(warc)
    uncaptured = summary.sources[None]
    out = [
        "",
        f"# {PRETTY_NAME}",
        "",
        f"{summary.count:,} days of [Astronomy Picture of the Day](https://apod.nasa.gov/apod/)"
        + (f", {first} to {last}" if summary.count else "")
        + f", in `{data_file}` (also written as JSONL or CSV by `python -m apodscrape export`).",
        "Each row is one day: the title, the media's address, the credit lines and the "
        "explanation (Markdown and plain text) of the archive's day file, with what the page "
        "or API record it was read from adds. A row's JSON Schema is beside this card "
        f"(`{Path(data_file).stem}.schema.json`).",
        "",
        "## Columns",
        "",
        columns_table(),
        "",
        "Which fields depend on the source: `copyright` is known from classic pages (true or "
        "false) but only when asserted from the API (true, else null); `keywords` come from "
        "classic pages only (null from the API); `thumbnailUrl` is the API's still on its "
        "video days, else YouTube's; `credits` roles are mostly null on API days (their "
        "credit has no labels). A row without a capture (`source` null) reads `copyright` as a "
        "classic page would and `mediaType` from `imageUrl`.",
        "",
        "## Days per year and source",
        "",
        "| year | days | classic | science | no capture |",
        "|---|---|---|---|---|",
    ]
    out += [_count_row(year, counts) for year, counts in sorted(summary.years.items())]
    out += [
        _count_row("all", summary.sources),
        "",
        "## Gaps",
        "",
        f"{len(absent)} days between the first row and the last have no row"
        + (":" if absent else "."),
        *_gaps(absent),
        "",
        "APOD itself published nothing on 1995-06-17 to 1995-06-19 and on 2020-06-10; any "
        "other gap is a day this archive does not hold (not crawled yet, or failed).",
        "",
        "## Provenance",
        "",
        f"- exported {exported:%Y-%m-%d %H:%M:%S} UTC by apodscrape {__version__} "
        f"(`python -m apodscrape export`) from the archive `{Path(directory).resolve()}`",
        f"- crawls whose raw captures the archive keeps (`{warc}`): {len(runs)}"
        + (f", from {runs[0]:%Y-%m-%d} to {runs[-1]:%Y-%m-%d}" if runs else ""),
        f"- the sources: classic day pages `{CANONICAL_BASE}apYYMMDD.html` and, since the "
        f"2026 move, the science.nasa.gov API `{SCIENCE_BASE}{API_PATH}/YYMMDD`",
        *(f"- {count} days read as {where}" for where, count in sorted(summary.hosts.items())),
        f"- {uncaptured} days without a raw capture: their row comes from the day file alone",
        "",
        "## Licence",
        "",
        "This is not an open-licensed dataset. Each day's text and media belong to their "
        "credited authors (the `credit` lines; `Copyright` where they say so); APOD's own "
        f"terms are at {LICENSE_LINK}. Media made by NASA are in the public domain (NASA's "
        "media usage guidelines), but most APOD pictures are not NASA's. The explanations "
        "are written by the APOD editors. Check the credit of a day before reusing it; this "
        "card claims no licence beyond what each credit states.",
        "",
    ]
    return "\n".join(out)


def _gaps(absent: list[dt.date]) -> list[str]:
    """Runs of missing days as list items, APOD's own gaps apart and marked as such."""
    own = [d for d in absent if d in days.KNOWN_GAPS]
    other = [d for d in absent if d not in days.KNOWN_GAPS]
    found = [(run, True) for run in days.runs(own)] + [(run, False) for run in days.runs(other)]
    return [
        f"- {run[0] if len(run) == 1 else f'{run[0]}..{run[-1]}'}"
        + (" (APOD published nothing)" if mark else "")
        for run, mark in sorted(found, key=lambda item: item[0][0])
    ]


def _count_row(label: object, counts: Counter[str | None]) -> str:
    cells = (label, counts.total(), counts[CLASSIC], counts[SCIENCE], counts[None])
    return "| " + " | ".join(str(cell) for cell in cells) + " |"
