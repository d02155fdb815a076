"""The catalog as researchers open it, with the queries docs/catalog.md shows: sqlite3,
pandas, DuckDB and Datasette (with each column described), on the corpus's real captures."""

from __future__ import annotations

import asyncio
import json
import sqlite3
from collections import Counter
from pathlib import Path

import duckdb
import pandas
import pytest

from apodscrape import catalog
from apodscrape.table import COLUMNS

VIDEO_DAYS = "SELECT date, title, image_url FROM days WHERE media_type = 'video' ORDER BY date"
BY_CREDIT = (
    "SELECT value AS credit, count(*) AS days FROM days, json_each(days.credit)"
    " GROUP BY value ORDER BY days DESC, credit LIMIT 5"
)


@pytest.fixture
def db_path(corpus_archive: Path) -> Path:
    return catalog.catalog_path(corpus_archive)


def test_sqlite3_answers_every_video_day(db_path: Path) -> None:
    db = sqlite3.connect(f"{db_path.as_uri()}?mode=ro", uri=True)
    videos = db.execute(VIDEO_DAYS).fetchall()
    assert videos and all(date and title for date, title, _ in videos)
    counted = Counter(
        line for (credit,) in db.execute("SELECT credit FROM days") for line in json.loads(credit)
    )
    credits = db.execute(BY_CREDIT).fetchall()
    assert credits and [count for _, count in credits] == sorted(counted.values())[::-1][:5]
    assert all(counted[credit] == count for credit, count in credits)
    db.close()


def test_pandas_reads_a_table_of_days(db_path: Path) -> None:
    with sqlite3.connect(f"{db_path.as_uri()}?mode=ro", uri=True) as db:
        frame = pandas.read_sql_query(
            "SELECT date, media_type, credit FROM days", db, parse_dates=["date"]
        )
    assert len(frame) > 20 and set(frame["media_type"]) <= {"image", "video", "other"}
    by_year = frame.groupby(frame["date"].dt.year).size()
    with sqlite3.connect(f"{db_path.as_uri()}?mode=ro", uri=True) as db:
        years = Counter(int(date[:4]) for (date,) in db.execute("SELECT date FROM days"))
    assert by_year.to_dict() == years


def test_duckdb_queries_the_days(db_path: Path) -> None:
    # offline, through pandas (ATTACH ... (TYPE sqlite) needs DuckDB's downloaded extension)
    with sqlite3.connect(f"{db_path.as_uri()}?mode=ro", uri=True) as db:
        days = pandas.read_sql_query("SELECT * FROM days", db)
        expected = [(d, t) for d, t, _ in db.execute(VIDEO_DAYS)]
    with duckdb.connect() as duck:
        duck.register("days", days)
        videos = duck.execute(
            "SELECT date, title FROM days WHERE media_type = 'video' ORDER BY date"
        ).fetchall()
    assert videos == expected


def test_datasette_serves_it_with_every_column_described(db_path: Path) -> None:
    from datasette.app import Datasette

    metadata_path = db_path.with_name(catalog.METADATA_NAME)
    metadata = json.loads(metadata_path.read_text())
    days = metadata["databases"]["catalog"]["tables"]["days"]["columns"]
    assert set(days) == set(catalog.DAY_COLUMNS) and all(days.values())
    for column in COLUMNS:  # the dataset's descriptions, where the dataset has the column
        assert days[column.field] == column.description

    async def ask() -> tuple[dict, dict]:
        served = Datasette([str(db_path)], metadata=metadata, immutables=[])
        rows = await served.client.get("/catalog/days.json?media_type=video&_shape=objects")
        described = await served.client.get("/-/metadata.json")
        return rows.json(), described.json()

    rows, described = asyncio.run(ask())
    assert rows["rows"] and all(row["media_type"] == "video" for row in rows["rows"])
    assert described["databases"]["catalog"]["tables"]["days"]["columns"]["title"]
