"""python -m apodscrape: the archive's tools that need no crawl.

convert PATH [--url URL]   the archive file of a saved day page, on stdout
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from . import parse_page, render
from .days import CANONICAL_BASE
from .errors import ApodError


def _convert(args: argparse.Namespace) -> int:
    path = Path(args.path)
    try:
        body = path.read_bytes()
    except OSError as error:
        raise ApodError(f"cannot read {path}: {error.strerror}") from None
    # A saved apYYMMDD.html names its day; its links resolve as on the classic site.
    url = args.url or f"{CANONICAL_BASE}{path.name}"
    text = render(parse_page(body, url))
    sys.stdout.buffer.write(text.encode("utf-8"))
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m apodscrape", description=__doc__.split("\n")[0]
    )
    commands = parser.add_subparsers(dest="command", required=True)
    convert = commands.add_parser("convert", help="print the archive file of a saved day page")
    convert.add_argument("path", help="a saved page (apYYMMDD.html, astropix.html)")
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
