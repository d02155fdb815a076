"""rebuild [--warc DIR] [--out DIR]: every day's file again from the raw captures, offline.

For when the parser improves: no request is made. The newest capture of a day wins; a
capture that gives no day (a landing page, an error) is reported and passed over.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from .. import archive, render
from ..errors import ApodError
from ..warc import DIRNAME, newest_days


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
    found = newest_days(warc_dir, args.jobs)
    for reason in found.passed_over:
        print(f"passed over: {reason}", file=sys.stderr)
    written = unchanged = 0
    for day in sorted(found.days):
        path = archive.day_path(out, day)
        text = render(found.days[day])
        if path.is_file() and path.read_bytes() == text.encode("utf-8"):
            unchanged += 1
        else:
            archive.write_atomic(path, text, sync=False)
            written += 1
    os.sync()  # one flush for the whole rebuild instead of one per file
    print(
        f"rebuilt {len(found.days)} days from {found.captures} captures: {written} written, "
        f"{unchanged} unchanged, {len(found.passed_over)} captures gave no day",
        file=sys.stderr,
    )
    return 0
