"""site ARCHIVE OUT: the archive as a static site in the classic APOD layout."""

from __future__ import annotations

import argparse
from pathlib import Path

from .. import archive
from . import job_count


def arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("directory", help="an archive directory (apYYMMDD.txt files)")
    parser.add_argument("out", help="the site's directory (created; updated when it exists)")
    parser.add_argument(
        "--jobs",
        type=job_count,
        default=None,
        help="processes rendering pages, 1 to the cores (default: every core)",
    )
    parser.add_argument(
        "--full", action="store_true", help="render every page again, whatever changed"
    )
    parser.add_argument("--quiet", action="store_true", help="print nothing when all went well")


def run(args: argparse.Namespace) -> int:
    from ..site.build import build  # only now: Jinja2 and markdown-it, for this tool alone

    held = None
    # read the archive while no crawl writes it (a crawl under way: ArchiveLocked, one
    # line); a read-only archive is held all the same (archive.lock)
    if Path(args.directory).is_dir():
        held = archive.lock(args.directory)
    try:
        report = build(args.directory, args.out, jobs=args.jobs, full=args.full)
    finally:
        if held is not None:
            held.close()
    if not args.quiet:
        print(report.summary())
    return 0
