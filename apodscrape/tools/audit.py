"""audit PATH...: saved classic day pages against a second reading of each, per year."""

from __future__ import annotations

import argparse
import os
import tarfile
from collections import Counter, defaultdict
from collections.abc import Iterator
from pathlib import Path

from .. import warc, workers
from ..audit import Audit, audit_page
from ..days import CANONICAL_BASE, day_in_name
from ..errors import ApodError
from . import job_count

RULES = ("title", "furniture", "decoding", "markup", "credit", "explanation")
_TARS = (".tar", ".tar.gz", ".tgz", ".tar.xz", ".tar.bz2")
_CHUNK = 64  # pages handed to a worker process at a time


def arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "paths",
        nargs="+",
        metavar="PATH",
        help="saved pages (apYYMMDD.html), folders of them, tar archives of them, "
        "or folders of WARC captures (*.warc.gz)",
    )
    parser.add_argument("--list", action="store_true", help="one line per failed or flagged page")
    parser.add_argument(
        "--jobs", type=job_count, default=os.cpu_count() or 1, help="worker processes"
    )


def run(args: argparse.Namespace) -> int:
    audits = sorted(audit_all(pages(args.paths), args.jobs), key=lambda a: a.name)
    if not audits:
        raise ApodError("no classic day pages found in " + ", ".join(args.paths))
    if args.list:
        for audit in audits:
            if audit.failure:
                print(f"{audit.name}: failed: {audit.failure}")
            for rule, seen in audit.flags:
                print(f"{audit.name}: {rule}: {seen}")
    print(table(audits))
    return 1 if any(a.failure or a.flags for a in audits) else 0


def pages(paths: list[str]) -> Iterator[tuple[str, bytes]]:
    """(address, body) of every classic page under the paths, read as the classic site's."""
    for raw in paths:
        path = Path(raw)
        if path.is_dir() and any(path.glob("*.warc.gz")):
            for capture in warc.captures(path):
                if capture.body.lstrip()[:1] not in (b"{", b"["):  # API records: not pages
                    yield capture.url, capture.body
        elif path.is_dir():
            for page in sorted(path.rglob("*.html")):
                yield CANONICAL_BASE + page.name, page.read_bytes()
        elif path.name.endswith(_TARS):
            yield from _tar_pages(path)
        elif path.is_file():
            yield CANONICAL_BASE + path.name, path.read_bytes()
        else:
            raise ApodError(f"{path}: no such file or folder")


def _tar_pages(path: Path) -> Iterator[tuple[str, bytes]]:
    try:
        with tarfile.open(path) as archive:
            for member in archive:
                if member.isfile() and member.name.endswith(".html"):
                    file = archive.extractfile(member)
                    if file is not None:
                        yield CANONICAL_BASE + member.name.rsplit("/", 1)[-1], file.read()
    except (tarfile.TarError, OSError, EOFError) as error:
        raise ApodError(f"{path}: not a readable tar archive ({error})") from None


def audit_all(found: Iterator[tuple[str, bytes]], jobs: int) -> Iterator[Audit]:
    """Every page's audit, on `jobs` processes."""
    if jobs <= 1:
        for url, body in found:
            yield audit_page(body, url)
        return
    with workers.pool(jobs) as pool:
        yield from workers.mapped(pool, _audit, found, chunksize=_CHUNK)


def _audit(page: tuple[str, bytes]) -> Audit:
    url, body = page
    return audit_page(body, url)


def _year(audit: Audit) -> str:
    day = audit.day.date if audit.day else day_in_name(audit.name)
    return str(day.year) if day else "?"


def table(audits: list[Audit]) -> str:
    """Per year: pages, converted, failed, flagged, and pages flagged by each rule."""
    rows: dict[str, Counter[str]] = defaultdict(Counter)
    for audit in audits:
        for row in (rows[_year(audit)], rows["all"]):
            row["pages"] += 1
            row["failed" if audit.failure else "converted"] += 1
            row["flagged"] += bool(audit.flags)
            row.update({rule for rule, _ in audit.flags})
    columns = ("pages", "converted", "failed", "flagged", *RULES)
    lines = ["year " + " ".join(f"{c:>{max(len(c), 5)}}" for c in columns)]
    for year in sorted(rows, key=lambda y: (y == "all", y)):
        cells = " ".join(f"{rows[year][c]:>{max(len(c), 5)}}" for c in columns)
        lines.append(f"{year:<4} {cells}")
    return "\n".join(lines)
