"""The fault table, second round (issue 23): hostile answers, rotten captures, full disks,
killed runs and files planted by someone else, and what the mirror must make of them
(docs/failures.md). On top of the first round's rules (tests/test_faults.py): what `check`
rejects is never written; a day's answer only ever fills the day that was asked; a capture
file read on past a damaged record; nothing written or published through a symlink the
project did not make.

Each row runs the real engine in-process against the one simulator (sitesim) on 127.0.0.1,
or the real command in a subprocess where its exit status and messages are the point."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from apodscrape.tools.check import problems
from sitesim import SiteSim
from sitesim.science import JSON

from .conftest import day_files

DAY = dt.date(2025, 1, 5)
PAGE = f"/apod/ap{DAY:%y%m%d}.html"
API_DAY = f"/science/wp-json/wp/v2/apod-basic/{DAY:%y%m%d}"
OUTCOMES = ("written", "unchanged", "skipped", "missing", "failed")
# Addresses no day file may hold as its media, nor take as the base of its links.
BAD_MEDIA = {
    "file": "file:///etc/passwd",
    "javascript": "javascript:alert(1)",
    "data": "data:image/png;base64,iVBORw0KGgo=",
    "ftp": "ftp://ftp.example.org/sky_big.jpg",
    "about": "about:blank",
    "blob": "blob:https://example.org/0f1e",
}
# Links a day's text keeps as text only (ftp: and gopher: are real links of real pages).
BAD_LINKS = {name: BAD_MEDIA[name] for name in ("file", "javascript", "data", "about", "blob")}


@dataclass
class Hostile:
    """One row: what the site does, how the run is asked, and what must come of it."""

    setup: Callable[[SiteSim], None]
    arguments: dict[str, str]
    outcome: dict[str, int]  # the outcomes counted (the others must be 0)
    files: list[str]  # the day files the archive has afterwards (each must check clean)
    image_url: str | bool | None = False  # the imageUrl DAY's file must hold (False: any)


def _record(site: SiteSim, **fields: object) -> None:
    """Serve DAY's apod-basic record with `fields` changed (None: left out)."""
    site.publish(DAY, kind="image", slug="sky")
    record = {**site.science_record(DAY), **fields}
    record = {key: value for key, value in record.items() if value is not None}
    site.page(API_DAY, json.dumps(record).encode(), **{"Content-Type": JSON})


def _page_with(old: bytes, new: bytes) -> Callable[[SiteSim], None]:
    def setup(site: SiteSim) -> None:
        site.publish(DAY, kind="image", slug="sky")
        body = site.classic_page(DAY).body
        assert old in body
        site.page(PAGE, body.replace(old, new, 1))

    return setup


def _hdurl(url: str) -> Callable[[SiteSim], None]:
    return lambda site: _record(site, hdurl=url, basic_html=None)


def _javascript_permalink(site: SiteSim) -> None:
    site.publish(DAY, kind="image", slug="sky")
    record = site.science_record(DAY)
    explanation = record["explanation"].replace("https://apod.nasa.gov/apod/ap060220.html",
                                                "ap060220.html")  # fmt: skip
    assert explanation != record["explanation"]
    _record(site, permalink="javascript:alert(1)", explanation=explanation)


CLASSIC = {"dates": str(DAY), "source": "classic"}
SCIENCE = {"dates": str(DAY), "source": "science"}
ROWS = {
    **{
        f"api-hdurl-{name}-is-no-image": Hostile(_hdurl(url), SCIENCE, {"written": 1},
                                                 ["ap250105.txt"], image_url=None)
        for name, url in BAD_MEDIA.items()
    },
    **{
        f"picture-src-{name}-is-no-image": Hostile(
            _page_with(b'SRC="image/2501/sky.jpg"', f'SRC="{url}"'.encode()), CLASSIC,
            {"written": 1}, ["ap250105.txt"], image_url=None)
        for name, url in BAD_MEDIA.items()
    },
    **{
        f"page-link-{name}-stays-text": Hostile(
            _page_with(b'href="ap060220.html"', f'href="{url}"'.encode()), CLASSIC,
            {"written": 1}, ["ap250105.txt"])
        for name, url in BAD_LINKS.items()
    },
    **{
        f"credit-link-{name}-stays-text": Hostile(
            _page_with(b'href="https://astro.example.org/', f'href="{url}#'.encode()), CLASSIC,
            {"written": 1}, ["ap250105.txt"])
        for name, url in BAD_LINKS.items()
    },
    "javascript-permalink-is-no-link-base": Hostile(_javascript_permalink, SCIENCE,
                                                    {"written": 1}, ["ap250105.txt"]),
    "nul-bytes-in-a-page": Hostile(_page_with(b"<b> Explanation: </b>",
                                              b"<b> Expla\x00nation: </b>\x00 Nul\x00 here."),
                                   CLASSIC, {"written": 1}, ["ap250105.txt"]),
    "nul-bytes-in-a-link": Hostile(_page_with(b'href="ap060220.html"', b'href="ap06\x000220.html"'),
                                   CLASSIC, {"written": 1}, ["ap250105.txt"]),
    "escaped-nul-in-a-record": Hostile(lambda site: _record(site, title="Moon\x00rise"),
                                       SCIENCE, {"written": 1}, ["ap250105.txt"]),
}  # fmt: skip


@pytest.mark.parametrize("name", ROWS)
def test_hostile(name: str, site: SiteSim, crawl, tmp_path: Path) -> None:
    row = ROWS[name]
    output = tmp_path / "output"
    row.setup(site)
    result = crawl(site, output, **row.arguments)
    counted = {outcome: result.stats.get(f"apod/{outcome}", 0) for outcome in OUTCOMES}
    assert counted == {outcome: row.outcome.get(outcome, 0) for outcome in OUTCOMES}
    assert day_files(output) == row.files
    for name in row.files:  # what `check` rejects is never written
        assert problems(output / name) == []
        text = (output / name).read_text()
        assert "\x00" not in text and "\\u0000" not in text and "\ufffd" not in text
        for url in BAD_LINKS.values():
            assert url not in text
    if row.image_url is not False:
        front = json.loads((output / "ap250105.txt").read_text().split("---\n")[1])
        assert front["imageUrl"] == row.image_url
