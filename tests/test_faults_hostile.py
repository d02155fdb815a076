"""The fault table, second round (issue 23): hostile answers, rotten captures, full disks,
killed runs and files planted by someone else, and what the mirror must make of them
(docs/failures.md). On top of the first round's rules (tests/test_faults.py): what `check`
rejects is never written; a day's answer only ever fills the day that was asked; a capture
file read on past a damaged record; nothing written or published through a symlink the
project did not make.

Each row runs the real engine in-process against the one simulator (sitesim) on 127.0.0.1,
or the real command in a subprocess where its exit status and messages are the point."""

from __future__ import annotations

import datetime as dt
import errno
import fcntl
import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from apodscrape import archive, catalog, days, warc
from apodscrape.crawl.commands import crawl as crawl_command
from apodscrape.errors import ArchiveLocked
from apodscrape.parse import parse_page
from apodscrape.plan import holes
from apodscrape.tools.check import problems
from apodscrape.warc import CaptureWriter
from bench.api import children  # the one reader of a process's children, with the bench
from sitesim import Answer, SiteSim
from sitesim.science import JSON

from .archives import catalogue
from .conftest import (
    ROOT,
    day_files,
    hold_archive,
    scrapy_crawl,
    start_scrapy_crawl,
    wait_until_requested,
)
from .test_cron import CRON, wait_for_files

DAY = dt.date(2025, 1, 5)
NEXT = DAY + dt.timedelta(days=1)
PAGE = f"/apod/ap{DAY:%y%m%d}.html"
GOOD_FILE = "---\n{}\n---\n\nthe good day\n"  # an archived file nothing may overwrite
API_DAY = f"/science/wp-json/wp/v2/apod-basic/{DAY:%y%m%d}"
OUTCOMES = ("written", "unchanged", "skipped", "missing", "failed")
# Addresses no day file may hold as its media, nor take as the base of its links.
BAD_MEDIA = {
    "file": "file:///etc/passwd",
    "javascript": "javascript:alert(1)",
    "data": "data:image/png;base64,iVBORw0KGgo=",
    "ftp": "ftp://ftp.example.org/sky_big.jpg",
    "about": "about:blank",
    "blob": "blob:https://example.org/0f1e",
}
# Links a day's text keeps as text only (ftp: and gopher: are real links of real pages).
BAD_LINKS = {name: BAD_MEDIA[name] for name in ("file", "javascript", "data", "about", "blob")}


@dataclass
class Hostile:
    """One row: what the site does, how the run is asked, and what must come of it."""

    setup: Callable[[SiteSim], None]
    arguments: dict[str, str]
    outcome: dict[str, int]  # the outcomes counted (the others must be 0)
    files: list[str]  # the day files the archive has afterwards (each must check clean)
    image_url: str | bool | None = False  # the imageUrl DAY's file must hold (False: any)
    archived: tuple[str, ...] = ()  # good files the archive holds before: left as they are


def _record(site: SiteSim, **fields: object) -> None:
    """Serve DAY's apod-basic record with `fields` changed (None: left out)."""
    site.publish(DAY, kind="image", slug="sky")
    record = {**site.science_record(DAY), **fields}
    record = {key: value for key, value in record.items() if value is not None}
    site.page(API_DAY, json.dumps(record).encode(), **{"Content-Type": JSON})


def _page_with(old: bytes, new: bytes) -> Callable[[SiteSim], None]:
    def setup(site: SiteSim) -> None:
        site.publish(DAY, kind="image", slug="sky")
        body = site.classic_page(DAY).body
        assert old in body
        site.page(PAGE, body.replace(old, new, 1))

    return setup


def _hdurl(url: str) -> Callable[[SiteSim], None]:
    return lambda site: _record(site, hdurl=url, basic_html=None)


def _javascript_permalink(site: SiteSim) -> None:
    site.publish(DAY, kind="image", slug="sky")
    record = site.science_record(DAY)
    explanation = record["explanation"].replace("https://apod.nasa.gov/apod/ap060220.html",
                                                "ap060220.html")  # fmt: skip
    assert explanation != record["explanation"]
    _record(site, permalink="javascript:alert(1)", explanation=explanation)


def _api_redirects_to(record_of: dt.date | None) -> Callable[[SiteSim], None]:
    """The API's DAY answers 302 to a cache path that holds `record_of`'s record, or (None)
    to the landing page, which shows the newest day."""

    def setup(site: SiteSim) -> None:
        site.publish(DAY, NEXT)
        if record_of is None:
            target = "/science/apod/"
            site.page(target, site.classic_page(NEXT).body)
        else:
            target = "/science/cache/apod-basic-latest"
            body = json.dumps(site.science_record(record_of)).encode()
            site.page(target, body, **{"Content-Type": JSON})
        site.page(API_DAY, b"", status=302, Location=site.url + target)

    return setup


def _moved_and(setup: Callable[[SiteSim], None]) -> Callable[[SiteSim], None]:
    def moved(site: SiteSim) -> None:  # the classic page redirects (the 2026 move)
        setup(site)
        site.page(PAGE, b"", status=301, Location=f"{site.url}/science/apod/")

    return moved


def _list_gives_a_date_twice(site: SiteSim) -> None:
    days = [DAY - dt.timedelta(days=n) for n in range(3)]
    site.publish(*days)
    site.publish(DAY, title="The Right Title")
    wrong = {**site.science_record(DAY), "title": "A Record Of Another Kind"}
    listed = [wrong, site.science_record(DAY), *(site.science_record(day) for day in days[1:])]
    query = f"?date_from={days[-1]:%y%m%d}&date_to={DAY:%y%m%d}&per_page=100&page=1"
    site.page(f"/science/wp-json/wp/v2/apod-basic{query}", json.dumps(listed).encode(), **{
        "Content-Type": JSON
    })  # fmt: skip


CLASSIC = {"dates": str(DAY), "source": "classic"}
SCIENCE = {"dates": str(DAY), "source": "science"}
ROWS = {
    **{
        f"api-hdurl-{name}-is-no-image": Hostile(_hdurl(url), SCIENCE, {"written": 1},
                                                 ["ap250105.txt"], image_url=None)
        for name, url in BAD_MEDIA.items()
    },
    **{
        f"picture-src-{name}-is-no-image": Hostile(
            _page_with(b'SRC="image/2501/sky.jpg"', f'SRC="{url}"'.encode()), CLASSIC,
            {"written": 1}, ["ap250105.txt"], image_url=None)
        for name, url in BAD_MEDIA.items()
    },
    **{
        f"page-link-{name}-stays-text": Hostile(
            _page_with(b'href="ap060220.html"', f'href="{url}"'.encode()), CLASSIC,
            {"written": 1}, ["ap250105.txt"])
        for name, url in BAD_LINKS.items()
    },
    **{
        f"credit-link-{name}-stays-text": Hostile(
            _page_with(b'href="https://astro.example.org/', f'href="{url}#'.encode()), CLASSIC,
            {"written": 1}, ["ap250105.txt"])
        for name, url in BAD_LINKS.items()
    },
    "javascript-permalink-is-no-link-base": Hostile(_javascript_permalink, SCIENCE,
                                                    {"written": 1}, ["ap250105.txt"]),
    "nul-bytes-in-a-page": Hostile(_page_with(b"<b> Explanation: </b>",
                                              b"<b> Expla\x00nation: </b>\x00 Nul\x00 here."),
                                   CLASSIC, {"written": 1}, ["ap250105.txt"]),
    "nul-bytes-in-a-link": Hostile(_page_with(b'href="ap060220.html"', b'href="ap06\x000220.html"'),
                                   CLASSIC, {"written": 1}, ["ap250105.txt"]),
    "api-redirect-to-another-days-record": Hostile(
        _api_redirects_to(NEXT), SCIENCE, {"failed": 1}, ["ap250106.txt"],
        archived=("ap250106.txt",)),
    "api-redirect-to-another-days-record-in-auto": Hostile(
        _moved_and(_api_redirects_to(NEXT)), {"dates": str(DAY)}, {"failed": 1},
        ["ap250106.txt"], archived=("ap250106.txt",)),
    "api-redirect-to-the-landing-page": Hostile(_api_redirects_to(None), SCIENCE, {"failed": 1},
                                                []),
    "list-gives-a-date-twice": Hostile(
        _list_gives_a_date_twice, {"start": "2025-01-03", "end": str(DAY), "source": "science"},
        {"written": 3}, ["ap250103.txt", "ap250104.txt", "ap250105.txt"]),
    "escaped-nul-in-a-record": Hostile(lambda site: _record(site, title="Moon\x00rise"),
                                       SCIENCE, {"written": 1}, ["ap250105.txt"]),
}  # fmt: skip


@pytest.mark.parametrize("name", ROWS)
def test_hostile(name: str, site: SiteSim, crawl, tmp_path: Path) -> None:
    row = ROWS[name]
    output = tmp_path / "output"
    output.mkdir()
    for archived in row.archived:
        (output / archived).write_text(GOOD_FILE)
    row.setup(site)
    result = crawl(site, output, **row.arguments)
    counted = {outcome: result.stats.get(f"apod/{outcome}", 0) for outcome in OUTCOMES}
    assert counted == {outcome: row.outcome.get(outcome, 0) for outcome in OUTCOMES}
    assert day_files(output) == row.files
    for name in row.archived:
        assert (output / name).read_text() == GOOD_FILE
    for name in set(row.files) - set(row.archived):  # what `check` rejects is never written
        assert problems(output / name) == []
        text = (output / name).read_text()
        assert "\x00" not in text and "\\u0000" not in text and "\ufffd" not in text
        for url in BAD_LINKS.values():
            assert url not in text
    if name == "list-gives-a-date-twice":  # the day asked alone: the right record
        assert '"title": "The Right Title"' in (output / "ap250105.txt").read_text()
    if row.image_url is not False:
        front = json.loads((output / "ap250105.txt").read_text().split("---\n")[1])
        assert front["imageUrl"] == row.image_url


# --- captures that rot ---------------------------------------------------------------------


def _tool(*arguments: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "apodscrape", *arguments], cwd=ROOT,
                          capture_output=True, text=True, timeout=120)  # fmt: skip


@pytest.fixture
def forty_captures(site: SiteSim, tmp_path: Path) -> tuple[Path, list[dt.date]]:
    """A WARC file of 40 day pages, as a crawl writes it."""
    days = [DAY - dt.timedelta(days=n) for n in range(40)]
    writer = CaptureWriter(tmp_path / "warc")
    for day in days:
        site.publish(day)
        url = f"https://apod.nasa.gov/apod/ap{day:%y%m%d}.html"
        writer.write(url, 200, [("Content-Type", "text/html")], site.classic_page(day).body)
    writer.close()
    assert writer.path is not None
    return writer.path, days


def _alive(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().split(") ")[1][0] != "Z"
    except (OSError, IndexError):
        return False


@pytest.mark.slow
@pytest.mark.parametrize(
    ("stop", "at_once"),
    [
        (signal.SIGKILL, False),
        (signal.SIGTERM, False),
        (signal.SIGINT, False),
        (signal.SIGINT, True),
    ],
)
def test_a_killed_rebuild_leaves_no_worker_holding_the_archive(
    site: SiteSim, tmp_path: Path, stop: signal.Signals, at_once: bool
) -> None:
    # at_once: as soon as the workers exist, while the pool is handed its work
    # its parsing processes were forked with the archive's lock (a flock of the folder)
    writer = CaptureWriter(tmp_path / "warc")
    for n in range(1500):
        day = DAY - dt.timedelta(days=n)
        site.publish(day)
        url = f"https://apod.nasa.gov/apod/ap{day:%y%m%d}.html"
        writer.write(url, 200, [("Content-Type", "text/html")], site.classic_page(day).body)
    writer.close()
    out = tmp_path / "out"
    command = ["rebuild", "--out", str(out), "--warc", str(tmp_path / "warc"), "--jobs", "2"]
    rebuild = subprocess.Popen(
        [sys.executable, "-m", "apodscrape", *command],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.monotonic() + 60
    while (
        len(workers := children(rebuild.pid)) < 2 or not (at_once or day_files(out))
    ) and rebuild.poll() is None:
        assert time.monotonic() < deadline
        time.sleep(0.01)
    rebuild.send_signal(stop)
    _, said = rebuild.communicate(timeout=30)
    assert len(workers) == 2  # it was still parsing
    if stop == signal.SIGINT:  # Ctrl-C: one line, no traceback
        assert (rebuild.returncode, said) == (130, "error: interrupted\n")
    deadline = time.monotonic() + 10
    while any(_alive(worker) for worker in workers) and time.monotonic() < deadline:
        time.sleep(0.05)
    left = [worker for worker in workers if _alive(worker)]
    for worker in left:  # not to leave them to the rest of the suite
        os.kill(worker, signal.SIGKILL)
    assert not left
    archive.lock(out).close()  # free: the next run is not refused
    assert _tool(*command).returncode == 0  # and it rebuilds everything


def _printable(text: str) -> bool:
    return all(" " <= character <= "~" for line in text.splitlines() for character in line)


def test_flipped_bytes_lose_one_record_and_say_so(forty_captures, tmp_path: Path) -> None:
    path, _ = forty_captures
    data = bytearray(path.read_bytes())
    middle = len(data) // 2
    data[middle : middle + 16] = bytes(byte ^ 0xFF for byte in data[middle : middle + 16])
    path.write_bytes(data)
    out = tmp_path / "out"
    run = _tool("rebuild", "--out", str(out), "--warc", str(path.parent))
    assert run.returncode == 1
    lost = [line for line in run.stderr.splitlines() if line.startswith("lost: ")]
    assert len(lost) == 1 and f"{path.name}: " in lost[0] and "damaged" in lost[0]
    assert _printable(run.stderr)
    assert len(day_files(out)) == 39  # every record after the damaged one is read
    db = catalog.open_readonly(out)  # the loss is the rebuild's run's, in the catalog
    (status, counts), *_ = db.execute("SELECT exit_status, counts FROM runs ORDER BY id DESC")
    db.close()
    assert status == 1 and json.loads(counts)["lost"] == 1
    export = _tool("export", str(out), str(tmp_path / "apod.jsonl"))  # from the catalog
    assert export.returncode == 0
    assert len((tmp_path / "apod.jsonl").read_text().splitlines()) == 39


def test_a_record_cut_off_at_the_end_is_named(forty_captures, tmp_path: Path) -> None:
    path, days = forty_captures
    path.write_bytes(path.read_bytes()[:-100])  # a run killed while writing its last record
    run = _tool("rebuild", "--out", str(tmp_path / "out"), "--warc", str(path.parent))
    assert run.returncode == 1
    assert (
        f"lost: {path.name}: the capture of https://apod.nasa.gov/apod/ap{days[-1]:%y%m%d}.html"
        in run.stderr
    )
    assert "is cut off" in run.stderr and _printable(run.stderr)
    assert len(day_files(tmp_path / "out")) == 39


@pytest.fixture
def full_on_third_record(monkeypatch: pytest.MonkeyPatch) -> None:
    """The disk fills during the third WARC record written: half of it, then ENOSPC."""
    real = warc._write_all
    calls = 0

    def full_once(file, data):
        nonlocal calls
        calls += 1
        if calls == 3:
            file.write(data[: len(data) // 2])
            raise OSError(errno.ENOSPC, "No space left on device")
        real(file, data)

    monkeypatch.setattr(warc, "_write_all", full_once)


def test_a_full_disk_leaves_no_half_record_in_the_middle(
    forty_captures, full_on_third_record: None, tmp_path: Path
) -> None:  # the disk fills once the forty are written
    path, days = forty_captures
    writer = CaptureWriter(tmp_path / "run")
    bodies = [capture.body for capture in warc.captures(path.parent)][:6]
    for number, body in enumerate(bodies):
        url = f"https://apod.nasa.gov/apod/ap{days[number]:%y%m%d}.html"
        if number == 2:
            with pytest.raises(OSError):
                writer.write(url, 200, [], body)
        else:
            writer.write(url, 200, [], body)
    writer.close()
    damaged: list[str] = []
    assert len(list(warc.captures(tmp_path / "run", damaged))) == 5
    assert damaged == []


@pytest.mark.usefixtures("full_on_third_record")
def test_a_full_captures_disk_mid_run_costs_one_capture_and_says_so(
    site: SiteSim, crawl, tmp_path: Path
) -> None:
    days = [DAY - dt.timedelta(days=n) for n in range(8)]
    site.publish(*days)
    out = tmp_path / "out"
    result = crawl(site, out, source="classic", start=str(days[-1]), end=str(DAY))
    assert (result.stats["apod/written"], result.stats["apod/capture_failed"]) == (8, 1)
    damaged: list[str] = []
    assert len(list(warc.captures(archive.warc_dir(out), damaged))) == 7
    assert damaged == []


def test_a_wrong_clock_cannot_make_rebuild_restore_an_old_page(
    site: SiteSim, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = "https://apod.nasa.gov/apod/ap250105.html"
    site.publish(DAY, title="The First Title")
    first = site.classic_page(DAY).body
    site.publish(DAY, title="The Corrected Title")
    corrected = site.classic_page(DAY).body

    real = dt.datetime

    class AYearAhead(dt.datetime):
        @classmethod
        def now(cls, tz=None):  # type: ignore[override]
            return real.now(tz) + dt.timedelta(days=365)

    with monkeypatch.context() as clock:  # the first run, with the clock a year ahead
        clock.setattr(warc.dt, "datetime", AYearAhead)
        writer = CaptureWriter(tmp_path / "warc")
        writer.write(url, 200, [("Content-Type", "text/html")], first)
        writer.close()
    writer = CaptureWriter(tmp_path / "warc")  # the corrected page, the clock put right
    writer.write(url, 200, [("Content-Type", "text/html")], corrected)
    writer.close()
    run = _tool("rebuild", "--out", str(tmp_path / "out"), "--warc", str(tmp_path / "warc"))
    assert run.returncode == 0, run.stderr
    assert '"title": "The Corrected Title"' in (tmp_path / "out" / "ap250105.txt").read_text()


# --- someone else's files: never written or published through a symlink -------------------


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """A 512 KiB tmpfs: a disk that fills (mounting needs root, as on CI's machine)."""
    disk = tmp_path / "disk"
    disk.mkdir()
    mount = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=512k", "tmpfs", str(disk)],
                           capture_output=True, text=True)  # fmt: skip
    if mount.returncode != 0:
        pytest.skip(f"no tmpfs can be mounted here: {mount.stderr.strip()}")
    try:
        yield disk
    finally:
        subprocess.run(["umount", "-l", str(disk)], check=False)


@pytest.fixture
def victim(tmp_path: Path) -> Path:
    """A file outside the archive that a symlink planted in it points at."""
    path = tmp_path / "elsewhere" / "secret.key"
    path.parent.mkdir()
    path.write_text("not the archive's\n")
    return path


@pytest.mark.parametrize("name", [".apodscrape.lock", "ap250105.txt"])
def test_a_file_of_the_archive_that_is_a_symlink_is_replaced_not_written_through(
    name: str, site: SiteSim, crawl, tmp_path: Path, victim: Path
) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / name).symlink_to(victim)
    site.publish(DAY)
    result = crawl(site, out, source="classic", dates=str(DAY))
    assert result.stats["apod/written"] == 1
    assert victim.read_text() == "not the archive's\n"
    assert not (out / name).is_symlink()  # replaced by the run's own file
    assert problems(out / "ap250105.txt") == []
    run = _tool("site", str(out), str(tmp_path / "www"), "--quiet")
    assert run.returncode == 0, run.stderr
    assert victim.read_text() == "not the archive's\n"


def test_an_atomic_write_below_a_file_names_that_file(tmp_path: Path) -> None:
    # what a tool then prints (`error: FOLDER: File exists`) names the file in the way,
    # not the temporary it could not make
    (tmp_path / "afile").write_text("a file\n")
    with pytest.raises(OSError) as raised:
        archive.write_atomic(tmp_path / "afile" / "apod.wacz", b"")
    assert raised.value.filename == str(tmp_path / "afile")
    assert [p.name for p in tmp_path.iterdir()] == ["afile"]


def test_a_deleted_lock_file_lets_no_second_run_in(tmp_path: Path) -> None:
    holder = hold_archive(tmp_path, 30)
    try:
        (tmp_path / ".apodscrape.lock").unlink()  # by someone else, under the run
        with pytest.raises(ArchiveLocked):
            archive.lock(tmp_path)
    finally:
        holder.kill()
        holder.wait()


@pytest.mark.parametrize("tool", ["crawl", "site", "rebuild"])
def test_an_output_path_that_is_a_file_is_one_line(site: SiteSim, tmp_path: Path, tool) -> None:
    out = tmp_path / "out"
    out.write_text("a file\n")
    if tool == "crawl":
        run = scrapy_crawl(site, tmp_path, "-a", f"dates={DAY}", APOD_OUTPUT_DIR=str(out))
    elif tool == "site":
        site.publish(DAY)
        page = parse_page(site.classic_page(DAY).body, "https://apod.nasa.gov/apod/ap250105.html")
        archive.store(tmp_path / "archive", page)
        run = _tool("site", str(tmp_path / "archive"), str(out))
    else:
        (tmp_path / "warc").mkdir()
        run = _tool("rebuild", "--out", str(out), "--warc", str(tmp_path / "warc"))
    assert run.returncode != 0
    lines = run.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ") and str(out) in lines[0], run.stderr


# --- media: whole files of media, or none -------------------------------------------------

IMAGE = f"/apod/image/{DAY:%y%m}/sky_big.jpg"
JPEG = b"\xff\xd8\xff\xe0" + bytes(range(256)) * 4096  # 1 MiB and 4 bytes


def _media_day(site: SiteSim, *answers: Answer) -> None:
    site.publish(DAY, title="Sky", kind="image", slug="sky")
    site.answers(IMAGE, *answers)


def _media_dir(out: Path) -> Path:
    return out / "media" / "ap250105"


def test_an_access_denied_page_is_no_media(site: SiteSim, crawl, tmp_path: Path) -> None:
    denied = Answer(200, b"<html><body>Access denied</body></html>", {"Content-Type": "text/html"})
    _media_day(site, denied)
    out = tmp_path / "out"
    first = crawl(site, out, source="classic", dates=str(DAY), media="1")
    assert (first.stats["apod/written"], first.stats["apod/media_failed"]) == (1, 1)
    assert not _media_dir(out).exists() or not any(_media_dir(out).iterdir())
    site.answers(IMAGE, Answer(200, JPEG, {"Content-Type": "image/jpeg"}))
    second = crawl(site, out, source="classic", dates=str(DAY), media="1")  # not taken as done
    assert second.stats["apod/media_stored"] == 1
    assert (_media_dir(out) / "sky_big.jpg").read_bytes() == JPEG


def test_a_full_disk_leaves_no_piece_of_media(site: SiteSim, crawl, small_disk: Path) -> None:
    _media_day(site, Answer(200, JPEG, {"Content-Type": "image/jpeg"}))
    out = small_disk / "out"
    result = crawl(site, out, {"FILES_STORE": str(small_disk / "media")}, source="classic",
                   dates=str(DAY), media="1")  # fmt: skip
    assert result.stats["apod/media_failed"] == 1
    assert [p.name for p in (small_disk / "media").rglob("*") if p.is_file()] == []


def test_a_media_file_that_is_a_symlink_is_replaced(
    site: SiteSim, crawl, tmp_path: Path, victim: Path
) -> None:
    _media_day(site, Answer(200, JPEG, {"Content-Type": "image/jpeg"}))
    out = tmp_path / "out"
    _media_dir(out).mkdir(parents=True)
    (_media_dir(out) / "sky_big.jpg").symlink_to(victim)
    result = crawl(site, out, source="classic", dates=str(DAY), media="1")
    assert result.stats["apod/media_stored"] == 1
    assert victim.read_text() == "not the archive's\n"
    stored = _media_dir(out) / "sky_big.jpg"
    assert not stored.is_symlink() and stored.read_bytes() == JPEG


def test_a_media_folder_that_is_a_symlink_is_not_written_into(
    site: SiteSim, crawl, tmp_path: Path, victim: Path
) -> None:
    _media_day(site, Answer(200, JPEG, {"Content-Type": "image/jpeg"}))
    out = tmp_path / "out"
    (out / "media").mkdir(parents=True)
    (out / "media" / "ap250105").symlink_to(victim.parent, target_is_directory=True)
    result = crawl(site, out, source="classic", dates=str(DAY), media="1")
    assert result.stats["apod/media_failed"] == 1
    assert sorted(p.name for p in victim.parent.iterdir()) == ["secret.key"]


@pytest.mark.slow
def test_a_media_404_is_one_line(site: SiteSim, tmp_path: Path) -> None:
    _media_day(site, Answer(404, b"<html>Not Found</html>", {"Content-Type": "text/html"}))
    run = scrapy_crawl(site, tmp_path, "-a", f"dates={DAY}", "-a", "source=classic",
                       "-a", "media=1", LOG_LEVEL="WARNING")  # fmt: skip
    assert run.returncode == 0
    lines = run.stderr.splitlines()
    assert len(lines) == 1, run.stderr
    assert lines[0].endswith(f"WARNING: {DAY}: media not stored: HTTP 404 from {site.url}{IMAGE}")


@pytest.mark.slow
def test_a_media_folder_that_is_a_file_is_one_line(site: SiteSim, tmp_path: Path) -> None:
    site.publish(DAY, kind="image", slug="sky")
    (tmp_path / "media").write_text("a file\n")
    run = scrapy_crawl(site, tmp_path, "-a", f"dates={DAY}", "-a", "source=classic",
                       "-a", "media=1", LOG_LEVEL="WARNING")  # fmt: skip
    assert run.returncode == 1
    assert run.stderr.splitlines() == [
        f"error: cannot keep media in {tmp_path / 'media'}: Not a directory ({tmp_path / 'media'})"
    ], run.stderr


@pytest.fixture
def one_day_archive(site: SiteSim, tmp_path: Path) -> Path:
    site.publish(DAY, kind="image", slug="sky")
    page = parse_page(site.classic_page(DAY).body, "https://apod.nasa.gov/apod/ap250105.html")
    archive.store(tmp_path / "archive", page)
    catalogue(tmp_path / "archive")  # as the crawl leaves it
    return tmp_path / "archive"


@pytest.mark.parametrize("folder", ["search", "calendar"])
def test_a_site_folder_that_is_a_symlink_is_not_written_or_swept_through(
    one_day_archive: Path, tmp_path: Path, victim: Path, folder: str
) -> None:
    (victim.parent / "ca9901.html").write_text("someone else's\n")  # swept if followed
    www = tmp_path / "www"
    www.mkdir()
    (www / folder).symlink_to(victim.parent, target_is_directory=True)
    run = _tool("site", str(one_day_archive), str(www), "--full", "--quiet")
    assert run.returncode == 0, run.stderr
    assert sorted(p.name for p in victim.parent.iterdir()) == ["ca9901.html", "secret.key"]
    assert not (www / folder).is_symlink() and (www / folder).is_dir()


def test_an_archive_media_file_that_links_elsewhere_is_not_published(
    one_day_archive: Path, tmp_path: Path, victim: Path
) -> None:
    media = one_day_archive / "media" / "ap250105"
    media.mkdir(parents=True)
    (media / "sky_big.jpg").symlink_to(victim)
    www = tmp_path / "www"
    run = _tool("site", str(one_day_archive), str(www), "--quiet")
    assert run.returncode == 0, run.stderr
    published = [p for p in (www / "media").rglob("*")] if (www / "media").exists() else []
    assert not [p for p in published if p.is_file() and p.read_bytes() == victim.read_bytes()]


def test_a_day_file_that_links_elsewhere_is_reported_and_not_shown(
    one_day_archive: Path, tmp_path: Path, victim: Path
) -> None:
    (one_day_archive / "ap250104.txt").symlink_to(victim)
    check = _tool("check", str(one_day_archive))
    assert check.returncode == 1
    assert f"{one_day_archive / 'ap250104.txt'}: a symlink (to {victim})" in check.stdout
    run = _tool("site", str(one_day_archive), str(tmp_path / "www"), "--quiet")
    assert run.returncode == 0, run.stderr
    assert not (tmp_path / "www" / "ap250104.html").exists()


# --- messages -------------------------------------------------------------------------------


@pytest.mark.slow
def test_a_read_only_archive_is_read_and_refused_in_lines(
    site: SiteSim, small_disk: Path, tmp_path: Path
) -> None:
    site.publish(DAY, DAY - dt.timedelta(days=1))
    archive.store(
        small_disk, parse_page(site.classic_page(DAY).body, f"https://apod.nasa.gov{PAGE}")
    )
    subprocess.run(["mount", "-o", "remount,ro", str(small_disk)], check=True)
    built = _tool("site", str(small_disk), str(tmp_path / "www"), "--quiet")
    assert (built.returncode, built.stderr) == (0, "")  # read as it is, held all the same
    assert (tmp_path / "www" / "ap250105.html").is_file()
    into = _tool("site", str(small_disk), str(small_disk / "www"), "--quiet")
    assert (into.returncode, into.stderr) == (
        1,
        f"error: {small_disk / 'www'}: Read-only file system\n",
    )
    run = scrapy_crawl(site, small_disk, "-a", f"start={DAY - dt.timedelta(days=1)}",
                       "-a", f"end={DAY}", "-a", "source=classic", LOG_LEVEL="WARNING")  # fmt: skip
    assert run.returncode == 1
    assert "Traceback" not in run.stderr
    # a crawl writes the archive's catalog first: it cannot, and asks nothing
    said = f"{small_disk / 'catalog.sqlite'} cannot be created (unable to open database file)"
    assert said in run.stderr


def test_a_catalogued_archive_on_a_read_only_disk_is_read(
    site: SiteSim, small_disk: Path, tmp_path: Path
) -> None:
    # a WAL reader makes a shared-memory file beside the catalog: here it cannot
    site.publish(DAY)
    archive.store(
        small_disk, parse_page(site.classic_page(DAY).body, f"https://apod.nasa.gov{PAGE}")
    )
    catalogue(small_disk)
    subprocess.run(["mount", "-o", "remount,ro", str(small_disk)], check=True)
    assert not (small_disk / "catalog.sqlite-shm").exists()
    stats = _tool("stats", str(small_disk))
    assert (stats.returncode, stats.stderr) == (0, ""), stats.stderr
    check = _tool("check", str(small_disk))
    assert (check.returncode, check.stdout.splitlines()[-1]) == (0, "1 file, 0 problems")
    export = _tool("export", str(small_disk), str(tmp_path / "apod.jsonl"))
    assert export.returncode == 0, export.stderr
    (row,) = [json.loads(line) for line in (tmp_path / "apod.jsonl").read_text().splitlines()]
    assert row["date"] == DAY.isoformat()


@pytest.mark.slow
def test_a_connection_dropped_once_and_retried_is_silent(site: SiteSim, tmp_path: Path) -> None:
    site.publish(DAY)
    body = site.classic_page(DAY).body
    site.answers(PAGE, Answer(200, body, sent=len(body) // 2), Answer(200, body))
    run = scrapy_crawl(site, tmp_path, "-a", f"dates={DAY}", "-a", "source=classic",
                       LOG_LEVEL="WARNING")  # fmt: skip
    assert (run.returncode, run.stderr) == (0, "")
    assert day_files(tmp_path) == ["ap250105.txt"]
    assert len(site.requested(PAGE)) == 2  # it was cut short, and asked again


def test_a_killed_exports_leftovers_are_removed(one_day_archive: Path, tmp_path: Path) -> None:
    out = tmp_path / "apod.jsonl"
    writer = subprocess.Popen(  # an export killed while writing its temporary
        [sys.executable, "-c", "import time; from pathlib import Path; from apodscrape import "
         f"archive; archive.write_chunks_atomic(Path({str(out)!r}), "
         "(print('writing', flush=True) or time.sleep(60) or b'' for _ in range(2)))"],
        cwd=ROOT, stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    assert writer.stdout is not None and writer.stdout.readline() == "writing\n"
    writer.send_signal(signal.SIGKILL)
    writer.wait()
    killed = list(tmp_path.glob(".apod.jsonl.*.tmp"))
    assert len(killed) == 1
    live = tmp_path / ".apod.jsonl.0123abcd.tmp"  # another export, still writing
    live.write_bytes(b"")
    with live.open("rb") as held:
        fcntl.flock(held, fcntl.LOCK_EX)
        run = _tool("export", str(one_day_archive), str(out))
        assert run.returncode == 0, run.stderr
        assert list(tmp_path.glob(".apod.jsonl.*.tmp")) == [live]
    assert len(out.read_text().splitlines()) == 1


# --- hangs ----------------------------------------------------------------------------------


@pytest.mark.slow
def test_a_stuck_server_is_no_hang_that_two_sigterms_cannot_end(site: SiteSim, tmp_path) -> None:
    # Without a worker pool no other process can stop under a run: what can still stall is
    # a server that never answers. The first SIGTERM waits for what is under way, the second
    # ends the run; its hold on the archive ends with it.
    site.publish(DAY)
    site.answers(PAGE, Answer(200, site.classic_page(DAY).body, delay=300))
    process = start_scrapy_crawl(site, tmp_path, "-a", f"dates={DAY}", "-a", "source=classic",
                                 DOWNLOAD_TIMEOUT=600)  # fmt: skip
    wait_until_requested(site, PAGE)
    sent = time.monotonic()
    process.send_signal(signal.SIGTERM)
    time.sleep(1)
    process.send_signal(signal.SIGTERM)
    process.communicate(timeout=60)
    assert time.monotonic() - sent < 20
    assert process.returncode != 0
    with archive.lock(tmp_path):  # not held by the run that was ended
        pass


# --- days lost, never asked again: what a run learned is kept as it goes -------------------


def _recent(first: int, last: int) -> list[dt.date]:
    """Days counted back from today (a plain run asks up to today)."""
    today = days.today_eastern()
    return [today - dt.timedelta(days=n) for n in range(first, last - 1, -1)]


@pytest.mark.slow
def test_a_sigkilled_backfill_is_finished_by_the_next_plain_run(site: SiteSim, tmp_path) -> None:
    published = _recent(25, 0)
    backfill = published[:20]
    site.publish(*published, title="Sky of {day}")
    site.delay = 1.0  # one day a request, 4 at a time, a second each: the kill lands with
    output = tmp_path / "output"  # most of the 20 days unasked (a list page would hold all)
    span = ("-a", f"start={backfill[0]}", "-a", f"end={backfill[-1]}")
    process = start_scrapy_crawl(site, output, *span, APOD_SCIENCE_PER_PAGE=1, **CRON)
    wait_for_files(output, 4, process)
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=30)
    assert 4 <= len(day_files(output)) < len(backfill)  # killed with days left unasked
    site.delay = 0
    plain = scrapy_crawl(site, output, **CRON)  # cron's run: no arguments
    assert plain.returncode == 0, plain.stderr
    assert day_files(output) == [f"ap{day:%y%m%d}.txt" for day in published]


def _catalog_full(db: sqlite3.Connection, rows: object) -> None:
    """catalog.put_days on a full disk: any day row is refused."""
    if list(rows):  # type: ignore[call-overload]
        raise sqlite3.OperationalError("database or disk is full")


def test_days_that_failed_on_a_full_disk_are_asked_by_the_next_plain_run(
    site: SiteSim, crawl, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    asked = _recent(12, 3)
    site.publish(*_recent(12, 0), title="Sky of {day}")
    output = tmp_path / "output"
    with monkeypatch.context() as patch:
        calls = {"files": 0}
        write_atomic = archive.files.write_atomic

        def fill(path: Path, data: str | bytes, *, sync: bool = True) -> None:
            calls["files"] += 1
            if calls["files"] > 2:
                raise OSError(errno.ENOSPC, "No space left on device")
            write_atomic(path, data, sync=sync)

        patch.setattr(archive.files, "write_atomic", fill)
        patch.setattr(catalog, "put_days", _catalog_full)  # the catalog fills with the disk
        run = crawl(site, output, source="classic", start=str(asked[0]), end=str(asked[-1]))
        stats = run.stats
    assert stats["apod/written"] >= 1 and stats["apod/failed"] >= 8  # the disk filled
    assert stats["apod/written"] + stats["apod/failed"] == len(asked)
    assert stats["apod/catalog_failed"] >= 1  # and the run says its records are short
    rerun = crawl(site, output, source="classic")  # space freed: cron's plain run
    assert rerun.stats.get("apod/failed", 0) == 0
    assert day_files(output) == [f"ap{day:%y%m%d}.txt" for day in _recent(12, 0)]


def test_a_run_whose_only_failure_is_the_catalog_does_not_exit_0(
    site: SiteSim, crawl, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    site.publish(DAY, title="Sky of {day}")
    monkeypatch.setattr(catalog, "put_days", _catalog_full)
    result = crawl(site, source="classic", dates=str(DAY))
    assert result.stats["apod/written"] == 1 and "apod/failed" not in result.stats
    assert result.stats["apod/catalog_failed"] == 1  # what `scrapy crawl` exits 1 for
    assert crawl_command.incomplete(result.stats)


def test_a_span_from_before_apod_began_asks_from_its_first_day(tmp_path: Path) -> None:
    db = catalog.open_catalog(tmp_path)
    with catalog.transaction(db):
        catalog.widen_span(db, dt.date(1925, 1, 1))  # as an old state file could say
    state = catalog.read_state(db)
    today = days.today_eastern()
    asked = sorted(holes(set(), state, today))  # what a plain run asks besides its window
    assert asked[0] == days.FIRST_DAY
    assert len(asked) == (today - days.FIRST_DAY).days + 1 - len(days.KNOWN_GAPS)


DAMAGED_STATES = {
    "truncated": (b'{"spanFrom": "2025-01-0', "not JSON"),
    "a-list": (b'["2025-01-05"]', "a JSON list, not an object"),
    "missing-a-string": (b'{"missing": "2025-01-05"}', "missing is a str, not a list of dates"),
    "missing-a-dict": (b'{"missing": {"2025-01-05": 1}}', "missing is a dict, not a list of"),
}


@pytest.mark.parametrize("damage", DAMAGED_STATES)
@pytest.mark.slow
def test_a_damaged_state_file_is_one_line_naming_the_way_on(
    damage: str, site: SiteSim, tmp_path: Path
) -> None:
    content, what = DAMAGED_STATES[damage]
    site.publish(DAY, title="Sky of {day}")
    output = tmp_path / "output"
    output.mkdir()
    state = output / archive.STATE_NAME
    state.write_bytes(content)
    run = scrapy_crawl(site, output, "-a", f"dates={DAY}", "-a", "source=classic")
    assert run.returncode == 1  # not 2: the arguments were right
    assert run.stderr.count("\n") == 1 and "Traceback" not in run.stderr
    assert what in run.stderr and f"mv {state} {state}.damaged" in run.stderr
    assert state.read_bytes() == content and day_files(output) == []  # taken in no part
    state.rename(f"{state}.damaged")
    again = scrapy_crawl(site, output, "-a", f"dates={DAY}", "-a", "source=classic")
    assert again.returncode == 0, again.stderr
    assert day_files(output) == [f"ap{DAY:%y%m%d}.txt"]
