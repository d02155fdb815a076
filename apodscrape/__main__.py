"""python -m apodscrape: the archive's tools that need no crawl.

convert PATH [--url URL]   the archive file of a saved day page, on stdout
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from . import parse_page, render, science
from .days import CANONICAL_BASE, day_in_name
from .errors import ApodError


def _convert(args: argparse.Namespace) -> int:
    path = Path(args.path)
    try:
        body = path.read_bytes()
    except OSError as error:
        raise ApodError(f"cannot read {path}: {error.strerror}") from None
    url = args.url or _url_of(path)
    text = render(parse_page(body, url))
    sys.stdout.buffer.write(text.encode("utf-8"))
    return 0


def _url_of(path: Path) -> str:
    """Where a saved file came from, by its name: apod-basic-YYMMDD.json from the API,
    anything else (apYYMMDD.html, astropix.html) from the classic site."""
    day = day_in_name(path.name)
    if path.suffix == ".json" and day is not None:
        return science.day_url(science.SCIENCE_BASE, day)
    return f"{CANONICAL_BASE}{path.name}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m apodscrape", description=__doc__.split("\n")[0]
    )
    commands = parser.add_subparsers(dest="command", required=True)
    convert = commands.add_parser("convert", help="print the archive file of a saved day page")
    convert.add_argument(
        "path", help="a saved page (apYYMMDD.html, astropix.html, apod-basic-YYMMDD.json)"
    )
    convert.add_argument("--url", help="the address it was saved from (default: from its name)")
    convert.set_defaults(run=_convert)
    args = parser.parse_args(argv)
    try:
        return args.run(args)
    except ApodError as error:
        print(f"error: {args.path}: {error}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
