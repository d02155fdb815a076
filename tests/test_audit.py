"""The audit itself: a record that differs from the page in any way it checks is flagged.

Each case takes a real capture, lets the parser read it, then spoils one field of the
record the way a parser bug would, and expects the audit's rule for it."""

from __future__ import annotations

import dataclasses
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

import apodscrape.audit
from apodscrape import Day, parse_page
from apodscrape.audit import audit_page
from apodscrape.days import CANONICAL_BASE

from .conftest import ROOT

CAPTURE = "ap220228"  # Direct Projection: The Moon in My Hands (one credit line, links)
URL = f"{CANONICAL_BASE}{CAPTURE}.html"


@pytest.fixture
def page(corpus: Path) -> bytes:
    return (corpus / "classic" / f"{CAPTURE}.html").read_bytes()


def _spoiled(monkeypatch: pytest.MonkeyPatch, spoil: Callable[[Day], Day]) -> None:
    monkeypatch.setattr(
        apodscrape.audit, "parse_page", lambda body, url: spoil(parse_page(body, url))
    )


def test_a_good_record_is_not_flagged(page: bytes) -> None:
    found = audit_page(page, URL)
    assert found.failure == ""
    assert found.flags == []
    assert found.day is not None and found.day.title == "Direct Projection: The Moon in My Hands"


def _drop_word(day: Day) -> Day:
    words = day.explanation.split(" ")
    return dataclasses.replace(day, explanation=" ".join(words[:5] + words[6:]))


def _stop_early(day: Day) -> Day:
    return dataclasses.replace(day, explanation=day.explanation.rsplit(". ", 1)[0] + ".")


def _join_words(day: Day) -> Day:  # the whitespace at a tag's edge lost
    return dataclasses.replace(day, explanation=day.explanation.replace(" [", "[", 1))


@pytest.mark.parametrize(
    ("spoil", "rule"),
    [
        (_drop_word, "explanation"),
        (_stop_early, "explanation"),
        (_join_words, "explanation"),
        (lambda d: dataclasses.replace(d, credit=[]), "credit"),
        (lambda d: dataclasses.replace(d, credit=[d.credit[0].rsplit(" ", 1)[0]]), "credit"),
        (lambda d: dataclasses.replace(d, title=""), "title"),
        (lambda d: dataclasses.replace(d, explanation=d.explanation + " </a>"), "markup"),
        (lambda d: dataclasses.replace(d, explanation=d.explanation + " \ufffd"), "decoding"),
        (lambda d: dataclasses.replace(d, explanation=d.explanation + "Ã©"), "decoding"),
        (
            lambda d: dataclasses.replace(d, explanation=d.explanation + "\n\nTomorrow's picture:"),
            "furniture",
        ),
    ],
    ids=[
        "a-word-lost",
        "stops-early",
        "words-joined",
        "no-credit",
        "credit-cut",
        "no-title",
        "raw-end-tag",
        "replacement-character",
        "mojibake",
        "teaser-in-body",
    ],
)
def test_a_spoiled_record_is_flagged(
    page: bytes, monkeypatch: pytest.MonkeyPatch, spoil: Callable[[Day], Day], rule: str
) -> None:
    _spoiled(monkeypatch, spoil)
    assert rule in {flagged for flagged, _ in audit_page(page, URL).flags}


def test_sup_and_sub_are_not_markup() -> None:
    assert not apodscrape.audit._MARKUP.search("10<sup>6</sup> K and H<sub>2</sub>O")


def test_a_refused_page_is_a_failure(corpus: Path) -> None:
    body = (corpus / "site" / "archivepix.html").read_bytes()
    found = audit_page(body, f"{CANONICAL_BASE}archivepix.html")
    assert found.day is None
    assert "not an APOD day page" in found.failure


def test_visible_text_reads_bogus_comments_as_a_browser_does() -> None:
    text = apodscrape.audit.visible_text('<a href="x">prominent<?a> in the sunset</a> skies')
    assert " ".join(text.split()) == "prominent in the sunset skies"


def _audit(*arguments: str) -> subprocess.CompletedProcess:
    command = [sys.executable, "-m", "apodscrape", "audit", *arguments]
    return subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=60)


def test_the_audit_command_prints_a_year_table(corpus: Path, tmp_path: Path) -> None:
    for name in ("ap950622", "ap220228", "ap250324"):
        (tmp_path / f"{name}.html").write_bytes((corpus / "classic" / f"{name}.html").read_bytes())
    run = _audit(str(tmp_path), "--jobs", "1")
    assert run.returncode == 0, run.stderr
    lines = run.stdout.splitlines()
    assert lines[0].split()[:5] == ["year", "pages", "converted", "failed", "flagged"]
    assert [line.split()[:5] for line in lines[1:]] == [
        ["1995", "1", "1", "0", "0"],
        ["2022", "1", "1", "0", "0"],
        ["2025", "1", "1", "0", "0"],
        ["all", "3", "3", "0", "0"],
    ]


def test_the_audit_command_lists_what_failed(corpus: Path, tmp_path: Path) -> None:
    (tmp_path / "ap220228.html").write_bytes((corpus / "classic" / "ap220228.html").read_bytes())
    (tmp_path / "ap220301.html").write_bytes((corpus / "site" / "archivepix.html").read_bytes())
    run = _audit(str(tmp_path), "--list")
    assert run.returncode == 1
    assert run.stdout.splitlines()[0].startswith("ap220301.html: failed: ")
    assert run.stdout.splitlines()[-1].split()[:5] == ["all", "2", "1", "1", "0"]


def test_the_audit_command_refuses_a_missing_path(tmp_path: Path) -> None:
    run = _audit(str(tmp_path / "nowhere"))
    assert run.returncode == 1
    assert run.stderr.strip() == f"error: {tmp_path / 'nowhere'}: no such file or folder"
