"""convert PATH [--url URL]: the archive file of a saved day (classic page or API JSON)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .. import parse_page, render
from ..days import CANONICAL_BASE, day_in_name
from ..errors import ApodError
from ..parse import science


def arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "path", help="a saved page (apYYMMDD.html, astropix.html, apod-basic-YYMMDD.json)"
    )
    parser.add_argument("--url", help="the address it was saved from (default: from its name)")


def run(args: argparse.Namespace) -> int:
    path = Path(args.path)
    try:
        body = path.read_bytes()
    except OSError as error:
        raise ApodError(f"cannot read {path}: {error.strerror}") from None
    try:
        text = render(parse_page(body, args.url or url_of(path)))
    except ApodError as error:
        raise ApodError(f"{path}: {error}") from None
    sys.stdout.buffer.write(text.encode("utf-8"))
    return 0


def url_of(path: Path) -> str:
    """Where a saved file came from, by its name: apod-basic-YYMMDD.json from the API,
    anything else (apYYMMDD.html, astropix.html) from the classic site."""
    day = day_in_name(path.name)
    if path.suffix == ".json" and day is not None:
        return science.day_url(science.SCIENCE_BASE, day)
    return f"{CANONICAL_BASE}{path.name}"
