"""The archive's catalog: one SQLite database beside the day files (ARCHIVE/catalog.sqlite)
holding everything apodscrape knows beyond them: each day's full record, every run and the
outcome of every day it was asked for, the media downloaded, a full-text index.

The day files stay the contract (FORMAT.md); the catalog is true of them (each row holds its
file's checksum) and can always be built again from them and the raw captures (`build`,
which `rebuild` runs). WAL journal: readers (the API, the site, `sqlite3`) never block a
writer, and a crash at any moment leaves a database that opens. No Scrapy here.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import hashlib
import json
import os
import queue
import sqlite3
import threading
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from . import days
from .errors import ApodError
from .markdown_text import plain_text
from .media import media_type, thumbnail
from .record import Day

if TYPE_CHECKING:  # imported where used: readers (`serve`) need neither warcio nor the parser
    from .archive import State, Stored
    from .warc import Captured, Where

CATALOG_NAME = "catalog.sqlite"
APPLICATION_ID = 1095716676  # 'APOD': a foreign SQLite file is told apart
SCHEMA_VERSION = 1
# what tells how to make a catalog again, in every error about one
REBUILD = "python -m apodscrape rebuild --out {directory}"

# The agreed schema (docs/catalog.md): columns may be added, none renamed or dropped.
SCHEMA = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE days (
  date TEXT PRIMARY KEY,
  title TEXT NOT NULL,
  canonical_url TEXT NOT NULL,
  media_type TEXT NOT NULL,
  image_url TEXT,
  hd_image_url TEXT,
  thumbnail_url TEXT,
  credit TEXT NOT NULL,
  credits TEXT NOT NULL,
  copyright INTEGER,
  explanation TEXT NOT NULL,
  explanation_text TEXT NOT NULL,
  keywords TEXT,
  alt TEXT,
  permalink TEXT,
  source_damaged INTEGER NOT NULL DEFAULT 0,
  source TEXT,
  source_url TEXT,
  warc_file TEXT,
  warc_offset INTEGER,
  raw_sha256 TEXT,
  file_sha256 TEXT NOT NULL,
  parser_version TEXT,
  fetched_at TEXT,
  changed_at TEXT NOT NULL,
  credit_text TEXT NOT NULL DEFAULT '',
  file_size INTEGER,
  file_mtime_ns INTEGER
);
CREATE TABLE runs (
  id INTEGER PRIMARY KEY,
  command TEXT NOT NULL,
  arguments TEXT NOT NULL,
  started_at TEXT NOT NULL,
  ended_at TEXT,
  exit_status INTEGER,
  counts TEXT,
  warc_file TEXT
);
CREATE TABLE outcomes (
  run_id INTEGER NOT NULL REFERENCES runs(id),
  date TEXT NOT NULL,
  outcome TEXT NOT NULL,
  reason TEXT,
  at TEXT NOT NULL,
  PRIMARY KEY (run_id, date)
);
CREATE INDEX outcomes_by_date ON outcomes(date, run_id);
CREATE TABLE media (
  date TEXT NOT NULL,
  url TEXT NOT NULL,
  path TEXT,
  size INTEGER,
  sha256 TEXT,
  status TEXT NOT NULL,
  reason TEXT,
  at TEXT NOT NULL,
  PRIMARY KEY (date, url)
);
CREATE VIRTUAL TABLE days_fts USING fts5(
  date UNINDEXED, title, explanation, credit, tokenize='porter unicode61'
);
CREATE TRIGGER days_fts_insert AFTER INSERT ON days BEGIN
  INSERT INTO days_fts (rowid, date, title, explanation, credit)
  VALUES (new.rowid, new.date, new.title, new.explanation_text, new.credit_text);
END;
CREATE TRIGGER days_fts_delete AFTER DELETE ON days BEGIN
  DELETE FROM days_fts WHERE rowid = old.rowid;
END;
CREATE TRIGGER days_fts_update AFTER UPDATE ON days
WHEN old.title IS NOT new.title OR old.explanation_text IS NOT new.explanation_text
  OR old.credit_text IS NOT new.credit_text OR old.date IS NOT new.date
BEGIN
  DELETE FROM days_fts WHERE rowid = old.rowid;
  INSERT INTO days_fts (rowid, date, title, explanation, credit)
  VALUES (new.rowid, new.date, new.title, new.explanation_text, new.credit_text);
END;
"""

# days' columns in the order day_row gives them
DAY_COLUMNS = (
    "date", "title", "canonical_url", "media_type", "image_url", "hd_image_url",
    "thumbnail_url", "credit", "credits", "copyright", "explanation", "explanation_text",
    "keywords", "alt", "permalink", "source_damaged", "source", "source_url", "warc_file",
    "warc_offset", "raw_sha256", "file_sha256", "parser_version", "fetched_at", "changed_at",
    "credit_text", "file_size", "file_mtime_ns",
)  # fmt: skip
_PUT_DAY = (
    f"INSERT INTO days ({', '.join(DAY_COLUMNS)}) VALUES ({', '.join('?' * len(DAY_COLUMNS))})"
    " ON CONFLICT (date) DO UPDATE SET "
    + ", ".join(f"{name} = excluded.{name}" for name in DAY_COLUMNS[1:] if name != "changed_at")
    # an unchanged file keeps the time it last changed
    + ", changed_at = CASE WHEN days.file_sha256 = excluded.file_sha256"
    " THEN days.changed_at ELSE excluded.changed_at END"
)


class CatalogError(ApodError):
    """A catalog that cannot be used (damaged, foreign, newer): says how to make it again."""


def catalog_path(directory: str | os.PathLike[str]) -> Path:
    """Where an archive keeps its catalog."""
    return Path(directory) / CATALOG_NAME


def now() -> str:
    """The time now as the catalog writes times: ISO 8601 UTC to the second."""
    return iso_time(dt.datetime.now(dt.UTC))


def iso_time(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def open_catalog(directory: str | os.PathLike[str]) -> sqlite3.Connection:
    """The archive's catalog opened for writing (created if there is none yet), checked:
    CatalogError, naming the command that makes it again, if the file there is damaged,
    foreign or of a newer version. The connection is in autocommit: write in
    `transaction(db)`. The caller holds the archive (archive.lock): one writer at a time."""
    path = catalog_path(directory)
    _refuse_symlink(path, directory)
    path.parent.mkdir(parents=True, exist_ok=True)
    existed = path.exists()
    try:
        db = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    except sqlite3.Error as error:
        if not existed:  # a read-only archive: nothing to build again
            raise CatalogError(f"{path} cannot be created ({error})") from None
        raise unusable(directory, f"cannot be opened ({error})") from None
    try:
        if _check(db, directory):
            _create(db)
        db.execute("PRAGMA foreign_keys = ON")
        db.execute("PRAGMA synchronous = NORMAL")  # WAL: a crash loses no committed row
    except BaseException:
        db.close()
        raise
    write_metadata(directory)  # for `datasette ARCHIVE/catalog.sqlite -m ...`
    return db


def open_anew(directory: str | os.PathLike[str]) -> tuple[sqlite3.Connection, Path | None]:
    """The catalog opened for writing as open_catalog does, but one that cannot be used is
    moved aside (with its journal files: CATALOG_NAME.unusable-TIME...) and a new one made:
    what `rebuild` does. Returns the catalog and where the unusable one went (or None)."""
    try:
        return open_catalog(directory), None
    except CatalogError:
        path = catalog_path(directory)
        if path.is_symlink():
            raise
        aside = path.with_name(f"{path.name}.unusable-{dt.datetime.now(dt.UTC):%Y%m%dT%H%M%SZ}")
        for suffix in ("", "-wal", "-shm"):  # an old WAL must never meet the new database
            with contextlib.suppress(FileNotFoundError):
                os.replace(f"{path}{suffix}", f"{aside}{suffix}")
        return open_catalog(directory), aside


def open_readonly(directory: str | os.PathLike[str]) -> sqlite3.Connection:
    """The archive's catalog opened read-only (any number of readers, in any processes,
    while a crawl writes: WAL): CatalogError if there is none or it cannot be used."""
    path = catalog_path(directory)
    if not Path(directory).is_dir():
        raise ApodError(f"cannot read {directory}: no such directory")
    _refuse_symlink(path, directory)
    if not path.is_file():
        raise CatalogError(
            f"{directory} has no catalog ({CATALOG_NAME}); build it: "
            + REBUILD.format(directory=directory)
        )
    try:
        return _opened(path, directory, "mode=ro")
    except CatalogError:
        if os.access(path.parent, os.W_OK):
            raise
        # A folder this process cannot write (a read-only disk): a WAL reader cannot make
        # the shared-memory file beside the catalog; nothing can change the catalog either.
        return _opened(path, directory, "mode=ro&immutable=1")


def _opened(path: Path, directory: str | os.PathLike[str], options: str) -> sqlite3.Connection:
    try:
        db = sqlite3.connect(f"{path.resolve().as_uri()}?{options}", uri=True)
    except sqlite3.Error as error:
        raise unusable(directory, f"cannot be opened ({error})") from None
    try:
        db.execute("PRAGMA busy_timeout = 5000")
        if _check(db, directory, thorough=False):
            raise unusable(directory, "is empty")
    except BaseException:
        db.close()
        raise
    return db


def _refuse_symlink(path: Path, directory: str | os.PathLike[str]) -> None:
    if path.is_symlink():
        raise unusable(directory, "is a symbolic link (apodscrape never writes through one)")


@contextlib.contextmanager
def read_errors_said(directory: str | os.PathLike[str]) -> Iterator[None]:
    """sqlite3's errors while a reader queries the catalog, as one ApodError: damage past
    what a reader's open checks (each table's first row) names the command that makes the
    catalog again; a catalog that cannot be read now (a disk I/O error, a lock held too
    long) is no damage, and is said so."""
    try:
        yield
    except sqlite3.OperationalError as error:
        raise ApodError(f"{catalog_path(directory)} cannot be read ({error})") from None
    except sqlite3.DatabaseError as error:
        raise unusable(directory, f"is damaged ({error})") from None


def unwritable(directory: str | os.PathLike[str], error: sqlite3.Error) -> CatalogError:
    """The error of a catalog a run cannot write (a full disk)."""
    return CatalogError(f"{catalog_path(directory)}: cannot be written: {error}")


def unusable(directory: str | os.PathLike[str], why: str) -> CatalogError:
    """The error of a catalog that cannot be used, `why`, naming the command that makes it
    again."""
    path = catalog_path(directory)
    return CatalogError(f"{path} {why}; build it again: {REBUILD.format(directory=directory)}")


def _check(
    db: sqlite3.Connection, directory: str | os.PathLike[str], thorough: bool = True
) -> bool:
    """Whether the database is empty (to be created); CatalogError unless it is ours.
    `thorough`: every page read (quick_check: 0.4 s at 76 MB), as a writer must before it
    adds to the file; else each table's first row, enough for a reader, whose queries
    meet any damage further in as sqlite3.DatabaseError (the API's 503)."""
    try:
        application = db.execute("PRAGMA application_id").fetchone()[0]
        version = db.execute("PRAGMA user_version").fetchone()[0]
        objects = db.execute("SELECT count(*) FROM sqlite_schema").fetchone()[0]
        if application == 0 and version == 0 and objects == 0:
            return True
        if application != APPLICATION_ID:
            raise unusable(directory, "is not an apodscrape catalog (another SQLite database)")
        if version > SCHEMA_VERSION:
            raise unusable(directory, f"is of a newer apodscrape (schema {version})")
        if not thorough:
            tables = "SELECT name FROM sqlite_schema WHERE type = 'table' AND rootpage > 0"
            for (table,) in db.execute(tables).fetchall():
                db.execute(f'SELECT * FROM "{table}" LIMIT 1').fetchall()
            return False
        found = db.execute("PRAGMA quick_check").fetchall()
        if found != [("ok",)]:
            raise unusable(directory, f"is damaged ({found[0][0]})")
    except sqlite3.DatabaseError as error:
        raise unusable(directory, f"is damaged or not a database ({error})") from None
    return False


def _create(db: sqlite3.Connection) -> None:
    db.execute("PRAGMA journal_mode = WAL")
    with transaction(db):
        for statement in _statements(SCHEMA):
            db.execute(statement)
        db.execute(f"PRAGMA application_id = {APPLICATION_ID}")
        db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
        db.execute("INSERT INTO meta VALUES ('created_at', ?)", (now(),))


def _statements(script: str) -> Iterator[str]:
    """The statements of a script (executescript would commit the transaction)."""
    statement = ""
    for line in script.splitlines(keepends=True):
        statement += line
        if sqlite3.complete_statement(statement):
            yield statement
            statement = ""


@contextlib.contextmanager
def transaction(db: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    """One write transaction: committed whole at the end, rolled back on an exception."""
    db.execute("BEGIN IMMEDIATE")
    try:
        yield db
    except BaseException:
        db.execute("ROLLBACK")
        raise
    db.execute("COMMIT")


# --- days -----------------------------------------------------------------------------------


class FileStamp(NamedTuple):
    """A day file as the catalog knows it: its bytes' checksum, size and modification time."""

    sha256: str
    size: int
    mtime_ns: int


def stamp_file(path: Path, data: bytes | None = None) -> FileStamp:
    """The stamp of a day file (`data`: its bytes, when the caller has them)."""
    status = path.stat()
    if data is None:
        data = path.read_bytes()
    return FileStamp(hashlib.sha256(data).hexdigest(), status.st_size, status.st_mtime_ns)


def day_row(
    day: Day,
    file: FileStamp,
    where: Where | None = None,
    parser_version: str | None = None,
) -> tuple[Any, ...]:
    """A day's row of `days`, in DAY_COLUMNS order. `where`: the capture it was read from
    (None for a day known only from its file, whose Day has no source). `parser_version`:
    the parser's that read it (default: this apodscrape's, warc.PARSER_VERSION)."""
    if day.source and parser_version is None:
        from .warc import PARSER_VERSION

        parser_version = PARSER_VERSION
    changed = dt.datetime.fromtimestamp(file.mtime_ns / 1e9, dt.UTC)
    return (
        day.date.isoformat(),
        day.title,
        day.canonical_url,
        day.media_type,
        day.image_url,
        day.hd_image_url,
        day.thumbnail_url,
        _json(day.credit),
        _json(day.credits),
        None if day.copyright is None else int(day.copyright),
        day.explanation,
        day.explanation_text,
        None if day.keywords is None else _json(day.keywords),
        day.alt,
        day.permalink,
        int(day.source_damaged),
        day.source or None,
        day.source_url or None,
        where.warc_file if where else None,
        where.warc_offset if where and where.warc_offset >= 0 else None,
        day.raw_sha256 or None,
        file.sha256,
        parser_version if day.source else None,
        (where.fetched_at or None) if where else None,
        iso_time(changed),
        "\n".join(plain_text(line) for line in day.credit),
        file.size,
        file.mtime_ns,
    )


_json = json.JSONEncoder(ensure_ascii=False).encode


def put_days(db: sqlite3.Connection, rows: Iterable[tuple[Any, ...]]) -> None:
    """Put day rows (day_row) into `days`, replacing each day's row; days_fts follows (its
    triggers). Call it in a transaction."""
    db.executemany(_PUT_DAY, rows)


def put_day(
    db: sqlite3.Connection,
    day: Day,
    file: FileStamp,
    where: Where | None = None,
    parser_version: str | None = None,
) -> None:
    """Put one day's full record into `days` (and `days_fts`), in its own transaction."""
    with transaction(db):
        put_days(db, [day_row(day, file, where, parser_version)])


def day_of_file(record: dict[str, Any], captured: Day | None) -> Day:
    """The Day a catalog row holds for a day file (archive.read_day's record): the file's
    fields, and what only a capture tells (media type, hi-res, keywords, source...) from
    the day's newest capture, if there is one; without, what the file itself shows."""
    fields = {
        "title": record["title"],
        "canonical_url": record["canonicalUrl"],
        "image_url": record["imageUrl"],
        "credit": record["credit"],
        "explanation": record["explanation"],
    }
    if captured is not None:
        if all(getattr(captured, name) == value for name, value in fields.items()):
            return captured
        return dataclasses.replace(captured, **fields)  # derived fields read again
    kind = media_type(record["imageUrl"])
    return Day(
        date=record["date"],
        media_type=kind,
        hd_image_url=None,
        keywords=None,
        source="",
        thumbnail_url=thumbnail(kind, record["imageUrl"]),
        **fields,
    )


@dataclasses.dataclass
class Built:
    """What `build` did to a catalog."""

    days: int = 0  # day files catalogued
    from_captures: int = 0  # ... with a capture of the day
    removed: int = 0  # rows whose file is gone
    unreadable: list[str] = dataclasses.field(default_factory=list)  # files not catalogued


def build(
    db: sqlite3.Connection, directory: str | os.PathLike[str], captured: Captured | None = None
) -> Built:
    """Make the catalog's `days` true of an archive's day files: a row for each file that
    reads as FORMAT.md allows (its fields, its checksum, and its newest capture's record
    from `captured`, warc.days_in), no row for a day without a file. One transaction."""
    with building(db, directory, captured) as builder:
        pass
    return builder.built


@contextlib.contextmanager
def building(
    db: sqlite3.Connection, directory: str | os.PathLike[str], captured: Captured | None = None
) -> Iterator[Builder]:
    """`build`, with the rows of files written meanwhile put as they are written
    (Builder.put: `rebuild`, while the rest of the captures are parsed); the other files
    are read at the end, when `captured` is complete. One transaction, rolled back if the
    block raises: the catalog then says what it said before, and a file rewritten
    meanwhile is one a reader's stat finds changed (`stale`) and the next run mends."""
    builder = Builder(db, Path(directory))
    with transaction(db):
        yield builder
        builder.finish(captured)


# rows a Builder hands SQLite at a time: a rebuild's inserts go on while it parses
_PUT_AT_ONCE = 256


class Builder:
    """The rows of a catalog being built (see `building`)."""

    def __init__(self, db: sqlite3.Connection, directory: Path) -> None:
        self.db = db
        self.directory = directory
        self.built = Built()
        self._rows: list[tuple[Any, ...]] = []
        self._put: set[dt.date] = set()

    def put(self, day: Day, data: bytes, where: Where | None) -> None:
        """The row of a day file just written (or found) with `data`, the render of `day`,
        read from the capture at `where`."""
        from .archive import day_path

        self._add(day, stamp_file(day_path(self.directory, day.date), data), where)

    def finish(self, captured: Captured | None) -> None:
        """The rows of the files not put, each read from its file; no row for a file gone."""
        from . import archive
        from .warc import Captured

        captured = captured or Captured()
        for day, path in archive.archive_files(self.directory):
            if day in self._put:
                continue
            source = captured.days.get(day)
            try:
                data = path.read_bytes()
                held = day_of_file(archive.read_day(day, path, data), source)
                file = stamp_file(path, data)
            except (ApodError, OSError) as error:
                self.built.unreadable.append(str(error))
                continue
            self._add(held, file, captured.where.get(day))
        self._flush()
        kept = {day.isoformat() for day in self._put}
        gone = [(d,) for (d,) in self.db.execute("SELECT date FROM days") if d not in kept]
        self.db.executemany("DELETE FROM days WHERE date = ?", gone)
        self.built.removed = len(gone)

    def _add(self, day: Day, file: FileStamp, where: Where | None) -> None:
        self._rows.append(day_row(day, file, where))
        self._put.add(day.date)
        self.built.days += 1
        self.built.from_captures += bool(day.source)
        if len(self._rows) >= _PUT_AT_ONCE:
            self._flush()

    def _flush(self) -> None:
        put_days(self.db, self._rows)
        self._rows.clear()


# --- runs, outcomes, media ------------------------------------------------------------------

ASKED, WRITTEN, UNCHANGED, MISSING, FAILED = "asked", "written", "unchanged", "missing", "failed"
STORED, NONE = "stored", "none"  # media: downloaded; nothing to download (FAILED: not stored)
_PUT_OUTCOME = (
    "INSERT INTO outcomes (run_id, date, outcome, reason, at) VALUES (?, ?, ?, ?, ?)"
    " ON CONFLICT (run_id, date) DO UPDATE SET"
    " outcome = excluded.outcome, reason = excluded.reason, at = excluded.at"
)
_PUT_MEDIA = (
    "INSERT OR REPLACE INTO media (date, url, path, size, sha256, status, reason, at)"
    " VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
)


class Outcome(NamedTuple):
    """What became of one day a run asked for."""

    date: dt.date
    outcome: str  # ASKED, WRITTEN, UNCHANGED, MISSING or FAILED
    reason: str | None = None  # why it failed; what the source said of a missing day
    at: str = ""  # when (now, if not given)


class Media(NamedTuple):
    """One media file of a day: stored (path, size, checksum), failed (why), or none to get."""

    date: dt.date
    url: str
    status: str  # STORED, FAILED or NONE
    path: str | None = None  # relative to the archive: media/apYYMMDD/NAME
    size: int | None = None
    sha256: str | None = None
    reason: str | None = None
    at: str = ""


def start_run(
    db: sqlite3.Connection, command: str, arguments: dict[str, Any], started_at: str = ""
) -> int:
    """A new run in `runs` (committed): its id."""
    with transaction(db):
        cursor = db.execute(
            "INSERT INTO runs (command, arguments, started_at) VALUES (?, ?, ?)",
            (command, _json(arguments), started_at or now()),
        )
    return cursor.lastrowid or 0


def run_capture(db: sqlite3.Connection, run: int, warc_file: str) -> None:
    """Name the WARC file a run keeps its captures in (call in a transaction)."""
    db.execute("UPDATE runs SET warc_file = ? WHERE id = ?", (warc_file, run))


def end_run(db: sqlite3.Connection, run: int, exit_status: int, counts: dict[str, int]) -> None:
    """A run's end: when, its exit status and its counts (committed)."""
    with transaction(db):
        db.execute(
            "UPDATE runs SET ended_at = ?, exit_status = ?, counts = ? WHERE id = ?",
            (now(), exit_status, _json(counts), run),
        )


def put_outcomes(db: sqlite3.Connection, run: int, outcomes: Iterable[Outcome]) -> None:
    """Each day's outcome in this run (the last one said wins); call in a transaction."""
    stamp = now()
    db.executemany(
        _PUT_OUTCOME,
        ((run, o.date.isoformat(), o.outcome, o.reason, o.at or stamp) for o in outcomes),
    )


def put_media(db: sqlite3.Connection, media: Iterable[Media]) -> None:
    """Media rows, replacing a day's row of the same address; call in a transaction."""
    stamp = now()
    db.executemany(
        _PUT_MEDIA,
        (
            (m.date.isoformat(), m.url, m.path, m.size, m.sha256, m.status, m.reason, m.at or stamp)
            for m in media
        ),
    )


# --- what runs remember (once .apodscrape-state.json) ---------------------------------------


def read_state(db: sqlite3.Connection) -> State:
    """What runs remember of the archive, as the plan reads it: the oldest day any run was
    asked for, the days their source confirmed missing (and not archived since), the days
    whose media is stored (or has nothing to store, and none failed since)."""
    from . import archive

    span = db.execute("SELECT value FROM meta WHERE key = 'span_from'").fetchone()
    return archive.State(
        span_from=dt.date.fromisoformat(span[0]) if span else None,
        missing=confirmed_missing(db),
        media_done={
            dt.date.fromisoformat(date)
            for (date,) in db.execute(
                "SELECT date FROM media GROUP BY date HAVING sum(status = ?) = 0", (FAILED,)
            )
        },
    )


def confirmed_missing(db: sqlite3.Connection) -> set[dt.date]:
    """Days with no file whose last outcome is missing, said once the day was settled
    (older than the refresh window when it was said: today's page may not be out yet)."""
    from .plan import DEFAULT_REFRESH  # the plan reads the state this makes

    found = set()
    for date, at in db.execute(
        "SELECT o.date, o.at FROM outcomes AS o WHERE o.outcome = ?"
        " AND o.run_id = (SELECT max(run_id) FROM outcomes AS later"
        "   WHERE later.date = o.date AND later.outcome != ?)"
        " AND o.date NOT IN (SELECT date FROM days)",
        (MISSING, ASKED),
    ):
        said = days.today_eastern(dt.datetime.fromisoformat(at))
        day = dt.date.fromisoformat(date)
        if day <= said - dt.timedelta(days=DEFAULT_REFRESH):
            found.add(day)
    return found


def widen_span(db: sqlite3.Connection, oldest: dt.date) -> None:
    """Remember that a run was asked for days from `oldest` (call in a transaction)."""
    db.execute(
        "INSERT INTO meta VALUES ('span_from', ?) ON CONFLICT (key) DO UPDATE"
        " SET value = min(value, excluded.value)",
        (oldest.isoformat(),),
    )


# --- the catalog kept true of the files ------------------------------------------------------


@dataclasses.dataclass
class Mended:
    """What `mend` found: rows put again (a file changed, or new), files only touched,
    rows of files gone, files that cannot be read (left without a row)."""

    put: list[dt.date] = dataclasses.field(default_factory=list)
    touched: int = 0
    removed: list[dt.date] = dataclasses.field(default_factory=list)
    unreadable: list[str] = dataclasses.field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.put or self.removed or self.unreadable)


def stale(
    db: sqlite3.Connection, directory: str | os.PathLike[str]
) -> tuple[list[tuple[dt.date, Path]], list[dt.date]]:
    """The day files whose size or modification time is not their row's (or that have no
    row), and the rows whose file is gone: all a stat of each file tells (one pass of
    os.scandir, one stat a file: what keeps `stats` of the whole archive under a second)."""
    from .archive import day_of_name

    known = {
        date: (size, mtime)
        for date, size, mtime in db.execute("SELECT date, file_size, file_mtime_ns FROM days")
    }
    changed = []
    try:
        with os.scandir(directory) as found:
            for entry in found:
                day = day_of_name(entry.name)
                if day is None or entry.is_symlink() or not entry.is_file():
                    continue  # a symlink is no day file (`check` reports it)
                try:
                    status = entry.stat()
                except OSError:
                    continue
                if known.pop(day.isoformat(), None) != (status.st_size, status.st_mtime_ns):
                    changed.append((day, Path(entry.path)))
    except OSError as error:
        raise ApodError(f"cannot read {directory}: {error.strerror}") from None
    gone = []
    for date in known:
        day = _date_of_row(date)
        if day is None:  # a row edited by hand
            raise unusable(directory, f"is damaged (a row whose date is no date: {date!r})")
        gone.append(day)
    return sorted(changed), sorted(gone)


def mend(
    db: sqlite3.Connection,
    directory: str | os.PathLike[str],
    warc_dir: Path | None = None,
    jobs: int = 1,
) -> Mended:
    """Make the catalog true of the day files again after a crash between a file and its
    row (or any change made behind its back): a row for each file that changed or has none,
    read from the file and the newest capture of its day, none for a file gone. Only the
    WARC files no finished run accounts for (a killed run's) are parsed, and only if a
    file's bytes changed; otherwise the row's capture stays. One transaction."""
    from . import archive

    found = Mended()
    changed, gone = stale(db, directory)
    rows = []
    unsettled: Captured | None = None
    for day, path in changed:
        try:
            data = path.read_bytes()
            file = stamp_file(path, data)
            row = _row(db, day)
            if row is not None and row["file_sha256"] == file.sha256:
                db.execute(
                    "UPDATE days SET file_size = ?, file_mtime_ns = ? WHERE date = ?",
                    (file.size, file.mtime_ns, day.isoformat()),
                )  # autocommit: a touch is true at once
                found.touched += 1
                continue
            record = archive.read_day(day, path, data)
        except (ApodError, OSError) as error:
            found.unreadable.append(str(error))
            continue
        if unsettled is None:
            unsettled = _unsettled_captures(db, warc_dir, jobs)
        captured, where = unsettled.days.get(day), unsettled.where.get(day)
        if captured is None and row is not None and row["source"]:
            captured, where = day_of_row(row), _where_of_row(row)
        rows.append(day_row(day_of_file(record, captured), file, where))
        found.put.append(day)
    with transaction(db):
        db.executemany("DELETE FROM days WHERE date = ?", [(d.isoformat(),) for d in gone])
        put_days(db, rows)
    found.removed = gone
    return found


def _unsettled_captures(db: sqlite3.Connection, warc_dir: Path | None, jobs: int) -> Captured:
    """The days of the WARC files that no finished run accounts for (a killed run's)."""
    from .warc import Captured, days_in, warc_files

    if warc_dir is None or not warc_dir.is_dir():
        return Captured()
    settled = {
        name
        for (name,) in db.execute(
            "SELECT warc_file FROM runs WHERE ended_at IS NOT NULL AND warc_file IS NOT NULL"
        )
    }
    return days_in([p for p in warc_files(warc_dir) if p.name not in settled], jobs)


def _row(db: sqlite3.Connection, day: dt.date) -> dict[str, Any] | None:
    cursor = db.execute("SELECT * FROM days WHERE date = ?", (day.isoformat(),))
    values = cursor.fetchone()
    if values is None:
        return None
    return dict(zip((c[0] for c in cursor.description), values, strict=True))


def day_of_row(row: dict[str, Any]) -> Day:
    """The Day a row of `days` holds."""
    keywords = row["keywords"]
    return Day(
        date=dt.date.fromisoformat(row["date"]),
        title=row["title"],
        canonical_url=row["canonical_url"],
        media_type=row["media_type"],
        image_url=row["image_url"],
        hd_image_url=row["hd_image_url"],
        credit=json.loads(row["credit"]),
        explanation=row["explanation"],
        keywords=None if keywords is None else json.loads(keywords),
        source=row["source"] or "",
        source_url=row["source_url"] or "",
        raw_sha256=row["raw_sha256"] or "",
        thumbnail_url=row["thumbnail_url"],
        alt=row["alt"],
        permalink=row["permalink"],
        source_damaged=bool(row["source_damaged"]),
    )


def _where_of_row(row: dict[str, Any]) -> Where | None:
    from .warc import Where

    if row["warc_file"] is None:
        return None
    offset = -1 if row["warc_offset"] is None else row["warc_offset"]
    return Where(row["warc_file"], offset, row["fetched_at"] or "")


# --- an archive written before the catalog ---------------------------------------------------


def is_new(db: sqlite3.Connection) -> bool:
    """Whether the catalog has never been filled (no day, no run)."""
    return (
        db.execute(
            "SELECT NOT EXISTS (SELECT 1 FROM days) AND NOT EXISTS (SELECT 1 FROM runs)"
        ).fetchone()[0]
        == 1
    )


def migrate(db: sqlite3.Connection, directory: str | os.PathLike[str], jobs: int = 1) -> str | None:
    """Fill a new catalog from what an archive kept before it had one: its day files and
    raw captures (build), and `.apodscrape-state.json` (the span asked, the days confirmed
    missing, the days whose media is done: recorded as a `migrate` run), which is then
    removed with the Facts kept beside the captures (`warc/.parsed/`). What was done, in a
    line to say once; None if the catalog is not new or the archive holds nothing."""
    from . import archive
    from .warc import days_in, warc_files

    directory = Path(directory)
    captures = archive.warc_dir(directory)
    warcs = warc_files(captures) if captures.is_dir() else []
    state_path = directory / archive.STATE_NAME
    files = archive.archived_days(directory)
    if not is_new(db) or not (files or warcs or state_path.exists()):
        return None
    state = archive.read_state(directory)  # ApodError if damaged: nothing changes then
    built = build(db, directory, days_in(warcs, jobs) if warcs else None)
    run = start_run(db, "migrate", {"from": [archive.STATE_NAME, archive.WARC_DIRNAME]})
    media = list(_media_done(db, directory, state.media_done))
    with transaction(db):
        if state.span_from is not None:
            widen_span(db, state.span_from)
        said = "confirmed missing by its source (.apodscrape-state.json)"
        put_outcomes(db, run, (Outcome(day, MISSING, said) for day in sorted(state.missing)))
        put_media(db, media)
        db.execute(
            "INSERT OR REPLACE INTO meta VALUES ('migrated_from', ?)",
            (_json({"state": state_path.exists(), "warc_files": len(warcs), "at": now()}),),
        )
    counts = {"days": built.days, "missing": len(state.missing), "media": len(media)}
    end_run(db, run, 0, counts)
    state_path.unlink(missing_ok=True)
    _remove_kept_facts(captures)
    return (
        f"catalog {catalog_path(directory)} made from what this archive kept before it had "
        f"one: {built.days} day files ({built.from_captures} with their capture, from "
        f"{len(warcs)} WARC files), {len(state.missing)} days confirmed missing, "
        f"{len(media)} days' media done"
        + (f"; {len(built.unreadable)} files unreadable, left out" if built.unreadable else "")
    )


def _media_done(db: sqlite3.Connection, directory: Path, done: set[dt.date]) -> Iterator[Media]:
    """The media rows of days whose media a run stored (or found nothing to store)."""
    from . import archive

    urls = dict(db.execute("SELECT date, coalesce(hd_image_url, image_url, '') FROM days"))
    for day in sorted(done):
        url = urls.get(day.isoformat(), "")
        folder = directory / archive.MEDIA_DIRNAME / days.stem(day)
        files = sorted(folder.iterdir()) if folder.is_dir() else []
        if not files:
            yield Media(day, url, NONE, reason="nothing to download")
        for path in files:
            data = path.read_bytes()
            yield Media(
                day,
                url if len(files) == 1 else f"{url}#{path.name}",
                STORED,
                path.relative_to(directory).as_posix(),
                len(data),
                hashlib.sha256(data).hexdigest(),
            )


def _remove_kept_facts(captures: Path) -> None:
    """The Facts an older apodscrape kept beside its captures: the catalog holds them."""
    kept = captures / ".parsed"
    if kept.is_dir():
        for path in kept.glob("*.json"):
            path.unlink(missing_ok=True)
        with contextlib.suppress(OSError):
            kept.rmdir()


# --- proof of agreement ----------------------------------------------------------------------


def disagreements(
    db: sqlite3.Connection, directory: str | os.PathLike[str], skip: set[Path] | None = None
) -> Iterator[tuple[Path, str]]:
    """Where the catalog and the day files disagree, as (path, what): each file's bytes
    (checksum) and fields against its row, each row against its file. Files in `skip`
    (those that do not read as FORMAT.md allows: reported for that) are passed over."""
    from . import archive

    cursor = db.execute(
        "SELECT date, title, canonical_url, image_url, credit, explanation, file_sha256"
        " FROM days ORDER BY date"
    )
    rows = {date: values for date, *values in cursor}
    for day, path in archive.archive_files(directory):
        row = rows.pop(day.isoformat(), None)
        if skip and path in skip:
            continue
        if row is None:
            yield path, "has no row in the catalog"
            continue
        *fields, sha256 = row
        try:
            data = path.read_bytes()
            record = archive.read_day(day, path, data)
        except (ApodError, OSError):
            continue  # check reports what is wrong with the file itself
        if hashlib.sha256(data).hexdigest() != sha256:
            yield path, "is not the file its catalog row was made from (SHA-256 differs)"
        title, canonical_url, image_url, credit, explanation = fields
        try:
            credit = json.loads(credit)
        except (TypeError, ValueError):  # a row edited by hand
            credit = None
        held = {
            "title": title,
            "canonicalUrl": canonical_url,
            "imageUrl": image_url,
            "credit": credit,
            "explanation": explanation,
        }
        for key, value in held.items():
            if record[key] != value:
                yield path, f"{key} differs from its row in the catalog"
    for date in rows:
        day = _date_of_row(date)
        if day is None:
            yield catalog_path(directory), f"has a row whose date is no date ({date!r})"
        else:
            name = archive.day_path(directory, day).name
            yield catalog_path(directory), f"has a row for {date}, whose file {name} is not there"


def _date_of_row(date: object) -> dt.date | None:
    """The day of a row's date; None for one that is none (a row edited by hand)."""
    if not isinstance(date, str):
        return None
    try:
        return dt.date.fromisoformat(date)
    except ValueError:
        return None


# --- a run, recorded as it goes --------------------------------------------------------------

_BATCH = 500  # what one transaction of the recorder holds at most
_STOP = None  # the last thing handed to the recorder's thread


class Recorder:
    """A run as the catalog records it while it goes: each day's row right after its file
    is put in place, the outcome of every day asked, media, the run's capture file. What
    it is handed is written by a thread of its own (never on the caller's event loop) and
    committed in batches: whatever is waiting when the thread is free goes in one
    transaction, so a killed run loses at most the last batch, which the next run's
    `mend` finds (a day's row) or asks again (an outcome still `asked`)."""

    def __init__(self, db: sqlite3.Connection, run: int, directory: Path) -> None:
        self.db = db
        self.run = run
        self.directory = directory
        self.failures: list[str] = []  # what could not be written (a full disk...)
        self._where: dict[tuple[str, str], Where] = {}
        self._warc_files: set[str] = set()
        self._queue: queue.SimpleQueue[
            Callable[[sqlite3.Connection], None] | threading.Event | None
        ] = queue.SimpleQueue()
        self._thread = threading.Thread(target=self._write, name="catalog", daemon=True)
        self._thread.start()

    # on the caller's thread: each call only hands work to the recorder's

    def asked(self, wanted: list[dt.date], oldest: dt.date | None) -> None:
        """The days this run will ask for, and the oldest day it was asked for at all,
        committed before any is asked: a run killed or starved of disk later leaves them
        for the next plain run to ask again. CatalogError if they cannot be kept."""

        def write(db: sqlite3.Connection) -> None:
            if oldest is not None:
                widen_span(db, oldest)
            put_outcomes(db, self.run, (Outcome(day, ASKED) for day in wanted))

        before = len(self.failures)
        committed = threading.Event()
        self._queue.put(write)
        self._queue.put(committed)
        committed.wait()
        if len(self.failures) > before:
            raise CatalogError(
                f"{catalog_path(self.directory)}: the days this run would ask cannot be "
                f"recorded ({'; '.join(self.failures[before:])}): nothing asked"
            )

    def captured(self, key: tuple[str, str], where: Where) -> None:
        """Where the capture of `key` (warc.body_key) is kept."""
        self._where[key] = where
        if where.warc_file not in self._warc_files:
            self._warc_files.add(where.warc_file)
            self._queue.put(lambda db: run_capture(db, self.run, where.warc_file))

    def stored(self, day: Day, stored: Stored, path: Path) -> None:
        """A day's file put in place (WRITTEN) or found with these bytes (UNCHANGED)."""
        where = self._where.get((day.source_url, day.raw_sha256))

        def write(db: sqlite3.Connection) -> None:
            put_days(db, [day_row(day, stamp_file(path, stored.data), where)])
            put_outcomes(db, self.run, [Outcome(day.date, stored.outcome)])

        self._queue.put(write)

    def outcome(self, day: dt.date, outcome: str, reason: str | None = None) -> None:
        """A day that came to no file: MISSING or FAILED, and why."""
        self._queue.put(lambda db: put_outcomes(db, self.run, [Outcome(day, outcome, reason)]))

    def media(self, day: dt.date, url: str, status: str, path: str | None = None, reason=None):
        """A day's media: STORED at `path` (relative to the archive: its size and checksum
        are read by the recorder's thread), FAILED (why), or NONE to download."""

        def write(db: sqlite3.Connection) -> None:
            size = sha256 = None
            if path is not None:
                data = (self.directory / path).read_bytes()
                size, sha256 = len(data), hashlib.sha256(data).hexdigest()
            put_media(db, [Media(day, url, status, path, size, sha256, reason)])

        self._queue.put(write)

    def close(self, exit_status: int, counts: dict[str, int]) -> None:
        """Write what is left, the run's end, and close the catalog."""
        self._queue.put(_STOP)
        self._thread.join()
        try:
            end_run(self.db, self.run, exit_status, counts)
        except sqlite3.Error as error:
            self.failures.append(f"the run's end: {error}")
        finally:
            self.db.close()

    # on the recorder's thread

    def _write(self) -> None:
        while True:
            batch = [self._queue.get()]
            while batch[-1] is not _STOP and len(batch) < _BATCH:
                try:
                    batch.append(self._queue.get_nowait())
                except queue.Empty:
                    break
            work = [write for write in batch if callable(write)]
            try:
                with transaction(self.db):
                    for write in work:
                        try:
                            write(self.db)
                        except OSError as error:  # a file gone or unreadable: its record
                            self.failures.append(str(error))
            except sqlite3.Error as error:
                # the rows are lost, not the files: the next run mends the catalog
                self.failures.append(f"{len(work)} records: {error}")
            for waiting in batch:  # a caller waiting for what it handed over to be committed
                if isinstance(waiting, threading.Event):
                    waiting.set()
            if batch[-1] is _STOP:
                return


def record_run(
    directory: str | os.PathLike[str], command: str, arguments: dict[str, Any], jobs: int = 1
) -> tuple[Recorder, State, list[str]]:
    """Open the archive's catalog for a run (the caller holds the archive): an archive
    written before the catalog migrated, what changed behind the catalog mended, the
    state runs remember read, the run started. Returns the recorder, the state and what
    to say once (the migration, a mend)."""
    from . import archive

    directory = Path(directory)
    db = open_catalog(directory)
    said = []
    try:
        if migrated := migrate(db, directory, jobs):
            said.append(migrated)
        mended = mend(db, directory, archive.warc_dir(directory), jobs)
        if mended:
            said.append(
                f"the catalog was not true of {len(mended.put) + len(mended.removed)} day "
                f"files (a run killed between a file and its row?): mended"
                + (f"; {len(mended.unreadable)} unreadable" if mended.unreadable else "")
            )
        state = read_state(db)
        run = start_run(db, command, arguments)
    except sqlite3.Error as error:  # a full disk while migrating, mending or starting the run
        db.close()
        raise unwritable(directory, error) from None
    except BaseException:
        db.close()
        raise
    return Recorder(db, run, directory), state, said


# --- for researchers: Datasette's metadata -----------------------------------------------------

METADATA_NAME = f"{CATALOG_NAME}.metadata.json"  # datasette ARCHIVE/catalog.sqlite -m THIS
# What table.COLUMNS does not describe (the rest of days, and the other tables).
_DESCRIBED = {
    "days": {
        "alt": "the page's own description of the picture (its image's alt, the API's alt); "
        "null where it has none, or only the generic 'See Explanation. Clicking on ...'",
        "permalink": "the day's address at science.nasa.gov, where the source gives it",
        "source_damaged": "1 where the source's text carries U+FFFD (lost before it was read)",
        "warc_file": "the WARC file (under ARCHIVE/warc/) holding the capture it was read from",
        "warc_offset": "the byte offset of that capture's record in its WARC file",
        "file_sha256": "SHA-256 of the day file's bytes, as written",
        "parser_version": "a digest of the parser's source that read the capture",
        "fetched_at": "when the capture was fetched (its WARC-Date, UTC)",
        "changed_at": "when the day file last changed (UTC)",
        "credit_text": "the credit lines as plain text, one a line (what days_fts searches)",
        "file_size": "the day file's size in bytes when its row was put",
        "file_mtime_ns": "the day file's modification time (ns) when its row was put",
    },
    "runs": {
        "id": "the run's sequence",
        "command": "crawl, rebuild or migrate",
        "arguments": "the run's arguments (JSON)",
        "started_at": "when it started (UTC)",
        "ended_at": "when it ended (UTC); null: still running, or killed",
        "exit_status": "0: every day asked came to its outcome; 1: not (a day failed, the "
        "run was interrupted, a capture was lost)",
        "counts": "what its days came to (JSON: written, unchanged, skipped, missing, failed)",
        "warc_file": "the WARC file its captures are in",
    },
    "outcomes": {
        "run_id": "the run (runs.id)",
        "date": "the day asked",
        "outcome": "asked (and no more: the run was killed), written, unchanged, missing "
        "(the source says it has no such day) or failed",
        "reason": "why it failed; what the source said of a missing day",
        "at": "when (UTC)",
    },
    "media": {
        "date": "the day",
        "url": "the file's address",
        "path": "where it is stored, relative to the archive (media/apYYMMDD/NAME)",
        "size": "its size in bytes",
        "sha256": "its SHA-256",
        "status": "stored, failed, or none (nothing to download: an embedded player)",
        "reason": "why it failed",
        "at": "when (UTC)",
    },
    "meta": {"key": "span_from, created_at, migrated_from", "value": "its value"},
}
_TABLES = {
    "days": "one row per day file: its full record, where it came from, the file itself",
    "runs": "every run: its arguments, times, counts and exit status",
    "outcomes": "what became of every day each run asked for",
    "media": "media downloaded (or not) for a day",
    "meta": "what the archive remembers besides (span_from: the oldest day ever asked)",
    "days_fts": "full text (FTS5) over titles, explanations and credits; date joins days",
}


def datasette_metadata() -> dict[str, Any]:
    """Datasette's metadata for the catalog: each table and column described (the days'
    columns as table.COLUMNS describes them for the dataset)."""
    from .table import COLUMNS

    described = {column.field: column.description for column in COLUMNS}
    columns = {
        "days": {name: described.get(name) or _DESCRIBED["days"][name] for name in DAY_COLUMNS},
        **{table: _DESCRIBED[table] for table in ("runs", "outcomes", "media", "meta")},
    }
    tables = {
        name: {"description": description, "columns": columns.get(name, {})}
        for name, description in _TABLES.items()
    }
    return {
        "title": "APOD archive catalog (apodscrape)",
        "description": "Everything apodscrape knows beyond the day files: docs/catalog.md",
        "databases": {Path(CATALOG_NAME).stem: {"tables": tables}},
    }


def write_metadata(directory: str | os.PathLike[str]) -> None:
    """Keep Datasette's metadata beside the catalog (METADATA_NAME), if it changed."""
    from . import archive

    text = json.dumps(datasette_metadata(), indent=2, ensure_ascii=False) + "\n"
    with contextlib.suppress(OSError):  # a read-only archive: the catalog is what counts
        archive.write_if_changed(Path(directory) / METADATA_NAME, text, sync=False)
