"""python -m apodscrape check: each rule of FORMAT.md, on a file broken in exactly that way."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from apodscrape import render
from apodscrape.archive import compose, front_matter
from apodscrape.table import FEED_FIELDS as EXPORT_NAMES
from apodscrape.tools.check import LEAKS, problems

from .archives import a_day, write_days
from .test_cli import apodscrape

NAME = "ap250105.txt"
TEXT = render(a_day("2025-01-05"))


def _front_matter(**fields: Any) -> str:
    """The good file with its front matter written from these fields, as FORMAT.md does."""
    body = TEXT.split("\n---\n\n", 1)[1]
    return f"---\n{json.dumps(fields, indent=2, ensure_ascii=False)}\n---\n\n{body}"


GOOD_FIELDS = {
    "title": "The Sky of 2025-01-05",
    "canonicalUrl": "https://apod.nasa.gov/apod/ap250105.html",
    "imageUrl": "https://apod.nasa.gov/apod/image/2501/sky.jpg",
    "credit": ["Image Credit: [NASA](https://www.nasa.gov/)"],
}

# A change to the day's record (written as render() writes it): the one problem.
FIELD_RULES: dict[str, tuple[dict[str, Any], str]] = {
    "empty title": ({"title": " "}, "title is empty"),
    "title not collapsed": ({"title": "Two  Spaces"}, "title has untrimmed or repeated whitespace"),
    "relative imageUrl": (
        {"image_url": "image/2501/sky.jpg"},
        "imageUrl 'image/2501/sky.jpg' is not an absolute http(s) URL",
    ),
    "protocol-relative imageUrl": (
        {"image_url": "//www.youtube.com/embed/x"},
        "imageUrl '//www.youtube.com/embed/x' is not an absolute http(s) URL",
    ),
    "credit not a list": ({"credit": "Credit: NASA"}, "credit is not a list of strings"),
    "credit line not a string": ({"credit": ["Credit:", None]}, "credit is not a list of strings"),
    "credit line not collapsed": (
        {"credit": ["Credit:  NASA"]},
        "credit line 1 has untrimmed or repeated whitespace",
    ),
    "relative link in credit": (
        {"credit": ["Credit: NASA", "Image & [Copyright](lib/about_apod.html#srapply): X"]},
        "link 'lib/about_apod.html#srapply' in credit line 2"
        " is not an absolute http(s), ftp, gopher or mailto URL",
    ),
    "relative link in body": (
        {"explanation": "See [airglow](ap140803.html)."},
        "link 'ap140803.html' in body is not an absolute http(s), ftp, gopher or mailto URL",
    ),
    "javascript link in body": (
        {"explanation": "See [it](javascript:void(0))."},
        "link 'javascript:void(0)' in body is not an absolute http(s), ftp, gopher or mailto URL",
    ),
    "paragraph on two lines": (
        {"explanation": "A line\nwrapped by hand."},
        "body paragraph 1 is not one line with single spaces",
    ),
    "paragraph with double spaces": (
        {"explanation": "One.\n\nTwo  spaces."},
        "body paragraph 2 is not one line with single spaces",
    ),
    "two blank lines between paragraphs": (
        {"explanation": "One.\n\n\nTwo."},
        "body paragraph 2 is not one line with single spaces",
    ),
    "replacement character": (
        {"explanation": "Comet C/2022 E3 \ufffd ZTF."},
        "a character lost in decoding (U+FFFD)",
    ),
    "mojibake in the title": ({"title": "LÃ³pez's Sky"}, "mojibake 'Ã' (UTF-8 read as Latin-1)"),
    "mojibake in the body": (
        {"explanation": "The Moon â€“ and Venus."},
        "mojibake 'â€' (UTF-8 read as Windows-1252)",
    ),
    "canonicalUrl of another day": (
        {"canonical_url": "https://apod.nasa.gov/apod/ap250106.html"},
        "canonicalUrl names 2025-01-06, the file name 2025-01-05",
    ),
    "canonicalUrl on http": (
        {"canonical_url": "http://apod.nasa.gov/apod/ap250105.html"},
        "canonicalUrl is 'http://apod.nasa.gov/apod/ap250105.html',"
        " not https://apod.nasa.gov/apod/ap250105.html",
    ),
    "canonicalUrl of a mirror": (
        {"canonical_url": "http://www.star.ucl.ac.uk/~apod/apod/ap250105.html"},
        "canonicalUrl is 'http://www.star.ucl.ac.uk/~apod/apod/ap250105.html',"
        " not https://apod.nasa.gov/apod/ap250105.html",
    ),
}

# A change to the file's text: the one problem.
TEXT_RULES: dict[str, tuple[Callable[[str], str], str]] = {
    "byte-order mark": (lambda text: "\ufeff" + text, "starts with a byte-order mark"),
    "CRLF line ends": (
        lambda text: text.replace("\n", "\r\n"),
        "has \\r line ends (FORMAT.md uses \\n)",
    ),
    "no final newline": (lambda text: text.rstrip("\n"), "does not end with \\n"),
    "two final newlines": (lambda text: text + "\n", "ends with more than one \\n"),
    "no front matter": (
        lambda text: text.split("---\n\n", 1)[1],
        "no front matter: the first line is not ---",
    ),
    "text before the front matter": (
        lambda text: "Title\n" + text,
        "no front matter: the first line is not ---",
    ),
    "YAML front matter": (
        lambda text: '---\ntitle: "A Sky"\n---\n\nBody.\n',
        "front matter is not JSON: Expecting value: line 2 column 1 (char 1)",
    ),
    "a JSON list": (lambda text: "---\n[]\n---\n", "no JSON object between the --- lines"),
    "keys out of order": (
        lambda text: _front_matter(**dict(reversed(GOOD_FIELDS.items()))),
        "front matter keys are credit, imageUrl, canonicalUrl, title"
        "; FORMAT.md has title, canonicalUrl, imageUrl, credit, in this order",
    ),
    "a key missing": (
        lambda text: _front_matter(**{k: v for k, v in GOOD_FIELDS.items() if k != "credit"}),
        "front matter keys are title, canonicalUrl, imageUrl"
        "; FORMAT.md has title, canonicalUrl, imageUrl, credit, in this order",
    ),
    "a key too many": (
        lambda text: _front_matter(**GOOD_FIELDS, mediaType="image"),
        "front matter keys are title, canonicalUrl, imageUrl, credit, mediaType"
        "; FORMAT.md has title, canonicalUrl, imageUrl, credit, in this order",
    ),
    "JSON indented by 4": (
        lambda text: text.replace("\n  ", "\n    "),
        "differs from FORMAT.md's rendering at line 3, column 3:"
        ' \'  "title": "The Sky of 2025-01\', expected \'"title": "The Sky of 2025-01-0\'',
    ),
    "JSON with ASCII escapes": (
        lambda text: text.replace("Sky", "Sk\\u00ff"),
        "differs from FORMAT.md's rendering at line 3, column 19:"
        " '\\\\u00ff of 2025-01-05\",\\n  \"cano', expected 'ÿ of 2025-01-05\",\\n  \"canonical'",
    ),
    "no blank line after the front matter": (
        lambda text: text.replace("---\n\n", "---\n"),
        "differs from FORMAT.md's rendering at line 11, column 1:"
        " 'A [galaxy](https://apod.nasa.g', expected '\\nA [galaxy](https://apod.nasa.'",
    ),
}


def _day_file(directory: Path, text: str, name: str = NAME) -> Path:
    path = directory / name
    path.write_bytes(text.encode("utf-8"))
    return path


def test_a_good_file_has_no_problem(tmp_path: Path) -> None:
    assert problems(_day_file(tmp_path, TEXT)) == []


@pytest.mark.parametrize(("changes", "problem"), FIELD_RULES.values(), ids=FIELD_RULES)
def test_a_broken_field_is_one_problem(
    tmp_path: Path, changes: dict[str, Any], problem: str
) -> None:
    # written as render() would write the changed record (a Day could not even hold some)
    day = a_day("2025-01-05")
    metadata, body = front_matter(day), day.explanation
    for field, value in changes.items():
        if field == "explanation":
            body = value
        else:
            metadata[EXPORT_NAMES[field]] = value
    assert problems(_day_file(tmp_path, compose(metadata, body))) == [problem]


@pytest.mark.parametrize(("breaking", "problem"), TEXT_RULES.values(), ids=TEXT_RULES)
def test_broken_bytes_are_one_problem(
    tmp_path: Path, breaking: Callable[[str], str], problem: str
) -> None:
    assert problems(_day_file(tmp_path, breaking(TEXT))) == [problem]


@pytest.mark.parametrize("leak", LEAKS)
def test_a_leak_into_the_body_is_one_problem(tmp_path: Path, leak: str) -> None:
    write_days(tmp_path, [a_day("2025-01-05", explanation=f"A galaxy. {leak} more")])
    assert problems(tmp_path / NAME) == [f"body holds {leak!r} from the page around it"]


def test_mailto_links_of_real_credits_are_absolute(tmp_path: Path) -> None:
    credit = ["Courtesy: [Igor Tirsky](mailto:%20tirsky%20at%20gmail%20dot%20com)"]
    write_days(tmp_path, [a_day("2025-01-05", credit=credit)])
    assert problems(tmp_path / NAME) == []


def test_a_day_without_media_or_explanation_is_fine(tmp_path: Path) -> None:
    write_days(tmp_path, [a_day("2025-01-05", image_url=None, explanation="")])
    assert (tmp_path / NAME).read_text().endswith("]\n}\n---\n")
    assert problems(tmp_path / NAME) == []


def test_a_file_that_is_not_utf8(tmp_path: Path) -> None:
    path = tmp_path / NAME
    path.write_bytes(TEXT.replace("Sky", "Sk\xff").encode("latin-1"))
    assert problems(path) == [f"not UTF-8 (byte {TEXT.index('Sky') + 2})"]


@pytest.mark.parametrize(
    ("iso", "name"), [("1995-06-15", "ap950615.txt"), ("2094-01-01", "ap940101.txt")]
)
def test_a_day_outside_apods_range(tmp_path: Path, iso: str, name: str) -> None:
    write_days(tmp_path, [a_day(iso)])
    assert problems(tmp_path / name) == [f"{iso} is not an APOD day (1995-06-16 to today)"]


@pytest.mark.parametrize(
    "name",
    ["notes.txt", "ap250105.html", "ap250105.txt.bak", "ap251340.txt", "xap250105.txt", "warc"],
)
def test_a_stray_file(tmp_path: Path, name: str) -> None:
    assert problems(_day_file(tmp_path, TEXT, name)) == ["not an archive file (apYYMMDD.txt)"]


def test_a_directory_named_like_a_day(tmp_path: Path) -> None:
    (tmp_path / NAME).mkdir()
    assert problems(tmp_path / NAME) == ["not an archive file (apYYMMDD.txt)"]


def test_a_temporary_file_left_by_a_crash(tmp_path: Path) -> None:
    path = _day_file(tmp_path, TEXT[:40], ".ap250105.txt.k2j3h4x9.tmp")
    assert problems(path) == ["temporary file left by an interrupted write"]


def test_the_documented_example_checks_clean(spec: Path, tmp_path: Path) -> None:
    shutil.copy(spec / "ap250105.txt", tmp_path)
    assert problems(tmp_path / "ap250105.txt") == []


# --- the command, as a user runs it ------------------------------------------------------


def test_the_classic_corpus_checks_clean(classic_archive: Path) -> None:
    run = apodscrape("check", str(classic_archive))
    assert run.stdout.decode() == "26 files, 0 problems\n"
    assert run.returncode == 0 and run.stderr == b""


def test_each_problem_is_one_line_then_a_summary(tmp_path: Path) -> None:
    write_days(tmp_path, [a_day("2025-01-04"), a_day("2025-01-05", title="")])
    _day_file(tmp_path, TEXT, ".ap250106.txt.abc.tmp")
    run = apodscrape("check", str(tmp_path))
    assert run.returncode == 1 and run.stderr == b""
    assert run.stdout.decode().splitlines() == [
        f"{tmp_path / '.ap250106.txt.abc.tmp'}: temporary file left by an interrupted write",
        f"{tmp_path / 'ap250105.txt'}: title is empty",
        "3 files, 2 problems",
    ]


def test_one_file_one_problem_in_the_singular(tmp_path: Path) -> None:
    write_days(tmp_path, [a_day("2025-01-05", title="")])
    run = apodscrape("check", str(tmp_path))
    assert run.returncode == 1
    assert run.stdout.decode().splitlines()[-1] == "1 file, 1 problem"


def test_the_captures_directory_is_no_stray_file(tmp_path: Path) -> None:
    write_days(tmp_path, [a_day("2025-01-05")])
    (tmp_path / "warc").mkdir()
    (tmp_path / "warc" / "apod-20250105T000000-1.warc.gz").write_bytes(b"")
    run = apodscrape("check", str(tmp_path))
    assert run.returncode == 0 and run.stdout == b"1 file, 0 problems\n"


def test_an_empty_archive_checks_clean(tmp_path: Path) -> None:
    run = apodscrape("check", str(tmp_path))
    assert run.returncode == 0 and run.stdout == b"0 files, 0 problems\n"


def test_a_missing_directory_is_an_error(tmp_path: Path) -> None:
    run = apodscrape("check", str(tmp_path / "missing"))
    assert run.returncode == 1 and run.stdout == b""
    assert (
        run.stderr.decode()
        == f"error: cannot read {tmp_path / 'missing'}: No such file or directory\n"
    )
