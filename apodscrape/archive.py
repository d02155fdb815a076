"""The archive's file format (FORMAT.md): render a Day, read a file back, write atomically."""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import re
import tempfile
from pathlib import Path
from typing import Any

import frontmatter
from frontmatter.default_handlers import BaseHandler

from . import days
from .record import Day


class ArchiveHandler(BaseHandler):
    """python-frontmatter handler for our files: JSON between `---` lines, indented by 2.

    The stock JSONHandler expects bare `{`…`}` without delimiters and indents by 4.
    """

    FM_BOUNDARY = re.compile(r"^-{3,}\s*$", re.MULTILINE)
    START_DELIMITER = END_DELIMITER = "---"

    def load(self, fm: str, **kwargs: Any) -> Any:
        return json.loads(fm, **kwargs)

    def export(self, metadata: dict[str, object], **kwargs: Any) -> str:
        return json.dumps(metadata, indent=2, ensure_ascii=False)


HANDLER = ArchiveHandler()
_DAY_FILE = re.compile(r"ap(\d{2})(\d{2})(\d{2})\.txt")
# What write_atomic leaves behind when a crash interrupts it.
TEMPORARY = re.compile(r"\.ap\d{6}\.txt\..+\.tmp")

# mkstemp creates files readable by their owner only; archive files get the usual mode.
_UMASK = os.umask(0o022)
os.umask(_UMASK)
_FILE_MODE = 0o666 & ~_UMASK


def front_matter(day: Day) -> dict[str, object]:
    """The four documented keys, in their documented order."""
    return {
        "title": day.title,
        "canonicalUrl": day.canonical_url,
        "imageUrl": day.image_url,
        "credit": day.credit,
    }


def render(day: Day) -> str:
    """The text of a day's archive file, byte for byte as FORMAT.md defines it."""
    return compose(front_matter(day), day.explanation)


def compose(metadata: dict[str, Any], body: str) -> str:
    """An archive file's text from its front matter and body."""
    post = frontmatter.Post(body, handler=HANDLER, **metadata)
    # frontmatter.dumps strips the final newline; the format ends with exactly one.
    return frontmatter.dumps(post, handler=HANDLER) + "\n"


def read(text: str) -> tuple[dict[str, Any], str]:
    """Front matter and body of an archive file's text."""
    post = frontmatter.loads(text, handler=HANDLER)
    return dict(post.metadata), post.content


def day_path(directory: str | os.PathLike[str], day: dt.date) -> Path:
    """Where a day lives in an archive: the name comes only from the validated date."""
    return Path(directory) / f"{days.stem(day)}.txt"


def day_of_name(name: str) -> dt.date | None:
    """The day an archive file holds, by its name (apYYMMDD.txt); None for any other name."""
    match = _DAY_FILE.fullmatch(name)
    if match is None:
        return None
    try:
        return days.from_yymmdd(*match.groups())
    except ValueError:
        return None


def archived_days(directory: str | os.PathLike[str]) -> set[dt.date]:
    """The days an archive directory has a file for (from the file names alone)."""
    with contextlib.suppress(FileNotFoundError), os.scandir(directory) as entries:
        return {day for entry in entries if (day := day_of_name(entry.name)) is not None}
    return set()


def remove_stale_temporaries(directory: str | os.PathLike[str]) -> int:
    """Remove the temporary files of writes a killed run left behind; how many there were."""
    removed = 0
    with contextlib.suppress(FileNotFoundError), os.scandir(directory) as entries:
        for entry in entries:
            if TEMPORARY.fullmatch(entry.name):
                Path(entry.path).unlink(missing_ok=True)
                removed += 1
    return removed


def write_atomic(path: Path, text: str, *, sync: bool = True) -> None:
    """Write a file so that readers and crashes see the old file or the new, never half.

    `sync=False` leaves flushing to the disk to the caller (one os.sync() after a bulk
    rewrite): the rename still makes each file whole or absent.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        os.fchmod(handle, _FILE_MODE)
        with os.fdopen(handle, "wb") as file:
            file.write(text.encode("utf-8"))
            if sync:
                file.flush()
                os.fsync(file.fileno())
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
