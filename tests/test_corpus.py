"""Every real capture in the shared corpus, against values read off each page by eye
(tests/golden/classic/*.json, reviewed in tests/golden/classic/REVIEW.md)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from apodscrape import NotADayPage, parse_page, render
from apodscrape.archive import read
from apodscrape.days import CANONICAL_BASE
from apodscrape.tools import check

from .conftest import corpus_dir
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

GOLDEN = Path(__file__).resolve().parent / "golden" / "classic"
CAPTURES = sorted(p.stem for p in GOLDEN.glob("*.json"))
SITE_PAGES = sorted(p.name for p in (corpus_dir() / "site").glob("*.html"))

# What a body must never carry: check's rules (labels, teasers, footer, scripts, bad
# decoding), and what the captures show around their explanations.
LEAKS = (*check.LEAKS, *check.MOJIBAKE, "Discuss", "myFunction", "getTime")


def _url_of(stem: str) -> str:
    # Front-page captures are saved as astropix-YYYY-MM-DD; they were served as astropix.html.
    name = "astropix.html" if stem.startswith("astropix") else f"{stem}.html"
    return CANONICAL_BASE + name


@pytest.fixture(params=CAPTURES)
def case(request: pytest.FixtureRequest, corpus: Path) -> tuple[dict, object]:
    expected = json.loads((GOLDEN / f"{request.param}.json").read_text(encoding="utf-8"))
    body = (corpus / "classic" / f"{request.param}.html").read_bytes()
    return expected, parse_page(body, _url_of(request.param))


def test_every_capture_has_a_golden_file(corpus: Path) -> None:
    assert sorted(p.stem for p in (corpus / "classic").glob("*.html")) == CAPTURES


def test_body_is_one_line_per_paragraph(case) -> None:
    _, day = case
    for paragraph in day.explanation.split("\n\n"):
        assert paragraph and "\n" not in paragraph and "  " not in paragraph
        assert paragraph == paragraph.strip()


@pytest.mark.parametrize("leak", LEAKS)
def test_nothing_leaks_into_the_file(case, leak: str) -> None:
    _, day = case
    text = render(day)
    assert leak not in day.explanation
    assert leak not in text


def test_rendered_file_reads_back(case) -> None:
    _, day = case
    text = render(day)
    metadata, body = read(text)
    assert list(metadata) == ["title", "canonicalUrl", "imageUrl", "credit"]
    assert metadata["title"] == day.title and body == day.explanation
    assert text.endswith("\n") and not text.endswith("\n\n")


@pytest.mark.parametrize("name", SITE_PAGES)
def test_site_pages_are_refused(corpus: Path, name: str) -> None:
    with pytest.raises(NotADayPage):
        parse_page((corpus / "site" / name).read_bytes(), CANONICAL_BASE + name)


def test_site_corpus_is_not_empty(corpus: Path) -> None:
    assert len(SITE_PAGES) >= 8


def test_documented_example(spec: Path) -> None:
    body = (spec / "ap250105.reconstructed.html").read_bytes()
    day = parse_page(body, CANONICAL_BASE + "ap250105.html")
    assert render(day).encode("utf-8") == (spec / "ap250105.txt").read_bytes()
