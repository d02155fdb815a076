"""The archive's lock: one run at a time on an archive."""

from __future__ import annotations

import contextlib
import fcntl
import os
from pathlib import Path

from ..errors import ApodError, ArchiveLocked
from .files import read_own, write_atomic

# The file that names the run holding the archive (its pid): only a name for messages.
LOCK_NAME = ".apodscrape.lock"


class Hold:
    """An archive held by this process: the flock of its directory, until closed."""

    def __init__(self, fd: int) -> None:
        self._fd = fd
        self.closed = False

    def fileno(self) -> int:
        return self._fd

    def close(self) -> None:
        if not self.closed:
            self.closed = True
            os.close(self._fd)

    def __enter__(self) -> Hold:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def lock(directory: str | os.PathLike[str], *, wait: bool = False) -> Hold:
    """Hold the archive for one run: the flock of its directory, which lasts until the hold
    is closed (or the process ends, however it ends). ArchiveLocked if another run holds it,
    unless `wait`, which waits for that run to end; ApodError if the directory cannot be
    made or opened. Within one process the same hold is given again (`scrapy crawl` takes
    it before Scrapy starts, the crawl's ArchiveLock extension keeps it).

    The directory, not a file in it, is what is locked: a lock file can be deleted or
    replaced by a symlink under a run that holds it; the directory cannot. The pid is
    written beside (`.apodscrape.lock`, replaced by a rename, never written through a
    symlink), where the archive can be written: a read-only archive is held all the same."""
    path = Path(directory)
    if path.exists() and not path.is_dir():
        raise ApodError(f"cannot use {directory} as an archive: it is not a directory")
    try:
        path.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
    except OSError as error:
        raise ApodError(f"cannot use {directory} as an archive: {error.strerror}") from None
    key = os.fstat(fd)[1:3]  # the directory itself (inode, device), by whatever name
    held = _HELD.get(key)
    if held is not None and not held.closed:
        os.close(fd)
        return held
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
    except BlockingIOError:
        os.close(fd)
        raise ArchiveLocked(f"{directory} is in use by another run (pid {_holder(path)})") from None
    with contextlib.suppress(OSError):  # a read-only archive: no name for messages
        write_atomic(path / LOCK_NAME, f"{os.getpid()}\n", sync=False)
    _HELD[key] = hold = Hold(fd)
    return hold


def _holder(directory: Path) -> str:
    """The pid the holder wrote, as far as it can be read (never through a symlink)."""
    written = b""
    with contextlib.suppress(OSError):
        written = read_own(directory / LOCK_NAME) or b""
    holder = written[:32].decode("ascii", "replace").strip()
    return holder if holder.isdigit() else "unknown"


_HELD: dict[tuple[int, int], Hold] = {}  # the archives this process holds, by directory
