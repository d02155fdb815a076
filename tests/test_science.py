"""science.nasa.gov's apod-basic JSON (since the 2026 move): every real sample in the shared
corpus, with values read off each sample by eye."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from apodscrape import NotADayPage, WrongDayError, parse_page, render
from apodscrape.__main__ import main
from apodscrape.parse import parse_listing
from apodscrape.parse.science import is_not_found

API = "https://science.nasa.gov/wp-json/wp/v2/apod-basic/"
DAM = "https://assets.science.nasa.gov/content/dam/science/cds/apod/apod/"

# sample -> (title, imageUrl, hdImageUrl, mediaType, credit, body start, body end)
SINGLE_DAYS = {
    "150603": (
        "Flyby Image of Saturn's Sponge Moon Hyperion",
        DAM + "2015/june/hyperion02_cassini_1024.jpg",
        DAM + "2015/june/hyperion02_cassini_1024.jpg",
        "image",
        [
            "Image Credit: [NASA](http://www.nasa.gov/) , [JPL-Caltech](http://www.jpl.nasa.gov/)"
            " , [SSI](http://ciclops.org/)"
        ],
        "Why does this moon look like a sponge? To better investigate, [NASA]",
        "[Dione](https://apod.nasa.gov/apod/ap121105.html) in about two weeks.",
    ),
    "260913": (  # a video day: the mp4 is only in basic_html; hdurl is a still
        "Comet NEOWISE Rising Over the Adriatic Sea",
        DAM + "2026/september/NoctilucentNeowise_Girotti.mp4",
        None,
        "video",
        ["[Paolo Girotti](https://www.instagram.com/astrogyres/)"],
        "This sight was worth getting out of bed early. Just over four years ago, [Comet",
        "from a [nucleus](https://apod.nasa.gov/apod/ap100104.html) spanning about five"
        " kilometers across.",
    ),
    "261002": (  # basic_html shows no media: the original file behind hdurl
        "The Complete Sharpless Catalog: 313 Nebulas",
        DAM + "2026/october/sharpless_catalog.png",
        DAM + "2026/october/sharpless_catalog.png",
        "image",
        ["[Bing Xin](https://www.xiaohongshu.com/user/profile/5f49cf24000000000101c8c7)"],
        "What does it take to image hundreds of nebulas? [Today\u2019s image]",
        "Which object is [your favorite](https://asterisk.apod.com/discuss_apod.php?date=261002)?",
    ),
}
# Site notes after the explanation that must never reach a file.
NOTES = ("Explanation", "Tomorrow", "Retrospective", "APOD's", "Follow APOD", "\xa0", "<br")


@pytest.fixture
def sample(corpus: Path):
    def read(name: str) -> bytes:
        return (corpus / "science" / name).read_bytes()

    return read


@pytest.mark.parametrize("yymmdd", sorted(SINGLE_DAYS))
def test_single_day_sample(sample, yymmdd: str) -> None:
    title, image, hd, media, credit, start, end = SINGLE_DAYS[yymmdd]
    day = parse_page(sample(f"apod-basic-{yymmdd}.json"), API + yymmdd)
    assert day.date == dt.datetime.strptime(yymmdd, "%y%m%d").date()
    assert day.title == title
    assert day.canonical_url == f"https://apod.nasa.gov/apod/ap{yymmdd}.html"
    assert day.image_url == image
    assert day.hd_image_url == hd
    assert day.media_type == media
    assert day.credit == credit
    assert day.explanation.startswith(start)
    assert day.explanation.endswith(end)
    assert day.source == "science" and day.source_url == API + yymmdd
    for note in NOTES:
        assert note not in day.explanation


ARTICLE = "https://science.nasa.gov/image-article/"
# sample -> (alt, permalink), read off each record's `alt` and `permalink`
ALT_AND_PERMALINK = {
    "150603": (None, ARTICLE + "apod-2015-june-3-flyby-image-of-saturns-sponge-moon-hyperion/"),
    "260913": (
        "Comet in the sky low to the horizon above the clouds.",
        ARTICLE + "apod-2026-september-13-comet-neowise-rising-over-the-adriatic-sea/",
    ),
    "261002": (
        "313 separate images of nebulae that resemble a variety of shapes and brightnesses."
        " Some are dim and whispy, others are bright and create structure. Each image traces"
        " the complex behavior of interstellar gas.",
        ARTICLE + "apod-2026-october-2-the-complete-sharpless-catalog-313-nebulae/",
    ),
}


@pytest.mark.parametrize("yymmdd", sorted(ALT_AND_PERMALINK))
def test_alt_and_permalink(sample, yymmdd: str) -> None:
    # 150603's alt is the generic "See Explanation. Clicking on the picture will download…"
    day = parse_page(sample(f"apod-basic-{yymmdd}.json"), API + yymmdd)
    assert (day.alt, day.permalink) == ALT_AND_PERMALINK[yymmdd]
    assert day.source_damaged is False


def test_list_records_carry_their_own_permalink(sample) -> None:
    days = parse_listing(sample("apod-basic-list-151018-151019.json"), API)
    assert [(d.permalink, d.alt) for d in days] == [
        (ARTICLE + "apod-2015-october-19-the-southern-cross-in-a-southern-sky/", None),
        (ARTICLE + "apod-2015-october-18-mammatus-clouds-over-saskatchewan/", None),
    ]


def test_record_damaged_at_the_source(sample) -> None:
    # a real record whose title lost a character before it reached us, as 259 pages of the
    # classic archive had (ap010107 "Glada V\ufffdnner"); the file shows it as it came
    record = json.loads(sample("apod-basic-261002.json"))
    record["title"] = record["title"].replace("Nebulas", "Nebul\ufffds")
    day = parse_page(json.dumps(record).encode(), API + "261002")
    assert day.source_damaged is True
    assert "Nebul\ufffds" in render(day)


def test_no_invented_copyright_label(sample) -> None:
    # basic_html hard-codes "Image Credit & Copyright:" on every day, this one too
    day = parse_page(sample("apod-basic-150603.json"), API + "150603")
    assert "Copyright</a>:</b>" in json.loads(sample("apod-basic-150603.json"))["basic_html"]
    assert not any("Copyright" in line for line in day.credit)


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        (
            "apod-basic-list-150603-150604.json",
            [
                (
                    "2015-06-04",
                    "NGC 2419: Intergalactic Wanderer",
                    DAM + "2015/june/ngc2419Frankebig.jpg",
                    "Image Credit & [Copyright](https://apod.nasa.gov/apod/lib/about_apod.html"
                    "#srapply): [Bob Franke](http://bf-astro.com/)",
                ),
                (
                    "2015-06-03",
                    "Flyby Image of Saturn's Sponge Moon Hyperion",
                    DAM + "2015/june/hyperion02_cassini_1024.jpg",
                    "Image Credit: [NASA](http://www.nasa.gov/) , [JPL-Caltech]"
                    "(http://www.jpl.nasa.gov/) , [SSI](http://ciclops.org/)",
                ),
            ],
        ),
        (
            "apod-basic-list-151018-151019.json",
            [
                (
                    "2015-10-19",
                    "The Southern Cross in a Southern Sky",
                    DAM + "2015/october/SouthernCrossSky_Fairbairn_1824.jpg",
                    "Image Credit & Copyright: [Carlos Fairbairn]"
                    "(http://www.astrobin.com/users/kiko.fairbairn/)",
                ),
                (
                    "2015-10-18",
                    "Mammatus Clouds Over Saskatchewan",
                    DAM + "2015/october/mammatus_lindsay_1280.jpg",
                    "Image Credit & [Licence](http://creativecommons.org/licenses/by-sa/3.0/deed.en)"
                    ": Craig Lindsay, [Wikipedia]"
                    "(http://en.wikipedia.org/wiki/File:Mammatus_clouds_regina_sk_june_2012.JPG)",
                ),
            ],
        ),
    ],
)
def test_list_samples(sample, name: str, expected: list[tuple[str, str, str, str]]) -> None:
    days = parse_listing(sample(name), "https://science.nasa.gov/x")
    assert [(d.date.isoformat(), d.title, d.image_url, d.credit[0]) for d in days] == expected
    for day in days:
        assert len(day.credit) == 1
        for note in NOTES:
            assert note not in day.explanation


def test_single_day_and_list_element_agree(sample) -> None:
    single = parse_page(sample("apod-basic-150603.json"), API + "150603")
    listed = parse_listing(sample("apod-basic-list-150603-150604.json"), API)[1]
    assert render(single) == render(listed)


def test_not_found_answer(sample) -> None:
    body = sample("apod-basic-404-260930.json")
    assert is_not_found(body.decode())
    with pytest.raises(NotADayPage, match="apod_basic_not_found"):
        parse_page(body, API + "260930")


def test_landing_page_is_not_a_day(sample) -> None:
    with pytest.raises(NotADayPage):
        parse_page(
            sample("science-apod-landing-261005-excerpt.html"), "https://science.nasa.gov/apod/"
        )


def test_json_of_another_day_is_refused(sample) -> None:
    with pytest.raises(WrongDayError):
        parse_page(sample("apod-basic-150603.json"), API + "150604")


def test_convert_takes_the_day_from_the_file_name(corpus: Path, tmp_path, capsys) -> None:
    saved = tmp_path / "apod-basic-261002.json"
    saved.write_bytes((corpus / "science" / "apod-basic-261002.json").read_bytes())
    assert main(["convert", str(saved)]) == 0
    out = capsys.readouterr().out
    assert out.startswith('---\n{\n  "title": "The Complete Sharpless Catalog: 313 Nebulas",')
    assert '"canonicalUrl": "https://apod.nasa.gov/apod/ap261002.html"' in out


def test_convert_refuses_a_list(corpus: Path, capsys) -> None:
    path = corpus / "science" / "apod-basic-list-150603-150604.json"
    assert main(["convert", str(path)]) == 1
    captured = capsys.readouterr()
    assert captured.out == "" and "a list of days" in captured.err
