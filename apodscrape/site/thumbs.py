"""Thumbnails of the pictures the archive holds locally (`-a media=1`), for the lists: the
archive list, the calendar and search results show them; the site never puts a full-size
picture into a list, and a day without a local picture shows none.

OUT/thumbs/apYYMMDD.jpg, made with Pillow at most WIDTH x HEIGHT, never upscaled. A day's
source is its downloaded picture, or for a video day a still downloaded beside the video.
A thumbnail is made again only when its source changed (its size and mtime, kept in the
site's manifest), so an update after a crawl makes only the new days' ones.
"""

from __future__ import annotations

import logging
import os
import warnings
from collections.abc import Iterable
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path

from PIL import Image, ImageOps

from .. import workers
from ..archive import write_atomic
from ..media import media_type
from ..record import IMAGE
from .manifest import fingerprint
from .media import MEDIA_DIR, Media

logger = logging.getLogger(__name__)

DIRNAME = "thumbs"
WIDTH, HEIGHT = 240, 180  # twice the CSS box (120 x 90): sharp on a phone's dense screen
QUALITY = 80
_PARALLEL_FROM = 50  # fewer are made in this process


@dataclass(frozen=True)
class Source:
    """The local picture a day's thumbnail is made of."""

    stem: str
    path: str
    stamp: tuple[int, int]  # (size, mtime_ns)

    def fingerprint(self) -> str:  # the file's name, not its path: a moved archive keeps them
        return fingerprint(os.path.basename(self.path), self.stamp, WIDTH, HEIGHT, QUALITY)


def address(stem: str) -> str:
    """A thumbnail's address, relative to the site's top."""
    return f"{DIRNAME}/{stem}.jpg"


def source_of(stem: str, media: Media | None, archive: Path, files: list[str]) -> Source | None:
    """The day's local picture: the one its page shows, else (a video day) a still stored
    beside its media; None when the archive holds no picture of the day."""
    if media is not None and media.kind == IMAGE and media.local is not None:
        assert media.stamp is not None
        return Source(stem, media.local, media.stamp)
    still = next((name for name in files if media_type(name) == IMAGE), None)
    if still is None:
        return None
    path = archive / MEDIA_DIR / stem / still
    stat = path.stat()
    return Source(stem, str(path), (stat.st_size, stat.st_mtime_ns))


def update(
    out: Path, sources: Iterable[Source], before: dict[str, str], jobs: int
) -> dict[str, str]:
    """Make the thumbnails whose source changed (or whose file is gone), remove those of days
    without a source; the fingerprints of the thumbnails there now: {apYYMMDD: fingerprint}."""
    directory = out / DIRNAME
    directory.mkdir(exist_ok=True)
    present = {name[:-4] for name in os.listdir(directory) if name.endswith(".jpg")}
    wanted = {source.stem: (source, source.fingerprint()) for source in sources}
    stale = [
        source
        for stem, (source, print_) in wanted.items()
        if before.get(stem) != print_ or stem not in present
    ]
    made = set(_make_all(stale, directory, jobs))
    for stem in present - wanted.keys():
        (directory / f"{stem}.jpg").unlink()
    now = {}
    for stem, (_, print_) in wanted.items():
        if stem in made or (stem in present and before.get(stem) == print_):
            now[stem] = print_
        elif stem in present:  # its source changed and cannot be read: no stale picture
            (directory / f"{stem}.jpg").unlink()
    return now


def _make_all(sources: list[Source], directory: Path, jobs: int) -> list[str]:
    """Make these thumbnails (on every core when there are many); the days made."""
    if jobs <= 1 or len(sources) < _PARALLEL_FROM:
        results = [_make(source, directory) for source in sources]
    else:
        with workers.pool(jobs) as pool:
            chunk = max(1, len(sources) // (jobs * 8))
            results = list(
                workers.mapped(pool, _make, sources, [directory] * len(sources), chunksize=chunk)
            )
    return [stem for stem in results if stem is not None]


def _make(source: Source, directory: Path) -> str | None:
    """One thumbnail; the day's stem, or None (and a warning) when the picture cannot be read."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            with Image.open(source.path) as picture:
                picture.draft("RGB", (WIDTH, HEIGHT))  # a JPEG decodes at 1/2 to 1/8 scale
                small = ImageOps.exif_transpose(picture)
                small.thumbnail((WIDTH, HEIGHT), Image.Resampling.LANCZOS)  # never enlarges
                if small.mode != "RGB":
                    small = _on_white(small)
    except (OSError, ValueError, SyntaxError, Image.DecompressionBombError) as error:
        logger.warning("%s: no thumbnail of %s: %s", source.stem, source.path, error)
        return None
    data = BytesIO()
    small.save(data, "JPEG", quality=QUALITY, optimize=True, progressive=True)
    write_atomic(directory / f"{source.stem}.jpg", data.getvalue(), sync=False)
    return source.stem


def _on_white(picture: Image.Image) -> Image.Image:
    """A picture of any mode as RGB, transparency shown on white."""
    rgba = picture.convert("RGBA")
    white = Image.new("RGB", rgba.size, "white")
    white.paste(rgba, mask=rgba.getchannel("A"))
    return white
