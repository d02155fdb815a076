"""export DIR OUT: an archive as one table, a row a day, in .jsonl, .csv or .parquet, with
the dataset card of OUT's folder (README.md, listing every export in it) and the JSON Schema
of a row (row.schema.json)."""

from __future__ import annotations

import argparse
import contextlib
import csv
import datetime as dt
import fcntl
import io
import itertools
import json
import os
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from .. import archive, catalog, dataset
from ..errors import ApodError
from ..table import NAMES, arrow_schema, csv_cell


def arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("directory", help="an archive directory (apYYMMDD.txt files)")
    parser.add_argument("out", help="the file to write: its extension names the format")


def run(args: argparse.Namespace) -> int:
    out = Path(args.out)
    write = _WRITERS.get(out.suffix.lower())
    if write is None:
        raise ApodError(f"{out}: the output must end in {', '.join(_WRITERS)}")
    if out.parent.resolve() == Path(args.directory).resolve():
        raise ApodError(
            f"{out}: not into the archive itself (its table, card and schema are no day "
            "files): choose another folder"
        )
    # the folder's card lists every export in it (a README.md of someone else's: ApodError)
    dataset.exports_in(out.parent)
    card, schema = out.parent / dataset.CARD, out.parent / dataset.SCHEMA
    for target in (out, card, schema):
        archive.remove_leftovers(target)  # of an export that was killed while writing
    # The rows are the catalog's: each day file's full record (hi-res link, keywords, source,
    # checksum: what the file does not carry).
    summary = dataset.Summary()
    try:
        # the rows are read, counted for the card and written one at a time: memory stays
        # that of a day (a batch of them for Parquet), whatever the archive's size
        write(args.directory, summary, out)
    except OSError as error:
        raise ApodError(f"cannot write {out}: {error.strerror or error}") from None
    except (TypeError, ValueError) as error:  # a catalog value of the wrong kind (pyarrow's
        # ArrowTypeError and ArrowInvalid are these too): a catalog edited by hand
        raise catalog.unusable(
            args.directory, f"holds a value {out.suffix[1:]} cannot take ({error})"
        ) from None
    directory = args.directory
    warc = archive.warc_dir(directory)
    exported = dt.datetime.now(dt.UTC)
    this = dataset.Export(out.name, summary.count, f"{exported:%Y-%m-%dT%H:%M:%SZ}")
    try:
        with _one_at_a_time(out.parent):  # the card read and written by one export at once
            earlier = [e for e in dataset.exports_in(out.parent) if e.file != out.name]
            written = dataset.card(summary, [*earlier, this], directory, warc, exported)
            archive.write_atomic(card, written)
            schema_text = json.dumps(dataset.json_schema(), indent=2, ensure_ascii=False)
            archive.write_atomic(schema, f"{schema_text}\n")
    except OSError as error:
        raise ApodError(f"cannot write the card beside {out}: {error.strerror or error}") from None
    print(f"{summary.count} days written to {out}")
    print(f"dataset card {card}, row schema {schema}")
    return 0


@contextlib.contextmanager
def _one_at_a_time(folder: Path) -> Iterator[None]:
    """The export folder held (a flock of it, waited for): exports run side by side into
    one folder each list the others' on the card, none lost."""
    held = os.open(folder, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
    try:
        fcntl.flock(held, fcntl.LOCK_EX)
        yield
    finally:
        os.close(held)


def write_jsonl(directory: str, summary: dataset.Summary, out: Path) -> None:
    """The archive's rows (each counted in `summary`) as one JSON object a line, keys in
    column order, the date as YYYY-MM-DD."""
    rows = summary.tally(dataset.rows(directory))
    lines = (json.dumps({**r, "date": r["date"].isoformat()}, ensure_ascii=False) for r in rows)
    archive.write_chunks_atomic(out, (f"{line}\n".encode() for line in lines))


def write_csv(directory: str, summary: dataset.Summary, out: Path) -> None:
    """The archive's rows (each counted in `summary`) as CSV: a header row of the column
    names, then a row a day: lists of strings one per line in their cell, credits as JSON,
    None as an empty cell."""
    archive.write_chunks_atomic(out, _csv_lines(summary.tally(dataset.rows(directory))))


def _csv_lines(rows: Iterable[dict[str, Any]]) -> Iterator[bytes]:
    text = io.StringIO()
    writer = csv.writer(text)  # the csv module's dialect: \r\n between rows, quotes where needed
    for cells in itertools.chain([NAMES], ((csv_cell(v) for v in r.values()) for r in rows)):
        writer.writerow(cells)
        yield text.getvalue().encode()
        text.seek(0)
        text.truncate()


# Rows a Parquet row group holds, the only rows in memory at once: at 1,024 the whole
# archive peaked 60 MB above one year, at 512 25 MB (file 2% larger than one group's).
PARQUET_BATCH = 512


def write_parquet(directory: str, summary: dataset.Summary, out: Path) -> None:
    """The archive's rows (each counted in `summary`) as a Parquet table with typed
    columns (date32, strings, lists, credits as structs), a row group a batch of
    PARQUET_BATCH rows read by columns (dataset.batches)."""
    try:
        import pyarrow as pa
        import pyarrow.parquet as pq
    except ImportError:
        raise ApodError(
            "writing .parquet needs pyarrow: pip install 'apodscrape[parquet]'"
        ) from None
    schema = arrow_schema()
    batches = summary.tally_batches(dataset.batches(directory, PARQUET_BATCH))

    def write(temporary: Path) -> None:
        with pq.ParquetWriter(temporary, schema) as writer:
            for batch in batches:
                writer.write_table(pa.Table.from_pydict(batch, schema=schema))

    archive.replace_atomic(out, write)


_WRITERS = {".jsonl": write_jsonl, ".csv": write_csv, ".parquet": write_parquet}
