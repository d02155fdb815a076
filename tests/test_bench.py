"""bench/run.py without measuring anything that matters: it reads a crawl's stats from
Scrapy's log, lines up its table, and a quick run of every row (small slices) works."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from bench import run

from .conftest import ROOT

STATS_DUMP = """2026-11-24 06:34:57 [scrapy.statscollectors] INFO: Dumping Scrapy stats:
{'apod/days': 730,
 'apod/written': 730,
 'downloader/request_count': 731,
 'finish_time': datetime.datetime(2026, 11, 24, 6, 34, 57, tzinfo=datetime.timezone.utc),
 'memusage/max': 93908992}
2026-11-24 06:34:57 [scrapy.core.engine] INFO: Spider closed (finished)
"""


def test_stats_are_read_from_the_dump_in_the_log() -> None:
    stats = {key: int(value) for key, value in run._STAT.findall(STATS_DUMP)}
    assert stats == {
        "apod/days": 730,
        "apod/written": 730,
        "downloader/request_count": 731,
        "memusage/max": 93908992,
    }


def test_table_lines_up_its_columns(capsys) -> None:
    run.print_table(
        [run.Row(1, "conversion", "900 pages/s", ">= 700 pages/s", "ok"), run.Row(2, "x", "y")]
    )
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split() == ["#", "measure", "measured", "target"]
    assert lines[2].startswith("1  conversion  900 pages/s  >= 700 pages/s  ok")
    assert lines[0].index("measured") == lines[2].index("900 pages/s")
    assert lines[3].rstrip() == "2  x           y"


@pytest.mark.slow
def test_a_quick_run_of_every_row_prints_the_table(corpus: Path) -> None:
    command = [sys.executable, "-m", "bench.run", "--quick"]
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    assert "conversion: parse_page + render" in done.stdout
    assert "ceiling: bare lxml.html.fromstring" in done.stdout
    assert "Scrapy's floor: a spider that only asks, crawl's settings" in done.stdout
    assert "API single date: req/s, p99 (nginx, same answers as files)" in done.stdout
    for number in [*"123456789", "10"]:
        assert any(line.startswith(f"{number} ") for line in done.stdout.splitlines())


def test_unknown_row_is_refused() -> None:
    command = [sys.executable, "-m", "bench.run", "--only", "11"]
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert done.returncode == 2 and "no row 11" in done.stderr
