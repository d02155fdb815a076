"""Worker processes that end with the run that started them: a run killed by SIGKILL or
SIGTERM leaves no worker behind, parsing on, holding the archive's lock it was forked with
(the lock is the flock of an open directory, which every forked worker shares), and a run
interrupted (Ctrl-C) while it hands them their work does not hang at its exit."""

from __future__ import annotations

import contextlib
import ctypes
import os
import signal
import sys
import threading
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from typing import Any

_PR_SET_PDEATHSIG = 1  # linux/prctl.h


def pool(
    jobs: int, initializer: Callable[..., Any] | None = None, initargs: tuple[Any, ...] = ()
) -> ProcessPoolExecutor:
    """A ProcessPoolExecutor of `jobs` processes, each killed when this process ends (on
    Linux: prctl's parent-death signal), then set up by `initializer(*initargs)`."""
    return ProcessPoolExecutor(
        jobs, initializer=_start, initargs=(os.getpid(), initializer, initargs)
    )


def _start(parent: int, initializer: Callable[..., Any] | None, initargs: tuple[Any, ...]) -> None:
    if sys.platform.startswith("linux"):
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    if os.getppid() != parent:  # the run ended before the worker could ask for that
        os._exit(1)
    if initializer is not None:
        initializer(*initargs)


def mapped(
    pool: ProcessPoolExecutor, work: Callable[..., Any], *given: Iterable[Any], chunksize: int = 1
) -> Iterator[Any]:
    """pool.map(work, *given, chunksize=chunksize), with Ctrl-C held back while it hands the
    pool every piece of work (Executor.map takes them all at once): interrupted then, the
    pool's manager thread may never start, and Python's exit then waits forever on workers
    that wait for work. The interrupt comes as soon as the work is handed."""
    with _interrupts_held():
        return pool.map(work, *given, chunksize=chunksize)


@contextlib.contextmanager
def _interrupts_held() -> Iterator[None]:
    if threading.current_thread() is not threading.main_thread():
        yield  # only the main thread receives signals
        return
    caught: list[int] = []
    previous = signal.signal(signal.SIGINT, lambda number, frame: caught.append(number))
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)
    if caught:
        signal.raise_signal(signal.SIGINT)  # as it was meant: KeyboardInterrupt by default
