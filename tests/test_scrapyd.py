"""Scale-out under Scrapyd: a real `scrapyd` on 127.0.0.1, the project deployed to it as
an egg by `scrapyd-deploy` from scrapy.cfg's [deploy] target, crawls of the simulator
scheduled through its API; the day files, and each job's outcome as Scrapyd shows it."""

from __future__ import annotations

import configparser
import datetime as dt
import json
import shutil
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from bench.api import free_port, wait_for  # the one copy of each, for tests and bench
from sitesim import SiteSim

from .conftest import ROOT, day_files, simulator_settings

pytestmark = pytest.mark.slow

DAYS = [dt.date(2025, 1, 1) + dt.timedelta(days=n) for n in range(3)]
PROJECT = "apodscrape"


@dataclass
class Scrapyd:
    url: str
    log: Path  # the daemon's own output (what its service manager keeps)

    def get(self, path: str, **query: str) -> dict:
        address = f"{self.url}{path}?{urllib.parse.urlencode(query)}"
        with urllib.request.urlopen(address, timeout=30) as answer:
            return json.load(answer)

    def text(self, path: str) -> str:
        with urllib.request.urlopen(urllib.parse.urljoin(self.url, path), timeout=30) as answer:
            return answer.read().decode()

    def schedule(self, arguments: dict[str, str], settings: dict[str, object]) -> str:
        fields = [("project", PROJECT), ("spider", "apod"), *arguments.items()]
        fields += [("setting", f"{name}={value}") for name, value in settings.items()]
        data = urllib.parse.urlencode(fields).encode()
        with urllib.request.urlopen(f"{self.url}schedule.json", data, timeout=30) as answer:
            reply = json.load(answer)
        assert reply["status"] == "ok", reply
        return reply["jobid"]

    def finished(self, job: str, timeout: float = 120) -> dict:
        """The job's entry in listjobs.json once it has finished."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            jobs = self.get("listjobs.json", project=PROJECT)
            done = [entry for entry in jobs["finished"] if entry["id"] == job]
            if done:
                return done[0]
            time.sleep(0.2)
        raise AssertionError(f"job {job} did not finish in {timeout} s: {jobs}")


@pytest.fixture(scope="module")
def scrapyd(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Scrapyd]:
    """A real scrapyd with the project deployed, its eggs, logs, items and queues in a
    temporary folder."""
    home = tmp_path_factory.mktemp("scrapyd")
    port = free_port()
    (home / "scrapyd.conf").write_text(
        "[scrapyd]\n"
        f"bind_address = 127.0.0.1\nhttp_port = {port}\n"
        f"eggs_dir = {home / 'eggs'}\nlogs_dir = {home / 'logs'}\n"
        f"items_dir = {home / 'items'}\ndbs_dir = {home / 'dbs'}\n"
        "poll_interval = 0.2\nmax_proc = 1\n"
    )
    log = home / "scrapyd.out"
    with log.open("wb") as out:
        daemon = subprocess.Popen(
            [sys.executable, "-m", "scrapyd"], cwd=home, stdout=out, stderr=subprocess.STDOUT
        )
    server = Scrapyd(f"http://127.0.0.1:{port}/", log)
    try:
        try:
            wait_for(server.url + "daemonstatus.json", daemon, seconds=60)
        except RuntimeError as error:
            raise AssertionError(log.read_text()) from error
        deploy(home / "project", server.url)
        yield server
    finally:
        daemon.terminate()
        daemon.wait(timeout=30)


def deploy(project: Path, url: str) -> None:
    """`scrapyd-deploy` of a copy of the project (it writes a setup.py beside scrapy.cfg),
    to scrapy.cfg's own [deploy] target pointed at this scrapyd."""
    project.mkdir()
    shutil.copytree(ROOT / "apodscrape", project / "apodscrape",
                    ignore=shutil.ignore_patterns("__pycache__"))  # fmt: skip
    for name in ("pyproject.toml", "README.md", "scrapy.cfg"):
        shutil.copy(ROOT / name, project / name)
    config = configparser.ConfigParser()
    config.read(project / "scrapy.cfg")
    assert config["deploy"]["project"] == PROJECT
    config["deploy"]["url"] = url
    with (project / "scrapy.cfg").open("w") as file:
        config.write(file)
    run = subprocess.run(
        [sys.executable, "-m", "scrapyd_client.deploy"],
        cwd=project,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert run.returncode == 0, run.stderr
    reply = json.loads(run.stdout)
    assert (reply["status"], reply["project"], reply["spiders"]) == ("ok", PROJECT, 1)


def days_asked() -> dict[str, str]:
    return {"start": str(DAYS[0]), "end": str(DAYS[-1]), "source": "classic"}


def test_the_deployed_project_lists_its_spider(scrapyd: Scrapyd) -> None:
    assert scrapyd.get("listspiders.json", project=PROJECT)["spiders"] == ["apod"]


def test_a_scheduled_crawl_writes_the_days(scrapyd: Scrapyd, site: SiteSim, tmp_path: Path):
    site.publish(*DAYS, title="Sky of {day}")
    archive = tmp_path / "archive"
    job = scrapyd.schedule(
        days_asked(), simulator_settings(site, archive, ROBOTSTXT_OBEY=False, RETRY_TIMES=0)
    )
    entry = scrapyd.finished(job)

    assert day_files(archive) == [f"ap{day:%y%m%d}.txt" for day in DAYS]
    assert "Sky of 2025-01-02" in (archive / "ap250102.txt").read_text()
    items = scrapyd.text(entry["items_url"]).splitlines()
    assert sorted(json.loads(line)["date"] for line in items) == [str(day) for day in DAYS]
    log = scrapyd.text(entry["log_url"])
    assert "apod: 3 written, 0 unchanged, 0 skipped, 0 missing, 0 failed" in log
    assert f"Process finished: project='{PROJECT}' spider='apod' job='{job}'" in (
        scrapyd.log.read_text()
    )


def test_a_failed_day_is_the_jobs_exit_status(scrapyd: Scrapyd, site: SiteSim, tmp_path: Path):
    site.publish(*DAYS)
    site.page(f"/apod/ap{DAYS[1]:%y%m%d}.html", b"oops", status=500)
    archive = tmp_path / "archive"
    job = scrapyd.schedule(
        days_asked(), simulator_settings(site, archive, ROBOTSTXT_OBEY=False, RETRY_TIMES=0)
    )
    entry = scrapyd.finished(job)

    assert day_files(archive) == [f"ap{day:%y%m%d}.txt" for day in (DAYS[0], DAYS[2])]
    daemon = scrapyd.log.read_text()
    assert f"Process died: exitstatus=1 project='{PROJECT}' spider='apod' job='{job}'" in daemon
    log = scrapyd.text(entry["log_url"])
    assert f"{DAYS[1]}: failed:" in log
    assert "'apod/failed': 1" in log
    items = scrapyd.text(entry["items_url"]).splitlines()
    assert sorted(json.loads(line)["date"] for line in items) == [str(DAYS[0]), str(DAYS[2])]


def test_wrong_arguments_are_the_jobs_exit_status_and_line(scrapyd: Scrapyd, tmp_path: Path):
    archive = tmp_path / "archive"
    job = scrapyd.schedule({"start": "2999-01-01"}, {"APOD_OUTPUT_DIR": archive})
    scrapyd.finished(job)

    daemon = scrapyd.log.read_text()
    assert f"Process died: exitstatus=2 project='{PROJECT}' spider='apod' job='{job}'" in daemon
    assert "error: start=2999-01-01 is after today" in daemon
    assert not archive.exists()
