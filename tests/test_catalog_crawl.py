"""The crawl writes the catalog as it goes: each day's row right after its file, the outcome
of every day asked, the run, the media; a killed run leaves a catalog that opens and is
true of the files, and the next run mends what it missed."""

from __future__ import annotations

import datetime as dt
import json
import shutil
import sqlite3
from pathlib import Path

import pytest
from warcio.archiveiterator import ArchiveIterator

from apodscrape import archive, catalog, warc
from apodscrape.__main__ import main
from sitesim import Answer, SiteSim

from .conftest import day_files, start_scrapy_crawl
from .test_catalog_migration import OLD
from .test_cli import apodscrape
from .test_cron import CRON, MARCH, MARCH_SPAN, crawl_march_until, serve_classic

JAN = [dt.date(2025, 1, d) for d in (3, 4, 5)]
GONE = dt.date(2025, 1, 6)  # the site has no page for it
BROKEN = dt.date(2025, 1, 7)  # the site fails it


def table(db: sqlite3.Connection, query: str, *parameters: object) -> list[dict]:
    cursor = db.execute(query, parameters)
    names = [column[0] for column in cursor.description]
    return [dict(zip(names, values, strict=True)) for values in cursor]


@pytest.fixture
def crawled(site: SiteSim, crawl, tmp_path: Path) -> Path:
    site.publish(*JAN)
    site.answers(f"/apod/ap{BROKEN:%y%m%d}.html", *[Answer(500, b"busy")] * 5)
    crawl(site, tmp_path / "out", source="classic", start=str(JAN[0]), end=str(BROKEN))
    return tmp_path / "out"


def test_each_day_written_has_its_row_naming_its_capture(crawled: Path) -> None:
    db = catalog.open_readonly(crawled)
    rows = table(db, "SELECT * FROM days ORDER BY date")
    assert [row["date"] for row in rows] == [day.isoformat() for day in JAN]
    for row, (day, path) in zip(rows, archive.archive_files(crawled), strict=True):
        assert row["file_sha256"] == catalog.stamp_file(path).sha256
        assert row["source"] == "classic" and row["parser_version"] == warc.PARSER_VERSION
        with (archive.warc_dir(crawled) / row["warc_file"]).open("rb") as file:
            file.seek(row["warc_offset"])
            record = next(iter(ArchiveIterator(file)))
            assert record.rec_headers.get_header("WARC-Target-URI") == row["source_url"]
            assert record.rec_headers.get_header("WARC-Date") == row["fetched_at"]
            assert record.content_stream().read().startswith(b"<")
        assert row["title"] == archive.read_day(day, path)["title"]
    db.close()
    assert apodscrape("check", str(crawled)).returncode == 0


def test_every_day_asked_has_its_outcome_and_the_run_its_end(crawled: Path) -> None:
    db = catalog.open_readonly(crawled)
    (run,) = table(db, "SELECT * FROM runs")
    assert run["command"] == "crawl" and run["exit_status"] == 1  # a day failed
    assert json.loads(run["arguments"]) == {
        "source": "classic",
        "start": str(JAN[0]),
        "end": str(BROKEN),
    }
    assert json.loads(run["counts"]) == {
        "written": 3,
        "unchanged": 0,
        "skipped": 0,
        "missing": 1,
        "failed": 1,
    }
    assert run["ended_at"] >= run["started_at"] and run["warc_file"].endswith(".warc.gz")
    outcomes = {row["date"]: row for row in table(db, "SELECT * FROM outcomes")}
    assert {date: row["outcome"] for date, row in outcomes.items()} == {
        **{day.isoformat(): "written" for day in JAN},
        GONE.isoformat(): "missing",
        BROKEN.isoformat(): "failed",
    }
    assert "HTTP 404" in outcomes[GONE.isoformat()]["reason"]
    assert "500" in outcomes[BROKEN.isoformat()]["reason"]
    db.close()


def test_which_days_have_never_been_right_is_one_query(crawled: Path, site: SiteSim, crawl) -> None:
    crawl(site, crawled, source="classic", dates=str(BROKEN))  # fails again
    db = catalog.open_readonly(crawled)
    never = db.execute(
        "SELECT date, count(*), group_concat(DISTINCT reason) FROM outcomes"
        " WHERE date NOT IN (SELECT date FROM days) AND outcome = 'failed' GROUP BY date"
    ).fetchall()
    assert [(date, count) for date, count, _ in never] == [(BROKEN.isoformat(), 2)]
    db.close()


def test_a_day_confirmed_missing_is_remembered_by_the_catalog(crawled: Path, site, crawl):
    site.hits.clear()
    result = crawl(site, crawled, source="classic", start=str(JAN[0]), end=str(BROKEN), refresh="0")
    # the archived days and the gap are not asked again; the failed day is
    assert [hit for hit in site.requested("/apod/ap")] == [f"/apod/ap{BROKEN:%y%m%d}.html"] * 3
    assert result.stats["apod/missing"] == 1 and result.stats["apod/skipped"] == 3
    assert result.stats["apod/failed"] == 1


def test_the_first_export_after_a_crawl_reads_no_capture(
    crawled: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def parse(capture: warc.Capture) -> None:
        raise AssertionError(f"parsed {capture.url}")

    monkeypatch.setattr(warc, "days_of", parse)
    out = tmp_path / "apod.jsonl"
    assert main(["export", str(crawled), str(out)]) == 0
    rows = [json.loads(line) for line in out.read_text().splitlines()]
    assert [(r["date"], r["source"]) for r in rows] == [(str(d), "classic") for d in JAN]


def test_media_rows_say_what_was_stored_and_what_failed(site: SiteSim, crawl, tmp_path) -> None:
    picture = b"\x89PNG pretend" * 100
    site.publish(JAN[0], kind="image", slug="sky")
    site.page("/apod/image/2501/sky_big.jpg", picture, **{"Content-Type": "image/jpeg"})
    site.publish(JAN[1], kind="image", slug="lost")  # its file is not on the site
    site.publish(JAN[2], kind="youtube")
    out = tmp_path / "out"
    crawl(site, out, source="classic", start=str(JAN[0]), end=str(JAN[2]), media="1")
    db = catalog.open_readonly(out)
    media = table(db, "SELECT date, url, path, size, sha256, status FROM media ORDER BY date")
    assert [(m["date"], m["status"]) for m in media] == [
        (str(JAN[0]), "stored"),
        (str(JAN[1]), "failed"),
        (str(JAN[2]), "none"),
    ]
    assert media[0]["path"] == "media/ap250103/sky_big.jpg" and media[0]["size"] == len(picture)
    assert media[0]["sha256"] == catalog.hashlib.sha256(picture).hexdigest()
    assert catalog.read_state(db).media_done == {JAN[0], JAN[2]}
    db.close()


def test_an_archive_written_before_the_catalog_opens_without_loss(
    site: SiteSim, crawl, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    old = Path(shutil.copytree(OLD, tmp_path / "old"))
    files = {name: (old / name).read_bytes() for name in day_files(old)}
    site.publish(*[dt.date(2025, 1, d) for d in (1, 2, 4, 5, 6, 7)])
    site.hits.clear()
    crawl(site, old, source="classic", start="2025-01-01", end="2025-01-07", refresh="0")
    said = [r.getMessage() for r in caplog.records if "before it had one" in r.getMessage()]
    assert len(said) == 1 and "5 day files (5 with their capture, from 2 WARC files)" in said[0]
    # the state said what the archive has, the gap and the media done: only the new day asked
    assert site.requested("/apod/ap") == ["/apod/ap250107.html"]
    assert {name: (old / name).read_bytes() for name in files} == files
    assert not (old / archive.STATE_NAME).exists()
    caplog.clear()
    crawl(site, old, source="classic", start="2025-01-01", end="2025-01-07")
    assert not [r for r in caplog.records if "before it had one" in r.getMessage()]
    assert apodscrape("check", str(old)).returncode == 0


@pytest.mark.slow
def test_a_sigkilled_crawl_leaves_a_catalog_true_of_the_files(site: SiteSim, tmp_path) -> None:
    output = tmp_path / "output"
    process = crawl_march_until(site, output, 8)
    process.kill()
    process.wait(timeout=30)
    db = catalog.open_readonly(output)  # it opens, and what it holds is true of the files
    disagreements = [what for _, what in catalog.disagreements(db, output)]
    assert set(disagreements) <= {"has no row in the catalog"}  # at most the last batch
    (run,) = table(db, "SELECT * FROM runs")
    assert run["ended_at"] is None  # killed
    asked = table(db, "SELECT outcome, count(*) AS n FROM outcomes GROUP BY outcome")
    assert sum(row["n"] for row in asked) == len(MARCH)  # every day asked, as it was asked
    db.close()
    rerun = start_scrapy_crawl(site, output, *MARCH_SPAN, **CRON)
    assert rerun.wait(timeout=120) == 0, rerun.stderr.read()
    check = apodscrape("check", str(output))
    assert check.returncode == 0, check.stdout
    assert check.stdout.decode() == f"{len(MARCH)} files, 0 problems\n"


@pytest.mark.slow
def test_a_damaged_catalog_stops_the_crawl_with_one_line(site: SiteSim, tmp_path) -> None:
    output = tmp_path / "output"
    output.mkdir()
    (output / catalog.CATALOG_NAME).write_bytes(b"not a database at all\n" * 200)
    serve_classic(site, MARCH[:1])
    process = start_scrapy_crawl(site, output, "-a", f"dates={MARCH[0]}", **CRON)
    _, stderr = process.communicate(timeout=120)
    assert process.returncode == 1
    assert "Traceback" not in stderr
    assert f"{output / catalog.CATALOG_NAME} is damaged or not a database" in stderr
    assert f"python -m apodscrape rebuild --out {output}" in stderr
