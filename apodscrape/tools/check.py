"""check DIR: every file of an archive against FORMAT.md, and the catalog against the files
(each file's checksum and fields against its row, each row against its file), one line a
problem.

check DIR --captures: the fixity of its raw captures instead (apodscrape.fixity): every
record of DIR/warc/*.warc.gz (or of DIR's own) and every entry of each WACZ file in DIR
(or DIR itself, a .wacz file) still hold the bytes they were written with.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import sqlite3
from itertools import zip_longest
from pathlib import Path
from typing import Any

from .. import archive, catalog, days, fixity
from ..archive import TEMPORARY, compose, day_of_name
from ..audit import LEAKS, MOJIBAKE
from ..dataset import ranges
from ..errors import ApodError
from ..markdown_text import LINK
from ..parse.markdown import LINK_SCHEMES, MEDIA_SCHEMES, is_absolute
from ..parse.stream import collapse

BOM = "\ufeff"


def arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("directory", help="an archive directory (apYYMMDD.txt files)")
    parser.add_argument(
        "--captures",
        action="store_true",
        help="check the digests of the raw captures (WARC records, WACZ entries) instead",
    )


def run(args: argparse.Namespace) -> int:
    if args.captures:
        return _check_captures(Path(args.directory))
    paths = [path for path in archive.entries(args.directory) if archive.is_day_entry(path)]
    damaged = damaged_at_source(args.directory)
    count = 0
    broken = set()
    for path in paths:
        for problem in problems(path, day_of_name(path.name) in damaged):
            print(f"{path}: {problem}")
            count += 1
            broken.add(path)
    for path, problem in catalog_problems(args.directory, broken):
        print(f"{path}: {problem}")
        count += 1
    if damaged:  # the source's loss, shown and counted, not a problem of ours
        print(f"damaged at the source (U+FFFD): {_count(len(damaged), 'day')}: "
              + ", ".join(ranges(sorted(damaged))))  # fmt: skip
    print(f"{_count(len(paths), 'file')}, {_count(count, 'problem')}")
    return 1 if count else 0


def _check_captures(target: Path) -> int:
    checked = fixity.Checked()
    if target.suffix == ".wacz" and target.is_file():
        found = list(fixity.check_wacz(target, checked))
    elif target.is_dir():
        captures = archive.warc_dir(target) if archive.warc_dir(target).is_dir() else target
        found = list(fixity.check_warcs(captures, checked))
        for wacz in sorted(target.glob("*.wacz")):
            found += fixity.check_wacz(wacz, checked)
    else:
        raise ApodError(f"{target}: no such directory or .wacz file")
    if not checked.files:
        raise ApodError(f"no captures at {target} (no .warc.gz in {target}/warc, no .wacz)")
    for problem in found:
        print(problem)
    print(
        f"{_count(checked.files, 'file')} of captures, {_count(checked.records, 'record')}"
        f" and entries, {_count(len(found), 'problem')}"
    )
    return 1 if found else 0


def catalog_problems(directory: str, broken: set[Path]) -> list[tuple[Path, str]]:
    """Where the catalog and the files disagree (catalog.disagreements), the files that do
    not read (`broken`) passed over; a catalog that is not there or cannot be used."""
    path = catalog.catalog_path(directory)
    if not path.exists() and not archive.archive_files(directory):
        return []  # an empty archive
    try:
        db = catalog.open_readonly(directory)
    except ApodError as error:
        return [(path, str(error).removeprefix(f"{path} "))]
    try:
        with catalog.read_errors_said(directory):
            return list(catalog.disagreements(db, directory, broken))
    except ApodError as error:
        return [(path, str(error).removeprefix(f"{path} "))]
    finally:
        db.close()


def damaged_at_source(directory: str) -> set[dt.date]:
    """The days the catalog says were damaged at the source (none without a usable one:
    catalog_problems says why)."""
    try:
        db = catalog.open_readonly(directory)
    except ApodError:
        return set()
    try:
        query = "SELECT date FROM days WHERE source_damaged"
        return {dt.date.fromisoformat(date) for (date,) in db.execute(query)}
    except sqlite3.DatabaseError:
        return set()  # catalog_problems says what is wrong with it
    finally:
        db.close()


def problems(path: Path, source_damaged: bool = False) -> list[str]:
    """What is wrong with one entry of an archive directory, each as a short phrase; a
    U+FFFD is none where the source was damaged (its loss, shown, not ours)."""
    if path.is_symlink():
        return [f"a symlink (to {os.readlink(path)}), not a file the archive made"]
    if TEMPORARY.fullmatch(path.name):
        return ["temporary file left by an interrupted write"]
    day = day_of_name(path.name)
    if day is None or not path.is_file():
        return ["not an archive file (apYYMMDD.txt)"]
    try:
        text = archive.read_text(path)
    except ApodError as error:
        return [str(error)]
    found = _byte_problems(text)
    # Read on past the byte problems already reported, so that each is reported once.
    text = text.removeprefix(BOM).replace("\r\n", "\n")
    try:
        metadata, body = archive.read_front_matter(text)
    except ApodError as error:
        return [*found, str(error)]
    if list(metadata) != list(archive.FIELDS):
        keys, wanted = ", ".join(metadata), ", ".join(archive.FIELDS)
        found.append(f"front matter keys are {keys}; FORMAT.md has {wanted}, in this order")
    elif not found:
        found += _rendering_problems(text, metadata, body)
    found += _date_problems(day, metadata)
    found += _field_problems(metadata, body)
    content = json.dumps(metadata, ensure_ascii=False) + body  # escaped or not in the file
    found += [
        message
        for marker, message in MOJIBAKE.items()
        if marker in content and not (source_damaged and marker == "\ufffd")
    ]
    return found


def _byte_problems(text: str) -> list[str]:
    found = []
    if text.startswith(BOM):
        found.append("starts with a byte-order mark")
    if "\r" in text:
        found.append("has \\r line ends (FORMAT.md uses \\n)")
    if not text.endswith("\n"):
        found.append("does not end with \\n")
    elif text.endswith("\n\n"):
        found.append("ends with more than one \\n")
    return found


def _rendering_problems(text: str, metadata: dict[str, Any], body: str) -> list[str]:
    expected = compose({key: metadata[key] for key in archive.FIELDS}, body)
    if text == expected:
        return []
    at = next(i for i, (a, b) in enumerate(zip_longest(text, expected)) if a != b)
    line, column = text.count("\n", 0, at) + 1, at - text.rfind("\n", 0, at)
    return [
        f"differs from FORMAT.md's rendering at line {line}, column {column}:"
        f" {text[at : at + 30]!r}, expected {expected[at : at + 30]!r}"
    ]


def _date_problems(day: dt.date, metadata: dict[str, Any]) -> list[str]:
    found = []
    if not days.FIRST_DAY <= day <= days.today_eastern():
        found.append(f"{day} is not an APOD day ({days.FIRST_DAY} to today)")
    if "canonicalUrl" not in metadata:
        return found
    url, expected = metadata["canonicalUrl"], days.canonical_url(day)
    named = days.day_in_name(url) if isinstance(url, str) else None
    if named is not None and named != day:
        found.append(f"canonicalUrl names {named}, the file name {day}")
    elif url != expected:
        found.append(f"canonicalUrl is {url!r}, not {expected}")
    return found


def _field_problems(metadata: dict[str, Any], body: str) -> list[str]:
    found = []
    if "title" in metadata:
        title = metadata["title"]
        if not isinstance(title, str) or not title.strip():
            found.append("title is empty")
        elif title != collapse(title):
            found.append("title has untrimmed or repeated whitespace")
    image = metadata.get("imageUrl")
    if image is not None and not is_absolute(image, MEDIA_SCHEMES):
        found.append(f"imageUrl {image!r} is not an absolute http(s) URL")
    credit = metadata.get("credit", [])
    if not isinstance(credit, list) or not all(isinstance(line, str) for line in credit):
        found.append("credit is not a list of strings")
        credit = []
    for number, line in enumerate(credit, 1):
        if line != collapse(line):
            found.append(f"credit line {number} has untrimmed or repeated whitespace")
        found += _link_problems(f"credit line {number}", line)
    for number, paragraph in enumerate(body.split("\n\n") if body else [], 1):
        if not paragraph or paragraph != collapse(paragraph):
            found.append(f"body paragraph {number} is not one line with single spaces")
    found += _link_problems("body", body)
    found += [f"body holds {leak!r} from the page around it" for leak in LEAKS if leak in body]
    return found


def _link_problems(where: str, markdown: str) -> list[str]:
    return [
        f"link {url!r} in {where} is not an absolute http(s), ftp, gopher or mailto URL"
        for url in (link.group(2) for link in LINK.finditer(markdown))
        if not is_absolute(url, LINK_SCHEMES)
    ]


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}{'' if number == 1 else 's'}"
