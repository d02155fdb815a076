"""The archive as a dataset: its rows (the day files and their raw captures), the dataset
card that describes them and the JSON Schema of a row, both written from table.COLUMNS."""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import itertools
import json
import os
import sqlite3
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from . import __version__, archive, catalog, days
from .days import API_PATH, CANONICAL_BASE, SCIENCE_BASE
from .errors import ApodError
from .record import CLASSIC, SCIENCE
from .table import COLUMNS, Column


def rows(
    directory: str | os.PathLike[str], names: Iterable[str] | None = None
) -> Iterator[dict[str, Any]]:
    """Every day of an archive as a table row, oldest first (by date: ap991231 before
    ap000101), read from its catalog (catalog.sqlite: the full record of each day file);
    only the columns named (and source) if names are given.
    ApodError now if there is no catalog, or it is not true of the day files (a file
    changed, added or removed behind it: a stat of each tells)."""
    found = _read(directory, names)
    if found is None:
        return iter([])
    cursor, columns, readers = found
    keys = [column.name for column in columns]

    def table() -> Iterator[dict[str, Any]]:
        with contextlib.closing(cursor.connection), catalog.read_errors_said(directory):
            for values in cursor:
                yield {
                    key: value if reader is None or value is None else reader(value)
                    for key, reader, value in zip(keys, readers, values, strict=True)
                }

    return table()


def batches(
    directory: str | os.PathLike[str], size: int, names: Iterable[str] | None = None
) -> Iterator[dict[str, list[Any]]]:
    """The rows of `rows`, `size` at a time, a list of values a column (what a columnar
    format takes: Parquet); ApodError now as for `rows`."""
    found = _read(directory, names, json_checked=True)
    if found is None:
        return iter([])
    cursor, columns, readers = found

    def table() -> Iterator[dict[str, list[Any]]]:
        with contextlib.closing(cursor.connection), catalog.read_errors_said(directory):
            while chunk := cursor.fetchmany(size):
                *by_column, checked = zip(*chunk, strict=True)
                whole = all(checked)
                yield {
                    column.name: _read_all(values, read, whole)
                    for column, read, values in zip(columns, readers, by_column, strict=True)
                }

    return table()


def _read(
    directory: str | os.PathLike[str], names: Iterable[str] | None, json_checked: bool = False
) -> tuple[sqlite3.Cursor, list[Column], list[Callable[[Any], Any] | None]] | None:
    """The catalog's days, oldest first, as a cursor of the columns' values (each column
    read by its Day field's name, as its reader takes it), and with `json_checked` last
    whether each of the row's JSON values is one JSON text; None: no day, no catalog."""
    if not catalog.catalog_path(directory).exists() and not archive.archive_files(directory):
        return None  # no day, no catalog: an empty table (ApodError if no directory)
    db = catalog.open_readonly(directory)
    try:
        with catalog.read_errors_said(directory):
            changed, gone = catalog.stale(db, directory)
            if changed or gone:
                for day, path in changed:
                    archive.read_day(day, path)  # a file that does not read: its own error
                raise ApodError(
                    f"the catalog of {directory} is not true of {len(changed) + len(gone)} "
                    f"day files ({', '.join(_named(changed, gone))}): a crawl mends it, or "
                    + catalog.REBUILD.format(directory=directory)
                )
            wanted = set(names) | {"source"} if names is not None else None
            columns = [c for c in COLUMNS if wanted is None or c.name in wanted]
            json_check = [_whole_json(columns)] if json_checked else []
            selected = ", ".join([*map(_selected, columns), *json_check])
            cursor = db.execute(f"SELECT {selected} FROM days ORDER BY date")
    except BaseException:
        db.close()
        raise
    return cursor, columns, [_READERS.get(column.kind) for column in columns]


def _read_all(
    values: tuple[Any, ...], read: Callable[[Any], Any] | None, whole: bool = False
) -> list[Any]:
    """A column of values as `read` takes them; `whole`: every JSON value is one JSON text
    (SQLite's json_valid), so that a batch's are read as one array: json.loads costs mostly
    by the call. Otherwise one at a time, which names a value that is not."""
    if read is _json and whole:
        return json.loads(f"[{','.join('null' if v is None else v for v in values)}]")
    return list(values) if read is None else [None if v is None else read(v) for v in values]


def _whole_json(columns: list[Column]) -> str:
    """SQL: whether each JSON value of the row is text holding one JSON text (or null)."""
    checks = [
        f"({c.field} IS NULL OR (typeof({c.field}) = 'text' AND json_valid({c.field})))"
        for c in columns
        if _READERS.get(c.kind) is _json
    ]
    return " AND ".join(checks) or "1"


def _json(text: str) -> Any:
    try:
        return json.loads(text)
    except ValueError:
        raise ApodError(f"the catalog holds a value that is not JSON: {text!r:.200}") from None


def _selected(column: Column) -> str:
    if column.name == "sourceDamaged":  # no capture: unknown
        return "CASE WHEN source IS NULL THEN NULL ELSE source_damaged END"
    return column.field


def _named(changed: list[tuple[dt.date, Path]], gone: list[dt.date]) -> list[str]:
    named = [f"{path.name} changed" for _, path in changed[:3]]
    return named + [f"{archive.day_path('', day).name} gone" for day in gone[: 3 - len(named)]]


_READERS: dict[str, Callable[[Any], Any]] = {
    "date": dt.date.fromisoformat,
    "bool": bool,
    "strings": _json,
    "credits": _json,
}


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

    def add(self, day: dt.date, source: str | None, source_url: str | None) -> None:
        """Count one row, the next after those added (rows come oldest first)."""
        if self.last is None:
            self.first = day
        else:
            self.missing += _between(self.last, day)
        self.count += 1
        self.last = day
        self.years.setdefault(day.year, Counter())[source] += 1
        self.sources[source] += 1
        if source_url:  # up to its third /: what urlsplit reads its scheme and host from
            self.hosts[_origin(source, "/".join(source_url.split("/", 3)[:3]))] += 1

    def tally(self, table: Iterable[dict[str, Any]]) -> Iterator[dict[str, Any]]:
        """The rows of `table`, each added as it passes."""
        for r in table:
            self.add(r["date"], r["source"], r["sourceUrl"])
            yield r

    def tally_batches(
        self, table: Iterable[dict[str, list[Any]]]
    ) -> Iterator[dict[str, list[Any]]]:
        """The batches of `table` (dataset.batches), each added as it passes."""
        for batch in table:
            for row in zip(batch["date"], batch["source"], batch["sourceUrl"], strict=True):
                self.add(*row)
            yield batch


@functools.lru_cache(maxsize=64)
def _origin(source: str | None, head: str) -> str:
    """A source and the scheme://host of its addresses, as the card names them; a run's
    addresses share a few heads, so that each is split once."""
    parts = urlsplit(head)
    return f"{source} from {parts.scheme}://{parts.netloc}"


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
    "bool": ("bool (CSV: `True`, `False` or empty)", {"type": "boolean"}),
    "strings": (
        "list of strings (CSV: one per line)",
        {"type": "array", "items": {"type": "string"}},
    ),
    "credits": (
        "list of {role: string or null, text: string} (CSV: as JSON)",
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
# kind -> the Hugging Face feature of the column (the card's configs and dataset_info)
_FEATURES: dict[str, dict[str, Any]] = {
    "date": {"dtype": "date32"},
    "string": {"dtype": "string"},
    "bool": {"dtype": "bool"},
    "strings": {"list": "string"},
    "credits": {"list": [{"name": "role", "dtype": "string"}, {"name": "text", "dtype": "string"}]},
}
# CSV holds text: `datasets` reads it with pandas, which takes no date32 and no bool with
# empty cells, and a list is one cell; so the CSV's features are its text, and only strings.
_CSV_FEATURE = {"dtype": "string"}
# kind -> the DuckDB type of the column (read_json's `columns`)
_DUCKDB: dict[str, str] = {
    "date": "DATE",
    "string": "VARCHAR",
    "bool": "BOOLEAN",
    "strings": "VARCHAR[]",
    "credits": "STRUCT(role VARCHAR, text VARCHAR)[]",
}
# kind -> the pandas dtype of the column (read_json's `dtype`): nullable where pandas has one
_PANDAS: dict[str, str] = {
    "date": "datetime64[ns]",
    "string": "string",
    "bool": "boolean",
    "strings": "object",
    "credits": "object",
}
FORMATS = {".parquet": "parquet", ".jsonl": "json", ".csv": "csv"}  # suffix -> `datasets` builder


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


def features(builder: str = "parquet") -> list[dict[str, Any]]:
    """The columns as Hugging Face `datasets` features of a file its `builder` reads (the
    card's configs): typed for Parquet and JSONL, text for CSV (_CSV_FEATURE)."""

    def feature(column: Column) -> dict[str, Any]:
        return _CSV_FEATURE if builder == "csv" else _FEATURES[column.kind]

    return [{"name": column.name, **feature(column)} for column in COLUMNS]


def duckdb_columns() -> str:
    """DuckDB's `columns` argument of read_json that types every column as the card says
    (an API-only archive's all-null `copyright` and `keywords` would be read as NULL)."""
    return "{" + ", ".join(f"'{c.name}': '{_DUCKDB[c.kind]}'" for c in COLUMNS) + "}"


def pandas_dtypes() -> dict[str, str]:
    """pandas' `dtype` argument of read_json that types every column as the card says
    (without it, an all-null column is float)."""
    return {column.name: _PANDAS[column.kind] for column in COLUMNS}


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
            found.append(dt.datetime.strptime(path.name.split("-")[1], archive.RUN_STAMP))
        except (IndexError, ValueError):
            continue
    return found


# The card of an export's folder: what `datasets.load_dataset(FOLDER)` and the Hub read. It
# describes every export in the folder; the JSON Schema of a row, the same for every format,
# is beside it.
CARD = "README.md"
SCHEMA = "row.schema.json"
_EXPORTS_KEY = "apodscrape_exports"  # the card's list of the folder's exports (its marker)


@dataclass(frozen=True)
class Export:
    """One table written into a folder: its file name, rows, and when it was written."""

    file: str
    rows: int
    exported: str  # ISO 8601 UTC

    @property
    def builder(self) -> str:
        """The `datasets` builder that reads it: parquet, json or csv."""
        return FORMATS[Path(self.file).suffix.lower()]


def exports_in(folder: Path) -> list[Export]:
    """The exports the folder's card lists whose files are still there, oldest first; none
    without a card. ApodError for a README.md that is not an export's card (never overwritten)."""
    import frontmatter  # here, as yaml below: the card's cost, not every reader's
    import yaml

    path = folder / CARD
    try:
        metadata = frontmatter.loads(path.read_text(encoding="utf-8")).metadata
    except FileNotFoundError:
        return []
    except (OSError, UnicodeDecodeError, ValueError, yaml.YAMLError) as error:
        raise ApodError(f"{path}: cannot read the folder's card: {error}") from None
    listed = metadata.get(_EXPORTS_KEY)
    if not isinstance(listed, list):
        raise ApodError(f"{path} is not an apodscrape dataset card: export into another folder")
    found = []
    for entry in listed:
        try:
            export = Export(str(entry["file"]), int(entry["rows"]), str(entry["exported"]))
        except (TypeError, KeyError, ValueError):
            continue  # an entry someone edited away: the file is listed again when exported
        if Path(export.file).suffix.lower() in FORMATS and (folder / export.file).is_file():
            found.append(export)
    return found


def card(
    summary: Summary,
    exports: list[Export],
    directory: str | os.PathLike[str],
    warc: Path,
    exported: dt.datetime,
) -> str:
    """The dataset card of an export's folder: YAML front matter as Hugging Face reads it (the
    newest export, `exports[-1]`, of rows `summary`, as the default config with its typed
    features; every export listed), then the files, the columns, counts per year and per
    source, the gaps, provenance and the licence situation."""
    newest = exports[-1]
    metadata = {
        "license": "other",
        "license_name": "apod-credited-authors",
        "license_link": LICENSE_LINK,
        "pretty_name": PRETTY_NAME,
        "language": ["en"],
        "size_categories": [size_category(newest.rows)],
        "configs": [
            {
                "config_name": "default",
                "data_files": [{"split": "train", "path": newest.file}],
                "features": features(newest.builder),
            }
        ],
        "dataset_info": {"features": features(newest.builder)},  # a copy: no YAML anchor
        _EXPORTS_KEY: [export.__dict__ for export in exports],
    }
    import yaml

    front = yaml.safe_dump(metadata, sort_keys=False, allow_unicode=True, width=1000)
    return f"---\n{front}---\n" + _body(summary, exports, directory, warc, exported)


PRETTY_NAME = "NASA Astronomy Picture of the Day (APOD), one row a day"
LICENSE_LINK = "https://apod.nasa.gov/apod/lib/about_apod.html#srapply"


def _files(exports: list[Export]) -> list[str]:
    """The card's table of the folder's exports and how each is read with the card's types."""
    newest = exports[-1]
    lines = ["| file | rows | exported | read with the card's types |", "|---|---|---|---|"]
    for export in reversed(exports):
        if export is newest:
            how = "`datasets.load_dataset(FOLDER)` (the default config)"
        elif export.builder == "parquet":
            how = f'`datasets.load_dataset("parquet", data_files="{export.file}")`'
        else:
            how = "export it into a folder of its own, then `datasets.load_dataset(FOLDER)`"
        lines.append(f"| `{export.file}` | {export.rows:,} | {export.exported} | {how} |")
    return lines


def _body(
    summary: Summary,
    exports: list[Export],
    directory: str | os.PathLike[str],
    warc: Path,
    exported: dt.datetime,
) -> str:
    data_file = exports[-1].file
    first, last, absent = summary.first, summary.last, summary.missing
    runs = crawl_runs(warc)
    uncaptured = summary.sources[None]
    out = [
        "",
        f"# {PRETTY_NAME}",
        "",
        f"{summary.count:,} days of [Astronomy Picture of the Day](https://apod.nasa.gov/apod/)"
        + (f", {first} to {last}" if summary.count else "")
        + f", in `{data_file}` (also written as Parquet, JSONL or CSV by "
        "`python -m apodscrape export`).",
        "Each row is one day: the title, the media's address, the credit lines and the "
        "explanation (Markdown and plain text) of the archive's day file, with what the page "
        "or API record it was read from adds. A row's JSON Schema is beside this card "
        f"(`{SCHEMA}`, the same for every format).",
        "",
        "## Files",
        "",
        "Every export into this folder, newest first; the counts below are the newest's.",
        "",
        *_files(exports),
        "",
        "`datasets` reads one format a folder (the default config's). Other readers, with "
        "the card's types whatever the rows hold (an archive read only from the API has "
        "`copyright` and `keywords` null in every row):",
        "",
        "- Parquet: any reader (`pandas.read_parquet`, DuckDB's `read_parquet`); the types "
        "are in the file.",
        f"- JSONL, DuckDB: `read_json('FILE', columns={duckdb_columns()})`",
        f"- JSONL, pandas: `pandas.read_json('FILE', lines=True, dtype={pandas_dtypes()})`",
        "- CSV is text: lists one item per line in their cell, `credits` as JSON, booleans "
        "`True`, `False` or empty; its config reads every column as a string.",
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
