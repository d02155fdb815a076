"""A synthetic archive at the real one's scale: python -m bench.synthetic OUT [--days N]

Day files as the spider writes them (apodscrape.render), from 1995-06-16 on, skipping the
archive's known gaps: Zipf-distributed words from a made-up vocabulary of the real one's size,
links to other days and to the web, <sup>/<sub>, credit lines, and the real mix of media
(pictures, YouTube embeds, video files, days without media). Seeded: the same every time.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import itertools
import random
import sys
from collections.abc import Iterator
from pathlib import Path

from apodscrape import Day, catalog, load, render
from apodscrape.days import FIRST_DAY, KNOWN_GAPS, canonical_url, stem

DAYS = 11_500
VOCABULARY = 60_000  # distinct words of about 11,500 real explanations
_SYLLABLES = [c + v for c in "bcdfghklmnprstvz" for v in ("a", "e", "i", "o", "u", "ar", "on")]


def archive_days(count: int = DAYS) -> list[dt.date]:
    """The first `count` days of APOD, known gaps left out."""
    days = (FIRST_DAY + dt.timedelta(days=n) for n in itertools.count())
    return list(itertools.islice((d for d in days if d not in KNOWN_GAPS), count))


def synthetic_days(count: int = DAYS, seed: int = 2026) -> Iterator[Day]:
    """`count` days of made-up content, oldest first."""
    rng = random.Random(seed)
    words = _vocabulary(rng)
    weights = list(itertools.accumulate(1 / (rank + 1) for rank in range(len(words))))
    dates = archive_days(count)
    for index, date in enumerate(dates):

        def text(n: int) -> list[str]:
            return rng.choices(words, cum_weights=weights, k=n)

        yield Day(
            date=date,
            title=" ".join(text(rng.randint(2, 6))).title(),
            canonical_url=canonical_url(date),
            media_type="image",
            image_url=_media(rng, date),
            hd_image_url=None,
            credit=_credit(rng, text),
            explanation=_explanation(rng, text, dates[:index]),
        )


def write_archive(directory: Path, count: int = DAYS, seed: int = 2026) -> list[dt.date]:
    """An archive directory of `count` synthetic days; returns their dates."""
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for day in synthetic_days(count, seed):
        (directory / f"{stem(day.date)}.txt").write_text(render(day), encoding="utf-8")
        written.append(day.date)
    return written


def cron_change(directory: Path, count: int = DAYS, seed: int = 2026) -> list[dt.date]:
    """What a cron crawl writes into an archive of `count` synthetic days: its newest day
    corrected, and two new days. Returns the three dates."""
    *_, newest, first, second = synthetic_days(count + 2, seed)
    newest.title += " (corrected)"
    for day in (newest, first, second):
        (directory / f"{stem(day.date)}.txt").write_text(render(day), encoding="utf-8")
    return [newest.date, first.date, second.date]


def catalogue(directory: Path) -> None:
    """What a crawl leaves in the archive's catalog: a row for each day file that is new or
    changed (catalog.mend, as after a crash)."""
    db = catalog.open_catalog(directory)
    with contextlib.closing(db):
        catalog.mend(db, directory)


def write_media(directory: Path, dates: list[dt.date], size: tuple[int, int] = (1024, 768)) -> int:
    """A downloaded picture (`-a media=1`'s layout) for each of these days, as a picture day's
    imageUrl names it: one JPEG of APOD's usual size, hard-linked under each day (the bytes
    are the same, the decoding is not). Returns how many were stored."""
    from io import BytesIO

    from PIL import Image

    data = BytesIO()
    noise = Image.effect_noise(size, 64).convert("RGB")
    noise.save(data, "JPEG", quality=85)
    first: Path | None = None
    stored = 0
    for date in dates:
        target = directory / "media" / stem(date) / f"{stem(date)}_1024.jpg"
        target.parent.mkdir(parents=True, exist_ok=True)
        if first is None:
            target.write_bytes(data.getvalue())
            first = target
        else:
            target.hardlink_to(first)
        stored += 1
    return stored


def picture_days(directory: Path) -> list[dt.date]:
    """The days of an archive whose media is a picture (the ones with a .jpg imageUrl)."""
    return [day["date"] for day in load(directory) if (day["imageUrl"] or "").endswith(".jpg")]


def _vocabulary(rng: random.Random) -> list[str]:
    seen: set[str] = set()
    while len(seen) < VOCABULARY:
        seen.add("".join(rng.choices(_SYLLABLES, k=rng.choice((1, 2, 2, 3, 3, 3, 4)))))
    ordered = sorted(seen)
    rng.shuffle(ordered)
    return ordered


def _media(rng: random.Random, date: dt.date) -> str | None:
    roll = rng.random()
    if roll < 0.84:
        return f"https://apod.nasa.gov/apod/image/{date:%y%m}/{stem(date)}_1024.jpg"
    if roll < 0.95:
        return f"https://www.youtube.com/embed/{stem(date)}abcde?rel=0"
    if roll < 0.98:
        return f"https://apod.nasa.gov/apod/image/{date:%y%m}/{stem(date)}.mp4"
    return None


def _credit(rng: random.Random, text) -> list[str]:  # type: ignore[no-untyped-def]
    names = ", ".join(
        f"[{' '.join(text(2)).title()}](https://example.org/{name})"
        for name in text(rng.randint(1, 3))
    )
    lines = [f"Image Credit & Copyright: {names}"]
    if rng.random() < 0.3:
        lines.append(f"Processing: {' '.join(text(2)).title()}")
    return lines


def _explanation(rng: random.Random, text, earlier: list[dt.date]) -> str:  # type: ignore[no-untyped-def]
    paragraphs = []
    for _ in range(rng.choice((1, 1, 1, 2))):
        sentences = []
        for _ in range(rng.randint(5, 9)):
            words = text(rng.randint(8, 22))
            for _ in range(rng.randint(0, 3)):
                at = rng.randrange(len(words))
                if earlier and rng.random() < 0.5:
                    target = canonical_url(rng.choice(earlier))
                else:
                    target = f"https://en.wikipedia.org/wiki/{words[at].title()}"
                words[at] = f"[{words[at]}]({target})"
            if rng.random() < 0.05:
                words.append("10<sup>6</sup> K")
            sentences.append(" ".join(words).capitalize() + ".")
        paragraphs.append(" ".join(sentences))
    return "\n\n".join(paragraphs)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.synthetic", description=__doc__)
    parser.add_argument("out", type=Path, help="the archive directory to write")
    parser.add_argument("--days", type=int, default=DAYS, help=f"how many days ({DAYS:,})")
    args = parser.parse_args(argv)
    dates = write_archive(args.out, args.days)
    print(f"{len(dates):,} days written to {args.out} ({dates[0]}..{dates[-1]})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
