"""`scrapy crawl`, with the exit status cron needs and one-line argument errors."""

from __future__ import annotations

import argparse
import asyncio
import sys
from typing import Any

from scrapy.commands import crawl

from ... import archive
from ...errors import ApodError
from ...plan import ARGUMENTS, parse_arguments, read_settings

EXIT_INCOMPLETE = 1  # a day failed, or the run was interrupted: the next run completes it
EXIT_BAD_ARGUMENTS = 2


class Command(crawl.Command):
    """Scrapy's crawl, plus: wrong spider arguments (a bad date) are one line on stderr and
    exit status 2, before anything starts; a run in which any day failed, or that was
    interrupted, exits 1 (Scrapy itself exits 0 there). The spider's arguments are options
    too (`--start DATE` is `-a start=DATE`), so that -h lists them."""

    def add_options(self, parser: argparse.ArgumentParser) -> None:
        super().add_options(parser)
        spider = parser.add_argument_group(
            "Apod spider arguments", "each also as -a NAME=VALUE (-a start=2025-01-01)"
        )
        for name, (value, meaning) in ARGUMENTS.items():
            spider.add_argument(f"--{name}", metavar=value, dest=f"apod_{name}", help=meaning)

    def process_options(self, args: list[str], opts: argparse.Namespace) -> None:
        opts.spargs += [
            f"{name}={value}"
            for name in ARGUMENTS
            if (value := getattr(opts, f"apod_{name}", None)) is not None
        ]
        super().process_options(args, opts)
        if len(args) != 1:
            return  # run() reports Scrapy's own usage error
        try:  # the project's one spider, apod: its arguments and settings, checked up front
            parse_arguments(opts.spargs)
            settings = read_settings(self.settings)
        except ApodError as error:
            _refuse(error)
        # and the archive held before Scrapy starts: a second run is one line (the crawl's
        # ArchiveLock extension keeps this hold, and lets it go)
        output = self.settings["APOD_OUTPUT_DIR"]
        try:
            archive.lock(output, wait=settings.wait_for_lock)
        except ApodError as error:  # in use by another run, or no archive can be made there
            print(f"error: {error}", file=sys.stderr)
            raise SystemExit(EXIT_INCOMPLETE) from None
        try:  # its old state too (read into the catalog): damaged, one line and the way on
            archive.read_state(output)
        except ApodError as error:
            print(f"error: {error}", file=sys.stderr)
            raise SystemExit(EXIT_INCOMPLETE) from None

    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        if len(args) != 1:
            super().run(args, opts)
            return
        process = self.crawler_process
        assert process is not None
        crawler = self._create_crawler(args[0])
        task = process.crawl(crawler, **opts.spargs)
        process.start()
        error = _error_of(task)
        # the arguments were checked up front: what fails now is the archive (in use by
        # another run, a file where the media folder goes): the run could not be done
        if isinstance(error, ApodError):
            print(f"error: {error}", file=sys.stderr)
            raise SystemExit(EXIT_INCOMPLETE)
        if error is not None:
            raise error
        if process.bootstrap_failed or incomplete(crawler.stats.get_stats()):
            self.exitcode = EXIT_INCOMPLETE


def incomplete(stats: dict[str, Any]) -> bool:
    """Whether a run ended short of its promise: a day failed, it was interrupted (days
    not done), or what it learned could not all be recorded (the next run would not know)."""
    return bool(
        stats.get("apod/failed", 0)
        or stats.get("apod/catalog_failed", 0)
        or stats.get("finish_reason") != "finished"
    )


def _refuse(error: ApodError) -> None:
    print(f"error: {error}", file=sys.stderr)
    raise SystemExit(EXIT_BAD_ARGUMENTS)


def _error_of(task: object) -> BaseException | None:
    # Reading the exception also keeps asyncio from printing it as "never retrieved".
    if isinstance(task, asyncio.Task) and task.done() and not task.cancelled():
        return task.exception()
    return None
