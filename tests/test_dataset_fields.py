"""What each source can know: copyright and keywords are unknown (None) on days read from the
API, not false; one media type in stats and export; a still for video days (thumbnailUrl)."""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter
from pathlib import Path

import pytest

from apodscrape import parse_page
from apodscrape.__main__ import main
from apodscrape.media import thumbnail, youtube_still
from apodscrape.parse import parse_listing
from apodscrape.record import CLASSIC, SCIENCE, VIDEO, derived
from apodscrape.tools.convert import url_of
from apodscrape.tools.stats import report
from sitesim.content import content
from sitesim.science import RENDITIONS

from .archives import a_day, write_days
from .test_export import read_jsonl
from .test_science import API

STILL = "https://img.youtube.com/vi/{}/hqdefault.jpg"


def science_day(corpus: Path, stem: str):
    path = corpus / "science" / f"apod-basic-{stem}.json"
    return parse_page(path.read_bytes(), f"{API}{stem}"), json.loads(path.read_bytes())


def test_an_api_day_does_not_know_its_copyright(corpus: Path) -> None:
    day, record = science_day(corpus, "260913")
    assert record["copyright"] == record["credit"]  # the API's copyright field says nothing
    assert day.source == SCIENCE and day.copyright is None
    assert [c["role"] for c in day.credits] == [None]  # no label: no role, as the page has none
    assert day.keywords is None  # the API has no keywords: unknown, not an empty list


def test_an_api_credit_that_asserts_copyright_is_true(corpus: Path) -> None:
    days = parse_listing(
        (corpus / "science" / "apod-basic-list-151018-151019.json").read_bytes(),
        f"{API[:-1]}?date_from=151018&date_to=151019&per_page=100&page=1",
    )
    by_date = {day.date: day for day in days}
    assert by_date[dt.date(2015, 10, 19)].credit[0].startswith("Image Credit & Copyright:")
    assert by_date[dt.date(2015, 10, 19)].copyright is True


def test_an_api_credit_without_copyright_is_unknown(corpus: Path) -> None:
    day, _ = science_day(corpus, "150603")
    assert day.credit[0].startswith("Image Credit: [NASA]")
    assert day.copyright is None


def test_the_same_credit_from_a_classic_page_is_false() -> None:
    assert derived(["Image Credit: NASA"], "", CLASSIC).copyright is False
    assert derived(["Image Credit: NASA"], "", None).copyright is False  # no source: classic
    assert derived(["Image Credit: NASA"], "", SCIENCE).copyright is None
    assert derived(["© A. Person"], "", SCIENCE).copyright is True


def test_an_api_video_day_has_the_apis_still_as_thumbnail(corpus: Path) -> None:
    day, record = science_day(corpus, "260913")
    assert day.media_type == VIDEO
    assert day.thumbnail_url == record["hdurl"]
    assert day.thumbnail_url.startswith("https://assets.science.nasa.gov/")
    image_day, _ = science_day(corpus, "261002")
    assert image_day.media_type == "image" and image_day.thumbnail_url is None


# classic capture -> its thumbnail (YouTube's still from the id in the embed, else None)
CLASSIC_VIDEO_DAYS = {
    "ap080722.html": STILL.format("M6-iC_aYcug"),
    "ap140922.html": STILL.format("y4er-S_lNRs"),
    "ap141013.html": STILL.format("i3StAXEbGSM"),
    "ap211010.html": None,  # Vimeo: its still needs a request to Vimeo
    "ap220330.html": STILL.format("m8qvOpcDt1o"),
    "ap250324.html": None,  # a video file
    "ap250518.html": None,
}


def test_classic_captures_thumbnails(corpus: Path) -> None:
    found = {}
    for path in sorted((corpus / "classic").iterdir()):
        day = parse_page(path.read_bytes(), url_of(path))
        if day.media_type == VIDEO:
            found[path.name] = day.thumbnail_url
        else:
            assert day.thumbnail_url is None, path.name
    assert found == CLASSIC_VIDEO_DAYS


def test_the_documented_example_has_youtubes_still(spec: Path) -> None:
    page = spec / "ap250105.reconstructed.html"
    day = parse_page(page.read_bytes(), "https://apod.nasa.gov/apod/ap250105.html")
    assert day.thumbnail_url == STILL.format("B1R3dTdcpSU")


@pytest.mark.parametrize(
    ("url", "still"),
    [
        ("https://www.youtube.com/embed/B1R3dTdcpSU?rel=0", STILL.format("B1R3dTdcpSU")),
        ("https://www.youtube-nocookie.com/embed/B1R3dTdcpSU", STILL.format("B1R3dTdcpSU")),
        ("https://youtu.be/aJy1u-N3NY0", STILL.format("aJy1u-N3NY0")),
        ("https://www.youtube.com/watch?v=aJy1u-N3NY0&t=3", STILL.format("aJy1u-N3NY0")),
        ("https://www.youtube.com/embed/videoseries?list=PL123", None),
        ("https://www.youtube.com/embed/short", None),
        ("https://notyoutube.com/embed/B1R3dTdcpSU", None),
        ("https://player.vimeo.com/video/58385453", None),
        (None, None),
    ],
)
def test_youtube_still(url: str | None, still: str | None) -> None:
    assert youtube_still(url) == still


def test_only_video_days_have_a_thumbnail() -> None:
    embed = "https://www.youtube.com/embed/B1R3dTdcpSU"
    assert thumbnail("image", embed) is None
    assert thumbnail(VIDEO, embed, "https://assets.science.nasa.gov/x.png") == (
        "https://assets.science.nasa.gov/x.png"
    )


def test_an_export_without_captures_derives_the_thumbnail(tmp_path: Path) -> None:
    write_days(
        tmp_path / "a",
        [a_day("2025-01-05", image_url="https://www.youtube.com/embed/B1R3dTdcpSU?rel=0")],
    )
    main(["export", str(tmp_path / "a"), str(tmp_path / "apod.jsonl")])
    (exported,) = read_jsonl(tmp_path / "apod.jsonl")
    assert exported["thumbnailUrl"] == STILL.format("B1R3dTdcpSU")
    assert exported["copyright"] is False and exported["source"] is None


ARTICLE = "https://science.nasa.gov/image-article/"
FIRST, LAST = dt.date(2026, 9, 1), dt.date(2026, 10, 31)  # after the move: 15 video days


@pytest.fixture
def api_archive(site, crawl, tmp_path: Path) -> Path:
    """Two months crawled from the simulator's API (source=science), captures kept."""
    site.publish(*(FIRST + dt.timedelta(n) for n in range((LAST - FIRST).days + 1)))
    crawl(site, start=str(FIRST), end=str(LAST), source="science")
    return tmp_path / "output"


def test_an_api_archive_exports_unknown_copyright(api_archive: Path, tmp_path: Path) -> None:
    assert main(["export", str(api_archive), str(tmp_path / "apod.jsonl")]) == 0
    rows = read_jsonl(tmp_path / "apod.jsonl")
    assert len(rows) == 61 and {r["source"] for r in rows} == {SCIENCE}
    assert {r["copyright"] for r in rows} == {None}  # the simulator's API credits: no labels
    assert {r["keywords"] is None for r in rows} == {True}
    videos = [r for r in rows if r["mediaType"] == VIDEO]
    kinds = Counter(content(r["date"]).kind for r in rows)
    assert len(videos) == kinds["video"] + kinds["youtube"] + kinds["vimeo"] == 15
    assert all(r["thumbnailUrl"].startswith(RENDITIONS) for r in videos)
    assert all(r["thumbnailUrl"] is None for r in rows if r["mediaType"] != VIDEO)


def test_stats_and_export_agree_on_an_api_archive(
    api_archive: Path, tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    main(["export", str(api_archive), str(tmp_path / "apod.jsonl")])
    exported = Counter(r["mediaType"] for r in read_jsonl(tmp_path / "apod.jsonl"))
    capsys.readouterr()
    assert main(["stats", str(api_archive)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[2].split() == ["2026", *map(str, (exported["image"], exported["video"],
                                                    exported["other"])), "61"]  # fmt: skip
    assert lines[-1] == "copyright: 0 of 0 days (-); unknown for 61 days read from the API"


def test_stats_count_unknown_copyright_apart() -> None:
    rows = [
        {"date": dt.date(2025, 1, n), "mediaType": "image", "copyright": value}
        for n, value in enumerate([True, False, None, None], start=1)
    ]
    lines = report(rows).splitlines()
    assert lines[-1] == "copyright: 1 of 2 days (50.0%); unknown for 2 days read from the API"


def test_an_archive_of_real_captures_exports_what_each_source_knows(
    corpus: Path, tmp_path: Path
) -> None:
    """Real API records and a real classic page, kept as a crawl keeps them, then exported."""
    from apodscrape.warc import CaptureWriter

    output = tmp_path / "output"
    writer = CaptureWriter(output / "warc")
    days = []
    for stem in ("150603", "260913", "261002"):
        body = (corpus / "science" / f"apod-basic-{stem}.json").read_bytes()
        writer.write(f"{API}{stem}", 200, [("Content-Type", "application/json")], body)
        days.append(parse_page(body, f"{API}{stem}"))
    page = corpus / "classic" / "ap220330.html"
    writer.write(url_of(page), 200, [("Content-Type", "text/html")], page.read_bytes())
    days.append(parse_page(page.read_bytes(), url_of(page)))
    writer.close()
    write_days(output, days)
    assert main(["export", str(output), str(tmp_path / "apod.jsonl")]) == 0
    rows = {r["date"].isoformat(): r for r in read_jsonl(tmp_path / "apod.jsonl")}
    assert {d: (r["source"], r["copyright"], r["mediaType"]) for d, r in rows.items()} == {
        "2015-06-03": (SCIENCE, None, "image"),
        "2022-03-30": (CLASSIC, False, VIDEO),
        "2026-09-13": (SCIENCE, None, VIDEO),
        "2026-10-02": (SCIENCE, None, "image"),
    }
    assert rows["2022-03-30"]["thumbnailUrl"] == STILL.format("m8qvOpcDt1o")
    assert rows["2022-03-30"]["keywords"] and rows["2026-09-13"]["keywords"] is None
    # what only the captures tell beside the file: the API's alt and permalink, no damage
    assert {d: (r["alt"], r["permalink"], r["sourceDamaged"]) for d, r in rows.items()} == {
        "2015-06-03": (None, ARTICLE + "apod-2015-june-3-flyby-image-of-saturns-sponge-moon-"
                       "hyperion/", False),
        "2022-03-30": (None, None, False),
        "2026-09-13": ("Comet in the sky low to the horizon above the clouds.", ARTICLE
                       + "apod-2026-september-13-comet-neowise-rising-over-the-adriatic-sea/",
                       False),
        "2026-10-02": (rows["2026-10-02"]["alt"], ARTICLE + "apod-2026-october-2-the-complete-"
                       "sharpless-catalog-313-nebulae/", False),
    }  # fmt: skip
    assert rows["2026-10-02"]["alt"].startswith("313 separate images of nebulae")
    assert rows["2026-09-13"]["thumbnailUrl"].startswith(
        "https://assets.science.nasa.gov/dynamicimage/assets/science/cds/apod/apod/2026/"
    )
