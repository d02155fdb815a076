"""apodscrape.load and the derived columns: an archive directory as plain records."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest

import apodscrape
from apodscrape import ApodError, load
from apodscrape.media import media_type
from apodscrape.record import IMAGE, OTHER, VIDEO

from .archives import a_day, corpus_days, write_days

KEYS = ["date", "title", "canonicalUrl", "imageUrl", "credit", "explanation"]


def test_load_is_part_of_the_public_api() -> None:
    assert "load" in apodscrape.__all__
    assert apodscrape.load is load


def test_records_are_plain_dicts_oldest_first(tmp_path: Path) -> None:
    # ap000101.txt sorts before ap991231.txt by name: the order must come from the dates.
    write_days(tmp_path, [a_day("2000-01-01"), a_day("1999-12-31"), a_day("2025-01-05")])
    records = load(tmp_path)
    assert [r["date"] for r in records] == [
        dt.date(1999, 12, 31),
        dt.date(2000, 1, 1),
        dt.date(2025, 1, 5),
    ]
    assert all(list(r) == KEYS for r in records)


def test_a_record_holds_the_file(tmp_path: Path) -> None:
    day = a_day("2025-01-05", image_url=None, credit=["Credit: A", ""], explanation="One.\n\nTwo.")
    (record,) = load(write_days(tmp_path, [day]))
    assert record == {
        "date": dt.date(2025, 1, 5),
        "title": day.title,
        "canonicalUrl": "https://apod.nasa.gov/apod/ap250105.html",
        "imageUrl": None,
        "credit": ["Credit: A", ""],
        "explanation": "One.\n\nTwo.",
    }


def test_a_day_without_explanation_has_an_empty_body(tmp_path: Path) -> None:
    (record,) = load(write_days(tmp_path, [a_day("2025-01-05", explanation="")]))
    assert record["explanation"] == ""


def test_only_day_files_are_read(tmp_path: Path) -> None:
    write_days(tmp_path, [a_day("2025-01-05")])
    (tmp_path / "notes.txt").write_text("not a day")
    (tmp_path / ".ap250106.txt.x1y2.tmp").write_text("half a day")
    (tmp_path / "ap250107.txt.bak").write_text("a copy")
    (tmp_path / "ap250108.txt").mkdir()
    assert [r["date"] for r in load(tmp_path)] == [dt.date(2025, 1, 5)]


def test_an_empty_directory_has_no_records(tmp_path: Path) -> None:
    assert load(tmp_path) == []


def test_a_missing_directory_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(ApodError, match=r"cannot read .*missing"):
        load(tmp_path / "missing")


def test_the_canonical_url_must_be_the_file_names_day(tmp_path: Path) -> None:
    day = a_day("2025-01-05", canonical_url="https://apod.nasa.gov/apod/ap250106.html")
    write_days(tmp_path, [day])
    with pytest.raises(ApodError, match=r"ap250105\.txt: canonicalUrl .*ap250106.* 2025-01-05"):
        load(tmp_path)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"Just a body.\n", "no front matter"),
        (b'---\ntitle: "YAML"\n---\n', "front matter is not JSON"),
        (b'---\n{\n  "title": "T"\n}\n---\n', "front matter lacks canonicalUrl, imageUrl, credit"),
        ('---\n{"title": "Caf\u00e9"}\n---\n'.encode("latin-1"), "not UTF-8"),
        (
            b'---\n{"title": 5, "canonicalUrl": "https://apod.nasa.gov/apod/ap250105.html",'
            b' "imageUrl": null, "credit": "one line"}\n---\n',
            "front matter has a value of the wrong type: title, credit",
        ),
    ],
)
def test_an_unreadable_file_is_an_error_naming_it(
    tmp_path: Path, content: bytes, message: str
) -> None:
    (tmp_path / "ap250105.txt").write_bytes(content)
    with pytest.raises(ApodError, match=rf"ap250105\.txt: {message}"):
        load(tmp_path)


def test_the_documented_example(spec: Path, tmp_path: Path) -> None:
    shutil.copy(spec / "ap250105.txt", tmp_path)
    (record,) = load(tmp_path)
    assert record["title"] == "Rocket Launch as Seen from the International Space Station"
    assert record["imageUrl"] == "https://www.youtube.com/embed/B1R3dTdcpSU?rel=0"
    assert record["credit"][-1] == ""
    assert record["explanation"].startswith("Have you ever seen a rocket launch")


def test_the_classic_corpus_loads_as_parsed(corpus: Path, classic_archive: Path) -> None:
    expected = sorted(corpus_days(corpus), key=lambda day: day.date)
    records = load(classic_archive)
    assert len(records) == len(expected) == 26
    for record, day in zip(records, expected, strict=True):
        assert record == {
            "date": day.date,
            "title": day.title,
            "canonicalUrl": day.canonical_url,
            "imageUrl": day.image_url,
            "credit": day.credit,
            "explanation": day.explanation,
        }


@pytest.mark.parametrize(
    ("url", "kind"),
    [
        ("https://www.youtube.com/embed/B1R3dTdcpSU?rel=0", VIDEO),
        ("https://www.youtube-nocookie.com/embed/x", VIDEO),
        ("https://youtu.be/aJy1u-N3NY0", VIDEO),
        ("https://player.vimeo.com/video/58385453?h=2f48504431", VIDEO),
        ("https://apod.nasa.gov/apod/image/2503/LunarEclipse.mp4", VIDEO),
        ("https://apod.nasa.gov/apod/image/1001/clip.MOV", VIDEO),
        ("https://assets.science.nasa.gov/content/dam/x/Noctilucent.webm", VIDEO),
        ("https://example.org/embed/player?id=3", VIDEO),
        ("https://apod.nasa.gov/apod/image/2501/sky.jpg", IMAGE),
        ("https://apod.nasa.gov/apod/image/earth_a17.gif", IMAGE),
        ("https://apod.nasa.gov/apod/image/2412/Snap600.PNG", IMAGE),
        ("https://notyoutube.com/sky.jpeg", IMAGE),
        ("https://apod.nasa.gov/apod/image/9607/comet.swf", OTHER),
        ("https://plus.nasa.gov/video/page/", OTHER),
        (None, OTHER),
    ],
)
def test_media_type_from_image_url(url: str | None, kind: str) -> None:
    assert media_type(url) == kind
