"""The day file, both ways (FORMAT.md): a Day rendered and stored, a file read back
strictly; the names of day files, and the folders an archive keeps beside them."""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, NamedTuple

import frontmatter
from frontmatter.default_handlers import BaseHandler

from .. import days
from ..catalog import CATALOG_NAME  # with SQLite's journal files beside it
from ..errors import ApodError
from ..record import Day
from .files import write_if_changed
from .lock import LOCK_NAME
from .state import STATE_NAME


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
# The front matter's keys, in the order FORMAT.md writes them.
FIELDS = ("title", "canonicalUrl", "imageUrl", "credit")
# Where a crawl keeps its raw captures ({archive}/warc) and downloaded media ({archive}/media).
WARC_DIRNAME, MEDIA_DIRNAME = "warc", "media"
# A run's captures are in `WARC_DIRNAME/apod-<its start, RUN_STAMP>-<pid>-run<its number>.warc.gz`.
RUN_STAMP = "%Y%m%dT%H%M%S%fZ"
_DAY_FILE = re.compile(r"ap(\d{2})(\d{2})(\d{2})\.txt")
WRITTEN, UNCHANGED = "written", "unchanged"


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
    """Front matter and body of an archive file's text (no check of what they hold)."""
    post = frontmatter.loads(text, handler=HANDLER)
    return dict(post.metadata), post.content


def read_text(path: Path, data: bytes | None = None) -> str:
    """The text of an archive file: UTF-8, strictly (`data`: its bytes, when the caller has
    them)."""
    try:
        return (path.read_bytes() if data is None else data).decode("utf-8")
    except OSError as error:
        raise ApodError(f"cannot read: {error.strerror}") from None
    except UnicodeDecodeError as error:
        raise ApodError(f"not UTF-8 (byte {error.start})") from None


def read_front_matter(text: str) -> tuple[dict[str, Any], str]:
    """The front matter and body of an archive file's text; ApodError if there is none."""
    if not HANDLER.detect(text):
        raise ApodError("no front matter: the first line is not ---")
    try:
        metadata, body = read(text)
    except ValueError as error:  # json.JSONDecodeError
        raise ApodError(f"front matter is not JSON: {error}") from None
    if not metadata:
        raise ApodError("no JSON object between the --- lines")
    return metadata, body


def read_day(day: dt.date, path: Path, data: bytes | None = None) -> dict[str, Any]:
    """One day file as a plain record: date, the four keys, explanation; ApodError naming
    the file when it is not what FORMAT.md allows (`data`: its bytes, when the caller has
    them)."""
    try:
        metadata, body = read_front_matter(read_text(path, data))
        missing = [key for key in FIELDS if key not in metadata]
        if missing:
            raise ApodError(f"front matter lacks {', '.join(missing)}")
        if wrong := [key for key in FIELDS if not _TYPES[key](metadata[key])]:
            raise ApodError(f"front matter has a value of the wrong type: {', '.join(wrong)}")
        if metadata["canonicalUrl"] != days.canonical_url(day):
            raise ApodError(f"canonicalUrl {metadata['canonicalUrl']} is not the day {day}")
    except ApodError as error:
        raise ApodError(f"{path}: {error}") from None
    return {"date": day, **{key: metadata[key] for key in FIELDS}, "explanation": body}


# What each key may hold (FORMAT.md): text, the imageUrl null, credit a list of lines.
_TYPES: dict[str, Callable[[Any], bool]] = {
    "title": lambda value: isinstance(value, str),
    "canonicalUrl": lambda value: isinstance(value, str),
    "imageUrl": lambda value: value is None or isinstance(value, str),
    "credit": lambda value: isinstance(value, list) and all(isinstance(v, str) for v in value),
}


def load(path: str | os.PathLike[str]) -> list[dict[str, Any]]:
    """The days of an archive directory as plain dicts, oldest first.

    Each day is a dict with date (a datetime.date), title, canonicalUrl, imageUrl (or None),
    credit (a list of lines) and explanation (the Markdown body). A file that cannot be
    read as FORMAT.md defines raises ApodError; `python -m apodscrape check` lists them all.

        from apodscrape import load

        days = load("output")
        days[-1]["date"], days[-1]["title"]

        import pandas  # optional: apodscrape does not depend on it
        frame = pandas.DataFrame(load("output"))
        frame.groupby(frame["date"].map(lambda day: day.year)).size()
    """
    return list(records(path))


def records(path: str | os.PathLike[str]) -> Iterator[dict[str, Any]]:
    """The days of an archive directory as load() gives them, read one file at a time, so
    that memory does not grow with the archive. The directory is listed at once (ApodError
    now if it cannot be read); each file is read, and may raise ApodError, as it is reached."""
    return (read_day(day, file) for day, file in archive_files(path))


def archive_files(directory: str | os.PathLike[str]) -> list[tuple[dt.date, Path]]:
    """The day files of an archive directory with their days, oldest first. A symlink is
    none (a file the archive did not make: `check` reports it)."""
    try:
        with os.scandir(directory) as listing:  # the entries' types come with their names
            found = [
                (day_of_name(e.name), e.path) for e in listing if e.is_file(follow_symlinks=False)
            ]
    except OSError as error:
        raise ApodError(f"cannot read {directory}: {error.strerror}") from None
    return sorted((day, Path(path)) for day, path in found if day is not None)


def entries(directory: str | os.PathLike[str]) -> list[Path]:
    """Everything in a directory, by name; ApodError if it cannot be read."""
    try:
        # by name: the order of the paths (one folder's), without Path's slower comparison
        return sorted(Path(directory).iterdir(), key=lambda entry: entry.name)
    except OSError as error:
        raise ApodError(f"cannot read {directory}: {error.strerror}") from None


def is_day_entry(path: Path) -> bool:
    """Whether an entry of an archive directory is a day's (or should be): anything but the
    folders of captures and media, the lock, the state, the catalog, and a fresh checkout's
    .gitkeep."""
    if path.is_dir() and path.name in (WARC_DIRNAME, MEDIA_DIRNAME):
        return False
    if path.name.startswith(CATALOG_NAME):  # catalog.sqlite-wal, -shm, .unusable-TIME
        return False
    return path.name not in (LOCK_NAME, STATE_NAME, ".gitkeep")


def warc_dir(directory: str | os.PathLike[str]) -> Path:
    """Where an archive keeps the raw captures of its crawls."""
    return Path(directory) / WARC_DIRNAME


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


class Stored(NamedTuple):
    """What `store` did: WRITTEN or UNCHANGED, and the file's bytes."""

    outcome: str
    data: bytes


def store(directory: str | os.PathLike[str], day: Day, *, sync: bool = True) -> Stored:
    """Write a day's file, unless it already has these bytes.

    An unchanged file is left alone, its modification time too.
    """
    data = render(day).encode("utf-8")
    written = write_if_changed(day_path(directory, day.date), data, sync=sync)
    return Stored(WRITTEN if written else UNCHANGED, data)
