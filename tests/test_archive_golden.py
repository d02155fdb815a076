"""Days sampled across every era of the archive (../shared/corpus/archive), against values
read off each page by eye (tests/golden/archive/*.json, reviewed in its REVIEW.md)."""

from __future__ import annotations

import json
import tarfile
from pathlib import Path

import pytest

from apodscrape import Day, parse_page
from apodscrape.days import CANONICAL_BASE

GOLDEN = Path(__file__).resolve().parent / "golden" / "archive"
DAYS = sorted(p.stem for p in GOLDEN.glob("*.json"))


@pytest.fixture(scope="module")
def pages(corpus: Path) -> dict[str, bytes]:
    path = corpus / "archive" / "pages-2026-01.tar.xz"
    if not path.is_file():
        pytest.skip(f"the archive of real pages is not at {path}")
    with tarfile.open(path) as archive:
        return {f"{name}.html": archive.extractfile(f"{name}.html").read() for name in DAYS}


@pytest.fixture(params=DAYS)
def case(request: pytest.FixtureRequest, pages: dict[str, bytes]) -> tuple[dict, Day]:
    expected = json.loads((GOLDEN / f"{request.param}.json").read_text(encoding="utf-8"))
    name = f"{request.param}.html"
    return expected, parse_page(pages[name], CANONICAL_BASE + name)


def test_sample_covers_every_year() -> None:
    years = {json.loads((GOLDEN / f"{d}.json").read_text())["date"][:4] for d in DAYS}
    assert years == {str(year) for year in range(1995, 2027)}
    assert len(DAYS) >= 40


def test_date(case) -> None:
    expected, day = case
    assert day.date.isoformat() == expected["date"]


def test_title(case) -> None:
    expected, day = case
    assert day.title == expected["title"]


def test_media_type(case) -> None:
    expected, day = case
    assert day.media_type == expected["mediaType"]


def test_image_url(case) -> None:
    expected, day = case
    assert day.image_url == expected["imageUrl"]


def test_hd_image_url(case) -> None:
    expected, day = case
    assert day.hd_image_url == expected["hdImageUrl"]


def test_credit(case) -> None:
    expected, day = case
    assert day.credit == expected["credit"]


def test_body_start(case) -> None:
    expected, day = case
    assert day.explanation[:60] == expected["bodyStart"]


def test_body_end(case) -> None:
    expected, day = case
    assert day.explanation[-60:] == expected["bodyEnd"]


def test_paragraphs(case) -> None:
    expected, day = case
    assert len(day.explanation.split("\n\n")) == expected["paragraphs"]


def test_verse_lines(case) -> None:
    expected, day = case
    lines = [line for line in day.explanation.split("\n") if line]
    assert len(lines) == expected.get("bodyLines", expected["paragraphs"])


def test_keywords(case) -> None:
    expected, day = case
    assert day.keywords == expected["keywords"]
