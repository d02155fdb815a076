"""`apodscrape crawl`: the run of `scrapy crawl apod`, from any folder."""

from __future__ import annotations

import argparse
import os

from scrapy.cmdline import execute
from scrapy.commands import ScrapyHelpFormatter
from scrapy.utils.project import get_project_settings

from .commands.crawl import Command

# The project is this package wherever the command runs: no scrapy.cfg is looked for.
SETTINGS_MODULE = f"{__package__}.settings"
DESCRIPTION = (
    "Mirror APOD days into the archive (the setting APOD_OUTPUT_DIR, by default output/ in "
    "the current folder): the run of `scrapy crawl apod`, with its arguments, messages and "
    "exit status, from any folder. Exit status: 0 every day asked for is archived or has no "
    "page; 1 a day failed, the run was interrupted or another run holds the archive; 2 wrong "
    "arguments or settings."
)


def crawl(argv: list[str], prog: str = "apodscrape crawl") -> int:
    """Checks `argv` against the options of `scrapy crawl` (a wrong one: usage and status 2),
    then runs Scrapy's own command line on them, which exits with the crawl's status."""
    os.environ["SCRAPY_SETTINGS_MODULE"] = SETTINGS_MODULE
    command = Command()
    command.settings = get_project_settings()
    parser = argparse.ArgumentParser(
        prog=prog,
        usage=f"{prog} [options]",
        description=DESCRIPTION,
        formatter_class=ScrapyHelpFormatter,
    )
    command.add_options(parser)
    parser.parse_args(argv)
    execute(["scrapy", "crawl", *argv, "apod"])
    return 0  # not reached: execute() exits
