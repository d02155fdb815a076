"""The catalog (ARCHIVE/catalog.sqlite): made from an archive's day files and its raw
captures (real pages of the corpus), checked when opened, read while it is written."""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import sqlite3
from pathlib import Path

import pytest
from warcio.archiveiterator import ArchiveIterator

from apodscrape import archive, catalog, warc
from apodscrape.__main__ import main
from apodscrape.catalog import CatalogError
from apodscrape.record import CLASSIC, SCIENCE

from .archives import a_day, write_days
from .test_cli import apodscrape


def rows(db: sqlite3.Connection, query: str = "SELECT * FROM days ORDER BY date") -> list[dict]:
    cursor = db.execute(query)
    names = [column[0] for column in cursor.description]
    return [dict(zip(names, values, strict=True)) for values in cursor]


def test_build_gives_a_row_for_each_day_file_with_its_capture(corpus_archive: Path) -> None:
    db = catalog.open_readonly(corpus_archive)
    found = rows(db)
    files = archive.archive_files(corpus_archive)
    assert [row["date"] for row in found] == [day.isoformat() for day, _ in files]
    captured = warc.days_in(warc.warc_files(archive.warc_dir(corpus_archive)))
    for row, (day, path) in zip(found, files, strict=True):
        record = archive.read_day(day, path)
        parsed = captured.days[day]
        assert row["title"] == record["title"] == parsed.title
        assert json.loads(row["credit"]) == record["credit"]
        assert row["explanation"] == record["explanation"]
        assert row["explanation_text"] == parsed.explanation_text
        assert json.loads(row["credits"]) == parsed.credits
        assert row["media_type"] == parsed.media_type
        assert row["hd_image_url"] == parsed.hd_image_url
        assert row["source"] == parsed.source in (CLASSIC, SCIENCE)
        assert row["raw_sha256"] == parsed.raw_sha256
        assert row["parser_version"] == warc.PARSER_VERSION
        assert row["file_sha256"] == catalog.stamp_file(path).sha256
        keywords = None if row["keywords"] is None else json.loads(row["keywords"])
        assert keywords == parsed.keywords
    db.close()


def test_a_row_names_the_record_its_day_was_read_from(corpus_archive: Path) -> None:
    db = catalog.open_readonly(corpus_archive)
    for row in rows(db):
        path = archive.warc_dir(corpus_archive) / row["warc_file"]
        with path.open("rb") as file:
            file.seek(row["warc_offset"])
            record = next(iter(ArchiveIterator(file)))
            assert record.rec_headers.get_header("WARC-Target-URI") == row["source_url"]
            assert record.rec_headers.get_header("WARC-Date") == row["fetched_at"]
    db.close()


def test_full_text_search_finds_days_by_their_words(corpus_archive: Path) -> None:
    db = catalog.open_readonly(corpus_archive)
    by_title = {row["date"]: row["title"] for row in rows(db)}
    date, title = next(iter(by_title.items()))
    word = max(title.split(), key=len).strip(".,:;!?'\"")
    found = db.execute(
        "SELECT date FROM days_fts WHERE days_fts MATCH ? ORDER BY bm25(days_fts, 0, 10.0, 1.0, "
        "3.0)",
        (f'title:"{word}"',),
    ).fetchall()
    assert (date,) in found
    assert all(word.lower() in by_title[d].lower() for (d,) in found)
    count = db.execute("SELECT count(*) FROM days_fts").fetchone()[0]
    assert count == len(by_title)
    db.close()


def test_an_archive_without_captures_is_catalogued_from_its_files(tmp_path: Path) -> None:
    video = "https://www.youtube.com/embed/abcdefghijk?rel=0"
    write_days(tmp_path, [a_day("2025-01-03"), a_day("2025-01-04", image_url=video)])
    db = catalog.open_catalog(tmp_path)
    built = catalog.build(db, tmp_path)
    assert (built.days, built.from_captures) == (2, 0)
    image, movie = rows(db)
    assert (image["media_type"], movie["media_type"]) == ("image", "video")
    assert movie["thumbnail_url"] == "https://img.youtube.com/vi/abcdefghijk/hqdefault.jpg"
    assert image["source"] is image["warc_file"] is image["parser_version"] is None
    assert image["copyright"] == 0  # read as the classic page's credit
    db.close()


def test_put_day_replaces_the_row_and_its_text_and_keeps_when_it_changed(tmp_path: Path) -> None:
    day = a_day("2025-01-03", title="Old Comet")
    write_days(tmp_path, [day])
    path = archive.day_path(tmp_path, day.date)
    db = catalog.open_catalog(tmp_path)
    catalog.put_day(db, day, catalog.stamp_file(path))
    first = rows(db)[0]["changed_at"]

    def search(word: str) -> list[tuple[str]]:
        return db.execute("SELECT date FROM days_fts WHERE days_fts MATCH ?", (word,)).fetchall()

    assert search("comet") == [("2025-01-03",)]
    new = a_day("2025-01-03", title="New Nebula")
    archive.write_atomic(path, archive.render(new))
    later = path.stat().st_mtime_ns + 5_000_000_000
    os.utime(path, ns=(later, later))
    catalog.put_day(db, new, catalog.stamp_file(path))
    assert (search("comet"), search("nebula")) == ([], [("2025-01-03",)])
    changed = rows(db)[0]["changed_at"]
    assert changed > first
    os.utime(path, ns=(later + 10**10, later + 10**10))  # touched, not changed
    catalog.put_day(db, new, catalog.stamp_file(path))
    assert rows(db)[0]["changed_at"] == changed
    assert db.execute("SELECT count(*) FROM days_fts").fetchone()[0] == 1
    db.close()


def test_build_again_removes_the_rows_of_files_gone(corpus_archive: Path, tmp_path: Path) -> None:
    directory = tmp_path / "copy"
    write_days(directory, [a_day("2025-01-03"), a_day("2025-01-04")])
    db = catalog.open_catalog(directory)
    catalog.build(db, directory)
    archive.day_path(directory, dt.date(2025, 1, 4)).unlink()
    (directory / "ap250105.txt").write_text("not a day file\n")
    built = catalog.build(db, directory)
    assert (built.days, built.removed) == (1, 1)
    assert built.unreadable and "ap250105.txt" in built.unreadable[0]
    assert [row["date"] for row in rows(db)] == ["2025-01-03"]
    assert db.execute("SELECT count(*) FROM days_fts").fetchone()[0] == 1
    db.close()


def test_a_new_catalog_is_wal_and_says_it_is_apods(tmp_path: Path) -> None:
    db = catalog.open_catalog(tmp_path)
    assert db.execute("PRAGMA journal_mode").fetchone() == ("wal",)
    assert db.execute("PRAGMA application_id").fetchone() == (catalog.APPLICATION_ID,)
    assert db.execute("PRAGMA user_version").fetchone() == (catalog.SCHEMA_VERSION,)
    db.close()
    again = catalog.open_catalog(tmp_path)  # opened again as it is
    assert again.execute("SELECT count(*) FROM meta WHERE key = 'created_at'").fetchone() == (1,)
    again.close()


def _foreign(path: Path) -> None:
    other = sqlite3.connect(path)
    other.execute("CREATE TABLE notes (text TEXT)")
    other.commit()
    other.close()


def _garbage(path: Path) -> None:
    path.write_bytes(b"this is not a database, it only sits where one should be\n" * 100)


def _damaged(path: Path) -> None:
    db = catalog.open_catalog(path.parent)
    write_days(path.parent, [a_day("2025-01-03")])
    catalog.build(db, path.parent)
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db.close()
    data = bytearray(path.read_bytes())
    data[4096 : 4096 * 3] = b"\xff" * (4096 * 2)  # pages after the header
    path.write_bytes(bytes(data))


def _newer(path: Path) -> None:
    catalog.open_catalog(path.parent).close()
    db = sqlite3.connect(path)
    db.execute(f"PRAGMA user_version = {catalog.SCHEMA_VERSION + 1}")
    db.close()


@pytest.mark.parametrize(
    ("spoil", "said"),
    [
        (_foreign, "is not an apodscrape catalog"),
        (_garbage, "is damaged or not a database"),
        (_damaged, "is damaged or not a database (database disk image is malformed)"),
        (_newer, "is of a newer apodscrape"),
    ],
    ids=["foreign", "garbage", "damaged", "newer"],
)
def test_a_catalog_that_cannot_be_used_is_one_clear_error(tmp_path: Path, spoil, said) -> None:
    spoil(tmp_path / catalog.CATALOG_NAME)
    for opening in (catalog.open_catalog, catalog.open_readonly):
        with pytest.raises(CatalogError) as error:
            opening(tmp_path).close()
        message = str(error.value)
        assert said in message
        assert f"python -m apodscrape rebuild --out {tmp_path}" in message


def test_a_symlink_is_not_opened(tmp_path: Path) -> None:
    catalog.open_catalog(tmp_path / "real").close()
    (tmp_path / catalog.CATALOG_NAME).symlink_to(tmp_path / "real" / catalog.CATALOG_NAME)
    with pytest.raises(CatalogError, match="symbolic link"):
        catalog.open_catalog(tmp_path)


def test_reading_an_archive_without_a_catalog_says_how_to_build_one(tmp_path: Path) -> None:
    with pytest.raises(CatalogError, match=r"has no catalog.*rebuild --out"):
        catalog.open_readonly(tmp_path)
    assert not (tmp_path / catalog.CATALOG_NAME).exists()  # a reader creates nothing


def test_readers_read_while_a_writer_holds_a_transaction(tmp_path: Path) -> None:
    write_days(tmp_path, [a_day("2025-01-03")])
    db = catalog.open_catalog(tmp_path)
    catalog.build(db, tmp_path)
    reader = catalog.open_readonly(tmp_path)
    with catalog.transaction(db):
        db.execute("DELETE FROM days")
        # the reader sees the last commit, at once, while the writer's is open
        assert reader.execute("SELECT count(*) FROM days").fetchone() == (1,)
        with pytest.raises(sqlite3.OperationalError, match="readonly"):
            reader.execute("DELETE FROM days")
    assert reader.execute("SELECT count(*) FROM days").fetchone() == (0,)
    reader.close()
    db.close()


def test_rebuild_writes_the_catalog_and_moves_an_unusable_one_aside(
    corpus_archive: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "rebuilt"
    out.mkdir()
    _garbage(catalog.catalog_path(out))
    warc_dir = archive.warc_dir(corpus_archive)
    assert main(["rebuild", "--out", str(out), "--warc", str(warc_dir), "--jobs", "1"]) == 0
    said = capsys.readouterr().err
    aside = [path for path in out.iterdir() if ".unusable-" in path.name]
    assert len(aside) == 1 and f"moved to {aside[0]}" in said
    assert aside[0].read_bytes().startswith(b"this is not a database")
    db = catalog.open_readonly(out)
    files = archive.archive_files(out)
    assert f"{len(files)} days catalogued" in said
    assert [row["date"] for row in rows(db)] == [day.isoformat() for day, _ in files]
    db.close()


def test_a_rebuilds_rows_are_those_its_files_give(corpus_archive: Path, tmp_path: Path) -> None:
    # rebuild takes each record it has just written as its file's: the same rows as reading
    out = tmp_path / "rebuilt"
    warc_dir = archive.warc_dir(corpus_archive)
    assert main(["rebuild", "--out", str(out), "--warc", str(warc_dir), "--jobs", "1"]) == 0
    db = catalog.open_readonly(out)
    rebuilt = rows(db)
    db.close()
    read = tmp_path / "read"
    read.mkdir()
    for _, path in archive.archive_files(out):
        shutil.copy2(path, read / path.name)  # the same bytes and times
    db = catalog.open_catalog(read)
    catalog.build(db, read, warc.days_in(warc.warc_files(warc_dir)))
    assert rows(db) == rebuilt and len(rebuilt) == len(archive.archive_files(out))
    db.close()


def test_a_rebuild_that_cannot_write_a_file_leaves_the_catalog_as_it_was(
    catalogued: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # the rows are put as the files are written, in one transaction: none of them stays
    db = catalog.open_readonly(catalogued)
    before = rows(db)
    db.close()
    files = archive.archive_files(catalogued)
    blocked = files[len(files) // 2][1]
    blocked.unlink()
    (blocked / "in the way").mkdir(parents=True)  # a directory where the file goes
    assert main(["rebuild", "--out", str(catalogued), "--jobs", "2"]) == 1
    assert f"cannot write {blocked}" in capsys.readouterr().err
    db = catalog.open_readonly(catalogued)
    assert rows(db) == before
    runs = rows(db, "SELECT command, exit_status FROM runs ORDER BY id")
    assert runs[-1] == {"command": "rebuild", "exit_status": 1}
    db.close()


def test_a_rebuild_stopped_by_any_error_ends_its_run(catalogued: Path) -> None:
    (archive.warc_dir(catalogued) / "apod-zzz-run999999.warc.gz").mkdir()  # no file to read
    assert main(["rebuild", "--out", str(catalogued), "--jobs", "1"]) == 1
    db = catalog.open_readonly(catalogued)
    (run,) = rows(db, "SELECT command, exit_status, ended_at FROM runs ORDER BY id DESC LIMIT 1")
    assert run["command"] == "rebuild" and run["exit_status"] == 1 and run["ended_at"]
    db.close()


def test_a_rebuild_whose_catalog_cannot_be_written_is_one_line(
    catalogued: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    def full(db, rows) -> None:
        raise sqlite3.OperationalError("database or disk is full")

    monkeypatch.setattr(catalog, "put_days", full)
    assert main(["rebuild", "--out", str(catalogued), "--jobs", "1"]) == 1
    path = catalog.catalog_path(catalogued)
    said = capsys.readouterr().err.splitlines()
    assert said == [f"error: {path}: cannot be written: database or disk is full"]


def _reader(tool: str, catalogued: Path, tmp_path: Path) -> list[str]:
    """The arguments of a tool that reads the catalog: export, stats or check."""
    return [tool, str(catalogued), *([str(tmp_path / "apod.parquet")] if tool == "export" else [])]


@pytest.mark.parametrize("tool", ["export", "stats", "check"])
def test_a_catalog_damaged_past_its_first_rows_is_one_line_naming_rebuild(
    catalogued: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], tool: str
) -> None:
    # a reader's open reads each table's first row: the damage is met later, in a query
    path = catalog.catalog_path(catalogued)
    db = sqlite3.connect(path)
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    query = "SELECT max(pageno) FROM dbstat WHERE name = 'days' AND pagetype = 'leaf'"
    (page,) = db.execute(query).fetchone()
    (size,) = db.execute("PRAGMA page_size").fetchone()
    db.close()
    with path.open("r+b") as file:
        file.seek((page - 1) * size)
        file.write(b"\xff" * size)
    assert main(_reader(tool, catalogued, tmp_path)) == 1
    said = capsys.readouterr()
    line = f"{path} is damaged (database disk image is malformed); build it again: "
    line += f"python -m apodscrape rebuild --out {catalogued}"
    if tool == "check":
        assert f"{path}: {line.removeprefix(f'{path} ')}\n" in said.out
    else:
        assert said.err == f"error: {line}\n"


def test_a_catalog_that_cannot_be_read_now_is_one_line(
    catalogued: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    # not damage: no advice to build it again
    def failing(db, directory) -> None:
        raise sqlite3.OperationalError("disk I/O error")

    monkeypatch.setattr(catalog, "stale", failing)
    assert main(["stats", str(catalogued)]) == 1
    path = catalog.catalog_path(catalogued)
    assert capsys.readouterr().err == f"error: {path} cannot be read (disk I/O error)\n"


@pytest.mark.parametrize("date", ["2025-13-01", None])
@pytest.mark.parametrize("tool", ["export", "stats", "check"])
def test_a_row_whose_date_is_no_date_is_named(
    catalogued: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], tool: str, date
) -> None:
    db = sqlite3.connect(catalog.catalog_path(catalogued))
    first, second = [day for (day,) in db.execute("SELECT date FROM days ORDER BY date")][:2]
    db.execute("UPDATE days SET date = ? WHERE date = ?", (date, first))
    db.execute("UPDATE days SET credit = '[' WHERE date = ?", (second,))  # not JSON
    db.commit()
    db.close()
    assert main(_reader(tool, catalogued, tmp_path)) == 1
    said = capsys.readouterr()
    if tool == "check":  # the row, and the file that has none
        assert f"has a row whose date is no date ({date!r})" in said.out
        assert "has no row in the catalog" in said.out
        assert "credit differs from its row in the catalog" in said.out
    else:
        assert said.err == (
            f"error: {catalog.catalog_path(catalogued)} is damaged (a row whose date is no "
            f"date: {date!r}); build it again: python -m apodscrape rebuild --out {catalogued}\n"
        )


# --- mend: the catalog made true of the files again -----------------------------------------


@pytest.fixture
def catalogued(corpus_archive: Path, tmp_path: Path) -> Path:
    """A copy of the corpus archive and its catalog, to change."""
    return Path(shutil.copytree(corpus_archive, tmp_path / "archive"))


def test_mend_finds_what_changed_behind_the_catalogs_back(catalogued: Path) -> None:
    db = catalog.open_catalog(catalogued)
    before = {row["date"]: row for row in rows(db)}
    (first, first_path), (second, second_path), (third, third_path), *_ = archive.archive_files(
        catalogued
    )
    os.utime(first_path)  # touched: the same bytes
    record = archive.read_day(second, second_path)  # changed: a corrected title
    corrected = archive.compose({**_front(record), "title": "Corrected"}, record["explanation"])
    archive.write_atomic(second_path, corrected)
    third_path.unlink()  # gone
    mended = catalog.mend(db, catalogued, archive.warc_dir(catalogued))
    assert (mended.touched, mended.put, mended.removed) == (1, [second], [third])
    after = {row["date"]: row for row in rows(db)}
    assert third.isoformat() not in after
    corrected = after[second.isoformat()]
    assert corrected["title"] == "Corrected"
    assert corrected["file_sha256"] == catalog.stamp_file(second_path).sha256
    # what only the capture tells stays that of the newest capture of the day
    for name in ("warc_file", "warc_offset", "raw_sha256", "source", "media_type", "keywords"):
        assert corrected[name] == before[second.isoformat()][name]
    assert after[first.isoformat()]["changed_at"] == before[first.isoformat()]["changed_at"]
    assert not catalog.mend(db, catalogued, archive.warc_dir(catalogued))  # nothing left
    assert db.execute("SELECT count(*) FROM days_fts").fetchone()[0] == len(after)
    db.close()


def test_mend_keeps_the_rows_capture_when_every_run_is_settled(catalogued: Path) -> None:
    # a crawl's archive: every WARC file is a finished run's, so none is parsed again
    db = catalog.open_catalog(catalogued)
    (captures,) = warc.warc_files(archive.warc_dir(catalogued))
    run = catalog.start_run(db, "crawl", {})
    with catalog.transaction(db):
        catalog.run_capture(db, run, captures.name)
    catalog.end_run(db, run, 0, {})
    (day, path), *_ = archive.archive_files(catalogued)
    before = rows(db, f"SELECT * FROM days WHERE date = '{day}'")[0]
    record = archive.read_day(day, path)
    archive.write_atomic(path, archive.compose({**_front(record), "title": "Corrected"}, ""))
    assert catalog.mend(db, catalogued, archive.warc_dir(catalogued)).put == [day]
    after = rows(db, f"SELECT * FROM days WHERE date = '{day}'")[0]
    assert after["title"] == "Corrected" and after["explanation"] == ""
    for name in ("warc_file", "warc_offset", "fetched_at", "raw_sha256", "source"):
        assert after[name] == before[name]
    db.close()


def _front(record: dict) -> dict:
    return {key: record[key] for key in archive.FIELDS}


def test_mend_reads_a_killed_runs_captures_for_a_file_without_its_row(catalogued: Path) -> None:
    db = catalog.open_catalog(catalogued)
    ((day, _), *_) = archive.archive_files(catalogued)
    db.execute("DELETE FROM days WHERE date = ?", (day.isoformat(),))
    (captures,) = warc.warc_files(archive.warc_dir(catalogued))
    run = catalog.start_run(db, "crawl", {})  # it never ended: its captures are not settled
    with catalog.transaction(db):
        catalog.run_capture(db, run, captures.name)
    mended = catalog.mend(db, catalogued, archive.warc_dir(catalogued))
    assert mended.put == [day]
    (row,) = rows(db, f"SELECT * FROM days WHERE date = '{day}'")
    assert row["warc_file"] == captures.name and row["source"] in (CLASSIC, SCIENCE)
    db.close()


# --- runs and outcomes: what runs remember --------------------------------------------------


def test_the_state_runs_remember_is_read_from_outcomes_and_media(tmp_path: Path) -> None:
    write_days(tmp_path, [a_day("2025-01-04")])
    db = catalog.open_catalog(tmp_path)
    catalog.build(db, tmp_path)
    old, gap, today = dt.date(2025, 1, 3), dt.date(2025, 1, 5), dt.date.today()
    first = catalog.start_run(db, "crawl", {"start": "2025-01-01"})
    second = catalog.start_run(db, "crawl", {})
    with catalog.transaction(db):
        catalog.widen_span(db, dt.date(2025, 1, 1))
        catalog.widen_span(db, dt.date(2025, 1, 2))  # a later, narrower run: the span stays
        catalog.put_outcomes(
            db,
            first,
            [
                catalog.Outcome(old, catalog.MISSING, "404"),
                catalog.Outcome(gap, catalog.MISSING, "404"),
                catalog.Outcome(dt.date(2025, 1, 4), catalog.MISSING, "404"),  # archived since
                catalog.Outcome(today, catalog.MISSING, "not out yet"),  # not settled
            ],
        )
        # the next run found the gap's page failing: the source's word no longer holds
        catalog.put_outcomes(db, second, [catalog.Outcome(gap, catalog.FAILED, "HTTP 500")])
        catalog.put_outcomes(db, second, [catalog.Outcome(old, catalog.ASKED)])  # killed
        catalog.put_media(
            db,
            [
                catalog.Media(dt.date(2025, 1, 4), "https://x/a.jpg", catalog.STORED),
                catalog.Media(dt.date(2025, 1, 6), "https://x/b.jpg", catalog.FAILED, reason="500"),
                catalog.Media(dt.date(2025, 1, 7), "", catalog.NONE),
            ],
        )
    state = catalog.read_state(db)
    assert state.span_from == dt.date(2025, 1, 1)
    assert state.missing == {old}
    assert state.media_done == {dt.date(2025, 1, 4), dt.date(2025, 1, 7)}
    catalog.end_run(db, second, 1, {"failed": 1})
    ended = db.execute("SELECT exit_status, counts FROM runs WHERE id = ?", (second,))
    assert ended.fetchone() == (1, '{"failed": 1}')
    db.close()


# --- check: the catalog proved true of the files ---------------------------------------------


def test_check_proves_the_catalog_agrees_with_the_files(catalogued: Path) -> None:
    run = apodscrape("check", str(catalogued))
    assert run.returncode == 0 and run.stdout.decode().endswith(", 0 problems\n")


def test_check_tells_each_disagreement_in_a_line(catalogued: Path) -> None:
    (first, first_path), (second, second_path), (third, third_path), *_ = archive.archive_files(
        catalogued
    )
    record = archive.read_day(first, first_path)
    corrected = archive.compose({**_front(record), "title": "Corrected"}, record["explanation"])
    archive.write_atomic(first_path, corrected)
    third_path.unlink()
    db = catalog.open_catalog(catalogued)
    db.execute("DELETE FROM days WHERE date = ?", (second.isoformat(),))
    db.close()
    run = apodscrape("check", str(catalogued))
    assert run.returncode == 1
    lines = run.stdout.decode().splitlines()
    assert lines[:-1] == [
        f"{first_path}: is not the file its catalog row was made from (SHA-256 differs)",
        f"{first_path}: title differs from its row in the catalog",
        f"{second_path}: has no row in the catalog",
        f"{catalogued / 'catalog.sqlite'}: has a row for {third}, whose file "
        f"{third_path.name} is not there",
    ]
    assert lines[-1].endswith(", 4 problems")


def test_check_says_an_archive_has_no_catalog(tmp_path: Path) -> None:
    write_days(tmp_path, [a_day("2025-01-03")], catalogued=False)
    run = apodscrape("check", str(tmp_path))
    assert run.returncode == 1
    assert run.stdout.decode().splitlines() == [
        f"{tmp_path}/catalog.sqlite: {tmp_path} has no catalog (catalog.sqlite); build it: "
        f"python -m apodscrape rebuild --out {tmp_path}",
        "1 file, 1 problem",
    ]


def test_rebuild_of_an_archive_without_captures_catalogues_its_files(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write_days(tmp_path, [a_day("2025-01-03"), a_day("2025-01-04")], catalogued=False)
    assert main(["rebuild", "--out", str(tmp_path)]) == 0
    assert "2 days catalogued from their files alone" in capsys.readouterr().err
    assert apodscrape("check", str(tmp_path)).returncode == 0


def test_a_full_disk_while_a_run_opens_the_catalog_is_one_clear_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    archive_dir = write_days(tmp_path / "archive", [a_day("2025-01-05")])

    def disk_full(*args: object, **kwargs: object) -> None:
        raise sqlite3.OperationalError("database or disk is full")

    monkeypatch.setattr(catalog, "mend", disk_full)
    with pytest.raises(CatalogError, match=r"cannot be written: database or disk is full"):
        catalog.record_run(archive_dir, "crawl", {})
    monkeypatch.undo()
    recorder, _, said = catalog.record_run(archive_dir, "crawl", {})  # opens as it was
    recorder.close(0, {})
    assert said == []
