"""The archive's catalog (ARCHIVE/catalog.sqlite) as the API reads it: read-only, through
SQL on the agreed schema, seeing each crawl's commits as they land.

A crawl writes a day in one transaction and the catalog is in WAL mode: a reader never
waits for it and sees a day either before or after, never half-written. Each answer is
read in one transaction, so the days of a list come from one state of the catalog.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import sqlite3
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from ..catalog import catalog_path, open_readonly

_COLUMNS = (
    "date, title, canonical_url, media_type, image_url, hd_image_url, thumbnail_url, credit,"
    " credits, copyright, explanation_text, keywords, alt, permalink, changed_at"
)


class Store:
    """One read-only connection to an archive's catalog (one per server process)."""

    def __init__(self, archive: str | os.PathLike[str]) -> None:
        self.archive = Path(archive)
        self.path = catalog_path(archive)
        self._connection: sqlite3.Connection | None = None
        self._wal = self.path.with_name(self.path.name + "-wal")
        self._identity: int | None = None
        self._files: list[Any] = []
        self._data_version = 0
        self._checked = 0.0
        self._version: tuple[Any, ...] = ()
        self._dates: list[str] | None = None
        self._last_changed: str | None = None

    def _connect(self) -> sqlite3.Connection:
        if self._connection is not None:
            self._connection.close()
        self._connection = None
        stat = self.path.stat()
        connection = open_readonly(self.archive)  # CatalogError: none, foreign or damaged
        connection.isolation_level = None  # transactions are ours (snapshot)
        connection.row_factory = sqlite3.Row
        connection.execute("PRAGMA query_only = 1")
        self._connection, self._identity = connection, stat.st_ino
        return connection

    @property
    def connection(self) -> sqlite3.Connection:
        return self._connection or self._connect()

    def version(self) -> tuple[Any, ...]:
        """A value that changes whenever what the catalog holds may have changed.

        A commit writes to the catalog's WAL (its size or time changes; a checkpoint changes
        the database's), and a new file put in the catalog's place (a rebuild, an rsync) has
        another inode: two stat() calls a request see those. SQLite's own word, its
        data_version (a query, some 50 times dearer), is asked at most once a second, for a
        commit that left both files' sizes and times as they were (within a clock tick).
        CatalogError if a new file there cannot be used."""
        files = []
        for path in (self.path, self._wal):
            try:
                stat = os.stat(path)
                files.append((stat.st_ino, stat.st_size, stat.st_mtime_ns))
            except OSError:
                files.append(None)
        if self._connection is None or (files[0] and files[0][0] != self._identity):
            self._connect()
        now = time.monotonic()
        if now - self._checked >= 1.0 or files != self._files:
            self._checked, self._files = now, files
            self._data_version = self.connection.execute("PRAGMA data_version").fetchone()[0]
        version = (id(self._connection), self._data_version, *files)
        if version != self._version:
            self._version, self._dates, self._last_changed = version, None, None
        return version

    @contextlib.contextmanager
    def snapshot(self) -> Iterator[sqlite3.Connection]:
        """One read transaction: every query in it sees the same state of the catalog."""
        connection = self.connection
        connection.execute("BEGIN")
        try:
            yield connection
        finally:
            connection.execute("COMMIT")

    def day(self, date: dt.date) -> sqlite3.Row | None:
        return self.connection.execute(
            f"SELECT {_COLUMNS} FROM days WHERE date = ?", (date.isoformat(),)
        ).fetchone()

    def newest(self, upto: dt.date) -> sqlite3.Row | None:
        return self.connection.execute(
            f"SELECT {_COLUMNS} FROM days WHERE date <= ? ORDER BY date DESC LIMIT 1",
            (upto.isoformat(),),
        ).fetchone()

    def span(self, first: dt.date, last: dt.date) -> list[sqlite3.Row]:
        return self.connection.execute(
            f"SELECT {_COLUMNS} FROM days WHERE date BETWEEN ? AND ? ORDER BY date",
            (first.isoformat(), last.isoformat()),
        ).fetchall()

    def some(self, dates: list[str]) -> list[sqlite3.Row]:
        marks = ",".join("?" * len(dates))
        rows = self.connection.execute(
            f"SELECT {_COLUMNS} FROM days WHERE date IN ({marks})", dates
        ).fetchall()
        order = {date: index for index, date in enumerate(dates)}
        return sorted(rows, key=lambda row: order[row["date"]])

    def dates(self) -> list[str]:
        """Every day the catalog holds (kept until the catalog changes)."""
        if self._dates is None:
            rows = self.connection.execute("SELECT date FROM days ORDER BY date")
            self._dates = [row[0] for row in rows]
        return self._dates

    def last_changed(self) -> str | None:
        """When a day file last changed, over the whole archive."""
        if self._last_changed is None:
            row = self.connection.execute("SELECT max(changed_at) FROM days").fetchone()
            self._last_changed = row[0]
        return self._last_changed

    def last_outcome(self, date: dt.date) -> sqlite3.Row | None:
        """The newest run's word on a day: written, unchanged, missing, failed, asked."""
        return self.connection.execute(
            "SELECT outcome, reason, at FROM outcomes WHERE date = ? ORDER BY run_id DESC LIMIT 1",
            (date.isoformat(),),
        ).fetchone()

    def search(self, match: str, limit: int, offset: int) -> tuple[int, list[sqlite3.Row]]:
        """Ranked hits of an FTS5 query (titles weigh most, then credits), with a snippet."""
        connection = self.connection
        total = connection.execute(
            "SELECT count(*) FROM days_fts WHERE days_fts MATCH ?", (match,)
        ).fetchone()[0]
        rows = connection.execute(
            "SELECT f.date, d.title, d.media_type, d.image_url,"
            " snippet(days_fts, -1, '**', '**', '…', 24) AS snippet,"
            " bm25(days_fts, 0, 10.0, 1.0, 3.0) AS rank"
            " FROM days_fts AS f JOIN days AS d ON d.date = f.date"
            " WHERE days_fts MATCH ? ORDER BY rank LIMIT ? OFFSET ?",
            (match, limit, offset),
        ).fetchall()
        return total, rows

    def health(self) -> dict[str, Any]:
        connection = self.connection
        count, newest = connection.execute("SELECT count(*), max(date) FROM days").fetchone()
        run = connection.execute(
            "SELECT id, command, started_at, ended_at, exit_status, counts FROM runs"
            " ORDER BY id DESC LIMIT 1"
        ).fetchone()
        last_run = None
        if run is not None:
            last_run = dict(run)
            last_run["counts"] = json.loads(run["counts"]) if run["counts"] else None
        return {"days": count, "newest": newest, "last_run": last_run}
