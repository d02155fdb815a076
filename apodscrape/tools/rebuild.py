"""rebuild [--warc DIR] [--out DIR]: every day's file again from the raw captures, offline,
and the archive's catalog from its files and captures.

For when the parser improves, or the catalog is lost or damaged: no request is made. The
newest capture of a day wins; a capture that gives no day (a landing page, an error) is
reported and passed over, and so is a damaged record (the next one is read; the rebuild
exits 1, as what it held is lost). The catalog records the rebuild as a run (its counts
and exit status). A catalog that cannot be used is moved aside, not deleted.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import os
import sys
from pathlib import Path
from typing import Any

from .. import archive, catalog
from ..errors import ApodError
from ..warc import Captured, parsed_days, warc_files


def arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--out", default="output", help="the archive to write (default: output)")
    parser.add_argument("--warc", help="where the .warc.gz captures are (default: OUT/warc)")
    parser.add_argument(
        "--jobs", type=int, default=os.cpu_count() or 1, help="parsing processes (default: cores)"
    )


def run(args: argparse.Namespace) -> int:
    out = Path(args.out)
    warc_dir = Path(args.warc) if args.warc else archive.warc_dir(out)
    captured = warc_dir.is_dir()
    if not captured and (args.warc or not archive.archived_days(out)):
        raise ApodError(f"no captures at {warc_dir}")
    given = {"out": str(out), "warc": str(warc_dir), "jobs": args.jobs}
    with contextlib.closing(archive.lock(out)):  # no crawl writes the archive meanwhile
        if not captured:  # day files without captures: their catalog, from them alone
            built = _catalog(out, None, given, {}, 0)
            print(
                f"no captures at {warc_dir}: {built.days} days catalogued from their files "
                f"alone in {catalog.catalog_path(out)}",
                file=sys.stderr,
            )
            return 0
        return _rebuild(out, warc_dir, args.jobs, given)


def _catalog(
    out: Path,
    found: Captured | None,
    given: dict[str, Any],
    counts: dict[str, int],
    status: int,
) -> catalog.Built:
    """The archive's catalog made true of its files (and captures), a new one if the one
    there cannot be used; the rebuild recorded as a run, with `counts` and its `status`."""
    db, aside = catalog.open_anew(out)
    if aside is not None:
        print(f"the catalog could not be used: moved to {aside}, a new one made", file=sys.stderr)
    try:
        run = catalog.start_run(db, "rebuild", given)
        built = catalog.build(db, out, found, rendered=found is not None)
        catalog.end_run(db, run, status, {**counts, "catalogued": built.days})
    finally:
        db.close()
    for reason in built.unreadable:
        print(f"not catalogued: {reason}", file=sys.stderr)
    return built


def _rebuild(out: Path, warc_dir: Path, jobs: int, given: dict[str, Any]) -> int:
    found = Captured()
    written: set[dt.date] = set()
    # each day stored from its newest capture while the rest are parsed
    for day in parsed_days(warc_files(warc_dir), jobs, found):
        try:
            outcome = archive.store(out, day, sync=False)
        except OSError as error:
            raise ApodError(
                f"cannot write {archive.day_path(out, day.date)}: {error.strerror}"
            ) from None
        if outcome == archive.WRITTEN:
            written.add(day.date)
    for reason in found.passed_over:
        print(f"passed over: {reason}", file=sys.stderr)
    for damage in found.damaged:
        print(f"lost: {damage}", file=sys.stderr)
    unchanged = len(found.days) - len(written)
    os.sync()  # one flush for the whole rebuild instead of one per file
    status = 1 if found.damaged else 0  # what the damaged records held is lost
    counts = {
        "written": len(written),
        "unchanged": unchanged,
        "captures": found.captures,
        "passed_over": len(found.passed_over),
        "lost": len(found.damaged),
    }
    built = _catalog(out, found, given, counts, status)
    print(
        f"rebuilt {len(found.days)} days from {found.captures} captures: {len(written)} written, "
        f"{unchanged} unchanged, {len(found.passed_over)} captures gave no day, "
        f"{len(found.damaged)} damaged records could not be read; "
        f"{built.days} days catalogued in {catalog.catalog_path(out)}",
        file=sys.stderr,
    )
    return status
