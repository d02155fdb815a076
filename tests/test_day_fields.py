"""The Day's fields beside the day file (issue 21): `alt`, `permalink`, `source_damaged`, on
real captures. Their values on each golden capture are in tests/golden/*/ (golden_fields.py);
the API's in test_science.py. Here: the generic-alt rule on every alt of the whole archive,
and a source's damage."""

from __future__ import annotations

import html
import re
import tarfile
from pathlib import Path

import pytest

from apodscrape import parse_page, render
from apodscrape.__main__ import main
from apodscrape.days import CANONICAL_BASE
from apodscrape.parse.alt import description
from apodscrape.parse.decode import decode
from apodscrape.warc import CaptureWriter

from .archives import write_days

# Every alt of the January 2026 archive's pages that describes nothing, read there by eye
# (27 distinct texts on 8,597 of the 9,360 featured pictures with an alt).
GENERIC = {
    "Please click on a specific area to see a zoom in of that area",
    "Please see the explanation for more detailed information.",
    "SEE EXPLANATION",
    *(
        f"See Explanation. Clicking on the {thing}."
        for thing in (
            "image will bring up the highest resolution version available",
            "picture will display the youtube video page",
            "picture will download a GIF movie featuring the image",
            "picture will download a flash movie",
            "picture will download a movie file",
            "picture will download a movie",
            "picture will download an alternate version",
            "picture will download an animated gif file",
            "picture will download an animated gif",
            "picture will download an avi movie file",
            "picture will download an mpeg movie file",
            "picture will download and animated gif",
            "picture will download the highest resolution version available",
            "picture will download the largest version available",
        )
    ),
    *(
        f"See Explanation. Moving the cursor over the image will bring up {thing}"
        for thing in (
            "a different color version. Clicking on the image will bring up the highest"
            " resolution version available.",
            "an alternate version. Clicking on the image will bring up the highest resolution"
            " version available.",
            "an annotated version.",
            "an annotated version. Clicking on the image will bring up the highest resolution"
            " version available.",
            "an annotated version. Clicking on the picture will download the highest resolution"
            " version available.",
            "an illustration. Clicking on the image will bring up the highest resolution"
            " illustration available.",
            "an unannotated version. Clicking on the image will bring up the highest resolution"
            " version available.",
        )
    ),
    "See Explanation. Rolling mouse over image will bring up a similar image taken 25 minutes"
    " later. No higher resolution version is available today.",
    "See Explanation. Rolling mouse over image will bring up an annotated version. Clicking on"
    " the image will bring up the highest resolution version available.",
    "See Explanation. Rolling mouse over image will bring up an annotated version. No higher"
    " resolution version is available today.",
}
_IMG_ALT = re.compile(r"""<img\b[^>]*?\balt\s*=\s*(?:"([^"]*)"|'([^']*)')""", re.IGNORECASE)


@pytest.fixture(scope="module")
def archive_alts(corpus: Path) -> set[str]:
    """Every distinct alt of an image on the archive's pages, whitespace collapsed."""
    path = corpus / "archive" / "pages-2026-01.tar.xz"
    if not path.is_file():
        pytest.skip(f"the archive of real pages is not at {path}")
    found = set()
    with tarfile.open(path) as pages:
        for member in pages:
            if member.isfile() and member.name.endswith(".html"):
                text = decode(pages.extractfile(member).read())
                for double, single in _IMG_ALT.findall(text):
                    found.add(" ".join(html.unescape(double or single).split()))
    return found


def test_generic_alts_of_the_archive_are_exactly_the_reviewed_family(archive_alts) -> None:
    assert {alt for alt in archive_alts if description(alt) is None} == GENERIC


def test_a_description_is_kept_whole_with_its_generic_sentences(archive_alts) -> None:
    # ap210418: a description, then the generic sentences of its era
    airglow = (
        "Rainbow airglow over the Azores. See Explanation. Moving the cursor over the image"
        " will bring up an annotated version. Clicking on the image will bring up the highest"
        " resolution version available."
    )
    assert airglow in archive_alts
    assert description(airglow) == airglow
    # a description whose generic sentence runs on without a full stop stays whole too
    ant = (
        "A picture of the Ant Nebula from the Hubble Space Telescope Please see the"
        " explanation for more detailed information."
    )
    assert ant in archive_alts and description(ant) == ant


def test_alt_whitespace_is_collapsed_and_blank_is_none() -> None:
    assert description("  An aurora\n over  Sweden. ") == "An aurora over Sweden."
    assert description(" \n ") is None
    assert description(None) is None


# a real page, and one character of its explanation as a lossy source stores it
DAMAGED = ("classic/ap020510.html", b"Positioning", "Positi\ufffdning".encode())


def test_page_damaged_at_the_source_is_flagged_and_shown(corpus: Path) -> None:
    name, word, damaged = DAMAGED
    body = (corpus / name).read_bytes()
    assert word in body
    day = parse_page(body.replace(word, damaged, 1), CANONICAL_BASE + "ap020510.html")
    assert day.source_damaged is True
    assert damaged.decode() in render(day)  # the mirror does not hide it


def test_page_read_as_windows_1252_is_not_damaged(corpus: Path) -> None:
    # ap140921 is not UTF-8: our decoder reads its bytes as Windows-1252, losing nothing
    body = (corpus / "classic" / "ap140921.html").read_bytes()
    with pytest.raises(UnicodeDecodeError):
        body.decode("utf-8")
    assert parse_page(body, CANONICAL_BASE + "ap140921.html").source_damaged is False


@pytest.fixture
def damaged_archive(corpus: Path, tmp_path: Path) -> Path:
    """An archive of two real captures, one with a U+FFFD spliced in as the source's loss."""
    name, word, damaged = DAMAGED
    pages = {
        "ap020510.html": (corpus / name).read_bytes().replace(word, damaged, 1),
        "ap140706.html": (corpus / "classic" / "ap140706.html").read_bytes(),
    }
    writer = CaptureWriter(tmp_path / "output" / "warc")
    for page, body in pages.items():
        writer.write(CANONICAL_BASE + page, 200, [("Content-Type", "text/html")], body)
    writer.close()
    write_days(tmp_path / "output", [parse_page(b, CANONICAL_BASE + p) for p, b in pages.items()])
    return tmp_path / "output"


def test_stats_lists_the_days_damaged_at_the_source(
    damaged_archive: Path, capsys: pytest.CaptureFixture
) -> None:
    capsys.readouterr()
    assert main(["stats", str(damaged_archive)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert "damaged at the source (U+FFFD): 1 days: 2002-05-10" in lines


def test_check_counts_the_source_damage_as_the_sources_not_ours(
    damaged_archive: Path, capsys: pytest.CaptureFixture
) -> None:
    capsys.readouterr()
    assert main(["check", str(damaged_archive)]) == 0
    out = capsys.readouterr().out
    assert "lost in decoding" not in out
    assert "damaged at the source (U+FFFD): 1 day: 2002-05-10" in out.splitlines()
    assert out.splitlines()[-1] == "2 files, 0 problems"
