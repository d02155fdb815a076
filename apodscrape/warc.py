"""Raw captures: the responses days are built from, kept compressed in WARC files (warcio),
so that the archive can be rebuilt offline when the parser improves."""

from __future__ import annotations

import base64
import contextlib
import datetime as dt
import hashlib
import json
import logging
import math
import mmap
import os
import re
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from io import BytesIO
from pathlib import Path
from typing import Any, BinaryIO, NamedTuple

from warcio.bufferedreaders import BufferedReader
from warcio.exceptions import ArchiveLoadFailed
from warcio.recordloader import ArcWarcRecordLoader
from warcio.statusandheaders import StatusAndHeaders, StatusAndHeadersParserException
from warcio.warcwriter import WARCWriter

from . import workers
from .archive import RUN_STAMP, write_atomic
from .days import day_in_name
from .errors import ApodError
from .parse import parse_listing, parse_page
from .parse.science import is_listing
from .record import Day

logger = logging.getLogger(__name__)

# Headers that describe the bytes on the wire, not the (decoded) body kept here.
_WIRE_HEADERS = frozenset({"content-encoding", "content-length", "transfer-encoding"})


@dataclass(frozen=True)
class Capture:
    url: str
    body: bytes
    offset: int = -1  # where its record starts in its WARC file (-1: not read from one)
    fetched_at: str = ""  # the record's WARC-Date


class Where(NamedTuple):
    """Where a day's capture is kept: its WARC file's name, the record's offset, its date."""

    warc_file: str
    warc_offset: int
    fetched_at: str


class CaptureWriter:
    """Appends responses to one `.warc.gz` file per run, opened at the first response.

    Each record is one gzip member, made in memory and written with one write: a write
    that fails (a full disk) is cut back off, so that the file never holds half a record
    before good ones; a run killed while writing leaves at most its last record cut off
    (readers pass over both).

    With `revisits`, a body identical to the one last kept in full for its URL is written
    as a `revisit` record (identical-payload-digest profile) naming that record, not again;
    at the close the responses written are kept in the directory's index (Originals)."""

    def __init__(self, directory: Path, revisits: bool = True) -> None:
        self.directory = directory
        self.path: Path | None = None
        self._file: BinaryIO | None = None
        self._originals = Originals(directory) if revisits else None
        self._written: list[Original] = []  # this run's responses kept in full

    def write(self, url: str, status: int, headers: list[tuple[str, str]], body: bytes) -> Where:
        """Keep one response (its body as Scrapy decoded it): where it is kept; OSError if it
        cannot be."""
        if self._file is None:
            if self._originals is not None:
                self._originals.load()  # before this run's own file exists
            self.directory.mkdir(parents=True, exist_ok=True)
            stamp = dt.datetime.now(dt.UTC).strftime(RUN_STAMP)
            run = 1 + max((_run_of(path) for path in warc_files(self.directory)), default=0)
            self.path = self.directory / f"apod-{stamp}-{os.getpid()}-run{run:06d}.warc.gz"
            self._file = self.path.open("xb", buffering=0)
        kept = [(k, v) for k, v in headers if k.lower() not in _WIRE_HEADERS]
        kept.append(("Content-Length", str(len(body))))
        http_headers = StatusAndHeaders(str(status), kept, protocol="HTTP/1.1")
        member = BytesIO()
        writer = WARCWriter(member, gzip=True)
        digest = payload_digest(body)
        original = self._originals.latest(url) if self._originals is not None else None
        if original is not None and original.digest == digest:
            refers = {"WARC-Refers-To": original.record_id}
            record = writer.create_revisit_record(
                url, digest, original.url, original.date, http_headers, refers
            )
        else:
            # with its length, warcio digests the body where it is, not copied to a temporary
            record = writer.create_warc_record(
                url, "response", payload=BytesIO(body), length=len(body), http_headers=http_headers
            )
        writer.write_record(record)
        start = self._file.tell()
        try:
            _write_all(self._file, member.getbuffer())
        except OSError:
            with contextlib.suppress(OSError):
                self._file.truncate(start)
                self._file.seek(start)
            raise
        if self._originals is not None and record.rec_type == "response":
            kept = _original(record.rec_headers, digest, self.path, start)
            self._originals.add(kept)
            self._written.append(kept)
        return Where(self.path.name, start, record.rec_headers.get_header("WARC-Date") or "")

    def close(self) -> None:
        if self._file is not None:
            self._file.close()
            self._file = None
            if self._originals is not None and self.path is not None:
                _keep_originals(self.path, self._written)


def payload_digest(body: bytes) -> str:
    """A body's WARC-Payload-Digest, as warcio writes it (SHA-1, base 32)."""
    return "sha1:" + base64.b32encode(hashlib.sha1(body).digest()).decode("ascii")


class Original(NamedTuple):
    """A 200 response kept in full: what a revisit of it names, and where it is."""

    url: str
    date: str  # its WARC-Date
    digest: str  # its WARC-Payload-Digest
    record_id: str
    path: Path
    offset: int


def _original(headers: StatusAndHeaders, digest: str, path: Path, offset: int) -> Original:
    get = headers.get_header
    return Original(get("WARC-Target-URI"), get("WARC-Date"), digest, get("WARC-Record-ID"),
                    path, offset)  # fmt: skip


class Originals:
    """The 200 responses kept in full in a directory of captures, by URL and payload digest:
    a run knows the last body kept for each address without reading every capture, and a
    revisit finds its original. Each WARC file's are kept beside it in
    `.originals/NAME.json`, stamped with the file's size and time: written by the crawl
    that wrote the file, at its close, or by the first reader that needed them (from the
    file's intact records, their digests checked). Loaded at the first question."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self._latest: dict[str, Original] | None = None
        self._by_digest: dict[tuple[str, str], Original] = {}

    def load(self) -> None:
        if self._latest is not None:
            return
        self._latest = {}
        for path in warc_files(self.directory):
            for original in _originals_of(path):
                self.add(original)

    def add(self, original: Original) -> None:
        self.load()
        assert self._latest is not None
        self._latest[original.url] = original
        self._by_digest[original.url, original.digest] = original

    def latest(self, url: str) -> Original | None:
        """The newest response kept in full for `url`."""
        self.load()
        assert self._latest is not None
        return self._latest.get(url)

    def body(self, url: str, digest: str) -> bytes | None:
        """The body a revisit of `url` with this payload digest stands for, read from its
        original; None if no intact original is kept."""
        self.load()
        original = self._by_digest.get((url, digest))
        if original is None:
            return None
        try:
            with (
                original.path.open("rb") as file,
                mmap.mmap(file.fileno(), 0, access=mmap.ACCESS_READ) as data,
            ):
                member, _ = _member(data, original.offset)
            if member is None:
                return None
            body = _response(member)[1]
        except (OSError, ValueError, ArchiveLoadFailed, StatusAndHeadersParserException):
            return None
        return body if body is not None and payload_digest(body) == digest else None


def _originals_path(path: Path) -> Path:
    return path.parent / ".originals" / f"{path.name}.json"


def _file_stamp(path: Path) -> dict[str, int]:
    status = path.stat()
    return {"size": status.st_size, "mtime_ns": status.st_mtime_ns}


def _originals_of(path: Path) -> list[Original]:
    """The intact 200 responses of one WARC file, kept beside it or read from it."""
    with contextlib.suppress(OSError, ValueError, KeyError, TypeError):
        kept = json.loads(_originals_path(path).read_bytes())
        if kept["stamp"] == _file_stamp(path):
            return [Original(*row[:4], path, row[4]) for row in kept["records"]]
    found = []
    for offset, member in _members(path, []):  # damage is named by the readers of captures
        with contextlib.suppress(ArchiveLoadFailed, StatusAndHeadersParserException, ValueError):
            headers, body = _response(member)
            digest = None if body is None else payload_digest(body)
            if digest is not None and digest == headers.get_header("WARC-Payload-Digest"):
                found.append(_original(headers, digest, path, offset))
    _keep_originals(path, found)
    return found


def _keep_originals(path: Path, found: list[Original]) -> None:
    records = [[o.url, o.date, o.digest, o.record_id, o.offset] for o in found]
    kept = {"stamp": _file_stamp(path), "records": records}
    with contextlib.suppress(OSError):  # a read-only archive: read again next time
        write_atomic(_originals_path(path), json.dumps(kept), sync=False)


def _response(member: bytes) -> tuple[StatusAndHeaders, bytes | None]:
    """A record's WARC headers, and its body if it is a 200 response."""
    record = ArcWarcRecordLoader().parse_record_stream(
        BufferedReader(BytesIO(member)), known_format="warc"
    )
    if not holds_an_answer(record, kinds=("response",)):
        return record.rec_headers, None
    return record.rec_headers, record.content_stream().read()


def holds_an_answer(record: Any, kinds: tuple[str, ...] = ("response", "revisit")) -> bool:
    """Whether a WARC record (warcio's) of one of these kinds keeps a 200 answer: the
    captures every reader takes, a revisit standing for its original's."""
    headers = record.http_headers
    return record.rec_type in kinds and headers is not None and headers.get_statuscode() == "200"


def _write_all(file: BinaryIO, data: memoryview) -> None:
    """All of `data` to an unbuffered file (a raw write may take only part of it)."""
    while data:
        data = data[file.write(data) :]


def warc_files(directory: Path) -> list[Path]:
    """The WARC files of a directory of captures, oldest run first: by the run's number in
    the archive (`-runNNNNNN`), which a wrong clock cannot invert as it can the time in the
    name; files of before the numbers, by name, before all others."""
    return sorted(directory.glob("*.warc.gz"), key=lambda path: (_run_of(path), path.name))


_RUN = re.compile(r"-run(\d+)\.warc\.gz$")


def _run_of(path: Path) -> int:
    """The number of the run that wrote a WARC file (0: none in its name)."""
    found = _RUN.search(path.name)
    return int(found[1]) if found else 0


def captures(directory: Path, damaged: list[str] | None = None) -> Iterator[Capture]:
    """Every 200 response kept under `directory`, oldest run first, in the order written;
    each damaged record passed over is named in `damaged` (else logged)."""
    originals = Originals(directory)
    for path in warc_files(directory):
        yield from _captures_of(path, damaged, originals)


def _captures_of(
    path: Path, damaged: list[str] | None = None, originals: Originals | None = None
) -> Iterator[Capture]:
    """The 200 responses of one WARC file, in the order written. Each record is a gzip
    member of its own: a damaged one (flipped bytes, a record cut off by a killed run or a
    full disk) is passed over to the next good member, and named in `damaged` (else
    logged). A revisit gives the body of the record it names (from `originals`, by default
    those of the file's directory); one whose original is not intact is named as damage."""
    for offset, record in records_of(path, damaged):
        if not holds_an_answer(record):
            continue
        headers = record.rec_headers
        try:
            body = record.content_stream().read()
        except (ArchiveLoadFailed, StatusAndHeadersParserException, ValueError):
            _report(f"{path.name}: the record at byte {offset} cannot be read as WARC", damaged)
            continue
        url = headers.get_header("WARC-Target-URI")
        date = headers.get_header("WARC-Date") or ""
        if record.rec_type == "revisit":
            originals = originals or Originals(path.parent)
            refers_to = headers.get_header("WARC-Refers-To-Target-URI") or url
            body = originals.body(refers_to, headers.get_header("WARC-Payload-Digest") or "")
            if body is None:
                message = (
                    f"{path.name}: the revisit of {url} at byte {offset} names no intact record"
                )
                _report(message, damaged)
                continue
        yield Capture(url, body, offset, date)


def records_of(
    path: Path, damaged: list[str] | None = None, check_digests: bool = False
) -> Iterator[tuple[int, Any]]:
    """Every record of one WARC file that can be read (a warcio ArcWarcRecord, its content
    not read yet), with its offset; the damaged ones are named in `damaged` (else logged).
    With `check_digests`, reading a record's content checks its digests (its
    digest_checker tells)."""
    loader = ArcWarcRecordLoader()
    for offset, member in _members(path, damaged):
        stream = BufferedReader(BytesIO(member))
        try:
            record = loader.parse_record_stream(
                stream, known_format="warc", check_digests=check_digests
            )
        except (ArchiveLoadFailed, StatusAndHeadersParserException, ValueError):
            _report(f"{path.name}: the record at byte {offset} cannot be read as WARC", damaged)
            continue
        yield offset, record


_GZIP_MAGIC = b"\x1f\x8b\x08"
_READ = 1 << 16  # compressed bytes given to the decompressor at a time
_PIECE = 256  # ...and when looking for what a damaged member holds
_URI = re.compile(rb"WARC-Target-URI: *([!-~]+)")  # printable ASCII only: a message's words


def _members(path: Path, damaged: list[str] | None) -> Iterator[tuple[int, bytes]]:
    """Each gzip member of a file that decompresses whole (its CRC checked) and holds a
    WARC record, with its offset; what lies between them is damage, reported once per run
    of bad bytes."""
    with path.open("rb") as file:
        if path.stat().st_size == 0:
            return
        with mmap.mmap(file.fileno(), 0, access=mmap.ACCESS_READ) as data:
            size, start = len(data), 0
            while start < size:
                member, end = _member(data, start)
                if member is not None:
                    yield start, member
                    start = end
                    continue
                lost_uri = _URI.search(_partial(data, start))
                following = _next_member(data, start + 1)
                _report_damage(path, start, following, size, lost_uri, damaged)
                start = following


def _member(data: mmap.mmap, start: int) -> tuple[bytes | None, int]:
    """The WARC record of the gzip member at `start` and where the member ends, or None
    when none starts there or it is damaged or cut off."""
    if data[start : start + 3] != _GZIP_MAGIC:
        return None, start
    decompressor = zlib.decompressobj(16 + zlib.MAX_WBITS)
    out, at = [], start
    try:
        while not decompressor.eof and at < len(data):
            chunk = data[at : at + _READ]
            out.append(decompressor.decompress(chunk))
            at += len(chunk)
    except zlib.error:
        return None, start
    if not decompressor.eof:
        return None, start
    member = b"".join(out)
    if not member.startswith(b"WARC/"):
        return None, start
    return member, at - len(decompressor.unused_data)


def _partial(data: mmap.mmap, start: int) -> bytes:
    """What a damaged member at `start` gives before its damage (its record's headers,
    most often)."""
    decompressor = zlib.decompressobj(16 + zlib.MAX_WBITS)
    out: list[bytes] = []
    # in small pieces: the damage fails only the piece it is in, not what came before it
    for at in range(start, min(start + _READ, len(data)), _PIECE):
        try:
            out.append(decompressor.decompress(data[at : at + _PIECE], _READ))
        except zlib.error:
            break
    return b"".join(out)[:_READ]


def _next_member(data: mmap.mmap, start: int) -> int:
    """Where the next good member after `start` begins; the file's size if none does."""
    at = data.find(_GZIP_MAGIC, start)
    while at != -1 and _member(data, at)[0] is None:
        at = data.find(_GZIP_MAGIC, at + 1)
    return len(data) if at == -1 else at


def _report_damage(
    path: Path,
    start: int,
    end: int,
    size: int,
    lost_uri: re.Match[bytes] | None,
    damaged: list[str] | None,
) -> None:
    what = f"the capture of {lost_uri[1].decode()}" if lost_uri else "a record"
    if end == size:
        message = (
            f"{path.name}: {what} at byte {start} is cut off ({end - start} bytes to the end"
            " of the file: a run killed, or a disk full, while writing it)"
        )
    else:
        message = (
            f"{path.name}: {what} at byte {start} is damaged; {end - start} bytes passed"
            f" over, read on from byte {end}"
        )
    _report(message, damaged)


def _report(message: str, damaged: list[str] | None) -> None:
    if damaged is None:
        logger.warning("%s", message)
    else:
        damaged.append(message)


@dataclass
class Captured:
    """What a directory of captures gives: the newest record of each day."""

    days: dict[dt.date, Day] = field(default_factory=dict)
    where: dict[dt.date, Where] = field(default_factory=dict)  # each day's capture
    captures: int = 0
    passed_over: list[str] = field(default_factory=list)  # why a capture gave no day
    damaged: list[str] = field(default_factory=list)  # records that could not be read


def days_in(paths: list[Path], jobs: int = 1) -> Captured:
    """Every day the captures of these WARC files give (oldest first: warc_files), parsed
    on `jobs` processes; the newest capture wins."""
    found = Captured()
    for _ in parsed_days(paths, jobs, found):
        pass
    return found


def parsed_days(paths: list[Path], jobs: int, found: Captured) -> Iterator[Day]:
    """days_in, a day at a time, `found` filled as they come: each day from its newest
    capture. On several processes a day is given as soon as no later capture can give it
    again (a page names its day; a list page, or a page that names none, may give any), so
    that the caller's work on it overlaps the parse of the rest; on one, once all are
    parsed (a capture is read at a time then, never all held)."""
    originals = Originals(paths[0].parent) if paths else None
    captured = ((p, c) for p in paths for c in _captures_of(p, found.damaged, originals))
    last_naming: dict[dt.date, int] = {}  # the last capture whose address names the day
    last_unnamed: float = -1  # the last capture that may give any day

    def noted(tagged: Iterable[tuple[Path, Capture]]) -> Iterator[tuple[Path, Capture]]:
        nonlocal last_unnamed
        for index, (path, capture) in enumerate(tagged):
            named = named_day(capture.url)
            if named is None:
                last_unnamed = index
            else:
                last_naming[named] = index
            yield path, capture

    if jobs > 1:
        # The pool takes every capture before it gives its first result (Executor.map
        # collects its iterables at once), each as it is read: the workers parse while the
        # rest are read, and all is noted before the first day is given.
        tagged: Iterable[tuple[Path, Capture]] = noted(captured)
    else:
        tagged, last_unnamed = captured, math.inf
    held: set[dt.date] = set()  # days a later capture may give again
    for index, (where, result) in enumerate(_days_of_all(tagged, jobs)):
        found.captures += 1
        if isinstance(result, str):
            found.passed_over.append(result)
            continue
        # a day a list gives twice is given once, its last copy (as on one process)
        for day in {day.date: day for day in result}.values():
            found.days[day.date] = day
            found.where[day.date] = where
            if index >= last_unnamed and index >= last_naming.get(day.date, index):
                held.discard(day.date)
                yield day
            else:
                held.add(day.date)
    for date in sorted(held):
        yield found.days[date]


def named_day(url: str) -> dt.date | None:
    """The one day a capture's address names (a classic page, an API day); None for a list
    page, or an address that names none."""
    return None if is_listing(url) else day_in_name(url)


def body_key(url: str, body: bytes) -> tuple[str, str]:
    """A capture by what it holds: its address and the SHA-256 of its body, which are the
    source_url and raw_sha256 of the days parsed from it."""
    return url, hashlib.sha256(body).hexdigest()


# What a parse depends on: the parser and the modules of the core it uses.
_PARSER_SOURCES = ("parse/*.py", "days.py", "errors.py", "media.py", "record.py", "credits.py",
                   "markdown_text.py")  # fmt: skip


def _digest_of_parser() -> str:
    """A digest of the parser's own source: a changed parser never reads an old parse."""
    digest = hashlib.sha256()
    package = Path(__file__).parent
    for pattern in _PARSER_SOURCES:
        for source in sorted(package.glob(pattern)):
            digest.update(source.read_bytes())
    return digest.hexdigest()


# taken at import: a long crawl stamps what it parsed with the parser it ran, even if the
# code on disk changes meanwhile
PARSER_VERSION = _digest_of_parser()


def days_of(capture: Capture) -> list[Day] | str:
    """The days one capture gives (a list page gives several), or why it gives none."""
    try:
        if is_listing(capture.url):
            return parse_listing(capture.body, capture.url)
        return [parse_page(capture.body, capture.url)]
    except ApodError as error:
        return f"{capture.url}: {error}"
    except Exception as error:  # a bug in the parser: this capture gives no day, the rest do
        return f"{capture.url}: the parser failed ({type(error).__name__}: {error})"


_CHUNK = 64  # captures handed to a worker process at a time


def _days_of_all(
    found: Iterable[tuple[Path, Capture]], jobs: int
) -> Iterator[tuple[Where, list[Day] | str]]:
    if jobs <= 1:
        yield from map(_tagged_days_of, found)
        return
    with workers.pool(jobs) as pool:
        try:
            yield from workers.mapped(pool, _tagged_days_of, found, chunksize=_CHUNK)
        finally:  # a reader that stops early (an error) does not wait for the rest
            pool.shutdown(cancel_futures=True)


def _tagged_days_of(tagged: tuple[Path, Capture]) -> tuple[Where, list[Day] | str]:
    path, capture = tagged
    return Where(path.name, capture.offset, capture.fetched_at), days_of(capture)
