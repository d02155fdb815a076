"""Worker processes that end with the run that started them: a run killed by SIGKILL or
SIGTERM leaves no worker behind, parsing on, holding the archive's lock it was forked with
(the lock is the flock of an open directory, which every forked worker shares)."""

from __future__ import annotations

import ctypes
import os
import signal
import sys
from collections.abc import Callable
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
