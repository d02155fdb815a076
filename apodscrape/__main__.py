"""python -m apodscrape: the archive's tools that need no crawl.

convert PATH [--url URL]   the archive file of a saved day (classic page or API JSON)
rebuild [--out DIR]        every day's file again from the raw captures (WARC), offline
"""

from __future__ import annotations

import argparse
import sys

from .errors import ApodError
from .tools import convert, rebuild

TOOLS = (convert, rebuild)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m apodscrape", description=__doc__.split("\n")[0]
    )
    commands = parser.add_subparsers(dest="command", required=True)
    for tool in TOOLS:
        tool.register(commands)
    args = parser.parse_args(argv)
    try:
        return args.run(args)
    except ApodError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
