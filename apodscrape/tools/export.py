"""export DIR OUT: an archive as one table, a row a day, in .jsonl, .csv or .parquet."""

from __future__ import annotations

import argparse
import csv
import io
import json
import os
from pathlib import Path
from typing import Any

from .. import dataset
from ..archive import write_atomic
from ..errors import ApodError
from ..markdown import plain_text

# The columns of every format, in this order.
COLUMNS = (
    "date",
    "title",
    "canonicalUrl",
    "mediaType",
    "imageUrl",
    "credit",
    "explanation",
    "explanationText",
)


def register(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser(
        "export", help="write an archive as one table (.jsonl, .csv or .parquet)"
    )
    parser.add_argument("directory", help="an archive directory (apYYMMDD.txt files)")
    parser.add_argument("out", help="the file to write: its extension names the format")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    out = Path(args.out)
    write = _WRITERS.get(out.suffix.lower())
    if write is None:
        raise ApodError(f"{out}: the output must end in {', '.join(_WRITERS)}")
    rows = [row(record) for record in dataset.load(args.directory)]
    try:
        write(rows, out)
    except OSError as error:
        raise ApodError(f"cannot write {out}: {error.strerror or error}") from None
    print(f"{len(rows)} days written to {out}")
    return 0


def row(record: dict[str, Any]) -> dict[str, Any]:
    """A day's row: its record with mediaType and explanationText, in COLUMNS order."""
    return {
        "date": record["date"],
        "title": record["title"],
        "canonicalUrl": record["canonicalUrl"],
        "mediaType": dataset.media_type(record["imageUrl"]),
        "imageUrl": record["imageUrl"],
        "credit": record["credit"],
        "explanation": record["explanation"],
        "explanationText": plain_text(record["explanation"]),
    }


def write_jsonl(rows: list[dict[str, Any]], out: Path) -> None:
    """One JSON object a line, keys in COLUMNS order, the date as YYYY-MM-DD."""
    lines = (json.dumps({**r, "date": r["date"].isoformat()}, ensure_ascii=False) for r in rows)
    write_atomic(out, "".join(f"{line}\n" for line in lines))


def write_csv(rows: list[dict[str, Any]], out: Path) -> None:
    """A header row of COLUMNS, then a row a day: credit lines joined by \\n, no imageUrl as ""."""
    text = io.StringIO()
    writer = csv.writer(text)  # the csv module's dialect: \r\n between rows, quotes where needed
    writer.writerow(COLUMNS)
    for r in rows:
        writer.writerow({**r, "credit": "\n".join(r["credit"])}.values())
    write_atomic(out, text.getvalue())


def write_parquet(rows: list[dict[str, Any]], out: Path) -> None:
    """A Parquet table with typed columns (date32, strings, credit as a list of strings)."""
    try:
        import pyarrow as pa
        import pyarrow.parquet as pq
    except ImportError:
        raise ApodError(
            "writing .parquet needs pyarrow: pip install 'apodscrape[parquet]'"
        ) from None
    text = pa.string()
    schema = pa.schema(
        [
            ("date", pa.date32()),
            ("title", text),
            ("canonicalUrl", text),
            ("mediaType", text),
            ("imageUrl", text),
            ("credit", pa.list_(text)),
            ("explanation", text),
            ("explanationText", text),
        ]
    )
    out.parent.mkdir(parents=True, exist_ok=True)
    # Beside the output and renamed over it, as archive.write_atomic does for text.
    temporary = out.with_name(f".{out.name}.{os.getpid()}.tmp")
    try:
        pq.write_table(pa.Table.from_pylist(rows, schema=schema), temporary)
        os.replace(temporary, out)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise


_WRITERS = {".jsonl": write_jsonl, ".csv": write_csv, ".parquet": write_parquet}
