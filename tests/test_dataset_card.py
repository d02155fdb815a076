"""The dataset card and row schema `export` writes beside the table, and the readers that must
see the card's types: DuckDB, Hugging Face `datasets`, pandas, a JSON Schema validator."""

from __future__ import annotations

import datetime as dt
import json
import re
from collections import Counter
from pathlib import Path
from urllib.parse import urlsplit

import duckdb
import jsonschema
import pyarrow.parquet as pq
import pytest
import yaml
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from apodscrape.__main__ import main
from apodscrape.dataset import (
    Export,
    Summary,
    card,
    columns_table,
    duckdb_columns,
    features,
    json_schema,
    pandas_dtypes,
    rows,
    size_category,
)
from apodscrape.table import COLUMNS, NAMES, arrow_schema

from .archives import a_day, write_days
from .conftest import ROOT
from .test_export import read_jsonl
from .test_markdown import _URL_PIECES

CLASSIC_DAYS = [dt.date(2025, 3, 1) + dt.timedelta(n) for n in range(10)]
GAP = dt.date(2025, 3, 5)  # not published: a gap of the archive
NOW = dt.datetime(2026, 12, 1, 10, 0, tzinfo=dt.UTC)


def summary_of(table) -> Summary:
    """The Summary of rows, as export gathers it while it writes them."""
    summary = Summary()
    for _ in summary.tally(table):
        pass
    return summary


API_DAYS = [dt.date(2026, 9, 10) + dt.timedelta(n) for n in range(7)]


@pytest.fixture
def crawled(site, crawl, tmp_path: Path) -> Path:
    """A small archive crawled from the simulator: 9 classic days (one gap) and 7 API days."""
    site.publish(*(d for d in CLASSIC_DAYS if d != GAP), *API_DAYS)
    crawl(site, start=str(CLASSIC_DAYS[0]), end=str(CLASSIC_DAYS[-1]), source="classic")
    crawl(site, start=str(API_DAYS[0]), end=str(API_DAYS[-1]), source="science")
    return tmp_path / "output"


@pytest.fixture
def exported(crawled: Path, tmp_path: Path) -> Path:
    out = tmp_path / "export" / "apod.parquet"
    out.parent.mkdir()
    assert main(["export", str(crawled), str(out)]) == 0
    return out


def front_matter(card: str) -> dict:
    match = re.match(r"---\n(.*?)\n---\n", card, re.DOTALL)
    assert match, "the card starts with YAML front matter"
    return yaml.safe_load(match.group(1))


def test_export_writes_the_card_and_schema_beside_the_table(exported: Path) -> None:
    assert sorted(p.name for p in exported.parent.iterdir()) == [
        "README.md",
        "apod.parquet",
        "row.schema.json",
    ]


def test_the_cards_front_matter_is_what_hugging_face_reads(exported: Path) -> None:
    meta = front_matter((exported.parent / "README.md").read_text(encoding="utf-8"))
    assert meta["license"] == "other"
    assert meta["license_link"].startswith("https://apod.nasa.gov/")
    assert meta["pretty_name"].startswith("NASA Astronomy Picture of the Day")
    assert meta["size_categories"] == ["n<1K"]
    assert meta["configs"] == [
        {
            "config_name": "default",
            "data_files": [{"split": "train", "path": "apod.parquet"}],
            "features": features(),
        }
    ]
    assert meta["dataset_info"]["features"] == features()
    [listed] = meta["apodscrape_exports"]
    assert (listed["file"], listed["rows"]) == ("apod.parquet", 16)


def test_the_card_tells_counts_gaps_sources_provenance_and_licence(exported: Path) -> None:
    card = (exported.parent / "README.md").read_text(encoding="utf-8")
    assert columns_table() in card
    assert "| 2025 | 9 | 9 | 0 | 0 |" in card
    assert "| 2026 | 7 | 0 | 7 | 0 |" in card
    assert "| all | 16 | 9 | 7 | 0 |" in card
    # the gaps: the unpublished day, and the months between the two crawls
    assert "- 2025-03-05\n- 2025-03-11..2026-09-09\n" in card
    assert "- 2020-06-10 (APOD published nothing)" not in card
    assert f"apodscrape {__import__('apodscrape').__version__}" in card
    assert "crawls whose raw captures the archive keeps" in card and ": 2, from " in card
    assert "https://apod.nasa.gov/apod/apYYMMDD.html" in card
    assert "https://science.nasa.gov/wp-json/wp/v2/apod-basic/YYMMDD" in card
    assert re.search(r"- 9 days read as classic from http://127\.0\.0\.1:\d+", card)
    assert re.search(r"- 7 days read as science from http://127\.0\.0\.1:\d+", card)
    assert "belong to their credited authors" in card and "public domain" in card


def test_the_cards_gaps_mark_apods_own(tmp_path: Path) -> None:
    write_days(tmp_path / "a", [a_day("2020-06-08"), a_day("2020-06-12")])
    summary = summary_of(rows(tmp_path / "a"))
    exports = [Export("apod.parquet", summary.count, "2026-12-01T10:00:00Z")]
    body = card(summary, exports, tmp_path / "a", tmp_path / "a" / "warc", NOW)
    assert "- 2020-06-09\n- 2020-06-10 (APOD published nothing)\n- 2020-06-11\n" in body
    assert "| 2020 | 2 | 0 | 0 | 2 |" in body  # no captures: no source
    assert "- 2 days without a raw capture" in body


@settings(max_examples=400, deadline=None)
@given(st.lists(st.lists(_URL_PIECES, max_size=12).map("".join), min_size=1, max_size=8))
def test_the_summary_names_each_host_as_urlsplit_does(addresses: list[str]) -> None:
    # it splits only what comes before an address's third /: the same scheme and host
    def host(url: str) -> str | None:
        try:
            parts = urlsplit(url)
        except ValueError:
            return None
        return f"classic from {parts.scheme}://{parts.netloc}"

    # an address urlsplit refuses (a broken IPv6 host) is never in a catalog
    assume(all(host(url) is not None for url in addresses if url))
    summary = Summary()
    for n, url in enumerate(addresses):
        summary.add(dt.date(2025, 1, 1) + dt.timedelta(n), "classic", url)
    assert summary.hosts == Counter(host(url) for url in addresses if url)


def test_the_summary_of_rows_across_the_century(tmp_path: Path) -> None:
    # ap000101.txt sorts before ap991230.txt by name: rows and the card go by the date
    write_days(tmp_path, [a_day("2000-01-02"), a_day("1999-12-30"), a_day("2000-01-01")])
    summary = summary_of(rows(tmp_path))
    assert (summary.count, summary.first, summary.last) == (
        3,
        dt.date(1999, 12, 30),
        dt.date(2000, 1, 2),
    )
    assert summary.missing == [dt.date(1999, 12, 31)]
    assert summary.years == {1999: {None: 1}, 2000: {None: 2}}


@pytest.mark.parametrize(
    ("count", "category"),
    [(0, "n<1K"), (999, "n<1K"), (1000, "1K<n<10K"), (11_500, "10K<n<100K")],
)
def test_size_category(count: int, category: str) -> None:
    assert size_category(count) == category


def test_every_row_of_the_jsonl_export_fits_the_schema(crawled: Path, tmp_path: Path) -> None:
    out = tmp_path / "apod.jsonl"
    assert main(["export", str(crawled), str(out)]) == 0
    schema = json.loads((tmp_path / "row.schema.json").read_text(encoding="utf-8"))
    assert schema == json_schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    validator = jsonschema.Draft202012Validator(
        schema, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
    )
    lines = out.read_text(encoding="utf-8").splitlines()
    assert len(lines) == 16
    for line in lines:
        validator.validate(json.loads(line))
    assert list(schema["properties"]) == list(NAMES)
    nullable = {name for name, p in schema["properties"].items() if "null" in p["type"]}
    assert nullable == {column.name for column in COLUMNS if column.nullable}


def test_the_schema_refuses_a_wrong_row() -> None:
    validator = jsonschema.Draft202012Validator(
        json_schema(), format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
    )
    assert not validator.is_valid({"date": "2025-01-05"})  # columns missing
    row = {column.name: None for column in COLUMNS}
    assert not validator.is_valid(row)  # a title is never null


def test_rows_are_sorted_by_date(crawled: Path, tmp_path: Path) -> None:
    out = tmp_path / "apod.jsonl"
    main(["export", str(crawled), str(out)])
    dates = [r["date"] for r in read_jsonl(out)]
    assert dates == sorted(dates) and len(dates) == 16


# kind -> the type DuckDB reads from the Parquet export
DUCKDB_TYPES = {
    "date": "DATE",
    "string": "VARCHAR",
    "bool": "BOOLEAN",
    "strings": "VARCHAR[]",
    "credits": 'STRUCT("role" VARCHAR, "text" VARCHAR)[]',
}


def test_duckdb_reads_the_cards_types(exported: Path) -> None:
    connection = duckdb.connect()
    described = connection.execute(f"DESCRIBE SELECT * FROM read_parquet('{exported}')").fetchall()
    assert [(name, kind) for name, kind, *_ in described] == [
        (column.name, DUCKDB_TYPES[column.kind]) for column in COLUMNS
    ]
    first, unknown, video_stills = connection.execute(
        f"SELECT min(date), count(*) FILTER (copyright IS NULL),"
        f" count(thumbnailUrl) FROM read_parquet('{exported}')"
    ).fetchone()
    assert first == dt.date(2025, 3, 1)  # a date, not a string
    assert unknown == 7  # the API's days (the simulator's credits carry no label)
    assert video_stills >= 1


def test_datasets_load_the_parquet_with_the_cards_features(
    exported: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("HF_DATASETS_OFFLINE", "1")
    monkeypatch.setenv("HF_HOME", str(tmp_path / "hf"))
    import datasets

    loaded = datasets.load_dataset(
        "parquet", data_files=str(exported), split="train", cache_dir=str(tmp_path / "cache")
    )
    meta = front_matter((exported.parent / "README.md").read_text(encoding="utf-8"))
    assert loaded.features == datasets.Features._from_yaml_list(meta["dataset_info"]["features"])
    assert loaded.features == datasets.Features.from_arrow_schema(arrow_schema())
    assert loaded.num_rows == 16
    assert loaded[0]["date"] == dt.date(2025, 3, 1)
    assert loaded[-1]["source"] == "science" and loaded[-1]["copyright"] is None


def test_pandas_reads_dates_as_dates(crawled: Path, exported: Path, tmp_path: Path) -> None:
    import pandas

    frame = pandas.read_parquet(exported)
    assert frame["date"].iloc[0] == dt.date(2025, 3, 1)  # datetime.date objects
    typed = pandas.read_parquet(exported, dtype_backend="pyarrow")
    assert str(typed["date"].dtype) == "date32[day][pyarrow]"
    main(["export", str(crawled), str(tmp_path / "apod.jsonl")])
    main(["export", str(crawled), str(tmp_path / "apod.csv")])
    from_json = pandas.read_json(tmp_path / "apod.jsonl", lines=True)
    assert str(from_json["date"].dtype).startswith("datetime64")
    from_csv = pandas.read_csv(tmp_path / "apod.csv", parse_dates=["date"])
    assert str(from_csv["date"].dtype).startswith("datetime64")


def test_the_parquet_schema_is_the_tables(exported: Path) -> None:
    assert pq.read_schema(exported).remove_metadata() == arrow_schema()


def test_the_docs_columns_table_is_the_specs() -> None:
    page = (ROOT / "docs" / "format-and-dataset.md").read_text(encoding="utf-8")
    assert columns_table() in page, "docs' column table differs: paste columns_table()"


@pytest.fixture
def hf(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """Hugging Face `datasets`, offline, its caches in the test's folder; load(folder)."""
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("HF_DATASETS_OFFLINE", "1")
    monkeypatch.setenv("HF_HOME", str(tmp_path / "hf"))
    import datasets

    def load(folder: Path):
        return datasets.load_dataset(str(folder), split="train", cache_dir=str(tmp_path / "c"))

    return datasets, load


@pytest.mark.parametrize("suffix", [".parquet", ".jsonl", ".csv"])
def test_datasets_load_each_export_folder_with_the_cards_features(
    hf, crawled: Path, tmp_path: Path, suffix: str
) -> None:
    datasets, load = hf
    folder = tmp_path / suffix[1:]
    folder.mkdir()
    assert main(["export", str(crawled), str(folder / f"apod{suffix}")]) == 0
    loaded = load(folder)
    meta = front_matter((folder / "README.md").read_text(encoding="utf-8"))
    [config] = meta["configs"]
    assert loaded.features == datasets.Features._from_yaml_list(config["features"])
    assert loaded.num_rows == 16 and loaded[-1]["source"] == "science"
    assert loaded[-1]["copyright"] is None  # an API day: unknown, in every format
    if suffix == ".csv":  # text: the date as written, lists one item per line
        assert loaded[0]["date"] == "2025-03-01"
        assert loaded.features["credit"] == datasets.Value("string")
    else:
        assert loaded.features == datasets.Features.from_arrow_schema(arrow_schema())
        assert loaded[0]["date"] == dt.date(2025, 3, 1)
        assert loaded[0]["copyright"] in (True, False)


@pytest.fixture
def api_only(site, crawl, tmp_path: Path) -> Path:
    """An archive read only from the API: `copyright` and `keywords` null in every row."""
    site.publish(*API_DAYS)
    crawl(site, start=str(API_DAYS[0]), end=str(API_DAYS[-1]), source="science")
    out = tmp_path / "jsonl" / "apod.jsonl"
    out.parent.mkdir()
    assert main(["export", str(tmp_path / "output"), str(out)]) == 0
    rows = read_jsonl(out)
    assert {r["copyright"] for r in rows} == {None} and {r["keywords"] for r in rows} == {None}
    return out


def test_an_api_only_jsonl_keeps_the_cards_types_in_datasets(hf, api_only: Path) -> None:
    datasets, load = hf
    loaded = load(api_only.parent)
    assert loaded.features == datasets.Features.from_arrow_schema(arrow_schema())
    assert loaded["copyright"] == [None] * 7 and loaded["keywords"] == [None] * 7


def test_an_api_only_jsonl_keeps_the_cards_types_in_duckdb(api_only: Path) -> None:
    connection = duckdb.connect()
    query = f"SELECT * FROM read_json('{api_only}', columns={duckdb_columns()})"
    described = connection.execute(f"DESCRIBE {query}").fetchall()
    assert [(name, kind) for name, kind, *_ in described] == [
        (column.name, DUCKDB_TYPES[column.kind]) for column in COLUMNS
    ]
    assert connection.execute(f"SELECT count(*) FROM ({query})").fetchone() == (7,)
    # the call is the card's own
    assert f"columns={duckdb_columns()}" in (api_only.parent / "README.md").read_text()


def test_an_api_only_jsonl_keeps_the_cards_types_in_pandas(api_only: Path) -> None:
    import pandas

    frame = pandas.read_json(api_only, lines=True, dtype=pandas_dtypes())
    assert str(frame["copyright"].dtype) == "boolean" and frame["copyright"].isna().all()
    assert str(frame["sourceDamaged"].dtype) == "boolean"
    assert str(frame["date"].dtype).startswith("datetime64")
    assert frame["keywords"].dtype == object and frame["alt"].dtype == "string"
    assert f"dtype={pandas_dtypes()}" in (api_only.parent / "README.md").read_text()


def test_several_exports_into_one_folder_share_one_card(hf, crawled: Path, tmp_path: Path) -> None:
    _, load = hf
    folder = tmp_path / "all"
    folder.mkdir()
    for name in ("apod.parquet", "apod.jsonl", "days.csv"):
        assert main(["export", str(crawled), str(folder / name)]) == 0
    assert sorted(p.name for p in folder.iterdir()) == [
        "README.md",
        "apod.jsonl",
        "apod.parquet",
        "days.csv",
        "row.schema.json",
    ]
    card_text = (folder / "README.md").read_text(encoding="utf-8")
    meta = front_matter(card_text)
    assert [(e["file"], e["rows"]) for e in meta["apodscrape_exports"]] == [
        ("apod.parquet", 16),
        ("apod.jsonl", 16),
        ("days.csv", 16),
    ]
    assert meta["configs"][0]["data_files"] == [{"split": "train", "path": "days.csv"}]
    for name in ("apod.parquet", "apod.jsonl", "days.csv"):
        assert f"| `{name}` | 16 |" in card_text
    assert load(folder)[0]["date"] == "2025-03-01"  # the newest, the CSV, as text
    # exported again, the Parquet is the default and the others stay listed
    assert main(["export", str(crawled), str(folder / "apod.parquet")]) == 0
    meta = front_matter((folder / "README.md").read_text(encoding="utf-8"))
    assert [e["file"] for e in meta["apodscrape_exports"]] == [
        "apod.jsonl",
        "days.csv",
        "apod.parquet",
    ]
    assert load(folder)[0]["date"] == dt.date(2025, 3, 1)


def test_a_readme_of_someone_elses_is_never_overwritten(
    crawled: Path, tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    (tmp_path / "mine").mkdir()
    (tmp_path / "mine" / "README.md").write_text("# my notes\n", encoding="utf-8")
    assert main(["export", str(crawled), str(tmp_path / "mine" / "apod.jsonl")]) == 1
    assert "is not an apodscrape dataset card" in capsys.readouterr().err
    assert sorted(p.name for p in (tmp_path / "mine").iterdir()) == ["README.md"]
    assert (tmp_path / "mine" / "README.md").read_text(encoding="utf-8") == "# my notes\n"
