"""A small archive for the site tests: each kind of media, a gap, a downloaded picture, links
between days, and a day whose every field tries to smuggle in a script."""

from __future__ import annotations

import contextlib
import struct
import zlib
from pathlib import Path

from apodscrape import catalog

from .archives import a_day, write_days

# The days of small_archive, oldest first (2025-01-04 is a gap).
DAYS = ["ap241231", "ap250101", "ap250102", "ap250103", "ap250105", "ap250106", "ap250107"]
# A word only the explanation of 2025-01-02 has, for the search.
RARE_WORD = "zyxwonder"
HOSTILE = "2025-01-06"
# What the hostile day's script would set, were it ever run.
PWNED = "window.pwned"


def png(width: int = 4, height: int = 3) -> bytes:
    """A real PNG picture (grey), small."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    rows = b"".join(b"\x00" + b"\x80" * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return b"".join(
        [b"\x89PNG\r\n\x1a\n", chunk(b"IHDR", header), chunk(b"IDAT", zlib.compress(rows)),
         chunk(b"IEND", b"")]
    )  # fmt: skip


def small_archive(directory: Path) -> Path:
    """Seven days, 2024-12-31 to 2025-01-07 without 2025-01-04."""
    days = [
        a_day("2024-12-31", title="Last Night of the Year"),
        a_day(
            "2025-01-01",
            title="First Light of the Year",
            explanation="Fireworks and a [planet](https://en.wikipedia.org/wiki/Venus).",
        ),
        a_day(
            "2025-01-02",
            title="A Nebula Nearby",
            credit=[
                "Image Credit: [Observatory](https://observatory.example/)",
                "Processing: A. Person",
            ],
            explanation=(
                f"This {RARE_WORD} glows at 10<sup>4</sup> K. See "
                "[yesterday](https://apod.nasa.gov/apod/ap250101.html) and "
                "[a day not mirrored](https://apod.nasa.gov/apod/ap240101.html).\n\n"
                "A second paragraph about hydrogen."
            ),
        ),
        a_day(
            "2025-01-03",
            title="A Launch on Video",
            media_type="video",
            image_url="https://www.youtube.com/embed/B1R3dTdcpSU?rel=0",
        ),
        a_day(
            "2025-01-05",
            title="A Downloaded Picture",
            image_url="https://apod.nasa.gov/apod/image/2501/picture.png",
        ),
        a_day(
            HOSTILE,
            title=f"<script>{PWNED}=1</script> Evil <img src=x onerror={PWNED}=1>",
            image_url=f"javascript:{PWNED}=1",
            credit=[
                f'Credit: [x](javascript:{PWNED}=1) <img src=x onerror="{PWNED}=1">',
                f"<script>{PWNED}=1</script>",
            ],
            explanation=(
                f"<script>{PWNED}=1</script> [click](javascript:{PWNED}=1) "
                f"[data](data:text/html,<script>{PWNED}=1</script>) "
                f'<iframe src="javascript:{PWNED}=1"></iframe> '
                f'<a href="javascript:{PWNED}=1">a</a> '
                f'<svg onload="{PWNED}=1"></svg> ![p](javascript:{PWNED}=1)'
            ),
        ),
        a_day(
            "2025-01-07",
            title="A Video File",
            media_type="video",
            image_url="https://apod.nasa.gov/apod/image/2501/launch.mp4",
            explanation="",
        ),
    ]
    write_days(directory, days)
    stored = directory / "media" / "ap250105"
    stored.mkdir(parents=True)
    (stored / "picture.png").write_bytes(png())
    return directory


# In rich_archive: days of January 2024 (the same dates as the small archive's January 2025),
# each about a comet, every other one with its picture downloaded.
RICH_DAYS = 25


def rich_archive(directory: Path) -> Path:
    """small_archive, RICH_DAYS days from 2024-01-01 on that each mention a comet and its
    tail, the odd ones with a downloaded picture (larger than a thumbnail), and three days
    in February 2024 about a long tail."""
    small_archive(directory)
    days = [
        a_day(
            f"2024-01-{n:02d}",
            title=f"Comet Number {n}",
            image_url=f"https://apod.nasa.gov/apod/image/2401/comet{n}.png",
            explanation=f"The comet number {n} of the month, its tail long. " * (1 + n % 3),
        )
        for n in range(1, RICH_DAYS + 1)
    ]
    long_tails = [
        a_day(
            f"2024-02-{n:02d}",
            title=f"The Long Tail {n}",
            explanation="A long tail, a tail of dust; the tail of a tail. " * 3,
        )
        for n in range(1, 4)
    ]  # each has "tail" in its title, many times, but no comet: listed after the comets
    write_days(directory, days + long_tails)
    for n in range(1, RICH_DAYS + 1, 2):
        stored = directory / "media" / f"ap2401{n:02d}"
        stored.mkdir(parents=True)
        (stored / f"comet{n}.png").write_bytes(png(400, 300))
    return directory


def describe(archive: Path, alts: dict[str, str | None]) -> None:
    """The archive's catalog, built from its day files, with these days' descriptions of
    their pictures (as the pages' alt text gives them)."""
    db = catalog.open_catalog(archive)
    with contextlib.closing(db):
        catalog.build(db, archive)
        with catalog.transaction(db):
            db.executemany("UPDATE days SET alt = ? WHERE date = ?", [
                (alt, date) for date, alt in alts.items()
            ])  # fmt: skip
