"""The parse of a long crawl in a worker process, so that the crawl's event loop (one core)
only downloads and writes while the other core parses.

parse_page and parse_listing are pure (bytes and an address in, Days or an ApodError out),
so a worker gives exactly what the crawl's own process would: results and exceptions come
back pickled. A worker that dies costs no day: its parse, and every later one, is done in
the crawl's process instead.
"""

from __future__ import annotations

import asyncio
import logging
import multiprocessing
import signal
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import TypeVar

Result = TypeVar("Result")
logger = logging.getLogger(__name__)


class ParsePool:
    """Runs pure functions in `workers` processes, started on the first call, or in this
    process when `workers` is 0 or a worker died."""

    def __init__(self, workers: int) -> None:
        self.workers = workers
        self.executor: ProcessPoolExecutor | None = None
        self.started = False  # the workers were started
        self.broken = False  # a worker died: every parse is done in this process from then on

    async def run(self, function: Callable[..., Result], *args: object) -> Result:
        """function(*args), in a worker process if there is one."""
        if not self.workers or self.broken:
            return function(*args)
        if self.executor is None:
            # spawn, never fork: this process runs Twisted, asyncio and threads
            context = multiprocessing.get_context("spawn")
            self.executor = ProcessPoolExecutor(
                self.workers, mp_context=context, initializer=_ignore_interrupts
            )
            self.started = True
        try:
            return await asyncio.wrap_future(self.executor.submit(function, *args))
        except BrokenProcessPool:
            if not self.broken:
                self.broken = True
                logger.warning("a parse worker died: parsing in the crawl's process from now on")
            return function(*args)

    def close(self) -> None:
        """Stop the workers (waiting for them, so that none outlives the crawl)."""
        if self.executor is not None:
            self.executor.shutdown(wait=True, cancel_futures=True)
            self.executor = None


def _ignore_interrupts() -> None:
    # Ctrl-C reaches the whole process group: the crawl stops cleanly and then stops its
    # workers, which must not die first with a traceback of their own.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
