"""The captures as a WACZ file: what py-wacz's own validator says of it, what it holds, and
pywb (a real replay server on 127.0.0.1) answering with the captured bytes, revisits too."""

from __future__ import annotations

import contextlib
import datetime as dt
import gzip
import json
import subprocess
import sys
import time
import urllib.request
import zipfile
from pathlib import Path

import pytest
from wacz.main import main as py_wacz
from warcio.timeutils import iso_date_to_timestamp

from apodscrape import warc
from apodscrape.__main__ import main
from apodscrape.archive import warc_dir
from bench.api import free_port  # the one helper, for tests and bench
from sitesim import SiteSim

from .conftest import crawl_daily

JAN = [dt.date(2025, 1, 1) + dt.timedelta(days=n) for n in range(5)]
BIN = Path(sys.executable).parent


@pytest.fixture
def archive(site: SiteSim, crawl, tmp_path: Path) -> Path:
    """An archive of daily cron runs: each asks the last 3 days again (kept as revisits)."""
    crawl_daily(site, crawl, JAN)
    return tmp_path / "output"


def kept_records(archive: Path) -> list[tuple[str, str, str, bytes]]:
    """(type, address, WARC-Date, body as the readers give it) of every capture."""
    found = []
    bodies = iter(warc.captures(warc_dir(archive)))
    for path in warc.warc_files(warc_dir(archive)):
        for _, record in warc.records_of(path):
            headers = record.rec_headers
            url, date = headers.get_header("WARC-Target-URI"), headers.get_header("WARC-Date")
            capture = next(bodies)
            assert capture.url == url
            found.append((record.rec_type, url, date, capture.body))
    return found


def test_the_wacz_validates_and_holds_the_captures(archive: Path, tmp_path: Path, capsys) -> None:
    out = tmp_path / "apod.wacz"
    assert main(["wacz", str(archive), str(out)]) == 0
    assert py_wacz(["validate", "-f", str(out)]) == 0
    assert "Validation succeeded" in capsys.readouterr().out
    with zipfile.ZipFile(out) as wacz:
        names = set(wacz.namelist())
        package = json.loads(wacz.read("datapackage.json"))
        pages = [json.loads(line) for line in wacz.read("pages/pages.jsonl").splitlines()]
        warcs = {name: wacz.read(name) for name in names if name.startswith("archive/")}
        index = gzip.decompress(wacz.read("indexes/index.cdx.gz")).decode().splitlines()
    assert package["wacz_version"] == "1.1.1"
    described = names - {"datapackage.json", "datapackage-digest.json"}
    assert {r["path"] for r in package["resources"]} == described
    # the WARC files as they are, byte for byte
    assert warcs == {
        f"archive/{p.name}": p.read_bytes() for p in warc.warc_files(warc_dir(archive))
    }
    # a page a day, its newest capture, titled with its date and title
    newest = {url: date for _, url, date, _ in kept_records(archive)}
    assert pages[0]["format"] == "json-pages-1.0"
    assert sorted((p["id"], p["title"]) for p in pages[1:]) == [
        (str(day), f"{day}: Sky of {day}") for day in JAN
    ]
    assert all(newest[p["url"]] == p["ts"] for p in pages[1:])
    # every capture indexed where it lies, with its payload digest but no recordDigest
    entries = [json.loads(line.split(" ", 2)[2]) for line in index]
    assert sorted((e["url"], e["offset"]) for e in entries) == sorted(
        (url, str(offset)) for url, offset in indexed_records(archive)
    )
    assert all(e["digest"].startswith("sha1:") and "recordDigest" not in e for e in entries)


def indexed_records(archive: Path) -> list[tuple[str, int]]:
    """(address, offset) of every response and revisit record of the captures."""
    return [
        (record.rec_headers.get_header("WARC-Target-URI"), offset)
        for path in warc.warc_files(warc_dir(archive))
        for offset, record in warc.records_of(path)
        if record.rec_type in ("response", "revisit")
    ]


def flip_a_byte(archive: Path) -> Path:
    """Flip a byte near the end of the first record of the archive's last WARC file (its
    headers still readable); returns the file."""
    path = warc.warc_files(warc_dir(archive))[-1]
    _, second = (offset for offset, _ in list(warc.records_of(path))[:2])
    data = bytearray(path.read_bytes())
    data[second - 20] ^= 0xFF
    path.write_bytes(bytes(data))
    return path


def test_damaged_captures_are_named_and_nothing_is_written(
    archive: Path, tmp_path: Path, capsys
) -> None:
    first = flip_a_byte(archive)
    out = tmp_path / "apod.wacz"
    assert main(["wacz", str(archive), str(out)]) == 1
    err = capsys.readouterr().err
    assert f"{first.name}: the capture of http://" in err and "is damaged" in err
    assert err.endswith(f"error: 1 damaged captures: {out} not written\n")
    assert not out.exists() and list(tmp_path.glob(".apod.wacz.*")) == []


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["{tmp}", "{tmp}/a.wacz"], "no captures at {tmp}/warc"),
        (["{tmp}", "{tmp}/a.zip"], "{tmp}/a.zip: the output must end in .wacz"),
    ],
)
def test_one_line_errors(tmp_path: Path, capsys, arguments: list[str], message: str) -> None:
    assert main(["wacz", *(a.format(tmp=tmp_path) for a in arguments)]) == 1
    assert capsys.readouterr().err == f"error: {message.format(tmp=tmp_path)}\n"


# --- replay in pywb ------------------------------------------------------------------------------


def get(url: str) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=30) as answer:
            return answer.status, answer.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


@pytest.fixture
def pywb(archive: Path, tmp_path: Path):
    """pywb's `wayback` on 127.0.0.1 over a collection `apod` made from the archive's WACZ."""
    out = tmp_path / "apod.wacz"
    assert main(["wacz", str(archive), str(out)]) == 0
    root = tmp_path / "pywb"
    root.mkdir()
    for command in (["init", "apod"], ["add", "--unpack-wacz", "apod", str(out)]):
        subprocess.run([BIN / "wb-manager", *command], cwd=root, check=True, capture_output=True)
    first_url = kept_records(archive)[0][1]
    for _ in range(3):  # a free port may be taken before pywb binds it: another, then
        port = free_port()
        server = subprocess.Popen(
            [BIN / "wayback", "--bind", "127.0.0.1", "--port", str(port)],
            cwd=root,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        url = f"http://127.0.0.1:{port}/apod"
        try:
            if _answers(server, f"{url}/cdx?url={first_url}", first_url.encode()):
                yield url
                return
        finally:
            server.terminate()
            server.wait(30)
    pytest.fail("pywb did not start")


def _answers(server: subprocess.Popen, url: str, expected: bytes) -> bool:
    """Whether the server comes to answer `url` with `expected` in the body (this pywb, not
    whoever else may hold the port) within a minute."""
    deadline = time.monotonic() + 60
    while server.poll() is None and time.monotonic() < deadline:
        with contextlib.suppress(OSError):
            status, body = get(url)
            if status == 200 and expected in body:
                return True
        time.sleep(0.2)
    return False


@pytest.mark.slow
def test_pywb_replays_every_capture_with_its_bytes(archive: Path, pywb: str) -> None:
    kept = kept_records(archive)
    assert {kind for kind, *_ in kept} == {"response", "revisit"}
    for kind, url, date, body in kept:
        # id_: the capture as it was kept, not rewritten for the browser
        status, replayed = get(f"{pywb}/{iso_date_to_timestamp(date)}id_/{url}")
        assert (status, replayed) == (200, body), (kind, url, date)
