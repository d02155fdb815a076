"""The parser's two entries: from raw bytes, stamped with their checksum, and for any bytes
at all either records or NotADayPage (never another exception)."""

from __future__ import annotations

import hashlib
import json
import tarfile
from pathlib import Path

import pytest

from apodscrape import NotADayPage, parse_listing, parse_page
from apodscrape.errors import TruncatedPage

CLASSIC = "https://apod.nasa.gov/apod/ap250105.html"
API_DAY = "https://science.nasa.gov/wp-json/wp/v2/apod-basic/261002"
API_LIST = "https://science.nasa.gov/wp-json/wp/v2/apod-basic?date_from=150603&date_to=150604"


def test_a_page_keeps_the_checksum_of_its_bytes(spec: Path) -> None:
    body = (spec / "ap250105.reconstructed.html").read_bytes()
    assert parse_page(body, CLASSIC).raw_sha256 == hashlib.sha256(body).hexdigest()


def test_a_list_page_stamps_every_day_with_its_checksum(corpus: Path) -> None:
    body = (corpus / "science" / "apod-basic-list-150603-150604.json").read_bytes()
    days = parse_listing(body, API_LIST)
    assert [d.raw_sha256 for d in days] == [hashlib.sha256(body).hexdigest()] * len(days) != []


def _record(corpus: Path, **changes: object) -> bytes:
    record = json.loads((corpus / "science" / "apod-basic-261002.json").read_bytes())
    return json.dumps({**record, **changes}).encode()


@pytest.mark.parametrize(
    "body",
    [b"", b"  \n ", b"<!-- nothing -->", b"\xff\xfe", b"[" * 100_000, b'{"date": 5}'],
    ids=["empty", "blank", "comment-only", "a-bare-bom", "deep-json", "no-day-record"],
)
def test_any_bytes_are_a_day_or_not_a_day_page(body: bytes) -> None:
    with pytest.raises(NotADayPage):
        parse_page(body, CLASSIC)


@pytest.mark.parametrize(
    "changes",
    [{"title": 42}, {"credit": ["a", "list"]}, {"explanation": {"html": "x"}}, {"hdurl": 7}],
    ids=["number-title", "list-credit", "object-explanation", "number-hdurl"],
)
def test_a_record_with_unexpected_field_types_is_not_a_day(corpus: Path, changes) -> None:
    with pytest.raises(NotADayPage, match=r"not an apod-basic (day )?record"):
        parse_page(_record(corpus, **changes), API_DAY)


def test_a_list_page_that_is_not_a_list_is_not_days() -> None:
    with pytest.raises(NotADayPage):
        parse_listing(b'{"code": "rest_post_invalid_page_number"}', API_LIST)
    with pytest.raises(NotADayPage):
        parse_listing(b"[1, 2]", API_LIST)


POEM_DAYS = ("ap021122", "ap110430", "ap120407", "ap150402", "ap180401")


def _pages(corpus: Path) -> dict[str, bytes]:
    """The classic captures, and from the archive the poem days and every 300th page."""
    pages = {p.name: p.read_bytes() for p in sorted((corpus / "classic").glob("ap*.html"))}
    archive = corpus / "archive" / "pages-2026-01.tar.xz"
    if archive.is_file():
        with tarfile.open(archive) as tar:
            names = sorted(m.name for m in tar if m.name.endswith(".html"))
            for name in {*names[::300], *(f"{day}.html" for day in POEM_DAYS)}:
                pages[name] = tar.extractfile(name).read()
    return pages


@pytest.mark.slow
def test_a_cut_off_page_is_never_a_shorter_day(corpus: Path) -> None:
    """Cut anywhere, a page is refused as truncated, or (cut past its explanation) gives
    the very day the whole page gives: never a day with less in it."""
    checked = refused = 0
    for name, body in sorted(_pages(corpus).items()):
        url = f"https://apod.nasa.gov/apod/{name}"
        whole = parse_page(body, url)
        for percent in range(5, 100, 5):
            try:
                cut = parse_page(body[: len(body) * percent // 100], url)
            except TruncatedPage:
                refused += 1
                continue
            except NotADayPage:  # cut before the label: not even a page
                continue
            checked += 1
            assert (cut.title, cut.credit, cut.explanation) == (
                whole.title,
                whole.credit,
                whole.explanation,
            ), f"{name} cut at {percent}%"
    assert checked > 0 and refused > 0
