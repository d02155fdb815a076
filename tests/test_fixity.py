"""check ARCHIVE --captures: every WARC record's digests and every WACZ entry's hash, what has
rotted named by file, offset (or entry) and address, exit status 1, no traceback."""

from __future__ import annotations

import json
import zipfile
from io import BytesIO
from pathlib import Path

import pytest
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from apodscrape import warc
from apodscrape.__main__ import main
from apodscrape.archive import warc_dir

PAGES = [f"https://apod.nasa.gov/apod/ap2501{n:02}.html" for n in range(1, 6)]


def body_of(url: str) -> bytes:
    return f"<html><title>{url}</title>{'<p>Stars. ' * 200}</html>".encode()


@pytest.fixture
def archive(tmp_path: Path) -> Path:
    """An archive with two runs' captures: five pages, then the same five (revisits)."""
    for _ in range(2):
        writer = warc.CaptureWriter(warc_dir(tmp_path))
        for url in PAGES:
            writer.write(url, 200, [("Content-Type", "text/html")], body_of(url))
        writer.close()
    return tmp_path


def check(archive: Path, capsys) -> tuple[int, list[str]]:
    status = main(["check", str(archive), "--captures"])
    captured = capsys.readouterr()
    assert "Traceback" not in captured.err
    return status, captured.out.splitlines()


def offsets(path: Path) -> list[int]:
    return [offset for offset, _ in warc.records_of(path)]


def test_intact_captures_pass(archive: Path, capsys) -> None:
    assert main(["wacz", str(archive), str(archive / "apod.wacz")]) == 0
    status, lines = check(archive, capsys)
    # 10 records in 2 WARC files; the WACZ's 2 WARC files, index, pages list
    assert (status, lines) == (0, ["3 files of captures, 15 records and entries, 0 problems"])


def test_a_flipped_byte_is_named_with_its_file_offset_and_address(archive, capsys) -> None:
    path = warc.warc_files(warc_dir(archive))[0]
    starts = offsets(path)
    data = bytearray(path.read_bytes())
    data[starts[3] - 30] ^= 0x01  # in the compressed body of the third record
    path.write_bytes(bytes(data))
    status, lines = check(archive, capsys)
    assert status == 1
    assert lines == [
        f"{path.name}: the capture of {PAGES[2]} at byte {starts[2]} is damaged;"
        f" {starts[3] - starts[2]} bytes passed over, read on from byte {starts[3]}",
        # its revisit in the next run has no intact original left
        f"{warc.warc_files(warc_dir(archive))[1].name}: the revisit record of {PAGES[2]} at"
        f" byte {offsets(warc.warc_files(warc_dir(archive))[1])[2]} names no intact record"
        f" ({PAGES[2]}, {warc.payload_digest(body_of(PAGES[2]))})",
        "2 files of captures, 9 records and entries, 2 problems",
    ]


def test_a_record_that_does_not_match_its_digest(tmp_path: Path, capsys) -> None:
    # a record whose bytes changed before it was compressed: its gzip member is whole
    path = warc_dir(tmp_path) / "apod-20250101T000000000000Z-1.warc.gz"
    path.parent.mkdir()
    with path.open("wb") as file:
        writer = WARCWriter(file, gzip=True)
        body = body_of(PAGES[0])
        headers = StatusAndHeaders("200", [("Content-Length", str(len(body)))], "HTTP/1.1")
        wrong = {"WARC-Payload-Digest": warc.payload_digest(b"another body")}
        record = writer.create_warc_record(
            PAGES[0], "response", payload=BytesIO(body), length=len(body),
            http_headers=headers, warc_headers_dict=wrong,
        )  # fmt: skip
        writer.write_record(record)
    status, lines = check(tmp_path, capsys)
    assert status == 1
    assert lines == [
        f"{path.name}: the response record of {PAGES[0]} at byte 0 does not match its digest"
        f" (payload digest failed {wrong['WARC-Payload-Digest']})",
        "1 file of captures, 1 record and entries, 1 problem",
    ]


def stored(wacz: Path, name: str) -> int:
    """Where an entry's bytes start in the zip file."""
    with zipfile.ZipFile(wacz) as opened:
        info = opened.getinfo(name)
    with wacz.open("rb") as file:
        file.seek(info.header_offset + 26)
        name_length, extra_length = (int.from_bytes(file.read(2), "little") for _ in range(2))
    return info.header_offset + 30 + name_length + extra_length


def test_a_flipped_byte_in_a_wacz_entry_is_named(archive: Path, tmp_path, capsys) -> None:
    wacz = tmp_path / "out" / "apod.wacz"
    assert main(["wacz", str(archive), str(wacz)]) == 0
    name = f"archive/{warc.warc_files(warc_dir(archive))[1].name}"
    data = bytearray(wacz.read_bytes())
    data[stored(wacz, name) + 100] ^= 0x01
    wacz.write_bytes(bytes(data))
    status = main(["check", str(wacz), "--captures"])
    out = capsys.readouterr().out.splitlines()
    assert status == 1
    assert out == [
        f"apod.wacz: {name} cannot be read whole (Bad CRC-32 for file '{name}')",
        "1 file of captures, 5 records and entries, 1 problem",
    ]


def test_an_entry_that_differs_from_datapackage_json(archive: Path, tmp_path, capsys) -> None:
    wacz = tmp_path / "apod.wacz"
    assert main(["wacz", str(archive), str(wacz)]) == 0
    # a datapackage.json that lies about pages.jsonl, its digest made to match
    with zipfile.ZipFile(wacz) as opened:
        entries = {info.filename: opened.read(info) for info in opened.infolist()}
    package = json.loads(entries["datapackage.json"])
    (pages,) = (r for r in package["resources"] if r["path"] == "pages/pages.jsonl")
    pages["hash"] = "sha256:" + "0" * 64
    entries["datapackage.json"] = json.dumps(package).encode()
    with zipfile.ZipFile(wacz, "w") as rewritten:
        for name, data in entries.items():
            rewritten.writestr(name, data)
    status = main(["check", str(wacz), "--captures"])
    out = capsys.readouterr().out.splitlines()
    assert status == 1
    assert out[0] == "apod.wacz: datapackage.json differs from datapackage-digest.json's hash"
    assert out[1].startswith("apod.wacz: pages/pages.jsonl has sha256:")
    assert out[1].endswith(f"datapackage.json gives sha256:{'0' * 64} ({pages['bytes']} bytes)")


def test_no_captures_is_a_one_line_error(tmp_path: Path, capsys) -> None:
    assert main(["check", str(tmp_path), "--captures"]) == 1
    assert capsys.readouterr().err.startswith(f"error: no captures at {tmp_path}")
