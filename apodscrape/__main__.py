"""python -m apodscrape: the archive's tools that need no crawl.

convert PATH [--url URL]   the archive file of a saved day (classic page or API JSON)
check DIR                  every file of an archive against FORMAT.md, one line a problem
stats DIR [--plot PNG]     days per year and media type, missing days, copyright share
export DIR OUT             the archive as one table: OUT.jsonl, OUT.csv or OUT.parquet
rebuild [--out DIR]        every day's file again from the raw captures (WARC), offline
audit PATH... [--list]     saved classic day pages against a second reading, per year
site ARCHIVE OUT           the archive as a static site in the classic APOD layout
"""

from __future__ import annotations

import argparse
import sys
from importlib import import_module

from .errors import ApodError

# One module a tool under tools/, named for its command.
TOOLS = ("convert", "check", "audit", "stats", "export", "rebuild", "site")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m apodscrape", description=__doc__.split("\n")[0]
    )
    commands = parser.add_subparsers(dest="command", required=True)
    argv = sys.argv[1:] if argv is None else argv
    # Only the tool asked for is imported (site must not load Scrapy, which export does);
    # all of them for help or an unknown command.
    for name in argv[:1] if argv[:1] and argv[0] in TOOLS else TOOLS:
        import_module(f".tools.{name}", __package__).register(commands)
    args = parser.parse_args(argv)
    try:
        return args.run(args)
    except ApodError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
