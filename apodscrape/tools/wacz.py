"""wacz DIR OUT.wacz [--warc DIR]: the raw captures as one WACZ file, the web archive
ReplayWeb.page and pywb open.

Made by py-wacz (the Webrecorder's own tool, WACZ 1.1.1): the WARC files as they are
(revisits and all), a CDXJ index of every record, `pages/pages.jsonl` with one entry per
day page (the newest capture of each day, its title the day's date and title) and
`datapackage.json` with each file's SHA-256. Damaged captures are not packaged: the
command names them and writes nothing (`check DIR --captures` tells more).

The index leaves out the `recordDigest` (a SHA-256 of each whole record) that py-wacz adds
beyond the WACZ and CDXJ specs and offers no option against: 32 bytes no compression saves,
on every line, made the index 4.9% of the WARC files' size (2.3% without). Each line keeps
its payload digest, which replay and revisits use; each record's own digests are in the
WARC files, where `check --captures` verifies them.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import io
import json
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from .. import archive, warc
from ..errors import ApodError


def arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("directory", help="an archive directory (apYYMMDD.txt files)")
    parser.add_argument("out", help="the .wacz file to write")
    parser.add_argument("--warc", help="where the .warc.gz captures are (default: DIR/warc)")


def run(args: argparse.Namespace) -> int:
    try:
        import wacz.main
    except ImportError:
        raise ApodError("the wacz command needs py-wacz: pip install 'apodscrape[wacz]'") from None
    directory, out = Path(args.directory), Path(args.out)
    if out.suffix != ".wacz":
        raise ApodError(f"{out}: the output must end in .wacz")
    captures = Path(args.warc) if args.warc else archive.warc_dir(directory)
    paths = [path for path in warc.warc_files(captures) if path.stat().st_size]
    if not paths:
        raise ApodError(f"no captures at {captures}")
    damaged: list[str] = []
    pages = day_pages(directory, paths, damaged)
    if damaged:
        for message in damaged:
            print(message, file=sys.stderr)
        raise ApodError(f"{len(damaged)} damaged captures: {out} not written")
    with tempfile.TemporaryDirectory() as work:
        listing = Path(work) / "pages.jsonl"
        header = {"format": "json-pages-1.0", "id": "pages", "title": "APOD day pages"}
        lines = [json.dumps(entry, ensure_ascii=False) for entry in [header, *pages]]
        listing.write_text("\n".join(lines) + "\n", encoding="utf-8")

        def write(temporary: Path) -> None:
            # py-wacz matches each page to its record (by address and time) and deflates
            # the list (--copy-pages would store it as it is, 8% of the WARC files' size)
            command = ["create", "--output", str(temporary), "--pages", str(listing)]
            command += ["--title", "APOD: the mirror's raw captures"]
            with contextlib.redirect_stdout(io.StringIO()) as said, _without_record_digests():
                status = wacz.main.main([*command, *map(str, paths)])
            if status or "Invalid passed page" in said.getvalue():
                raise ApodError(f"py-wacz could not write {out}: {said.getvalue().strip()}")

        archive.replace_atomic(out, write)
    print(
        f"{out}: {len(paths)} WARC files, {len(pages)} day pages, {out.stat().st_size:,} bytes",
        file=sys.stderr,
    )
    return 0


@contextlib.contextmanager
def _without_record_digests() -> Iterator[None]:
    """py-wacz, its indexer told not to add a recordDigest to every line (create_wacz
    builds its WACZIndexer with digest_records=True and no way to say otherwise)."""
    import wacz.main
    from wacz.waczindexer import WACZIndexer

    class Indexer(WACZIndexer):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **{**kwargs, "digest_records": False})

    previous, wacz.main.WACZIndexer = wacz.main.WACZIndexer, Indexer
    try:
        yield
    finally:
        wacz.main.WACZIndexer = previous


def day_pages(directory: Path, paths: list[Path], damaged: list[str]) -> list[dict[str, str]]:
    """One page entry per day a capture's address names (a classic page, an API day), from
    its newest capture: address, WARC-Date, and the date and title of the day's file."""
    newest: dict[str, tuple[str, str]] = {}  # ISO date -> (address, WARC-Date)
    for path in paths:
        for _, record in warc.records_of(path, damaged):
            if not warc.holds_an_answer(record):
                continue
            url = record.rec_headers.get_header("WARC-Target-URI") or ""
            day = warc.named_day(url)
            if day is not None:
                newest[day.isoformat()] = (url, record.rec_headers.get_header("WARC-Date"))
    return [
        {"id": day, "url": url, "ts": ts, "title": _title(directory, day)}
        for day, (url, ts) in sorted(newest.items())
    ]


def _title(directory: Path, day: str) -> str:
    """'YYYY-MM-DD: the day's title', from its file; the date alone without one."""
    path = archive.day_path(directory, dt.date.fromisoformat(day))
    try:
        metadata, _ = archive.read_front_matter(archive.read_text(path))
    except (ApodError, OSError):
        return day
    title = metadata.get("title")
    return f"{day}: {title}" if isinstance(title, str) and title else day
