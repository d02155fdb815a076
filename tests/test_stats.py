"""python -m apodscrape stats: days per year and media type, missing days, copyright share."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

from apodscrape.dataset import ranges
from apodscrape.record import derived
from apodscrape.tools.stats import chart

from .archives import a_day, write_days
from .conftest import ROOT
from .test_cli import apodscrape

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def apodscrape_without(module: str, *arguments: str) -> subprocess.CompletedProcess:
    """python -m apodscrape, run as on a machine where `module` is not installed."""
    hide = f"import sys; sys.modules[{module!r}] = None"  # an import of it then fails
    run = "import runpy; runpy.run_module('apodscrape', run_name='__main__')"
    command = [sys.executable, "-c", f"{hide}; {run}", *arguments]
    return subprocess.run(command, cwd=ROOT, capture_output=True, timeout=60)


@pytest.fixture
def archive(tmp_path: Path) -> Path:
    """Five days of two years: each media type, gaps, four credits asserting copyright."""
    return write_days(
        tmp_path / "archive",
        [
            a_day("1995-06-16", credit=["Copyright: J. Doe"]),
            a_day("1995-06-20", image_url="https://www.youtube.com/embed/x?rel=0"),
            a_day("1995-06-21", image_url=None, credit=["Credit: © 1995 J. Doe"]),
            a_day("1995-06-23", credit=["Image Credit & Copyright: [A](https://a.org/)"]),
            a_day(
                "1996-01-01",
                image_url="https://apod.nasa.gov/apod/image/9601/a.mp4",
                credit=["Credit: NASA", "Processing & copyright: B"],
            ),
        ],
    )


def test_the_report(archive: Path) -> None:
    run = apodscrape("stats", str(archive))
    assert run.returncode == 0, run.stderr
    assert run.stdout.decode().splitlines() == [
        "5 days, 1995-06-16..1996-01-01",
        "year   image  video  other  total",
        "1995       2      1      1      4",
        "1996       0      1      0      1",
        "all        2      2      1      5",
        "missing: 195 days: 1995-06-17..1995-06-19, 1995-06-22, 1995-06-24..1995-12-31",
        "copyright: 4 of 5 days (80.0%)",
    ]
    assert run.stderr == b""


def test_an_archive_without_gaps(tmp_path: Path) -> None:
    write_days(tmp_path, [a_day("2025-01-04"), a_day("2025-01-05")])
    lines = apodscrape("stats", str(tmp_path)).stdout.decode().splitlines()
    assert lines[-2:] == ["missing: 0 days", "copyright: 0 of 2 days (0.0%)"]


def test_the_classic_corpus(classic_archive: Path) -> None:
    lines = apodscrape("stats", str(classic_archive)).stdout.decode().splitlines()
    assert lines[0] == "26 days, 1995-06-22..2025-05-18"
    assert lines[-3] == "all       19      7      0     26"
    assert lines[-1] == "copyright: 15 of 26 days (57.7%)"


@pytest.mark.parametrize(
    ("dates", "compact"),
    [
        ([], []),
        (["1995-06-17"], ["1995-06-17"]),
        (["1995-06-17", "1995-06-18", "1995-06-19"], ["1995-06-17..1995-06-19"]),
        (["1995-06-30", "1995-07-01", "1995-07-03"], ["1995-06-30..1995-07-01", "1995-07-03"]),
        (["1999-12-31", "2000-01-01"], ["1999-12-31..2000-01-01"]),
    ],
)
def test_ranges(dates: list[str], compact: list[str]) -> None:
    assert ranges([dt.date.fromisoformat(d) for d in dates]) == compact


@pytest.mark.parametrize(
    ("credit", "asserted"),
    [
        (["Image Credit & Copyright: [A](https://a.org/)"], True),
        (["Image Credit & [Copyright](https://apod.nasa.gov/apod/lib/about_apod.html)"], True),
        (["Credit: NASA", "Copyright: 1989 by The University of Chicago."], True),
        (["Processing & copyright: B"], True),
        (["Credit: © ESO"], True),
        (["Image Credit: NASA, JPL-Caltech"], False),
        (["Licence: CC BY-SA"], False),
        ([], False),
    ],
)
def test_copyright_is_read_from_the_credit(credit: list[str], asserted: bool) -> None:
    assert derived(credit, "").copyright is asserted


@pytest.mark.slow
def test_plot(archive: Path, tmp_path: Path) -> None:
    picture = tmp_path / "days.png"
    run = apodscrape("stats", str(archive), "--plot", str(picture))
    assert run.returncode == 0, run.stderr
    assert run.stdout.startswith(b"5 days")
    png = picture.read_bytes()
    assert png.startswith(PNG_SIGNATURE)
    width, height = int.from_bytes(png[16:20]), int.from_bytes(png[20:24])
    assert (width, height) == (1000, 500)


def test_the_plots_legend_covers_no_bar_and_no_bar_touches_the_frame() -> None:
    years = {year: Counter({"image": 300 + year % 7, "video": 40, "other": 5})
             for year in range(1995, 2027)}  # fmt: skip
    years[1995] = Counter({"image": 190})  # a short first year
    figure = chart(years)
    figure.canvas.draw()
    renderer = figure.canvas.get_renderer()
    legend = figure.legends[0].get_window_extent(renderer)
    axes = figure.axes[0]
    frame = axes.get_window_extent(renderer)
    bars = [bar.get_window_extent(renderer) for bar in axes.patches if bar.get_height() > 0]
    assert len(bars) == 31 * 3 + 1
    assert not any(legend.overlaps(bar) for bar in bars)
    assert not legend.overlaps(axes.title.get_window_extent(renderer))
    for bar in bars:  # inside the frame, a few pixels from its edges
        assert frame.x0 + 3 < bar.x0 and bar.x1 < frame.x1 - 3 and bar.y1 < frame.y1 - 3
    assert [t.get_text() for t in figure.legends[0].get_texts()] == ["image", "video", "other"]


def test_plot_without_matplotlib(archive: Path, tmp_path: Path) -> None:
    picture = tmp_path / "days.png"
    run = apodscrape_without("matplotlib", "stats", str(archive), "--plot", str(picture))
    assert run.returncode == 1 and run.stdout == b""
    assert run.stderr == b"error: --plot needs matplotlib: pip install 'apodscrape[plot]'\n"
    assert not picture.exists()


@pytest.mark.slow
def test_plot_where_it_cannot_be_written(archive: Path, tmp_path: Path) -> None:
    picture = tmp_path / "missing" / "days.png"
    run = apodscrape("stats", str(archive), "--plot", str(picture))
    assert run.returncode == 1 and run.stdout == b""
    lines = run.stderr.decode().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"error: cannot write {picture}: ")


def test_an_empty_archive_is_an_error(tmp_path: Path) -> None:
    run = apodscrape("stats", str(tmp_path))
    assert run.returncode == 1 and run.stdout == b""
    assert run.stderr.decode() == f"error: {tmp_path} holds no archive files (apYYMMDD.txt)\n"


def test_a_broken_file_is_an_error_naming_it(archive: Path) -> None:
    (archive / "ap950616.txt").write_text("no front matter\n")
    run = apodscrape("stats", str(archive))
    assert run.returncode == 1 and run.stdout == b""
    assert run.stderr.decode() == (
        f"error: {archive / 'ap950616.txt'}: no front matter: the first line is not ---\n"
    )
