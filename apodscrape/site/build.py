"""Building the site: the archive read once, the day pages that changed rendered (on every
core when there are many), then the lists, the calendars and the search index."""

from __future__ import annotations

import datetime as dt
import functools
import logging
import os
import re
import shutil
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from importlib.resources import files
from pathlib import Path
from typing import Any

from .. import ApodError, catalog, dataset, load, workers
from ..archive import write_atomic, write_if_changed
from ..days import day_in_name, stem
from ..record import IMAGE
from . import calendar, feed, search, thumbs
from .addresses import ARCHIVE, CALENDARS, INDEX, RANDOM, SEARCH, Listed, linked_days
from .manifest import Manifest, fingerprint, generator
from .media import MEDIA_DIR, downloads, media_of, own_folder
from .pages import DayPage, Pages

logger = logging.getLogger(__name__)

STATIC = ("apod.css", "search.js")
# Fewer pages than this are rendered in this process: starting workers would cost more.
_PARALLEL_FROM = 200
_DAY_PAGE = re.compile(r"ap\d{6}\.html")
_FIELDS = ("date", "title", "credit", "explanation", "imageUrl", "alt")  # what the site shows


@dataclass
class Report:
    """What a run did."""

    days: int
    rendered: list[str]  # the day pages rendered (apYYMMDD)
    removed: list[str]  # the day pages removed: their days left the archive
    written: int  # other files (lists, calendars, search index, static files)
    full: bool  # every page rendered (no usable manifest, or the generator changed)
    seconds: float
    out: Path

    def summary(self) -> str:
        kind = "full build" if self.full else "update"
        return (
            f"site: {self.days:,} days, {len(self.rendered):,} day pages rendered, "
            f"{len(self.removed):,} removed, {self.written:,} other files written "
            f"({kind}, {self.seconds:.1f} s): {self.out / INDEX}"
        )


def build(
    archive: str | os.PathLike[str],
    out: str | os.PathLike[str],
    *,
    jobs: int | None = None,
    full: bool = False,
) -> Report:
    """Build the static site of an archive directory in `out`, or bring it up to date."""
    started = time.perf_counter()
    archive, out = Path(archive), Path(out)
    records = _records(archive)
    if not records:
        raise ApodError(f"{archive}: no day files (apYYMMDD.txt) to build a site from")
    out.mkdir(parents=True, exist_ok=True)
    for folder in ("calendar", search.DIRNAME, f"{search.DIRNAME}/{search.TEXT_DIR}",
                   thumbs.DIRNAME, MEDIA_DIR):  # fmt: skip
        own_folder(out / folder)
    listed = [Listed(r["date"], stem(r["date"]), r["title"] or "") for r in records]
    present = {day.stem for day in listed}
    inputs, sources = _day_pages(records, listed, archive, present)
    texts_now = {page.stem: page.text_fingerprint() for page in inputs}
    prints = {page.stem: page.fingerprint(texts_now[page.stem]) for page in inputs}

    made_by = generator()
    old = None if full else Manifest.read(out)
    thumbed = thumbs.update(out, sources, {} if old is None else old.thumbs, jobs or _cores())
    listed = [day._replace(thumb=thumbs.address(day.stem)) if day.stem in thumbed else day
              for day in listed]  # fmt: skip
    index = search.Index.read(out) if old is not None and old.generator == made_by else None
    fresh = index is None  # no usable previous run: everything anew
    if old is None or fresh:
        old = Manifest(made_by)
    changed = [page for page in inputs if old.days.get(page.stem) != prints[page.stem]]
    removed = sorted(_day_page_names(out) - present)  # days gone from the archive

    pages = Pages(present)
    found = _render(changed, pages, out, jobs or _cores())
    if index is None:
        index = search.Index.build({search.ordinal(day): words for day, words, _ in found})
    else:  # a page rendered again for its neighbours has the same words: the index keeps them
        reworded = [f for f in found if old.texts.get(stem(f[0])) != texts_now[stem(f[0])]]
        gone = [_day(name) for name in removed] + [day for day, _, _ in reworded]
        index.remove(search.ordinal(day) for day in gone if stem(day) in old.days)
        for day, words, _ in reworded:
            index.add(search.ordinal(day), words)
    lengths = {name: old.lengths.get(name, 0) for name in present}
    lengths.update((stem(day), words.total()) for day, words, _ in found)
    texts = {stem(day): text for day, _, text in found}
    for name in removed:
        (out / f"{name}.html").unlink()
        shutil.rmtree(out / MEDIA_DIR / name, ignore_errors=True)

    manifest = Manifest(made_by, prints, thumbs=thumbed, lengths=lengths, texts=texts_now)
    wanted = _other_pages(out, pages, listed, inputs, prints, texts_now, texts)
    written = _write_pages(out, old.pages, manifest.pages, wanted)
    _sweep(out / "calendar", "ca*.html", {name.split("/")[-1] for name in wanted})
    _sweep(out / search.DIRNAME / search.TEXT_DIR, "*.js", {n.split("/")[-1] for n in wanted})
    written += _write_index(out, index, listed, lengths)
    manifest.write(out)
    report = Report(
        len(records), [page.stem for page in changed], removed, written, fresh,
        time.perf_counter() - started, out,
    )  # fmt: skip
    logger.info(report.summary())
    return report


def _records(archive: Path) -> list[dict[str, Any]]:
    """The archive's days, oldest first: its catalog's rows (one query; dataset.rows first
    proves the catalog true of the day files by a stat of each), each with the picture's
    description (`alt`) the day files do not hold. An archive without a usable catalog is
    read from its day files, and its pictures are described by their titles."""
    if not catalog.catalog_path(archive).is_file():
        return load(archive)
    try:
        return list(dataset.rows(archive, _FIELDS))
    except ApodError as error:
        logger.warning("%s; the pictures are described by their titles", error)
        return load(archive)


def _cores() -> int:
    return os.cpu_count() or 1


def _day_pages(
    records: list[dict[str, Any]], listed: list[Listed], archive: Path, present: set[str]
) -> tuple[list[DayPage], list[thumbs.Source]]:
    """Each day's page, and the local pictures there are to make thumbnails of."""
    stored = downloads(archive)
    sources = []
    by_date: dict[tuple[int, int], list[str]] = {}
    for day in listed:
        by_date.setdefault((day.date.month, day.date.day), []).append(day.stem)
    pages = []
    for index, (record, day) in enumerate(zip(records, listed, strict=True)):
        credit = tuple(record["credit"] or ())
        explanation = record["explanation"] or ""
        linked = linked_days("\n".join((explanation, *credit))) & present
        media = media_of(record["imageUrl"], day.stem, archive, stored)
        if day.stem in stored:
            source = thumbs.source_of(day.stem, media, archive, stored[day.stem])
            if source is not None:
                sources.append(source)
        pages.append(
            DayPage(
                date=day.date,
                stem=day.stem,
                title=day.title,
                credit=credit,
                explanation=explanation,
                media=media,
                previous=listed[index - 1].stem if index else None,
                next=listed[index + 1].stem if index + 1 < len(listed) else None,
                linked=tuple(sorted(linked)),
                alt=record.get("alt") or day.title,
                same_day=tuple(by_date[(day.date.month, day.date.day)]),
            )
        )
    return pages, sources


def _day_page_names(out: Path) -> set[str]:
    """The days (apYYMMDD) that have a page in the site."""
    return {name[:-5] for name in os.listdir(out) if _DAY_PAGE.fullmatch(name)}


def _sweep(directory: Path, pattern: str, keep: set[str]) -> None:
    """Remove the files of a directory matching a pattern, but those to keep."""
    for path in directory.glob(pattern):
        if path.name not in keep:
            path.unlink()


def _day(name: str) -> dt.date:
    day = day_in_name(name)
    assert day is not None  # the manifest's names are apYYMMDD
    return day


# --- day pages, rendered here or in worker processes ---------------------------------------


Found = tuple[dt.date, Counter[str], str]  # a day, the words on its page, its text


def _render(batch: list[DayPage], pages: Pages, out: Path, jobs: int) -> list[Found]:
    """Render and write these day pages; each day's date, the words on its page (how often
    each appears) and its explanation's text."""
    if jobs <= 1 or len(batch) < _PARALLEL_FROM:
        return _render_with(pages, out, batch)
    size = max(1, len(batch) // (jobs * 4))
    parts = [batch[i : i + size] for i in range(0, len(batch), size)]
    with workers.pool(jobs, _start_worker, (pages.days, out)) as pool:
        return [found for part in workers.mapped(pool, _render_batch, parts) for found in part]


def _render_with(pages: Pages, out: Path, batch: list[DayPage]) -> list[Found]:
    found = []
    for page in batch:
        rendered = pages.day(page)
        write_atomic(out / f"{page.stem}.html", rendered.html, sync=False)
        if page.media is not None:
            page.media.link(out)
        found.append((page.date, rendered.words, rendered.text))
    return found


_worker: tuple[Pages, Path] | None = None  # in a worker process: what it renders with


def _start_worker(present: set[str], out: Path) -> None:
    global _worker
    _worker = (Pages(present), out)


def _render_batch(batch: list[DayPage]) -> list[Found]:
    assert _worker is not None
    return _render_with(*_worker, batch)


# --- everything else: front page, lists, calendars, search, static files ------------------

Render = Callable[[], str]


def _other_pages(
    out: Path,
    pages: Pages,
    days: list[Listed],
    inputs: list[DayPage],
    prints: dict[str, str],
    text_prints: dict[str, str],
    texts: dict[str, str],
) -> dict[str, tuple[str, Render]]:
    """Every file but the day pages and the search index: name -> (fingerprint, render)."""
    newest = days[-1]
    newest_print = prints[newest.stem]

    def front() -> str:  # astropix.html was the newest day's page; its links work from here
        return (out / newest.page).read_text(encoding="utf-8")

    wanted: dict[str, tuple[str, Render]] = {}
    wanted[INDEX] = wanted["astropix.html"] = (newest_print, front)
    wanted[ARCHIVE] = (fingerprint([d[1:] for d in days]), lambda: pages.archive(days))
    months = calendar.months(days)
    for month in months:
        wanted[month.page] = (fingerprint(month), lambda m=month: pages.month(m))
    years = calendar.years(months)
    wanted[CALENDARS] = (fingerprint(years), lambda: pages.years(years))
    in_feed = inputs[-feed.NEWEST :]
    feeds = functools.cache(lambda: feed.feeds(in_feed, pages.feed_content, _feed_picture))
    feed_print = fingerprint([prints[page.stem] for page in in_feed])
    wanted[feed.RSS] = (feed_print, lambda: feeds()[0])
    wanted[feed.ATOM] = (feed_print, lambda: feeds()[1])
    by_month: dict[str, list[DayPage]] = {}
    for page in inputs:
        by_month.setdefault(page.stem[2:6], []).append(page)
    for month, in_month in by_month.items():

        def text_file(month: str = month, in_month: list[DayPage] = in_month) -> str:
            return search.text_file(
                month, {p.stem[2:]: texts.get(p.stem) or pages.text(p) for p in in_month}
            )

        wanted[f"{search.DIRNAME}/{search.TEXT_DIR}/{month}.js"] = (
            fingerprint([text_prints[p.stem] for p in in_month]),
            text_file,
        )
    wanted[SEARCH] = ("", pages.search)
    wanted[RANDOM] = ("", pages.random)
    static = files("apodscrape.site") / "static"
    for name in STATIC:
        wanted[name] = ("", lambda name=name: (static / name).read_text(encoding="utf-8"))
    return wanted


def _feed_picture(page: DayPage) -> str | None:
    """The picture a feed entry shows: the picture itself (a reader shows one entry at a
    time), local or remote."""
    return page.media.src if page.media is not None and page.media.kind == IMAGE else None


def _write_pages(
    out: Path, before: dict[str, str], now: dict[str, str], wanted: dict[str, tuple[str, Render]]
) -> int:
    """Render and write the pages whose fingerprint changed (or whose file is gone); records
    every fingerprint in `now`; how many files were written."""
    written = 0
    for name, (print_, render) in wanted.items():
        now[name] = print_
        if before.get(name) != print_ or not (out / name).is_file():
            written += write_if_changed(out / name, render(), sync=False)
    return written


def _write_index(
    out: Path, index: search.Index, days: list[Listed], lengths: dict[str, int]
) -> int:
    """days.js and the shards that changed; how many files were written."""
    directory = out / search.DIRNAME
    listing = index.days_file(days, lengths)
    written = int(write_if_changed(directory / search.DAYS_FILE, listing, sync=False))
    for name, text in index.changed_files().items():
        written += write_if_changed(directory / name, text, sync=False)
    _sweep(directory, "*.js", {search.DAYS_FILE, *index.file_names()})
    return written
