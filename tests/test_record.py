"""The full record (the spider's item): credits by role, copyright, plain text, checksum,
and the feed exports that write it (`scrapy crawl apod -O apod.jsonl`)."""

from __future__ import annotations

import csv
import hashlib
import json
from pathlib import Path

import pytest

from apodscrape import parse_page
from apodscrape.credits import asserts_copyright, split_credits
from apodscrape.days import CANONICAL_BASE
from apodscrape.table import FEED_FIELDS as EXPORT_NAMES
from sitesim import SiteSim

from .conftest import scrapy_crawl

# capture -> the roles its credit block labels, and whether it asserts copyright (by eye)
ROLES = {
    "ap950901": (["Credit", "Copyright"], True),
    "ap950622": (["Picture Credit"], False),
    "ap200128": (["Image Credit", "Processing & Copyright"], True),
    "ap211010": (["Video Credit & Copyright", "Music"], True),
    "ap220330": (["Illustration", "Data", "Image", "Text"], False),
    "ap140922": (["Video Credit", "Courtesy"], False),
    "ap140920": (["Image Credit & Copyright"], True),
    "ap241207": (["Image and Video Credit"], False),
}


@pytest.mark.parametrize("stem", sorted(ROLES))
def test_credit_roles_of_real_pages(corpus: Path, stem: str) -> None:
    roles, copyrighted = ROLES[stem]
    day = parse_page(
        (corpus / "classic" / f"{stem}.html").read_bytes(), f"{CANONICAL_BASE}{stem}.html"
    )
    assert [credit["role"] for credit in day.credits] == roles
    assert day.copyright is copyrighted


def test_role_text_keeps_its_links() -> None:
    credits = split_credits(
        ["Image Credit: [NASA](https://www.nasa.gov/); Processing & Copyright: [F. A.](mailto:x)"]
    )
    assert credits == [
        {"role": "Image Credit", "text": "[NASA](https://www.nasa.gov/)"},
        {"role": "Processing & Copyright", "text": "[F. A.](mailto:x)"},
    ]


def test_a_linked_label_is_plain_in_the_role() -> None:
    line = "Image Credit & [Copyright](https://apod.nasa.gov/apod/lib/about_apod.html#srapply): Bob"
    assert split_credits([line]) == [{"role": "Image Credit & Copyright", "text": "Bob"}]


def test_unlabelled_credit_has_no_role_and_no_copyright() -> None:
    credits = split_credits(["[Paolo Girotti](https://www.instagram.com/astrogyres/)", ""])
    assert credits == [
        {"role": None, "text": "[Paolo Girotti](https://www.instagram.com/astrogyres/)"}
    ]
    assert not asserts_copyright(credits)


def test_copyright_sign_counts() -> None:
    assert asserts_copyright(split_credits(["Image: © 2024 Jane Doe"]))


def test_explanation_text_is_plain(corpus: Path) -> None:
    day = parse_page(
        (corpus / "classic" / "ap250324.html").read_bytes(), CANONICAL_BASE + "ap250324.html"
    )
    assert "](" not in day.explanation_text and "[" not in day.explanation_text
    assert day.explanation_text.startswith("If the full Moon suddenly faded, what would you see?")
    assert "during the total lunar eclipse last week from Uruguay." in day.explanation_text


# --- feed exports -------------------------------------------------------------------------


@pytest.fixture
def exported(site: SiteSim, spec: Path, tmp_path: Path):
    body = (spec / "ap250105.reconstructed.html").read_bytes()
    site.page("/apod/ap250105.html", body)

    def run(name: str) -> tuple[Path, bytes]:
        out = tmp_path / name
        arguments = ("-a", "dates=2025-01-05", "-O", str(out))
        run = scrapy_crawl(site, tmp_path / "archive", *arguments)
        assert run.returncode == 0, run.stderr
        return out, body

    return run


@pytest.mark.slow
def test_jsonl_feed_has_every_field_in_order(exported) -> None:
    out, body = exported("apod.jsonl")
    (record,) = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert list(record) == list(EXPORT_NAMES.values())
    assert record["date"] == "2025-01-05"
    assert record["canonicalUrl"] == "https://apod.nasa.gov/apod/ap250105.html"
    assert record["mediaType"] == "video"
    assert record["imageUrl"] == "https://www.youtube.com/embed/B1R3dTdcpSU?rel=0"
    assert record["credits"][0]["role"] == "Video Credit"
    assert record["copyright"] is False
    assert record["keywords"] == ["Progress MS-10", "Soyuz", "ISS", "launch"]
    assert record["source"] == "classic"
    assert record["rawSha256"] == hashlib.sha256(body).hexdigest()
    assert record["explanationText"].startswith("Have you ever seen a rocket launch -- from space?")


@pytest.mark.slow
def test_csv_feed_reads_back(exported) -> None:
    out, _ = exported("apod.csv")
    with out.open(newline="", encoding="utf-8") as file:
        (row,) = list(csv.DictReader(file))
    assert list(row) == list(EXPORT_NAMES.values())
    assert row["credit"].split("\n")[0].startswith("Video Credit: [ISAA](https://www.isaa.it/)")
    assert json.loads(row["credits"])[0]["role"] == "Video Credit"
    assert row["keywords"] == "Progress MS-10\nSoyuz\nISS\nlaunch"
