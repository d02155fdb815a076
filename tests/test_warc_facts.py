"""What exports read of the raw captures: each WARC file's Facts kept beside it by whoever
parsed it first (the crawl that wrote it, rebuild, or the first export), read back by the
next export, and parsed again when the file or the parser changes."""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
from pathlib import Path

import pytest

from apodscrape import warc
from apodscrape.__main__ import main
from apodscrape.archive import warc_dir
from sitesim import SiteSim

from .test_export import read_jsonl

DAYS = [dt.date(2025, 1, d) for d in (3, 4, 5)]


@pytest.fixture
def captured(site: SiteSim, crawl, tmp_path: Path) -> Path:
    site.publish(*DAYS)
    crawl(site, tmp_path / "out", source="classic", start=str(DAYS[0]), end=str(DAYS[-1]))
    return warc_dir(tmp_path / "out")


@pytest.fixture
def no_parsing(monkeypatch: pytest.MonkeyPatch) -> None:
    """From here on, parsing a capture fails the test."""

    def parse(capture: warc.Capture) -> None:
        raise AssertionError(f"parsed {capture.url}")

    monkeypatch.setattr(warc, "days_of", parse)


@pytest.fixture
def parses(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The addresses of the captures parsed from here on."""
    parsed: list[str] = []

    def parse(capture: warc.Capture) -> list[warc.Day] | str:
        parsed.append(capture.url)
        return _REAL_DAYS_OF(capture)

    monkeypatch.setattr(warc, "days_of", parse)
    return parsed


def kept(directory: Path) -> dict[str, dict]:
    """The kept Facts of every WARC file of a directory, stamp and all, by file name."""
    return {
        path.name.removesuffix(".json"): json.loads(path.read_bytes())
        for path in sorted((directory / ".parsed").glob("*.warc.gz.json"))
    }


def afresh(directory: Path, tmp_path: Path) -> tuple[dict[str, dict], dict[dt.date, object]]:
    """What parsing the WARC files gives: kept Facts and newest_facts of a copy (same size
    and modification time) without anything kept, parsed with the real parser."""
    copy = tmp_path / "afresh"
    copy.mkdir()
    for path in directory.glob("*.warc.gz"):
        shutil.copy2(path, copy)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(warc, "days_of", _REAL_DAYS_OF)
        facts = warc.newest_facts(copy)
    return kept(copy), facts


_REAL_DAYS_OF = warc.days_of


def test_the_facts_are_those_of_the_newest_days(captured: Path) -> None:
    days = warc.newest_days(captured).days
    assert warc.newest_facts(captured) == {day: warc.facts_of(days[day]) for day in DAYS}


def test_a_second_read_parses_nothing(captured: Path, request: pytest.FixtureRequest) -> None:
    first = warc.newest_facts(captured)
    assert list((captured / ".parsed").glob("*.warc.gz.json"))
    request.getfixturevalue("no_parsing")
    assert warc.newest_facts(captured) == first


def test_a_changed_file_or_parser_is_parsed_again(captured: Path, parses: list[str]) -> None:
    warc.newest_facts(captured)
    parses.clear()
    (path,) = captured.glob("*.warc.gz")
    later = path.stat().st_mtime_ns + 10**9
    os.utime(path, ns=(later, later))
    warc.newest_facts(captured)
    assert len(parses) == 3
    parses.clear()
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(warc, "_parser_version", lambda: "another parser")
        warc.newest_facts(captured)
    assert len(parses) == 3


def test_a_file_appended_to_is_parsed_again(
    captured: Path, parses: list[str], tmp_path: Path
) -> None:
    (path,) = captured.glob("*.warc.gz")
    with path.open("ab") as file:  # gzip members end to end: the same records once more
        file.write(path.read_bytes())
    facts = warc.newest_facts(captured)
    assert len(parses) == 6
    assert (kept(captured), facts) == afresh(captured, tmp_path)


@pytest.mark.parametrize("producer", ["rebuild"])
def test_the_first_export_after_a_crawl_or_a_rebuild_parses_nothing(
    captured: Path, tmp_path: Path, request: pytest.FixtureRequest, producer: str
) -> None:
    archive = captured.parent
    if producer == "rebuild":
        for path in archive.glob("ap*.txt"):
            path.unlink()
        assert main(["rebuild", "--out", str(archive), "--jobs", "1"]) == 0
    assert kept(captured) == afresh(captured, tmp_path)[0]
    request.getfixturevalue("no_parsing")
    out = tmp_path / "apod.jsonl"
    assert main(["export", str(archive), str(out)]) == 0
    assert [(r["date"], r["source"]) for r in read_jsonl(out)] == [(d, "classic") for d in DAYS]
