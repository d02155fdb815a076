"""An archive written before the catalog opens without loss: its day files, captures and
`.apodscrape-state.json` are read into a new catalog, once.

tests/fixtures/archive-before-catalog was written by a crawl of the simulator (sitesim) with
apodscrape as it was before the catalog (main at d903815): day files, two runs' WARC files
with the Facts kept beside them (warc/.parsed/), the state (span from 2025-01-01, 2025-01-03
confirmed missing, the media of 01, 02 (a YouTube embed) and 05 done) and one media file:

    site.publish(2025-01-01, kind="image", slug="sky") and its sky_big.jpg;
    site.publish(2025-01-02, kind="youtube"); site.publish(2025-01-04, 05, 06)
    scrapy crawl apod -a start=2025-01-01 -a end=2025-01-06 -a media=1 -a source=classic
    scrapy crawl apod -a dates=2025-01-06 -a source=classic
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import shutil
from pathlib import Path

import pytest

from apodscrape import archive, catalog, warc
from apodscrape.errors import ApodError

from .conftest import FIXTURES

OLD = FIXTURES / "archive-before-catalog"
JAN = {day: dt.date(2025, 1, day) for day in range(1, 7)}


@pytest.fixture
def old_archive(tmp_path: Path) -> Path:
    return Path(shutil.copytree(OLD, tmp_path / "archive"))


def test_the_old_state_and_captures_are_read_into_the_catalog(old_archive: Path) -> None:
    state = archive.read_state(old_archive)
    db = catalog.open_catalog(old_archive)
    said = catalog.migrate(db, old_archive)
    assert said is not None
    assert "5 day files (5 with their capture, from 2 WARC files)" in said
    assert "1 days confirmed missing, 3 days' media done" in said
    assert catalog.read_state(db) == state
    assert not (old_archive / archive.STATE_NAME).exists()
    assert not (archive.warc_dir(old_archive) / ".parsed").exists()
    # each day's full record, from its newest capture: 2025-01-06 from the second run
    captured = warc.days_in(warc.warc_files(archive.warc_dir(old_archive)))
    rows = db.execute("SELECT date, warc_file, media_type, raw_sha256 FROM days").fetchall()
    assert {date: (f, t, s) for date, f, t, s in rows} == {
        day.isoformat(): (
            captured.where[day].warc_file,
            captured.days[day].media_type,
            captured.days[day].raw_sha256,
        )
        for day in captured.days
    }
    newest = max(warc.warc_files(archive.warc_dir(old_archive))).name
    assert dict((d, f) for d, f, *_ in rows)["2025-01-06"] == newest
    stored = (OLD / "media" / "ap250101" / "sky_big.jpg").read_bytes()
    assert db.execute("SELECT date, path, size, sha256, status FROM media").fetchall() == [
        ("2025-01-01", "media/ap250101/sky_big.jpg", len(stored),
         hashlib.sha256(stored).hexdigest(), "stored"),
        ("2025-01-02", None, None, None, "none"),
        ("2025-01-05", None, None, None, "none"),
    ]  # fmt: skip
    (run,) = db.execute("SELECT command, ended_at IS NOT NULL, exit_status FROM runs")
    assert run == ("migrate", 1, 0)
    (value,) = db.execute("SELECT value FROM meta WHERE key = 'migrated_from'").fetchone()
    migrated = json.loads(value)
    assert migrated["state"] is True and migrated["warc_files"] == 2
    db.close()


def test_the_migration_is_made_once(old_archive: Path) -> None:
    db = catalog.open_catalog(old_archive)
    assert catalog.migrate(db, old_archive) is not None
    assert catalog.migrate(db, old_archive) is None
    db.close()


def test_a_new_archive_has_nothing_to_migrate(tmp_path: Path) -> None:
    db = catalog.open_catalog(tmp_path)
    assert catalog.migrate(db, tmp_path) is None
    assert catalog.is_new(db)
    db.close()


def test_a_damaged_state_is_an_error_and_changes_nothing(old_archive: Path) -> None:
    (old_archive / archive.STATE_NAME).write_text("{not json")
    db = catalog.open_catalog(old_archive)
    with pytest.raises(ApodError, match="not a state file"):
        catalog.migrate(db, old_archive)
    assert catalog.is_new(db)
    db.close()
