"""Days sampled across every era of the archive (../shared/corpus/archive), against values
read off each page by eye (tests/golden/archive/*.json, reviewed in its REVIEW.md)."""

from __future__ import annotations

import json
import tarfile
from pathlib import Path

import pytest

from apodscrape import Day, parse_page
from apodscrape.days import CANONICAL_BASE

from .golden_fields import (  # noqa: F401 (collected here, with this module's case)
    test_alt,
    test_body_end,
    test_body_start,
    test_canonical_url,
    test_classic_page_gives_no_permalink,
    test_credit,
    test_date,
    test_hd_image_url,
    test_image_url,
    test_keywords,
    test_media_type,
    test_paragraphs,
    test_source_not_damaged,
    test_title,
)

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


def test_verse_lines(case) -> None:
    expected, day = case
    lines = [line for line in day.explanation.split("\n") if line]
    assert len(lines) == expected.get("bodyLines", expected["paragraphs"])
