"""The parse of a long crawl in a worker process, so that the crawl's event loop (one core)
only downloads and writes while the other core parses.

parse_page and parse_listing are pure (bytes and an address in, Days or an ApodError out),
so a worker gives exactly what the crawl's own process would: results and exceptions come
back pickled (an exception that cannot be, a bug's, as a RuntimeError that names it, so that
it fails its own call and no other). A worker that dies costs no day: its parse, and every
later one, is done in the crawl's process instead.
"""

from __future__ import annotations

import asyncio
import logging
import multiprocessing
import pickle
import signal
from collections.abc import Callable
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Any, TypeVar

Result = TypeVar("Result")
# a call waiting for its batch: the function, its arguments, and where its outcome goes
_Call = tuple[Callable[..., Any], tuple[Any, ...], "asyncio.Future[tuple[bool, Any]]"]
logger = logging.getLogger(__name__)


class ParsePool:
    """Runs pure functions in `workers` processes, started on the first call, or in this
    process when `workers` is 0 or a worker died.

    The calls made in one turn of the event loop go to a worker together: each submission
    costs the crawl's process a wake-up of the executor's threads, a batch costs one."""

    def __init__(self, workers: int) -> None:
        self.workers = workers
        self.executor: ProcessPoolExecutor | None = None
        self.started = 0  # workers started
        self.broken = False  # a worker died: every parse is done in this process from then on
        self.batch: list[_Call] = []

    async def run(self, function: Callable[..., Result], *args: Any) -> Result:
        """function(*args), in a worker process if there is one."""
        if not self.workers or self.broken:
            return function(*args)
        if self.executor is None:
            # spawn, never fork: this process runs Twisted, asyncio and threads
            context = multiprocessing.get_context("spawn")
            self.executor = ProcessPoolExecutor(
                self.workers, mp_context=context, initializer=_ignore_interrupts
            )
            self.started = self.workers
        loop = asyncio.get_running_loop()
        if not self.batch:
            loop.call_soon(self._submit, loop)
        result: asyncio.Future[tuple[bool, Any]] = loop.create_future()
        self.batch.append((function, args, result))
        try:
            done, value = await result
        except BrokenProcessPool:
            if not self.broken:
                self.broken = True
                logger.warning("a parse worker died: parsing in the crawl's process from now on")
            return function(*args)
        if not done:
            raise value
        return value

    def _submit(self, loop: asyncio.AbstractEventLoop) -> None:
        batch, self.batch = self.batch, []
        calls = [(function, args) for function, args, _ in batch]
        if self.executor is None:  # closed since these calls were made: run them here
            future = Future()
            future.set_result(_run_all(calls))
        else:
            try:
                future = self.executor.submit(_run_all, calls)
            except BrokenProcessPool as error:
                future = Future()
                future.set_exception(error)
        future.add_done_callback(lambda done: loop.call_soon_threadsafe(_deliver, batch, done))

    def close(self) -> None:
        """Stop the workers once they have done what they were given (waiting for them, so
        that none outlives the crawl); later calls run in this process."""
        self.workers = 0
        if self.executor is not None:
            self.executor.shutdown(wait=True)
            self.executor = None


def _run_all(calls: list[tuple[Callable[..., Any], tuple[Any, ...]]]) -> list[tuple[bool, Any]]:
    """In a worker: each call's result, or the exception it raised, in order."""
    outcomes = []
    for function, args in calls:
        try:
            outcomes.append((True, function(*args)))
        except Exception as error:
            outcomes.append((False, _picklable(error)))
    return outcomes


def _picklable(error: Exception) -> Exception:
    """The exception, or one that says the same where it cannot cross to the crawl's
    process: the whole batch's outcomes go back as one, and one unpicklable exception
    would fail every call in it."""
    try:
        pickle.dumps(error)
    except Exception:
        return RuntimeError(f"{type(error).__name__}: {error}")
    return error


def _deliver(batch: list[_Call], done: Future[list[tuple[bool, Any]]]) -> None:
    """Each call of a batch its own outcome, or the batch's failure (a dead worker)."""
    for index, (_, _, result) in enumerate(batch):
        if result.cancelled():
            continue
        if (error := done.exception()) is not None:
            result.set_exception(error)
        else:
            result.set_result(done.result()[index])


def _ignore_interrupts() -> None:
    # Ctrl-C reaches the whole process group: the crawl stops cleanly and then stops its
    # workers, which must not die first with a traceback of their own.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
