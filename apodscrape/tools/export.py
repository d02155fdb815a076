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
from ..credits import asserts_copyright, split_credits
from ..errors import ApodError
from ..exporters import csv_cell
from ..markdown import plain_text
from ..record import EXPORT_NAMES, Day
from ..warc import DIRNAME, newest_days

# The columns of every format, in this order: the feed exports' fields (media files aside).
COLUMNS = tuple(name for name in EXPORT_NAMES.values() if name != "mediaFiles")


def register(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser(
        "export", help="write an archive as one table (.jsonl, .csv or .parquet)"
    )
    parser.add_argument("directory", help="an archive directory (apYYMMDD.txt files)")
    parser.add_argument("out", help="the file to write: its extension names the format")
    parser.add_argument(
        "--warc", help="raw captures to read the full records from (default: DIR/warc)"
    )
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    out = Path(args.out)
    write = _WRITERS.get(out.suffix.lower())
    if write is None:
        raise ApodError(f"{out}: the output must end in {', '.join(_WRITERS)}")
    records = dataset.load(args.directory)
    # What the text files do not carry (hi-res link, keywords, source, checksum) is in the
    # raw captures, when the archive has them.
    warc_dir = Path(args.warc) if args.warc else Path(args.directory) / DIRNAME
    captured = newest_days(warc_dir, os.cpu_count() or 1).days if warc_dir.is_dir() else {}
    rows = [row(record, captured.get(record["date"])) for record in records]
    try:
        write(rows, out)
    except OSError as error:
        raise ApodError(f"cannot write {out}: {error.strerror or error}") from None
    print(f"{len(rows)} days written to {out}")
    return 0


def row(record: dict[str, Any], captured: Day | None = None) -> dict[str, Any]:
    """A day's row, in COLUMNS order: the file's keys and body, what derives from them, and
    from its newest capture, when there is one, what only the page had (else None)."""
    credits = split_credits(record["credit"])
    return {
        "date": record["date"],
        "title": record["title"],
        "canonicalUrl": record["canonicalUrl"],
        "mediaType": captured.media_type if captured else dataset.media_type(record["imageUrl"]),
        "imageUrl": record["imageUrl"],
        "hdImageUrl": captured.hd_image_url if captured else None,
        "credit": record["credit"],
        "credits": credits,
        "copyright": asserts_copyright(credits),
        "explanation": record["explanation"],
        "explanationText": plain_text(record["explanation"]),
        "keywords": captured.keywords if captured else None,
        "source": captured.source if captured else None,
        "sourceUrl": captured.source_url if captured else None,
        "rawSha256": captured.raw_sha256 if captured else None,
    }


def write_jsonl(rows: list[dict[str, Any]], out: Path) -> None:
    """One JSON object a line, keys in COLUMNS order, the date as YYYY-MM-DD."""
    lines = (json.dumps({**r, "date": r["date"].isoformat()}, ensure_ascii=False) for r in rows)
    write_atomic(out, "".join(f"{line}\n" for line in lines))


def write_csv(rows: list[dict[str, Any]], out: Path) -> None:
    """A header row of COLUMNS, then a row a day: lists of strings one per line in their
    cell, credits as JSON, None as an empty cell."""
    text = io.StringIO()
    writer = csv.writer(text)  # the csv module's dialect: \r\n between rows, quotes where needed
    writer.writerow(COLUMNS)
    for r in rows:
        writer.writerow(csv_cell(value) for value in r.values())
    write_atomic(out, text.getvalue())


def write_parquet(rows: list[dict[str, Any]], out: Path) -> None:
    """A Parquet table with typed columns (date32, strings, lists, credits as structs)."""
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
            ("hdImageUrl", text),
            ("credit", pa.list_(text)),
            ("credits", pa.list_(pa.struct([("role", text), ("text", text)]))),
            ("copyright", pa.bool_()),
            ("explanation", text),
            ("explanationText", text),
            ("keywords", pa.list_(text)),
            ("source", text),
            ("sourceUrl", text),
            ("rawSha256", text),
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
