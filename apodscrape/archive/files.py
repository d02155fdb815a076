"""Files written atomically, for every part of the project that writes: a temporary
beside the file (`.NAME.RANDOM.tmp`, made with O_EXCL and O_NOFOLLOW, written through the
descriptor that made it), then a rename. A symlink in the file's place is replaced by the
rename, never written through."""

from __future__ import annotations

import contextlib
import fcntl
import glob
import os
import secrets
import stat
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path


def write_if_changed(path: Path, data: str | bytes, *, sync: bool = True) -> bool:
    """write_atomic, unless the file already holds these bytes; whether it was written."""
    payload = data.encode("utf-8") if isinstance(data, str) else data
    if read_own(path) == payload:
        return False
    write_atomic(path, payload, sync=sync)
    return True


def read_own(path: Path) -> bytes | None:
    """The bytes of a regular file, None when there is none (or a symlink is in its place:
    a file the project did not make)."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_CLOEXEC | os.O_NONBLOCK)
    except OSError:  # none, a symlink (ELOOP), or not readable: written anew
        return None
    with os.fdopen(fd, "rb") as file:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            return None
        return file.read()


def write_atomic(path: Path, data: str | bytes, *, sync: bool = True) -> None:
    """Write a file so that readers and crashes see the old file or the new, never half.

    `sync=False` leaves flushing to the disk to the caller (one os.sync() after a bulk
    rewrite): the rename still makes each file whole or absent.
    """
    payload = data.encode("utf-8") if isinstance(data, str) else data
    write_chunks_atomic(path, [payload], sync=sync)


def write_chunks_atomic(path: Path, chunks: Iterable[bytes], *, sync: bool = True) -> None:
    """write_atomic of the bytes `chunks` gives, written as they come: a large file (an
    export) never has to be whole in memory."""
    with _beside(path) as (held, _), open(held, "wb", closefd=False) as file:
        for chunk in chunks:
            file.write(chunk)
        if sync:
            file.flush()
            os.fsync(held)


def replace_atomic(path: Path, write: Callable[[Path], None]) -> None:
    """Have `write` fill a new temporary file beside `path`, then rename it over `path`."""
    with _beside(path) as (_, temporary):
        write(temporary)


_CREATE = os.O_CREAT | os.O_EXCL | os.O_WRONLY | os.O_NOFOLLOW | os.O_CLOEXEC


@contextlib.contextmanager
def _beside(path: Path) -> Iterator[tuple[int, Path]]:
    """A new temporary file beside `path` (its descriptor, locked, and its path), renamed
    over `path` when the block ends, removed if it raises. It is made with the usual mode
    (0666 less the umask, as any new file) and named `.NAME.RANDOM.tmp`, so that a killed
    run's leftovers are recognised; the folder is made if it is not there."""
    while True:
        temporary = path.with_name(f".{path.name}.{secrets.token_hex(4)}.tmp")
        try:
            held = os.open(temporary, _CREATE, 0o666)
            break
        except FileExistsError:
            continue
        except (FileNotFoundError, NotADirectoryError):  # the folder, or the error naming it
            path.parent.mkdir(parents=True, exist_ok=True)
    try:
        fcntl.flock(held, fcntl.LOCK_EX)  # in use: remove_leftovers passes it over
        yield held, temporary
        os.replace(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    finally:
        os.close(held)


def remove_leftovers(path: Path) -> int:
    """Remove the temporaries that killed writes of `path` left beside it (`.NAME.*.tmp`
    that no writer holds); how many there were."""
    removed = 0
    for temporary in path.parent.glob(f".{glob.escape(path.name)}.*.tmp"):
        try:
            fd = os.open(temporary, os.O_RDONLY | os.O_NOFOLLOW | os.O_CLOEXEC | os.O_NONBLOCK)
        except OSError:
            continue
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            continue  # a write under way
        finally:
            os.close(fd)
        temporary.unlink(missing_ok=True)
        removed += 1
    return removed
