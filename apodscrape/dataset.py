"""An archive directory as research data: its days as plain records."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from . import archive, days
from .errors import ApodError
from .record import IMAGE, OTHER, VIDEO

# The front matter's keys, in the order FORMAT.md writes them.
FIELDS = ("title", "canonicalUrl", "imageUrl", "credit")

_VIDEO_HOSTS = ("youtube.com", "youtube-nocookie.com", "youtu.be", "vimeo.com")
_VIDEO_FILES = (".mp4", ".m4v", ".mov", ".webm", ".ogv", ".avi", ".mpg", ".mpeg")
_IMAGE_FILES = (".jpg", ".jpeg", ".png", ".gif", ".tif", ".tiff", ".webp", ".svg", ".bmp")


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
    return [_record(day, file) for day, file in archive_files(path)]


def archive_files(directory: str | os.PathLike[str]) -> list[tuple[dt.date, Path]]:
    """The day files of an archive directory with their days, oldest first."""
    found = ((archive.day_of_name(entry.name), entry) for entry in entries(directory))
    return sorted((day, entry) for day, entry in found if day is not None and entry.is_file())


def entries(directory: str | os.PathLike[str]) -> list[Path]:
    """Everything in a directory, by name."""
    try:
        return sorted(Path(directory).iterdir())
    except OSError as error:
        raise ApodError(f"cannot read {directory}: {error.strerror}") from None


def read_text(path: Path) -> str:
    """The text of an archive file: UTF-8, strictly."""
    try:
        return path.read_bytes().decode("utf-8")
    except OSError as error:
        raise ApodError(f"cannot read: {error.strerror}") from None
    except UnicodeDecodeError as error:
        raise ApodError(f"not UTF-8 (byte {error.start})") from None


def read_front_matter(text: str) -> tuple[dict[str, Any], str]:
    """The front matter and body of an archive file's text, read with the project's handler."""
    if not archive.HANDLER.detect(text):
        raise ApodError("no front matter: the first line is not ---")
    try:
        metadata, body = archive.read(text)
    except ValueError as error:  # json.JSONDecodeError
        raise ApodError(f"front matter is not JSON: {error}") from None
    if not metadata:
        raise ApodError("no JSON object between the --- lines")
    return metadata, body


def media_type(image_url: str | None) -> str:
    """What a day's imageUrl shows: video (an embed or a video file), image, or other."""
    if not image_url:
        return OTHER
    parts = urlsplit(image_url)
    host = parts.hostname or ""
    path = parts.path.lower()
    video_site = any(host == name or host.endswith(f".{name}") for name in _VIDEO_HOSTS)
    if video_site or "/embed/" in path or path.endswith(_VIDEO_FILES):
        return VIDEO
    return IMAGE if path.endswith(_IMAGE_FILES) else OTHER


def _record(day: dt.date, path: Path) -> dict[str, Any]:
    try:
        metadata, body = read_front_matter(read_text(path))
        missing = [key for key in FIELDS if key not in metadata]
        if missing:
            raise ApodError(f"front matter lacks {', '.join(missing)}")
        if metadata["canonicalUrl"] != days.canonical_url(day):
            raise ApodError(f"canonicalUrl {metadata['canonicalUrl']} is not the day {day}")
    except ApodError as error:
        raise ApodError(f"{path}: {error}") from None
    return {"date": day, **{key: metadata[key] for key in FIELDS}, "explanation": body}
