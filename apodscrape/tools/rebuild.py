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
import os
import sqlite3
import sys
from pathlib import Path

from .. import archive, catalog
from ..errors import ApodError
from ..warc import Captured, parsed_days, warc_files
from . import job_count


def arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--out", default="output", help="the archive to write (default: output)")
    parser.add_argument("--warc", help="where the .warc.gz captures are (default: OUT/warc)")
    parser.add_argument(
        "--jobs",
        type=job_count,
        default=os.cpu_count() or 1,
        help="parsing processes, 1 to the cores (default: the cores)",
    )


def run(args: argparse.Namespace) -> int:
    out = Path(args.out)
    warc_dir = Path(args.warc) if args.warc else archive.warc_dir(out)
    has_captures = warc_dir.is_dir()
    if not has_captures and (args.warc or not archive.archived_days(out)):
        raise ApodError(f"no captures at {warc_dir}")
    given = {"out": str(out), "warc": str(warc_dir), "jobs": args.jobs}
    with contextlib.closing(archive.lock(out)):  # no crawl writes the archive meanwhile
        db, aside = catalog.open_anew(out)
        try:
            if aside is not None:
                print(
                    f"the catalog could not be used: moved to {aside}, a new one made",
                    file=sys.stderr,
                )
            run = catalog.start_run(db, "rebuild", given)
            try:
                status, counts = _rebuild(db, out, warc_dir, args.jobs, has_captures)
            except BaseException:  # an error, an interrupt: the run ended, and not well
                with contextlib.suppress(sqlite3.Error):
                    catalog.end_run(db, run, 1, {})
                raise
            catalog.end_run(db, run, status, counts)
        except sqlite3.Error as error:  # a full disk under the catalog
            raise catalog.unwritable(out, error) from None
        finally:
            db.close()
    return status


def _rebuild(
    db: sqlite3.Connection, out: Path, warc_dir: Path, jobs: int, has_captures: bool
) -> tuple[int, dict[str, int]]:
    """The day files from the captures (each day from its newest), and the catalog true of
    them; the exit status and the counts."""
    if not has_captures:  # day files without captures: their catalog, from them alone
        built = catalog.build(db, out)
        _not_catalogued(built)
        print(
            f"no captures at {warc_dir}: {built.days} days catalogued from their files "
            f"alone in {catalog.catalog_path(out)}",
            file=sys.stderr,
        )
        return 0, {"catalogued": built.days}
    found = Captured()
    written = 0
    with catalog.building(db, out, found) as builder:
        # each day stored from its newest capture, and its row put, while the rest are parsed
        for day in parsed_days(warc_files(warc_dir), jobs, found):
            try:
                stored = archive.store(out, day, sync=False)
                builder.put(day, stored.data, found.where[day.date])
            except OSError as error:
                raise ApodError(
                    f"cannot write {archive.day_path(out, day.date)}: {error.strerror}"
                ) from None
            written += stored.outcome == archive.WRITTEN
        os.sync()  # one flush for the whole rebuild, before the catalog says what is there
    built = builder.built
    for reason in found.passed_over:
        print(f"passed over: {reason}", file=sys.stderr)
    for damage in found.damaged:
        print(f"lost: {damage}", file=sys.stderr)
    _not_catalogued(built)
    unchanged = len(found.days) - written
    print(
        f"rebuilt {len(found.days)} days from {found.captures} captures: {written} written, "
        f"{unchanged} unchanged, {len(found.passed_over)} captures gave no day, "
        f"{len(found.damaged)} damaged records could not be read; "
        f"{built.days} days catalogued in {catalog.catalog_path(out)}",
        file=sys.stderr,
    )
    counts = {
        "written": written,
        "unchanged": unchanged,
        "captures": found.captures,
        "passed_over": len(found.passed_over),
        "lost": len(found.damaged),
        "catalogued": built.days,
    }
    return (1 if found.damaged else 0), counts  # what the damaged records held is lost


def _not_catalogued(built: catalog.Built) -> None:
    for reason in built.unreadable:
        print(f"not catalogued: {reason}", file=sys.stderr)
