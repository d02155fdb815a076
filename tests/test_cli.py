"""python -m apodscrape convert, run as a user runs it (a subprocess)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from apodscrape.__main__ import main

from .conftest import ROOT

URL = "https://apod.nasa.gov/apod/ap250105.html"


def apodscrape(*arguments: str) -> subprocess.CompletedProcess:
    command = [sys.executable, "-m", "apodscrape", *arguments]
    return subprocess.run(command, cwd=ROOT, capture_output=True, timeout=60)


def test_convert_gives_the_documented_example(spec: Path, tmp_path: Path) -> None:
    saved = tmp_path / "ap250105.html"  # the URL defaults from the file name
    saved.write_bytes((spec / "ap250105.reconstructed.html").read_bytes())
    run = apodscrape("convert", str(saved))
    assert run.returncode == 0, run.stderr
    assert run.stdout == (spec / "ap250105.txt").read_bytes()
    assert run.stderr == b""


def test_convert_with_an_explicit_url(spec: Path) -> None:
    url = "https://apod.nasa.gov/apod/ap250105.html"
    run = apodscrape("convert", str(spec / "ap250105.reconstructed.html"), "--url", url)
    assert run.stdout == (spec / "ap250105.txt").read_bytes()


@pytest.mark.parametrize(
    ("path", "message"),
    [
        ("site/archivepix.html", "not an APOD day page"),
        ("site/calendar_ca2301.html", "not an APOD day page"),
        ("science/apod-basic-404-260930.json", "apod_basic_not_found"),
        ("missing.html", "cannot read"),
    ],
)
def test_convert_errors_are_one_line_and_no_output(corpus: Path, path: str, message: str) -> None:
    run = apodscrape("convert", str(corpus / path))
    assert run.returncode == 1
    assert run.stdout == b""
    lines = run.stderr.decode().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ") and message in lines[0]


def test_convert_refuses_a_page_of_another_day(corpus: Path) -> None:
    url = "https://apod.nasa.gov/apod/ap140922.html"
    run = apodscrape("convert", str(corpus / "classic" / "ap140921.html"), "--url", url)
    assert run.returncode == 1 and run.stdout == b""
    assert b"shows 2014-09-21" in run.stderr


def test_convert_of_an_empty_file_is_one_line(tmp_path: Path) -> None:
    empty = tmp_path / "ap250105.html"
    empty.write_bytes(b"")
    run = apodscrape("convert", str(empty))
    assert (run.returncode, run.stdout) == (1, b"")
    assert run.stderr.decode().splitlines() == [f"error: {empty}: an empty answer"]


def test_a_reader_that_stops_early_is_no_traceback(spec: Path) -> None:
    page = str(spec / "ap250105.reconstructed.html")
    command = [sys.executable, "-m", "apodscrape", "convert", page, "--url", URL]
    with subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE) as run:
        assert run.stdout is not None and run.stderr is not None
        run.stdout.close()  # what `| head` does, here before a byte is read
        stderr = run.stderr.read()
    assert b"Traceback" not in stderr and b"BrokenPipeError" not in stderr
    assert run.returncode == 1


@pytest.mark.parametrize("tool", ["rebuild", "site", "audit"])
@pytest.mark.parametrize("jobs", ["0", "-1", "100000", "two"])
def test_a_number_of_processes_out_of_reach_is_a_usage_error(
    tool: str, jobs: str, tmp_path: Path
) -> None:
    # 100000 forked processes in the thousands before a day was written
    given = {"rebuild": ["--out", str(tmp_path)], "site": [str(tmp_path), str(tmp_path / "www")],
             "audit": [str(tmp_path)]}[tool]  # fmt: skip
    with pytest.raises(SystemExit) as exited:
        main([tool, *given, "--jobs", jobs])
    assert exited.value.code == 2
    assert list(tmp_path.iterdir()) == []
