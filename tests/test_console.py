"""The `apodscrape` command (console script), as a user runs it: a subprocess, from a folder
outside the checkout; its crawl against the simulator is the crawl of `scrapy crawl apod`."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from pathlib import Path

import pytest

from apodscrape.__main__ import TOOLS
from apodscrape.plan import ARGUMENTS
from sitesim import SiteSim

from .conftest import ROOT, day_files, scrapy_crawl, setting_options, simulator_settings

COMMAND = Path(sys.executable).with_name("apodscrape")  # installed beside this Python
DAYS = [dt.date(2025, 1, 1) + dt.timedelta(days=n) for n in range(3)]


def run(*arguments: object, cwd: Path) -> subprocess.CompletedProcess[str]:
    """`apodscrape ARGUMENTS` in `cwd`, with no Scrapy project named by the environment."""
    environment = {k: v for k, v in os.environ.items() if not k.startswith("SCRAPY_")}
    return subprocess.run(
        [str(COMMAND), *map(str, arguments)],
        cwd=cwd,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.fixture
def elsewhere(tmp_path: Path) -> Path:
    """A folder outside the checkout, with no scrapy.cfg in it or above it."""
    folder = tmp_path / "elsewhere"
    folder.mkdir()
    assert not any((parent / "scrapy.cfg").exists() for parent in (folder, *folder.parents))
    return folder


def test_help_lists_the_crawl_and_every_tool(elsewhere: Path) -> None:
    answer = run("--help", cwd=elsewhere)
    assert answer.returncode == 0, answer.stderr
    for command in ["crawl", *TOOLS]:
        assert f"\n    {command} " in answer.stdout


@pytest.mark.parametrize("tool", sorted(TOOLS))
def test_each_tool_has_its_help(tool: str, elsewhere: Path) -> None:
    answer = run(tool, "--help", cwd=elsewhere)
    assert answer.returncode == 0, answer.stderr
    assert answer.stdout.startswith(f"usage: apodscrape {tool} ")


@pytest.mark.parametrize("command", [[str(COMMAND)], [sys.executable, "-m", "apodscrape"]])
def test_no_command_is_a_usage_error(command: list[str], elsewhere: Path) -> None:
    answer = subprocess.run(command, cwd=elsewhere, capture_output=True, text=True, timeout=60)
    assert answer.returncode == 2
    assert answer.stdout == ""
    assert "error: the following arguments are required: COMMAND" in answer.stderr


def test_crawl_help_lists_the_spiders_arguments_and_scrapys_options(elsewhere: Path) -> None:
    answer = run("crawl", "--help", cwd=elsewhere)
    assert answer.returncode == 0, answer.stderr
    assert "apodscrape crawl [options]" in answer.stdout
    for name, (value, _) in ARGUMENTS.items():
        assert f"--{name} {value}" in answer.stdout
    for option in ("-a NAME=VALUE", "-s NAME=VALUE", "-O FILE", "-L LEVEL"):
        assert option in answer.stdout


def test_scrapy_crawl_help_lists_the_spiders_arguments() -> None:
    answer = subprocess.run(
        [sys.executable, "-m", "scrapy", "crawl", "apod", "-h"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert answer.returncode == 0, answer.stderr
    for name, (value, _) in ARGUMENTS.items():
        assert f"--{name} {value}" in answer.stdout


def test_an_unknown_crawl_option_is_a_usage_error(elsewhere: Path) -> None:
    answer = run("crawl", "--stat", "2025-01-01", cwd=elsewhere)
    assert answer.returncode == 2
    assert "apodscrape crawl: error: unrecognized arguments: --stat" in answer.stderr
    assert not (elsewhere / "output").exists()


@pytest.mark.parametrize(
    "arguments",
    [
        ["--start", "2999-01-01"],
        pytest.param(["-a", "start=2999-01-01"], marks=pytest.mark.slow),
        pytest.param(["-s", "APOD_SOURCE=web"], marks=pytest.mark.slow),
    ],
)
def test_a_wrong_crawl_argument_is_scrapy_crawls_line_and_status(
    arguments: list[str], site: SiteSim, elsewhere: Path, tmp_path: Path
) -> None:
    ours = run("crawl", *arguments, cwd=elsewhere)
    theirs = scrapy_crawl(site, tmp_path / "theirs", *arguments)
    assert (ours.returncode, ours.stdout) == (2, "")
    assert ours.stderr.splitlines() == theirs.stderr.splitlines()
    assert len(ours.stderr.splitlines()) == 1 and ours.stderr.startswith("error: ")
    assert not (elsewhere / "output").exists()


@pytest.mark.slow
def test_a_crawl_from_any_folder_is_the_checkouts(site: SiteSim, elsewhere: Path, tmp_path):
    """Into output/ of the folder it runs in, byte for byte what `scrapy crawl apod` writes
    in the checkout; the friendly options are the -a arguments."""
    site.publish(*DAYS, title="Sky of {day}")
    window = ["--start", DAYS[0], "--end", DAYS[-1], "--source", "classic"]
    settings = simulator_settings(site, LOG_LEVEL="WARNING")
    ours = run("crawl", *window, *setting_options(settings), cwd=elsewhere)
    assert (ours.returncode, ours.stdout, ours.stderr) == (0, "", "")

    theirs = tmp_path / "theirs"
    arguments = ["-a", f"start={DAYS[0]}", "-a", f"end={DAYS[-1]}", "-a", "source=classic"]
    assert scrapy_crawl(site, theirs, *arguments).returncode == 0
    output = elsewhere / "output"
    assert day_files(output) == day_files(theirs) == [f"ap{d:%y%m%d}.txt" for d in DAYS]
    for name in day_files(output):
        assert (output / name).read_bytes() == (theirs / name).read_bytes()


@pytest.mark.slow
def test_a_failed_day_exits_1_with_the_crawls_lines(site: SiteSim, elsewhere: Path) -> None:
    site.publish(*DAYS)
    site.page(f"/apod/ap{DAYS[1]:%y%m%d}.html", b"oops", status=500)
    arguments = ["-a", f"start={DAYS[0]}", "-a", f"end={DAYS[-1]}", "-a", "source=classic"]
    settings = simulator_settings(site, RETRY_TIMES=0, LOG_LEVEL="WARNING")
    answer = run("crawl", *arguments, *setting_options(settings), cwd=elsewhere)
    assert answer.returncode == 1
    assert f"{DAYS[1]}: failed:" in answer.stderr
    assert "apod: 2 written, 0 unchanged, 0 skipped, 0 missing, 1 failed" in answer.stderr
    assert day_files(elsewhere / "output") == [f"ap{d:%y%m%d}.txt" for d in (DAYS[0], DAYS[2])]
