"""python -m apodscrape export: .jsonl, .csv and .parquet, each read back equal to load()."""

from __future__ import annotations

import csv
import datetime as dt
import json
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from apodscrape import archive, catalog, dataset
from apodscrape.__main__ import main
from apodscrape.table import NAMES as COLUMNS
from apodscrape.table import csv_cell
from apodscrape.tools import export

from .archives import a_day, write_days
from .conftest import ROOT
from .test_cli import apodscrape
from .test_stats import apodscrape_without

FORMATS = (".jsonl", ".csv", ".parquet")
# What only the raw captures tell: None (an empty CSV cell) for an archive without them.
NONE_WITHOUT_CAPTURES = (
    "hdImageUrl",
    "keywords",
    "alt",
    "permalink",
    "source",
    "sourceUrl",
    "rawSha256",
)
BOOLS = {"True": True, "False": False, "": None}  # a bool in CSV: True, False or empty


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    lines = path.read_text(encoding="utf-8").split("\n")  # JSON escapes every \n inside
    assert lines.pop() == ""
    rows = [json.loads(line) for line in lines]
    return [{**r, "date": dt.date.fromisoformat(r["date"])} for r in rows]


def read_csv(path: Path) -> list[dict[str, Any]]:
    with path.open(encoding="utf-8", newline="") as file:
        rows = list(csv.DictReader(file))
    return [
        {
            **r,
            "date": dt.date.fromisoformat(r["date"]),
            "imageUrl": r["imageUrl"] or None,
            "credit": r["credit"].split("\n") if r["credit"] else [],
            "credits": json.loads(r["credits"]) if r["credits"] else [],
            "copyright": BOOLS[r["copyright"]],
            "sourceDamaged": BOOLS[r["sourceDamaged"]],
            "thumbnailUrl": r["thumbnailUrl"] or None,
            **{key: r[key] or None for key in NONE_WITHOUT_CAPTURES},
        }
        for r in rows
    ]


def read_parquet(path: Path) -> list[dict[str, Any]]:
    return pq.read_table(path).to_pylist()


READERS = {".jsonl": read_jsonl, ".csv": read_csv, ".parquet": read_parquet}


@pytest.fixture
def edges(tmp_path: Path) -> Path:
    """Days that test a format: no media, no body, credit lines, quotes, commas, markup."""
    return write_days(
        tmp_path / "edges",
        [
            a_day("2025-01-04", image_url=None, explanation=""),
            a_day(
                "2025-01-05",
                title='The "Big" Dipper, Again',
                credit=["Credit: [A, B](https://a.org/)", "Processing: Schrödinger", ""],
                explanation=(
                    "10<sup>6</sup> K, H<sub>2</sub>O; a \\* star.\n\nSee [it](https://b.org/x_(y))."
                ),
            ),
            a_day("2025-01-06", image_url="https://player.vimeo.com/video/58385453"),
        ],
    )


@pytest.mark.parametrize("archive", ["edges", "classic_archive"])
@pytest.mark.parametrize("suffix", FORMATS)
def test_round_trip(request: pytest.FixtureRequest, tmp_path: Path, archive: str, suffix: str):
    directory = request.getfixturevalue(archive)
    out = tmp_path / f"apod{suffix}"
    run = apodscrape("export", str(directory), str(out))
    assert run.returncode == 0, run.stderr
    expected = list(dataset.rows(directory))
    card, schema = tmp_path / "README.md", tmp_path / "row.schema.json"
    assert run.stdout.decode() == (
        f"{len(expected)} days written to {out}\ndataset card {card}, row schema {schema}\n"
    )
    assert READERS[suffix](out) == expected
    files = sorted(p.name for p in tmp_path.iterdir() if p.is_file())  # no temporary
    assert files == sorted([out.name, card.name, schema.name])


def test_the_rows_derive_media_type_and_plain_text(edges: Path) -> None:
    rows = list(dataset.rows(edges))
    assert [r["mediaType"] for r in rows] == ["other", "image", "video"]
    assert rows[1]["explanationText"] == "106 K, H2O; a * star.\n\nSee it."
    assert rows[0]["explanationText"] == ""


def test_jsonl_keys_in_the_documented_order(edges: Path, tmp_path: Path) -> None:
    main(["export", str(edges), str(tmp_path / "apod.jsonl")])
    first = (tmp_path / "apod.jsonl").read_text(encoding="utf-8").split("\n")[0]
    assert list(json.loads(first)) == list(COLUMNS)
    assert '"imageUrl": null' in first and '"explanation": ""' in first


def test_csv_header_and_cells(edges: Path, tmp_path: Path) -> None:
    main(["export", str(edges), str(tmp_path / "apod.csv")])
    text = (tmp_path / "apod.csv").read_bytes().decode("utf-8")
    assert text.startswith(",".join(COLUMNS) + "\r\n")
    assert '"The ""Big"" Dipper, Again"' in text
    assert '"Credit: [A, B](https://a.org/)\nProcessing: Schrödinger\n"' in text
    assert (
        "2025-01-04,The Sky of 2025-01-04,https://apod.nasa.gov/apod/ap250104.html,other,," in text
    )


def test_parquet_columns_are_typed(edges: Path, tmp_path: Path) -> None:
    main(["export", str(edges), str(tmp_path / "apod.parquet")])
    schema = pq.read_schema(tmp_path / "apod.parquet")
    assert schema.names == list(COLUMNS)
    assert schema.field("date").type == pa.date32()
    assert schema.field("credit").type == pa.list_(pa.string())


def test_an_export_replaces_the_old_file(edges: Path, tmp_path: Path) -> None:
    out = tmp_path / "apod.jsonl"
    out.write_text("old\n")
    assert main(["export", str(edges), str(out)]) == 0
    assert len(read_jsonl(out)) == 3


def test_a_failed_parquet_write_leaves_the_old_file(
    edges: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture
) -> None:
    out = tmp_path / "apod.parquet"
    out.write_bytes(b"old")

    def disk_full(writer: pq.ParquetWriter, table: pa.Table, **options: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(pq.ParquetWriter, "write_table", disk_full)
    assert main(["export", str(edges), str(out)]) == 1
    assert capsys.readouterr().err == f"error: cannot write {out}: No space left on device\n"
    assert out.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir() if p.is_file()] == [out.name]


def test_parquet_is_written_a_row_group_at_a_time(
    edges: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(export, "PARQUET_BATCH", 2)
    assert main(["export", str(edges), str(tmp_path / "apod.parquet")]) == 0
    assert pq.ParquetFile(tmp_path / "apod.parquet").num_row_groups == 2
    assert read_parquet(tmp_path / "apod.parquet") == list(dataset.rows(edges))


@pytest.mark.parametrize("suffix", FORMATS)
def test_rows_are_read_as_they_are_written(
    edges: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, suffix: str
) -> None:
    """An export holds one day at a time (Parquet: a batch): each day's row is read from
    the catalog only when the row before it has gone to the file."""
    monkeypatch.setattr(export, "PARQUET_BATCH", 1)
    events: list[str] = []
    read_date = dataset._READERS["date"]  # once a row, as the row is read from the catalog
    monkeypatch.setitem(dataset._READERS, "date", lambda v: events.append("read") or read_date(v))
    if suffix == ".parquet":
        write_table = pq.ParquetWriter.write_table

        def written(writer: pq.ParquetWriter, table: pa.Table, **options: object) -> None:
            events.append("written")
            write_table(writer, table, **options)

        monkeypatch.setattr(pq.ParquetWriter, "write_table", written)
    else:
        chunks = archive.write_chunks_atomic

        def write_chunks(path: Path, pieces, **options: object) -> None:
            if path.suffix == suffix:  # the table, not the card or the schema
                pieces = (events.append("written") or piece for piece in pieces)
            chunks(path, pieces, **options)

        monkeypatch.setattr(archive, "write_chunks_atomic", write_chunks)
    assert main(["export", str(edges), str(tmp_path / f"apod{suffix}")]) == 0
    header = ["written"] if suffix == ".csv" else []
    assert events == [*header, *["read", "written"] * 3]


@pytest.mark.parametrize("suffix", FORMATS)
@pytest.mark.parametrize(
    ("column", "damages"),
    [
        ("keywords", {"2025-01-05": '["a"'}),  # not JSON
        ("credits", {"2025-01-05": '[{"role": null}], []'}),  # two JSON texts
        ("keywords", {"2025-01-04": '["a"], ["b"', "2025-01-05": '"c"]'}),  # that balance
    ],
)
def test_a_damaged_catalog_value_is_one_error_and_no_export(
    edges: Path, tmp_path: Path, capsys: pytest.CaptureFixture, suffix: str, column, damages
) -> None:
    # read a batch at a time, no value is shifted onto another day's row
    db = sqlite3.connect(catalog.catalog_path(edges))
    for date, damage in damages.items():
        db.execute(f"UPDATE days SET {column} = ? WHERE date = ?", (damage, date))
    db.commit()
    db.close()
    out = tmp_path / f"apod{suffix}"
    assert main(["export", str(edges), str(out)]) == 1
    first = damages[min(damages)]
    error = capsys.readouterr().err
    assert error == f"error: the catalog holds a value that is not JSON: {first!r}\n"
    assert not out.exists()


@pytest.mark.parametrize(
    ("column", "value", "suffix"),
    [
        *(("explanation", b"\x00\xffA", suffix) for suffix in FORMATS),  # bytes for text
        ("keywords", "5", ".parquet"),  # a number for a list of strings
        ("credits", '["a"]', ".parquet"),  # strings for credits
    ],
)
def test_a_catalog_value_of_the_wrong_kind_is_one_error_and_no_export(
    edges: Path, tmp_path: Path, capsys: pytest.CaptureFixture, column, value, suffix: str
) -> None:
    # edited by hand (JSONL and CSV write JSON of another shape as the catalog holds it)
    db = sqlite3.connect(catalog.catalog_path(edges))
    db.execute(f"UPDATE days SET {column} = ? WHERE date = '2025-01-05'", (value,))
    db.commit()
    db.close()
    out = tmp_path / f"apod{suffix}"
    assert main(["export", str(edges), str(out)]) == 1
    assert not out.exists()
    error = capsys.readouterr().err
    assert error.startswith(f"error: {catalog.catalog_path(edges)} holds a value ")
    assert error.endswith(f"build it again: python -m apodscrape rebuild --out {edges}\n")


def test_exports_side_by_side_into_one_folder_are_all_on_its_card(
    edges: Path, tmp_path: Path
) -> None:
    # each reads the card's list of exports and writes the card: one at a time
    out = tmp_path / "out"
    names = [*(f"apod{n}.jsonl" for n in range(4)), "apod.csv", "apod.parquet"]
    runs = [
        subprocess.Popen(
            [sys.executable, "-m", "apodscrape", "export", str(edges), str(out / name)],
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
        )
        for name in names
    ]
    assert [run.wait(timeout=120) for run in runs] == [0] * len(names)
    assert sorted(export.file for export in dataset.exports_in(out)) == sorted(names)


def test_an_export_into_the_archive_itself_is_refused(
    edges: Path, capsys: pytest.CaptureFixture
) -> None:
    before = sorted(path.name for path in edges.iterdir())
    assert main(["export", str(edges), str(edges / "apod.csv")]) == 1
    error = capsys.readouterr().err
    assert error.startswith(f"error: {edges / 'apod.csv'}: not into the archive itself")
    assert sorted(path.name for path in edges.iterdir()) == before


def test_an_unreadable_day_leaves_no_export(
    edges: Path, tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    (edges / "ap250105.txt").write_bytes(b"Just a body.\n")
    out = tmp_path / "apod.jsonl"
    assert main(["export", str(edges), str(out)]) == 1
    error = capsys.readouterr().err
    assert error == f"error: {edges / 'ap250105.txt'}: no front matter: the first line is not ---\n"
    assert [p.name for p in tmp_path.iterdir() if p.is_file()] == []


def test_an_unknown_format_is_an_error(edges: Path, tmp_path: Path) -> None:
    run = apodscrape("export", str(edges), str(tmp_path / "apod.xlsx"))
    assert run.returncode == 1 and run.stdout == b""
    message = f"error: {tmp_path / 'apod.xlsx'}: the output must end in .jsonl, .csv, .parquet\n"
    assert run.stderr.decode() == message
    assert not (tmp_path / "apod.xlsx").exists()


def test_parquet_without_pyarrow(edges: Path, tmp_path: Path) -> None:
    run = apodscrape_without("pyarrow", "export", str(edges), str(tmp_path / "apod.parquet"))
    assert run.returncode == 1 and run.stdout == b""
    assert (
        run.stderr == b"error: writing .parquet needs pyarrow: pip install 'apodscrape[parquet]'\n"
    )
    assert list(tmp_path.iterdir()) == [edges]


def test_a_missing_archive_is_an_error(tmp_path: Path) -> None:
    run = apodscrape("export", str(tmp_path / "missing"), str(tmp_path / "apod.csv"))
    assert run.returncode == 1 and run.stdout == b""
    assert run.stderr.startswith(b"error: cannot read ")
    assert not (tmp_path / "apod.csv").exists()


def test_with_captures_the_rows_carry_the_full_record(site, crawl, spec, tmp_path) -> None:
    site.page("/apod/ap250105.html", (spec / "ap250105.reconstructed.html").read_bytes())
    (crawled,) = crawl(site, dates="2025-01-05").items
    out = tmp_path / "apod.jsonl"
    assert main(["export", str(tmp_path / "output"), str(out)]) == 0
    (exported,) = read_jsonl(out)
    assert list(exported) == list(COLUMNS)
    assert exported["keywords"] == crawled.keywords == ["Progress MS-10", "Soyuz", "ISS", "launch"]
    assert exported["source"] == "classic"
    assert exported["sourceUrl"] == f"{site.url}/apod/ap250105.html"
    assert exported["rawSha256"] == crawled.raw_sha256
    assert exported["mediaType"] == "video"
    assert exported["credits"] == crawled.credits


@pytest.mark.parametrize("text", ['=HYPERLINK("x")', "+1", "-2", "@SUM(A1)", "\tx"])
def test_csv_cells_a_spreadsheet_would_run_show_as_text(text: str) -> None:
    assert csv_cell(text) == f"'{text}"
    assert csv_cell([text, "b"]) == f"'{text}\nb"


def test_ordinary_csv_cells_are_as_they_are() -> None:
    assert csv_cell("Rocket Launch") == "Rocket Launch"
    assert csv_cell(None) == "" and csv_cell(3) == 3
