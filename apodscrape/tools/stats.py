"""stats DIR [--plot FILE.png]: days per year and media type, missing days, the days damaged
at the source, copyright share."""

from __future__ import annotations

import argparse
from collections import Counter
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .. import dataset
from ..dataset import missing, ranges
from ..errors import ApodError
from ..record import IMAGE, OTHER, VIDEO

if TYPE_CHECKING:
    from matplotlib.figure import Figure

MEDIA_TYPES = (IMAGE, VIDEO, OTHER)
COLUMNS = ("date", "mediaType", "copyright", "sourceDamaged")  # all report() reads


def arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("directory", help="an archive directory (apYYMMDD.txt files)")
    parser.add_argument(
        "--plot",
        metavar="FILE.png",
        help="also draw days per year by media type (needs apodscrape[plot])",
    )


def run(args: argparse.Namespace) -> int:
    records = list(dataset.rows(args.directory, COLUMNS))
    if not records:
        raise ApodError(f"{args.directory} holds no archive files (apYYMMDD.txt)")
    if args.plot:  # before any output: a missing matplotlib leaves only its error line
        plot(per_year(records), Path(args.plot))
    print(report(records))
    return 0


def report(records: list[dict[str, Any]]) -> str:
    """The statistics of an archive's rows (dataset.rows, at least one), as lines of text."""
    first, last = records[0]["date"], records[-1]["date"]
    years = per_year(records)
    totals = sum(years.values(), Counter())
    absent = missing(records)
    damaged = [record["date"] for record in records if record.get("sourceDamaged")]
    asserted = sum(1 for record in records if record["copyright"])
    unknown = sum(1 for record in records if record["copyright"] is None)
    known = len(records) - unknown
    share = f"{asserted / known:.1%}" if known else "-"
    return "\n".join(
        [
            f"{len(records)} days, {first}..{last}",
            _row("year", MEDIA_TYPES, "total"),
            *(_row(year, (c[t] for t in MEDIA_TYPES), c.total()) for year, c in years.items()),
            _row("all", (totals[t] for t in MEDIA_TYPES), totals.total()),
            f"missing: {len(absent)} days" + (f": {', '.join(ranges(absent))}" if absent else ""),
            *([_damaged_line(damaged)] if damaged else []),
            f"copyright: {asserted} of {known} days ({share})"
            + (f"; unknown for {unknown} days read from the API" if unknown else ""),
        ]
    )


def _damaged_line(damaged: list[Any]) -> str:
    """The days whose source's text carries U+FFFD (known from their captures), listed."""
    return f"damaged at the source (U+FFFD): {len(damaged)} days: {', '.join(ranges(damaged))}"


def per_year(records: list[dict[str, Any]]) -> dict[int, Counter[str]]:
    """Days per year and media type (the rows' mediaType), oldest year first."""
    years: dict[int, Counter[str]] = {}
    for record in records:
        years.setdefault(record["date"].year, Counter())[record["mediaType"]] += 1
    return dict(sorted(years.items()))


def plot(years: dict[int, Counter[str]], path: Path) -> None:
    """Days per year by media type as a stacked bar chart, drawn with matplotlib's Agg."""
    figure = chart(years)
    try:
        figure.savefig(path)
    except (OSError, ValueError) as error:
        raise ApodError(f"cannot write {path}: {error}") from None


def chart(years: dict[int, Counter[str]]) -> Figure:
    """The chart of `plot`: the legend right of the frame (inside, it covered the first
    years' bars), and room between the bars and the frame."""
    try:
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.figure import Figure
        from matplotlib.ticker import MaxNLocator
    except ImportError:
        raise ApodError("--plot needs matplotlib: pip install 'apodscrape[plot]'") from None
    figure = Figure(figsize=(10, 5), layout="constrained")
    FigureCanvasAgg(figure)  # no display, no pyplot state
    axes = figure.add_subplot()
    bottom = [0] * len(years)
    for kind in MEDIA_TYPES:
        heights = [counts[kind] for counts in years.values()]
        axes.bar(list(years), heights, bottom=bottom, label=kind, width=0.8)
        bottom = [b + h for b, h in zip(bottom, heights, strict=True)]
    axes.xaxis.set_major_locator(MaxNLocator(integer=True))
    axes.set_xlim(min(years, default=0) - 1, max(years, default=0) + 1)
    axes.set_ylim(0, max(bottom, default=0) * 1.08 or 1)
    axes.set(xlabel="year", ylabel="days", title="APOD days per year by media type")
    figure.legend(loc="outside right upper")
    return figure


def _row(label: object, counts: Iterable[object], total: object) -> str:
    return f"{label!s:<5}" + "".join(f"{count:>7}" for count in (*counts, total))
