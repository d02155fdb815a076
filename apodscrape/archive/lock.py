"""The archive's lock: one run at a time on an archive."""

from __future__ import annotations

import fcntl
import os
from pathlib import Path
from typing import BinaryIO

from ..errors import ArchiveLocked

# The file a run holds the archive by (see lock); it holds the holder's pid.
LOCK_NAME = ".apodscrape.lock"


def lock(directory: str | os.PathLike[str], *, wait: bool = False) -> BinaryIO:
    """Hold the archive for one run: an open lock file whose flock lasts until it is closed
    (or the process ends, however it ends). ArchiveLocked if another run holds it, unless
    `wait`, which waits for that run to end. Within one process the same hold is given
    again (`scrapy crawl` takes it before Scrapy starts, the spider keeps it)."""
    path = (Path(directory) / LOCK_NAME).resolve()
    held = _HELD.get(path)
    if held is not None and not held.closed:
        return held
    path.parent.mkdir(parents=True, exist_ok=True)
    file = path.open("a+b")
    try:
        fcntl.flock(file, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
    except BlockingIOError:
        file.seek(0)
        holder = file.read().decode("ascii", "replace").strip() or "unknown"
        file.close()
        raise ArchiveLocked(f"{directory} is in use by another run (pid {holder})") from None
    file.seek(0)
    file.truncate()
    file.write(f"{os.getpid()}\n".encode("ascii"))
    file.flush()
    _HELD[path] = file
    return file


_HELD: dict[Path, BinaryIO] = {}  # the archives this process holds, by lock file
