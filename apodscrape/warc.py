"""Raw captures: the responses days are built from, kept compressed in WARC files (warcio),
so that the archive can be rebuilt offline when the parser improves."""

from __future__ import annotations

import datetime as dt
import logging
import os
from collections.abc import Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from io import BytesIO
from pathlib import Path
from typing import BinaryIO

from warcio.archiveiterator import ArchiveIterator
from warcio.exceptions import ArchiveLoadFailed
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

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


class CaptureWriter:
    """Appends responses to one `.warc.gz` file per run, opened at the first response."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.path: Path | None = None
        self._file: BinaryIO | None = None
        self._writer: WARCWriter | None = None

    def write(self, url: str, status: int, headers: list[tuple[str, str]], body: bytes) -> None:
        """Keep one response (its body as Scrapy decoded it)."""
        if self._writer is None:
            self.directory.mkdir(parents=True, exist_ok=True)
            stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%S%fZ")
            self.path = self.directory / f"apod-{stamp}-{os.getpid()}.warc.gz"
            self._file = self.path.open("xb")
            self._writer = WARCWriter(self._file, gzip=True)
        kept = [(k, v) for k, v in headers if k.lower() not in _WIRE_HEADERS]
        kept.append(("Content-Length", str(len(body))))
        http_headers = StatusAndHeaders(str(status), kept, protocol="HTTP/1.1")
        record = self._writer.create_warc_record(
            url, "response", payload=BytesIO(body), http_headers=http_headers
        )
        self._writer.write_record(record)
        self._file.flush()  # a killed run loses at most the record being written

    def close(self) -> None:
        if self._file is not None:
            self._file.close()
            self._file = self._writer = None


def captures(directory: Path) -> Iterator[Capture]:
    """Every 200 response kept under `directory`, oldest run first, in the order written."""
    for path in sorted(directory.glob("*.warc.gz")):
        with path.open("rb") as file:
            try:
                for record in ArchiveIterator(file):
                    if record.rec_type != "response" or record.http_headers is None:
                        continue
                    if record.http_headers.get_statuscode() != "200":
                        continue
                    url = record.rec_headers.get_header("WARC-Target-URI")
                    yield Capture(url, record.content_stream().read())
            except (ArchiveLoadFailed, EOFError, OSError) as error:
                # the last record of a run that was killed while writing it
                logger.warning("%s: stopped reading at a damaged record (%s)", path.name, error)


@dataclass
class Captured:
    """What a directory of captures gives: the newest record of each day."""

    days: dict[dt.date, Day] = field(default_factory=dict)
    captures: int = 0
    passed_over: list[str] = field(default_factory=list)  # why a capture gave no day


def newest_days(directory: Path, jobs: int = 1) -> Captured:
    """Every day the captures give, parsed on `jobs` processes; the newest capture wins."""
    found = Captured()
    for result in _days_of_all(captures(directory), jobs):
        found.captures += 1
        if isinstance(result, str):
            found.passed_over.append(result)
        else:
            found.days.update((day.date, day) for day in result)
    return found


def days_of(capture: Capture) -> list[Day] | str:
    """The days one capture gives (a list page gives several), or why it gives none."""
    try:
        if is_listing(capture.url):
            return parse_listing(capture.body, capture.url)
        return [parse_page(capture.body, capture.url)]
    except ApodError as error:
        return f"{capture.url}: {error}"


_CHUNK = 64  # captures handed to a worker process at a time


def _days_of_all(found: Iterable[Capture], jobs: int) -> Iterator[list[Day] | str]:
    if jobs <= 1:
        yield from map(days_of, found)
        return
    with ProcessPoolExecutor(max_workers=jobs) as pool:
        yield from pool.map(days_of, found, chunksize=_CHUNK)
