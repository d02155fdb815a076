"""What exports read of the raw captures: each WARC file parsed once, its Facts kept beside
it for the next export, and parsed again when the file or the parser changes."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import pytest

from apodscrape import warc
from apodscrape.archive import warc_dir
from sitesim import SiteSim

DAYS = [dt.date(2025, 1, d) for d in (3, 4, 5)]


@pytest.fixture
def captured(site: SiteSim, crawl, tmp_path: Path) -> Path:
    site.publish(*DAYS)
    crawl(site, tmp_path / "out", source="classic", start=str(DAYS[0]), end=str(DAYS[-1]))
    return warc_dir(tmp_path / "out")


def test_the_facts_are_those_of_the_newest_days(captured: Path) -> None:
    days = warc.newest_days(captured).days
    assert warc.newest_facts(captured) == {day: warc._facts(days[day]) for day in DAYS}


def test_a_second_read_parses_nothing(captured: Path, monkeypatch) -> None:
    first = warc.newest_facts(captured)
    assert list((captured / ".parsed").glob("*.warc.gz.json"))

    def no_parsing(capture):  # a second read must not parse
        raise AssertionError(f"parsed {capture.url} again")

    monkeypatch.setattr(warc, "days_of", no_parsing)
    assert warc.newest_facts(captured) == first


def test_a_changed_file_or_parser_is_parsed_again(captured: Path, monkeypatch) -> None:
    warc.newest_facts(captured)
    (path,) = captured.glob("*.warc.gz")
    later = path.stat().st_mtime_ns + 10**9
    os.utime(path, ns=(later, later))
    parsed = []
    real = warc.days_of
    monkeypatch.setattr(warc, "days_of", lambda capture: parsed.append(1) or real(capture))
    warc.newest_facts(captured)
    assert len(parsed) == 3
    parsed.clear()
    monkeypatch.setattr(warc, "_parser_version", lambda: "another parser")
    warc.newest_facts(captured)
    assert len(parsed) == 3
