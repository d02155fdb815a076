"""The per-field checks of a parsed day against values read off its page by eye, shared by
the golden sets (tests/golden/classic, tests/golden/archive): a test module imports them and
gives a `case` fixture of (expected values, the parsed Day); a failure names the field."""

from __future__ import annotations

from apodscrape.days import CANONICAL_BASE


def test_date(case) -> None:
    expected, day = case
    assert day.date.isoformat() == expected["date"]


def test_canonical_url(case) -> None:
    expected, day = case
    assert day.canonical_url == f"{CANONICAL_BASE}ap{expected['date'][2:].replace('-', '')}.html"


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


def test_keywords(case) -> None:
    expected, day = case
    assert day.keywords == expected["keywords"]


def test_alt(case) -> None:
    expected, day = case
    assert day.alt == expected["alt"]


def test_classic_page_gives_no_permalink(case) -> None:
    _, day = case
    assert day.permalink is None


def test_source_not_damaged(case) -> None:
    _, day = case
    assert day.source_damaged is False
