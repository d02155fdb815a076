"""rebuild [--warc DIR] [--out DIR]: every day's file again from the raw captures, offline.

For when the parser improves: no request is made. The newest capture of a day wins; a
capture that gives no day (a landing page, an error) is counted and passed over.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
from collections.abc import Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from .. import archive, parse_page, render
from ..decode import decode
from ..errors import ApodError
from ..science import API_PATH, parse_science_list
from ..warc import DIRNAME, Capture, captures

_CHUNK = 64  # captures handed to a worker at a time


def register(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser("rebuild", help="rebuild the archive from its raw captures")
    parser.add_argument("--out", default="output", help="the archive to write (default: output)")
    parser.add_argument("--warc", help="where the .warc.gz captures are (default: OUT/warc)")
    parser.add_argument(
        "--jobs", type=int, default=os.cpu_count() or 1, help="parsing processes (default: cores)"
    )
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    out = Path(args.out)
    warc_dir = Path(args.warc) if args.warc else out / DIRNAME
    if not warc_dir.is_dir():
        raise ApodError(f"no captures at {warc_dir}")
    newest: dict[dt.date, str] = {}
    kept = passed_over = 0
    for result in _derive_all(captures(warc_dir), max(1, args.jobs)):
        if isinstance(result, str):
            passed_over += 1
            print(f"passed over: {result}", file=sys.stderr)
            continue
        kept += 1
        newest.update(result)  # captures come oldest first: the newest one wins
    written = unchanged = 0
    for day, text in sorted(newest.items()):
        path = archive.day_path(out, day)
        if path.is_file() and path.read_bytes() == text.encode("utf-8"):
            unchanged += 1
        else:
            archive.write_atomic(path, text)
            written += 1
    print(
        f"rebuilt {len(newest)} days from {kept + passed_over} captures: "
        f"{written} written, {unchanged} unchanged, {passed_over} captures gave no day",
        file=sys.stderr,
    )
    return 0


def derive(capture: Capture) -> dict[dt.date, str] | str:
    """The files one capture gives (a list page gives several), or why it gives none."""
    try:
        if f"{API_PATH}?" in capture.url:
            days = parse_science_list(decode(capture.body), capture.url)
        else:
            days = [parse_page(capture.body, capture.url)]
    except ApodError as error:
        return f"{capture.url}: {error}"
    return {day.date: render(day) for day in days}


def _derive_all(found: Iterable[Capture], jobs: int) -> Iterator[dict[dt.date, str] | str]:
    """derive() over every capture, in order, on `jobs` processes."""
    if jobs == 1:
        yield from map(derive, found)
        return
    with ProcessPoolExecutor(max_workers=jobs) as pool:
        yield from pool.map(derive, found, chunksize=_CHUNK)
