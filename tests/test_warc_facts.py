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
    shutil.rmtree(captured / ".parsed")  # as for the captures of a crawl that kept none
    first = warc.newest_facts(captured)
    assert list((captured / ".parsed").glob("*.warc.gz.json"))
    request.getfixturevalue("no_parsing")
    assert warc.newest_facts(captured) == first


def test_a_changed_file_or_parser_is_parsed_again(captured: Path, parses: list[str]) -> None:
    warc.newest_facts(captured)
    assert parses == []  # the crawl kept them
    (path,) = captured.glob("*.warc.gz")
    later = path.stat().st_mtime_ns + 10**9
    os.utime(path, ns=(later, later))
    warc.newest_facts(captured)
    assert len(parses) == 3
    parses.clear()
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(warc, "PARSER_VERSION", "another parser")
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


@pytest.mark.parametrize(
    ("source", "dates"),
    [
        ("classic", "2025-01-03,2025-01-04,2025-01-05"),
        # a list page for the first three days, the API's single-day form for the last
        ("science", "2025-01-03,2025-01-04,2025-01-05,2025-01-09"),
    ],
)
def test_a_crawl_keeps_what_parsing_its_captures_gives(
    site: SiteSim, crawl, tmp_path: Path, no_parsing: None, source: str, dates: str
) -> None:
    site.publish(*(dt.date.fromisoformat(day) for day in dates.split(",")))
    result = crawl(site, tmp_path / "out", source=source, dates=dates)
    assert result.stats["apod/written"] == len(dates.split(","))
    captures = warc_dir(tmp_path / "out")
    found = kept(captures)
    assert len(found) == 1 and len(next(iter(found.values()))["days"]) == len(result.items)
    assert (found, warc.newest_facts(captures)) == afresh(captures, tmp_path)


@pytest.mark.parametrize(
    ("source", "dates", "reads"),
    [
        ("classic", "2025-01-03,2025-01-04,2025-01-05", 0),  # day pages it saw: not read
        ("science", "2025-01-03,2025-01-04,2025-01-05", 1),  # a list page's order: read
    ],
)
def test_the_crawl_reads_its_file_again_only_for_what_needs_a_body(
    site: SiteSim,
    crawl,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    source: str,
    dates: str,
    reads: int,
) -> None:
    read: list[Path] = []
    real = warc._captures_of

    def captures_of(path: Path, *arguments):
        read.append(path)
        return real(path, *arguments)

    monkeypatch.setattr(warc, "_captures_of", captures_of)
    site.publish(*(dt.date.fromisoformat(day) for day in dates.split(",")))
    crawl(site, tmp_path / "out", source=source, dates=dates)
    assert len(read) == reads
    captures = warc_dir(tmp_path / "out")
    assert (kept(captures), warc.newest_facts(captures)) == afresh(captures, tmp_path)


def test_a_capture_that_gave_no_item_is_parsed_at_the_close(
    site: SiteSim, crawl, tmp_path: Path, parses: list[str]
) -> None:
    site.publish(DAYS[0], DAYS[2])
    site.page("/apod/ap250104.html", b"<html><body>Not a day page.</body></html>")
    result = crawl(site, tmp_path / "out", source="classic", start=str(DAYS[0]), end=str(DAYS[2]))
    assert result.stats["apod/failed"] == 1
    assert parses == [f"{site.url}/apod/ap250104.html"]
    captures = warc_dir(tmp_path / "out")
    assert (kept(captures), warc.newest_facts(captures)) == afresh(captures, tmp_path)


def test_a_list_page_the_crawl_took_in_part_is_parsed_at_the_close(
    site: SiteSim, crawl, tmp_path: Path, parses: list[str]
) -> None:
    site.publish(*DAYS)
    crawl(site, tmp_path / "out", source="science", start=str(DAYS[0]), end=str(DAYS[-1]))
    (path,) = warc_dir(tmp_path / "out").glob("*.warc.gz")
    every = warc.newest_days(path.parent).days.values()
    parses.clear()
    seen: dict[warc.CaptureKey, dict[str, warc.Facts]] = {}
    for day in every:
        seen.setdefault(warc.capture_key(day), {})[day.date.isoformat()] = warc.facts_of(day)
    assert warc.keep_run_facts(path, seen) == 0 and parses == []
    del seen[warc.capture_key(next(iter(every)))][DAYS[1].isoformat()]
    assert warc.keep_run_facts(path, seen) == 1 and len(parses) == 1
    assert (kept(path.parent), warc.newest_facts(path.parent)) == afresh(path.parent, tmp_path)


@pytest.mark.parametrize("producer", ["crawl", "rebuild"])
def test_the_first_export_after_a_crawl_or_a_rebuild_parses_nothing(
    captured: Path, tmp_path: Path, request: pytest.FixtureRequest, producer: str
) -> None:
    archive = captured.parent
    if producer == "rebuild":
        shutil.rmtree(captured / ".parsed")
        for path in archive.glob("ap*.txt"):
            path.unlink()
        assert main(["rebuild", "--out", str(archive), "--jobs", "1"]) == 0
    assert kept(captured) == afresh(captured, tmp_path)[0]
    request.getfixturevalue("no_parsing")
    out = tmp_path / "apod.jsonl"
    assert main(["export", str(archive), str(out)]) == 0
    assert [(r["date"], r["source"]) for r in read_jsonl(out)] == [(d, "classic") for d in DAYS]


def test_a_parser_bug_is_a_capture_that_gives_no_day(
    captured: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A parse that raises what no page should (a bug) is said in one line, as a page that
    gives no day is: the crawl's close, rebuild and export go on with the other captures."""

    def buggy(body: bytes, url: str) -> None:
        raise IndexError("a parser bug")

    monkeypatch.setattr(warc, "parse_page", buggy)
    (path,) = captured.glob("*.warc.gz")
    assert warc.keep_run_facts(path, {}) == len(DAYS)  # every capture parsed, none raised
    assert kept(captured)[path.name]["days"] == []
    capture = next(warc.captures(captured))
    assert warc.days_of(capture) == f"{capture.url}: the parser failed (IndexError: a parser bug)"
