"""Deduplicated captures: a body identical to the one last kept in full for its URL is written
as a WARC revisit record (identical-payload-digest profile) naming that record, and every
reader of the captures (rebuild, audit, export) follows it to the same bytes."""

from __future__ import annotations

import datetime as dt
import json
import logging
from pathlib import Path

import pytest
from warcio.archiveiterator import ArchiveIterator

from apodscrape import archive, render, warc
from apodscrape.__main__ import main
from apodscrape.archive import warc_dir
from apodscrape.days import SCIENCE_BASE, day_in_name
from apodscrape.parse.science import is_listing, list_url
from apodscrape.tools import audit
from apodscrape.tools.convert import url_of

from .conftest import crawl_daily, day_files

JAN = [dt.date(2025, 1, 1) + dt.timedelta(days=n) for n in range(6)]
PROFILE = "http://netpreserve.org/warc/1.0/revisit/identical-payload-digest"
HTML = [("Content-Type", "text/html")]


def records(directory: Path) -> list[tuple[str, str, dict[str, str]]]:
    """(type, URL, WARC headers) of every record under `directory`, oldest run first."""
    found = []
    for path in warc.warc_files(directory):
        with path.open("rb") as file:
            for record in ArchiveIterator(file):
                headers = dict(record.rec_headers.headers)
                found.append((record.rec_type, headers["WARC-Target-URI"], headers))
    return found


def write_run(directory: Path, pages: list[tuple[str, bytes]], revisits: bool = True) -> None:
    writer = warc.CaptureWriter(directory, revisits)
    for url, body in pages:
        writer.write(url, 200, HTML, body)
    writer.close()


def test_an_unchanged_page_is_kept_as_a_revisit_of_the_first_copy(tmp_path: Path) -> None:
    url = "https://apod.nasa.gov/apod/ap250101.html"
    write_run(tmp_path, [(url, b"<html>one</html>")])
    write_run(tmp_path, [(url, b"<html>one</html>")])
    write_run(tmp_path, [(url, b"<html>one</html>")])
    first, *revisits = records(tmp_path)
    assert first[0] == "response" and [kind for kind, _, _ in revisits] == ["revisit"] * 2
    for _, target, headers in revisits:
        assert target == url
        assert headers["WARC-Profile"] == PROFILE
        assert headers["WARC-Refers-To-Target-URI"] == url
        assert headers["WARC-Refers-To-Date"] == first[2]["WARC-Date"]
        assert headers["WARC-Refers-To"] == first[2]["WARC-Record-ID"]
        assert headers["WARC-Payload-Digest"] == first[2]["WARC-Payload-Digest"]
    assert [c.body for c in warc.captures(tmp_path)] == [b"<html>one</html>"] * 3


def test_a_changed_page_is_kept_whole_and_later_revisits_name_it(tmp_path: Path) -> None:
    url = "https://apod.nasa.gov/apod/ap250101.html"
    for body in (b"old", b"new", b"new", b"old"):
        write_run(tmp_path, [(url, body)])
    kept = records(tmp_path)
    assert [kind for kind, _, _ in kept] == ["response", "response", "revisit", "response"]
    assert kept[2][2]["WARC-Refers-To"] == kept[1][2]["WARC-Record-ID"]
    assert [c.body for c in warc.captures(tmp_path)] == [b"old", b"new", b"new", b"old"]


def test_the_same_body_at_another_address_is_kept_whole(tmp_path: Path) -> None:
    write_run(tmp_path, [("https://apod.nasa.gov/apod/ap250101.html", b"same")])
    write_run(tmp_path, [("https://apod.nasa.gov/apod/ap250102.html", b"same")])
    assert [kind for kind, _, _ in records(tmp_path)] == ["response", "response"]


def test_revisits_can_be_turned_off(tmp_path: Path) -> None:
    url = "https://apod.nasa.gov/apod/ap250101.html"
    write_run(tmp_path, [(url, b"one")], revisits=False)
    write_run(tmp_path, [(url, b"one")], revisits=False)
    assert [kind for kind, _, _ in records(tmp_path)] == ["response", "response"]


def test_the_index_is_kept_and_made_again_when_stale(tmp_path: Path) -> None:
    url = "https://apod.nasa.gov/apod/ap250101.html"
    write_run(tmp_path, [(url, b"one")])  # the run keeps its index at its close
    first = warc.warc_files(tmp_path)[0]
    index = tmp_path / ".originals" / f"{first.name}.json"
    assert url in index.read_text()
    # an index whose stamp is not the file's (here, an empty one) is made again from the file
    index.write_text('{"stamp": {}, "records": []}')
    write_run(tmp_path, [(url, b"one")])
    assert [kind for kind, _, _ in records(tmp_path)] == ["response", "revisit"]
    assert url in index.read_text()


def test_a_revisit_whose_original_is_gone_gives_no_capture(tmp_path, caplog) -> None:
    url = "https://apod.nasa.gov/apod/ap250101.html"
    write_run(tmp_path, [(url, b"one")])
    write_run(tmp_path, [(url, b"one")])
    first, _ = warc.warc_files(tmp_path)
    first.unlink()
    with caplog.at_level(logging.WARNING):
        assert list(warc.captures(tmp_path)) == []
    assert f"the revisit of {url} at byte 0 names no intact record" in caplog.text


# --- crawls: cron runs, rebuild ----------------------------------------------------------------


@pytest.mark.parametrize("revisits", [True, False])
def test_cron_runs_rebuild_the_same_files(site, crawl, tmp_path, revisits: bool) -> None:
    crawl_daily(site, crawl, JAN, {"APOD_WARC_REVISITS": revisits})
    output = tmp_path / "output"
    kinds = [kind for kind, _, _ in records(warc_dir(output))]
    # each day is asked in three runs (the third refresh of the first days too)
    assert kinds.count("response") == (len(JAN) if revisits else len(kinds))
    assert kinds.count("revisit") == (len(kinds) - len(JAN) if revisits else 0)
    assert len(kinds) > len(JAN)
    crawled = {name: (output / name).read_bytes() for name in day_files(output)}
    for name in crawled:
        (output / name).unlink()
    assert main(["rebuild", "--out", str(output), "--jobs", "1"]) == 0
    assert {name: (output / name).read_bytes() for name in day_files(output)} == crawled


def test_audit_reads_a_revisit_as_its_page(tmp_path: Path, corpus: Path) -> None:
    page = corpus / "classic" / "ap220330.html"
    write_run(tmp_path, [(url_of(page), page.read_bytes())])
    write_run(tmp_path, [(url_of(page), page.read_bytes())])
    assert list(audit.pages([str(tmp_path)])) == [(url_of(page), page.read_bytes())] * 2


# --- the whole corpus ----------------------------------------------------------------------------


def corpus_pages(corpus: Path, archive: bool = True) -> list[tuple[str, bytes]]:
    """The real captures of the corpus (the classic pages, the API records, and with
    `archive` the archive's pages), the first of each address."""
    found = [(url_of(p), p.read_bytes()) for p in sorted((corpus / "classic").iterdir())]
    found += [(url_of(p), p.read_bytes()) for p in sorted((corpus / "science").iterdir())]
    tar = corpus / "archive" / "pages-2026-01.tar.xz"
    found += list(audit.pages([str(tar)])) if archive and tar.is_file() else []
    return list(dict(reversed(found)).items())[::-1]


def write_twice(directory: Path, pages: list[tuple[str, bytes]]) -> None:
    """A run without revisits, then one with: every capture of the second is a revisit."""
    write_run(directory, pages, revisits=False)
    write_run(directory, pages, revisits=True)
    kinds = [kind for kind, _, _ in records(directory)]
    assert kinds == ["response"] * len(pages) + ["revisit"] * len(pages)


@pytest.mark.slow
def test_every_corpus_capture_reads_back_byte_for_byte(corpus: Path, tmp_path: Path) -> None:
    # A day file is a function of the capture's address and bytes (parse_page is pure): the
    # same bytes back, from a copy or a revisit, rebuild the same file. (Parsing all 9,702
    # pages three times over would take minutes; the test below parses the rest.)
    pages = corpus_pages(corpus)
    write_twice(tmp_path, pages)
    assert [(c.url, c.body) for c in warc.captures(tmp_path)] == pages * 2


def test_corpus_captures_rebuild_their_days_byte_for_byte(corpus: Path, tmp_path) -> None:
    pages = corpus_pages(corpus, archive=False)
    expected, refused = {}, []  # from the bytes themselves, as a crawl would parse them
    for url, body in pages:
        found = warc.days_of(warc.Capture(url, body))
        if isinstance(found, str):
            refused.append(found)
        else:
            expected.update((day.date, render(day)) for day in found)
    write_twice(tmp_path, pages)
    found = warc.Captured()
    given = list(warc.parsed_days(warc.warc_files(tmp_path), 2, found))  # revisits the newest
    assert found.passed_over == refused * 2 and found.captures == 2 * len(pages)
    assert {date: render(day) for date, day in found.days.items()} == expected
    # each day given once, from its newest capture (a rebuild writes it once)
    assert sorted(day.date for day in given) == sorted(expected)
    assert all(found.days[day.date] is day for day in given)


@pytest.mark.parametrize("jobs", [1, 2])
def test_a_day_a_list_gives_twice_is_rebuilt_once(
    corpus: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], jobs: int
) -> None:
    listed = json.loads((corpus / "science" / "apod-basic-list-150603-150604.json").read_bytes())
    twice = [*listed, {**listed[0], "title": "Its last copy"}]
    url = list_url(SCIENCE_BASE, dt.date(2015, 6, 3), dt.date(2015, 6, 4), 100, 1)
    write_run(tmp_path / "warc", [(url, json.dumps(twice).encode())])
    out = tmp_path / "out"
    assert main(["rebuild", "--out", str(out), "--warc", str(tmp_path / "warc"),
                 "--jobs", str(jobs)]) == 0  # fmt: skip
    said = capsys.readouterr().err
    assert "rebuilt 2 days from 1 captures: 2 written" in said and "2 days catalogued" in said
    assert day_files(out) == ["ap150603.txt", "ap150604.txt"]
    first = archive.day_path(out, dt.date.fromisoformat(listed[0]["date"]))
    assert archive.read_day(dt.date.fromisoformat(listed[0]["date"]), first)["title"] == (
        "Its last copy"
    )


def test_a_day_is_given_as_soon_as_no_later_capture_can_give_it(corpus: Path, tmp_path) -> None:
    # on two processes; the real pages whose address names their day and which give it
    pages = [
        (url, body)
        for url, body in corpus_pages(corpus, archive=False)
        if not is_listing(url)
        and (named := day_in_name(url)) is not None
        and [day.date for day in warc.days_of(warc.Capture(url, body))] == [named]
    ]
    write_twice(tmp_path, pages)
    found = warc.Captured()
    given = warc.parsed_days(warc.warc_files(tmp_path), 2, found)
    first = next(given)
    # the first page's day, from its revisit: the newest capture of it, parsed right then
    assert first.date == day_in_name(pages[0][0])
    assert found.captures == len(pages) + 1
    assert found.where[first.date].warc_file == warc.warc_files(tmp_path)[-1].name
    assert sorted(day.date for day in [first, *given]) == sorted(found.days)
