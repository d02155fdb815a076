"""apodscrape (or python -m apodscrape): the crawl, and the archive's tools that need no crawl.

crawl [--start DATE ...]   mirror days into the archive: `scrapy crawl apod`, from any folder
convert PATH [--url URL]   the archive file of a saved day (classic page or API JSON)
check DIR                  every file of an archive against FORMAT.md, one line a problem
audit PATH... [--list]     saved classic day pages against a second reading, per year
stats DIR [--plot PNG]     days per year and media type, missing days, copyright share
export DIR OUT             the archive as one table (.jsonl, .csv, .parquet), its card and schema
rebuild [--out DIR]        every day's file again from the raw captures (WARC), offline
site ARCHIVE OUT           the archive as a static site in the classic APOD layout
wacz ARCHIVE OUT.wacz      the raw captures as one WACZ file (ReplayWeb.page, pywb)
serve ARCHIVE              the APOD API (NASA's v1 contract, search) over the archive's catalog
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys

from .errors import ApodError

# One module of apodscrape.tools a command, with `arguments(parser)` and `run(args)`;
# only the one asked for is imported, so that a command loads only what it uses.
TOOLS = {
    "convert": "print the archive file of a saved day",
    "check": "check every file of an archive against FORMAT.md",
    "audit": "check what the parser makes of saved classic day pages, per year",
    "stats": "days per year and media type, missing days, copyright share",
    "export": "write an archive as one table (.jsonl, .csv or .parquet) with its dataset card",
    "rebuild": "rebuild the archive from its raw captures",
    "site": "build (or bring up to date) a static APOD site from an archive",
    "wacz": "package the raw captures as a WACZ web archive (ReplayWeb.page, pywb)",
    "serve": "serve the APOD API (NASA's v1 contract, search, health) from an archive",
}


CRAWL = "mirror days into the archive (the run of `scrapy crawl apod`, from any folder)"


def main(argv: list[str] | None = None) -> int:
    """The `apodscrape` command; its exit status: 0 done, 1 bad input or an incomplete run,
    2 a usage error (no command, an unknown option)."""
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["crawl"]:  # the Scrapy layer, loaded only for a crawl; it parses the rest
        from .crawl.cli import crawl

        return crawl(argv[1:], prog=f"{_prog()} crawl")
    parser = argparse.ArgumentParser(prog=_prog(), description=__doc__.split("\n")[0])
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    commands.add_parser("crawl", help=CRAWL, add_help=False)  # listed here, run above
    asked = next((word for word in argv if not word.startswith("-")), None)
    for name, help in TOOLS.items():
        command = commands.add_parser(name, help=help, description=help)
        if name == asked:
            tool = importlib.import_module(f"{__package__}.tools.{name}")
            tool.arguments(command)
            command.set_defaults(run=tool.run)
    args = parser.parse_args(argv)
    try:
        return args.run(args)
    except ApodError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:  # Ctrl-C: what was written stays whole (atomic writes)
        print("error: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:  # `... | head` stopped reading: no traceback (Python's recipe)
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1
    except OSError as error:  # a read-only disk, a full one, a file where a folder goes
        where = f"{error.filename}: " if error.filename else ""
        print(f"error: {where}{error.strerror or error}", file=sys.stderr)
        return 1


def _prog() -> str:
    """`apodscrape` as the console script, `python -m apodscrape` as a module."""
    name = os.path.basename(sys.argv[0])
    return "python -m apodscrape" if name == "__main__.py" else name or "apodscrape"


if __name__ == "__main__":
    sys.exit(main())
