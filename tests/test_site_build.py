"""python -m apodscrape site: the pages, the lists, the search index, incremental runs."""

from __future__ import annotations

import calendar
import datetime as dt
import filecmp
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import feedparser
import lxml.html
import pytest
from PIL import Image

from apodscrape import catalog
from apodscrape.site import build as site_build
from apodscrape.site.build import build
from apodscrape.site.manifest import NAME as MANIFEST
from apodscrape.site.search import Index, ordinal

from .archives import a_day, write_days
from .conftest import ROOT
from .sitearchive import (
    DAYS,
    PWNED,
    RARE_WORD,
    RICH_DAYS,
    describe,
    png,
    rich_archive,
    small_archive,
)
from .test_cli import apodscrape


@pytest.fixture
def archive(tmp_path: Path) -> Path:
    return small_archive(tmp_path / "archive")


@pytest.fixture
def out(archive: Path, tmp_path: Path) -> Path:
    built = tmp_path / "site"
    build(archive, built)
    return built


def page(out: Path, name: str) -> lxml.html.HtmlElement:
    return lxml.html.fromstring((out / name).read_bytes())


def text(element: lxml.html.HtmlElement, selector: str) -> str:
    """The text of the first element matching, its lines joined by a space."""
    return re.sub(r"\s*\n\s*", " ", element.cssselect(selector)[0].text_content()).strip()


def assert_same_files(site: Path, other: Path) -> None:
    """Two built sites hold the same files, byte for byte."""
    files = sorted(str(p.relative_to(site)) for p in site.rglob("*") if p.is_file())
    assert files == sorted(str(p.relative_to(other)) for p in other.rglob("*") if p.is_file())
    _, differ, errors = filecmp.cmpfiles(site, other, files, shallow=False)
    assert differ == [] and errors == []


def searchable(out: Path, word: str) -> list[int]:
    """The ordinals of the days the built index finds for a whole word."""
    index = Index.read(out)
    assert index is not None
    posting = index.shards.get(word[:2], {}).get(word, "")
    return [int(posting[i : i + 3], 36) for i in range(0, len(posting), 4)]


# --- pages -------------------------------------------------------------------------------------


def test_a_page_per_day_at_its_classic_address(out: Path) -> None:
    assert sorted(p.stem for p in out.glob("ap*.html")) == DAYS


def test_a_day_page_shows_date_media_title_credit_and_explanation(out: Path) -> None:
    day = page(out, "ap250102.html")
    assert text(day, "#date") == "2025 January 2"
    assert day.cssselect("#media img")[0].get("src") == (
        "https://apod.nasa.gov/apod/image/2501/sky.jpg"
    )
    assert text(day, "#title") == "A Nebula Nearby"
    credit = day.cssselect("#credit")[0]
    assert [a.get("href") for a in credit.iter("a")] == ["https://observatory.example/"]
    assert len(credit.findall("br")) == 1
    assert text(day, "#credit") == "Image Credit: Observatory Processing: A. Person"
    explanation = day.cssselect("#explanation")[0]
    assert len(explanation.findall("p")) == 2
    assert text(day, "#explanation").startswith(f"Explanation: This {RARE_WORD} glows at 104 K.")
    assert explanation.cssselect("sup")[0].text == "4"
    assert day.cssselect('link[rel="canonical"]')[0].get("href") == (
        "https://apod.nasa.gov/apod/ap250102.html"
    )
    assert day.findtext(".//title") == "APOD: 2025 January 2 - A Nebula Nearby"


def test_links_to_days_the_site_has_are_local(out: Path) -> None:
    links = {a.text: a.get("href") for a in page(out, "ap250102.html").cssselect("#explanation a")}
    assert links == {
        "yesterday": "ap250101.html",
        "a day not mirrored": "https://apod.nasa.gov/apod/ap240101.html",
    }


def test_previous_and_next_skip_the_gaps(out: Path) -> None:
    def neighbours(name: str) -> tuple[str | None, str | None]:
        day = page(out, name)
        before, after = day.cssselect('a[rel="prev"]'), day.cssselect('a[rel="next"]')
        return (before[0].get("href") if before else None, after[0].get("href") if after else None)

    assert neighbours("ap241231.html") == (None, "ap250101.html")
    assert neighbours("ap250103.html") == ("ap250102.html", "ap250105.html")
    assert neighbours("ap250105.html") == ("ap250103.html", "ap250106.html")
    assert neighbours("ap250107.html") == ("ap250106.html", None)


def test_each_kind_of_media(out: Path, archive: Path) -> None:
    embed = page(out, "ap250103.html").cssselect("#media iframe")[0]
    assert embed.get("src") == "https://www.youtube.com/embed/B1R3dTdcpSU?rel=0"
    assert "allow-scripts" in embed.get("sandbox")
    video = page(out, "ap250107.html").cssselect("#media video")[0]
    assert video.get("src") == "https://apod.nasa.gov/apod/image/2501/launch.mp4"
    downloaded = page(out, "ap250105.html").cssselect("#media img")[0]
    assert downloaded.get("src") == "media/ap250105/picture.png"
    assert (out / "media/ap250105/picture.png").read_bytes() == png()
    assert (out / "media/ap250105/picture.png").samefile(archive / "media/ap250105/picture.png")


def test_a_day_without_explanation_or_media(out: Path) -> None:
    day = page(out, "ap250107.html")
    assert text(day, "#explanation") == ""
    assert page(out, "ap250106.html").cssselect("#media") == []  # javascript: is no media


def test_nothing_from_a_day_becomes_script(out: Path) -> None:
    html = (out / "ap250106.html").read_text(encoding="utf-8")
    day = lxml.html.fromstring(html)
    assert day.cssselect("script, iframe, svg, object, embed") == []
    assert [img for img in day.iter("img")] == []
    for element in day.iter():
        for name, value in element.attrib.items():
            assert not name.lower().startswith("on"), (element.tag, name)
            assert not value.strip().lower().startswith(("javascript:", "data:text")), value
    assert PWNED in text(day, "#title") and "<script>" in text(day, "#title")
    assert "<script>" in text(day, "#explanation") and "<script>" in text(day, "#credit")
    assert "click" in text(day, "#explanation")  # the link's text stays, without the link


def test_index_and_astropix_are_the_newest_day(out: Path) -> None:
    newest = (out / "ap250107.html").read_bytes()
    assert (out / "index.html").read_bytes() == newest
    assert (out / "astropix.html").read_bytes() == newest


def test_archivepix_lists_every_day_newest_first(out: Path) -> None:
    listing = page(out, "archivepix.html").cssselect("#archive")[0]
    assert [a.get("href") for a in listing.iter("a")] == [f"{d}.html" for d in reversed(DAYS)]
    lines = [line.strip() for line in listing.text_content().strip().splitlines()]
    assert lines[0] == "2025 January 07:  A Video File"
    assert lines[-1] == "2024 December 31:  Last Night of the Year"


def test_archivepix_jumps_to_each_year(out: Path) -> None:
    archive = page(out, "archivepix.html")
    jumps = [(a.text, a.get("href")) for a in archive.cssselect("#years a")]
    assert jumps == [("2025", "#y2025"), ("2024", "#y2024")]
    assert text(archive, "#y2025") == "2025 January 07"  # the year's newest day
    assert text(archive, "#y2024") == "2024 December 31"


def entry_html(entry: feedparser.FeedParserDict) -> str:
    """A feed entry's HTML: Atom's content, RSS's description."""
    return entry.content[0].value if "content" in entry else entry.summary


def test_the_feeds_hold_the_newest_days_as_their_pages_show_them(out: Path) -> None:
    for name, version in (("rss.xml", "rss20"), ("atom.xml", "atom10")):
        parsed = feedparser.parse((out / name).read_bytes())
        assert not parsed.bozo and parsed.version == version, name
        assert [e.link for e in parsed.entries] == [f"{d}.html" for d in reversed(DAYS)]
        for entry in parsed.entries:
            day = page(out, entry.link)
            assert entry.title == text(day, "#title")
            assert entry.id == day.cssselect('link[rel="canonical"]')[0].get("href")
            date = day.cssselect("time")[0].get("datetime")
            midnight = dt.datetime.fromisoformat(f"{date}T05:00+00:00")  # EST is UTC-5
            assert calendar.timegm(entry.published_parsed) == midnight.timestamp()
            content = lxml.html.fromstring(entry_html(entry))
            explanation = text(day, "#explanation").removeprefix("Explanation: ")
            assert explanation[:40] in " ".join(content.text_content().split())
        pictured = next(e for e in parsed.entries if e.link == "ap250105.html")
        img = lxml.html.fromstring(entry_html(pictured)).cssselect("img")[0]
        assert img.get("src") == "media/ap250105/picture.png"
        assert img.get("alt") == "A Downloaded Picture"


def test_a_run_that_changes_nothing_leaves_the_feeds_alone(archive: Path, out: Path) -> None:
    before = [(out / name).stat().st_mtime_ns for name in ("rss.xml", "atom.xml")]
    build(archive, out)
    assert [(out / name).stat().st_mtime_ns for name in ("rss.xml", "atom.xml")] == before
    write_days(archive, [a_day("2025-01-08", title="A New Day")])
    build(archive, out)
    assert feedparser.parse((out / "rss.xml").read_bytes()).entries[0].title == "A New Day"


# --- alt text ---------------------------------------------------------------------------------


def test_a_picture_is_described_by_its_page_else_by_its_title(archive: Path, out: Path) -> None:
    assert page(out, "ap250102.html").cssselect("#media img")[0].get("alt") == "A Nebula Nearby"
    describe(archive, {"2025-01-02": "A red cloud of glowing hydrogen <b>gas</b>"})
    report = build(archive, out)
    assert report.rendered == ["ap250102"]  # a new description: its page anew
    shown = page(out, "ap250102.html").cssselect("#media img")[0]
    assert shown.get("alt") == "A red cloud of glowing hydrogen <b>gas</b>"  # text, escaped
    assert page(out, "ap250105.html").cssselect("#media img")[0].get("alt") == (
        "A Downloaded Picture"
    )
    described = [e for e in feedparser.parse(out / "atom.xml").entries if e.link == "ap250102.html"]
    img = lxml.html.fromstring(entry_html(described[0])).cssselect("img")[0]
    assert img.get("alt") == "A red cloud of glowing hydrogen <b>gas</b>"


def test_an_unusable_catalog_leaves_the_titles(
    archive: Path, out: Path, caplog: pytest.LogCaptureFixture
) -> None:
    (archive / catalog.CATALOG_NAME).write_bytes(b"not a database, not at all" * 100)
    report = build(archive, out)
    assert report.rendered == []
    assert page(out, "ap250102.html").cssselect("#media img")[0].get("alt") == "A Nebula Nearby"
    assert "described by their titles" in caplog.text


# --- thumbnails ---------------------------------------------------------------------------------


@pytest.fixture
def rich(tmp_path: Path) -> tuple[Path, Path]:
    """An archive with pictures downloaded for some days, and its site."""
    archive = rich_archive(tmp_path / "rich")
    built = tmp_path / "rich-site"
    build(archive, built)
    return archive, built


def thumbs_listed(out: Path, name: str) -> dict[str, str]:
    """The thumbnails a list page shows: {the day it links to: the picture's address}."""
    shown = {}
    for img in page(out, name).cssselect("img"):
        link = img.getparent()
        assert link.tag == "a" and "thumb" in img.get("class"), name
        assert img.get("loading") == "lazy", name
        shown[link.get("href").removeprefix("../")[:-5]] = img.get("src").removeprefix("../")
    return shown


def test_thumbnails_of_the_local_pictures_only_never_enlarged(rich: tuple[Path, Path]) -> None:
    _, out = rich
    local = [f"ap2401{n:02d}" for n in range(1, RICH_DAYS + 1, 2)] + ["ap250105"]
    assert sorted(p.stem for p in (out / "thumbs").iterdir()) == sorted(local)
    with Image.open(out / "thumbs/ap240101.jpg") as small:
        assert small.format == "JPEG" and small.size == (240, 180)  # from 400 x 300
    with Image.open(out / "thumbs/ap250105.jpg") as small:
        assert small.size == (4, 3)  # smaller than a thumbnail: as it is
    expected = {stem: f"thumbs/{stem}.jpg" for stem in local}
    assert thumbs_listed(out, "archivepix.html") == expected
    january = {k: v for k, v in expected.items() if k.startswith("ap2401")}
    assert thumbs_listed(out, "calendar/ca2401.html") == january
    assert thumbs_listed(out, "calendar/ca2501.html") == {"ap250105": "thumbs/ap250105.jpg"}


def test_without_local_media_the_lists_show_no_picture(out: Path) -> None:
    (out / "thumbs/ap250105.jpg").unlink()
    assert sorted(os.listdir(out / "thumbs")) == []
    build(out.parent / "archive", out)  # a thumbnail lost is made again
    assert os.listdir(out / "thumbs") == ["ap250105.jpg"]
    shutil.rmtree(out.parent / "archive" / "media")
    build(out.parent / "archive", out)
    assert os.listdir(out / "thumbs") == []
    for name in ("archivepix.html", "calendar/ca2501.html", "calendar/ca2412.html"):
        assert page(out, name).cssselect("img") == [], name


def test_thumbnails_are_made_again_only_when_their_picture_changes(
    rich: tuple[Path, Path],
) -> None:
    archive, out = rich
    stamps = {p.name: p.stat().st_mtime_ns for p in (out / "thumbs").iterdir()}
    build(archive, out)
    assert {p.name: p.stat().st_mtime_ns for p in (out / "thumbs").iterdir()} == stamps
    archive = archive.rename(archive.with_name("moved"))  # to another disk, say
    build(archive, out)
    assert {p.name: p.stat().st_mtime_ns for p in (out / "thumbs").iterdir()} == stamps
    (archive / "media/ap240103/comet3.png").write_bytes(png(300, 400))
    build(archive, out)
    changed = {p.name for p in (out / "thumbs").iterdir() if p.stat().st_mtime_ns != stamps[p.name]}
    assert changed == {"ap240103.jpg"}
    with Image.open(out / "thumbs/ap240103.jpg") as small:
        assert small.size == (135, 180)


def test_a_video_day_shows_its_local_still_and_a_broken_picture_none(
    archive: Path, out: Path, caplog: pytest.LogCaptureFixture
) -> None:
    stored = archive / "media" / "ap250107"
    stored.mkdir()
    (stored / "launch.mp4").write_bytes(b"not really a video")
    (stored / "launch.png").write_bytes(png(320, 180))
    (archive / "media/ap250105/picture.png").write_bytes(b"not a picture")
    build(archive, out)
    assert os.listdir(out / "thumbs") == ["ap250107.jpg"]
    assert thumbs_listed(out, "archivepix.html") == {"ap250107": "thumbs/ap250107.jpg"}
    assert "ap250105: no thumbnail" in caplog.text


def test_a_calendar_page_per_month(out: Path) -> None:
    january = page(out, "calendar/ca2501.html")
    assert text(january, "#month") == "January 2025"
    days = [a.get("href") for a in january.cssselect("td.day a")]
    assert days == [f"../{d}.html" for d in DAYS[1:]]
    assert [td.text_content().strip() for td in january.cssselect("td.gap")] == [
        str(n) for n in [4, *range(8, 32)]
    ]
    assert january.cssselect("tbody tr")[0].cssselect("td")[3].text_content().startswith("1")
    assert january.cssselect('a[rel="prev"]')[0].get("href") == "../calendar/ca2412.html"
    assert january.cssselect('a[rel="next"]') == []
    december = page(out, "calendar/ca2412.html")
    assert december.cssselect('a[rel="next"]')[0].get("href") == "../calendar/ca2501.html"
    years = page(out, "calendar/allyears.html")
    assert [a.get("href") for a in years.cssselect("a")][:2] == [
        "../calendar/ca2501.html",
        "../calendar/ca2412.html",
    ]


def test_every_page_links_relatively(out: Path) -> None:
    for path in out.rglob("*.html"):
        for element, attribute, link, _ in lxml.html.fromstring(path.read_bytes()).iterlinks():
            if element.tag in ("a", "img", "video", "iframe") and link.startswith("http"):
                continue  # the web: the days' media and links
            assert not link.startswith(("/", "file:")), (path, element.tag, attribute, link)


def test_the_search_index_has_every_day_and_its_words(out: Path) -> None:
    days = (out / "search/days.js").read_text(encoding="utf-8")
    assert days.startswith("apodSearch.days([")
    for name in DAYS:
        assert f"{name[2:]}\\t" in days
    two = ordinal(a_day("2025-01-02").date)
    assert searchable(out, RARE_WORD) == [two]
    assert searchable(out, "hydrogen") == [two]
    assert searchable(out, "observatory") == [two]  # the credit counts
    assert searchable(out, "nebula") == [two]  # and the title
    assert searchable(out, "wikipedia") == []  # link addresses do not


# --- incremental runs --------------------------------------------------------------------------


def test_a_second_run_renders_and_writes_nothing(archive: Path, out: Path) -> None:
    before = {path: path.stat().st_mtime_ns for path in out.rglob("*")}
    report = build(archive, out)
    assert (report.rendered, report.removed, report.written, report.full) == ([], [], 0, False)
    assert {path: path.stat().st_mtime_ns for path in out.rglob("*")} == before


def test_a_changed_day_is_rendered_again_alone(archive: Path, out: Path) -> None:
    write_days(archive, [a_day("2025-01-02", title="Renamed", explanation="Now quasars.")])
    report = build(archive, out)
    assert report.rendered == ["ap250102"]
    assert text(page(out, "ap250102.html"), "#title") == "Renamed"
    assert "2025 January 02:  Renamed" in text(page(out, "archivepix.html"), "#archive")
    assert "Renamed" in (out / "calendar/ca2501.html").read_text(encoding="utf-8")
    assert searchable(out, "quasars") == [ordinal(a_day("2025-01-02").date)]
    assert searchable(out, RARE_WORD) == []


def test_a_new_day_renders_its_neighbours_and_the_days_linking_to_it(
    archive: Path, out: Path
) -> None:
    write_days(archive, [a_day("2025-01-04"), a_day("2024-01-01")])
    report = build(archive, out)
    assert sorted(report.rendered) == [
        "ap240101", "ap241231",  # new, and the old first day's "before"
        "ap250101",  # its "on this day" row gains 2024
        "ap250102",  # links to 2024-01-01: now a local page
        "ap250103", "ap250104", "ap250105",  # new between two
    ]  # fmt: skip
    assert page(out, "ap250103.html").cssselect('a[rel="next"]')[0].get("href") == "ap250104.html"
    links = [a.get("href") for a in page(out, "ap250102.html").cssselect("#explanation a")]
    assert links == ["ap250101.html", "ap240101.html"]
    assert (out / "calendar/ca2401.html").is_file()
    row = page(out, "ap250101.html").cssselect("#onthisday a")
    assert [(a.text, a.get("href")) for a in row] == [("2024", "ap240101.html")]


def test_pages_rendered_for_their_neighbours_keep_their_words_and_texts(
    archive: Path, out: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # What search reads of a day (its words, its text) changes only with its own record:
    # an update neither indexes again nor turns into text the days only rendered around it.
    texts, removed = [], []
    monkeypatch.setattr(site_build.Pages, "text", lambda self, p: texts.append(p.stem) or "")
    remove = Index.remove
    monkeypatch.setattr(
        Index, "remove", lambda self, days: remove(self, removed.extend(days) or removed)
    )
    write_days(archive, [a_day("2025-01-02", title="Renamed", explanation="Now quasars."),
                         a_day("2024-01-01")])  # fmt: skip
    report = build(archive, out)
    assert {"ap241231", "ap250101"} <= set(report.rendered)  # rendered for 2024-01-01
    assert removed == [ordinal(dt.date(2025, 1, 2))]  # the one day whose words changed
    # the month of the changed day is made again, the others' texts kept (ap241231's too)
    assert set(texts) == {day for day in DAYS if day.startswith("ap2501")} - set(report.rendered)
    assert searchable(out, "quasars") == [ordinal(dt.date(2025, 1, 2))]
    assert searchable(out, RARE_WORD) == []


def test_a_day_gone_from_the_archive_is_gone_from_the_site(archive: Path, out: Path) -> None:
    (archive / "ap250102.txt").unlink()
    report = build(archive, out)
    assert report.removed == ["ap250102"]
    assert sorted(report.rendered) == ["ap250101", "ap250103"]
    assert not (out / "ap250102.html").exists()
    assert "ap250102.html" not in (out / "archivepix.html").read_text(encoding="utf-8")
    assert searchable(out, RARE_WORD) == []


def test_a_month_and_a_download_gone_with_their_days(archive: Path, out: Path) -> None:
    (archive / "ap241231.txt").unlink()
    (archive / "ap250105.txt").unlink()
    report = build(archive, out)
    assert report.removed == ["ap241231", "ap250105"]
    assert not (out / "calendar/ca2412.html").exists()
    assert page(out, "calendar/ca2501.html").cssselect('a[rel="prev"]') == []
    assert not (out / "media/ap250105").exists()


def test_pages_of_days_gone_go_even_without_the_manifest(
    archive: Path, out: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (out / MANIFEST).unlink()
    (archive / "ap250101.txt").unlink()
    assert build(archive, out).removed == ["ap250101"]
    assert not (out / "ap250101.html").exists()
    (archive / "ap250102.txt").unlink()  # and a new version of the site: built anew
    monkeypatch.setattr(site_build, "generator", lambda: "another version")
    report = build(archive, out)
    assert report.full and report.removed == ["ap250102"]
    assert searchable(out, RARE_WORD) == []
    assert not (out / "search/zy.js").exists()  # no shard left over from the build before


def test_a_new_download_renders_its_day(archive: Path, out: Path) -> None:
    stored = archive / "media" / "ap250101"
    stored.mkdir()
    (stored / "sky_hires.png").write_bytes(png(8, 8))
    report = build(archive, out)
    assert report.rendered == ["ap250101"]
    img = page(out, "ap250101.html").cssselect("#media img")[0]
    assert img.get("src") == "media/ap250101/sky_hires.png"


def test_a_changed_generator_renders_everything(
    archive: Path, out: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(site_build, "generator", lambda: "another version")
    report = build(archive, out)
    assert report.full and sorted(report.rendered) == DAYS


def test_a_lost_manifest_or_index_renders_everything(archive: Path, out: Path) -> None:
    (out / MANIFEST).unlink()
    assert build(archive, out).full
    (out / "search" / "days.js").unlink()
    assert build(archive, out).full
    for damaged in (
        "alert(1)\n",
        'apodSearch.shard("zy", {"zyxwonder": 7});\n',
        'apodSearch.shard("zy", {"zyxwonder": "00"});\n',
        'apodSearch.shard("ab", {});\n',  # not the file's shard
    ):
        (out / "search" / "zy.js").write_text(damaged, encoding="utf-8")
        assert build(archive, out).full, damaged


def test_runs_after_changes_give_the_site_a_full_build_gives(archive: Path, out: Path) -> None:
    write_days(archive, [a_day("2025-01-02", title="Renamed", explanation="quasars")])
    build(archive, out)
    (archive / "ap250106.txt").unlink()
    write_days(archive, [a_day("2025-01-04", explanation="More quasars."), a_day("2025-01-08")])
    build(archive, out)
    fresh = out.parent / "fresh"
    build(archive, fresh)
    assert json.loads((out / MANIFEST).read_text()) == json.loads((fresh / MANIFEST).read_text())
    assert_same_files(out, fresh)


def test_worker_processes_render_what_one_process_renders(
    archive: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    alone = tmp_path / "alone"
    build(archive, alone, jobs=1)
    monkeypatch.setattr(site_build, "_PARALLEL_FROM", 1)
    shared = tmp_path / "shared"
    assert sorted(build(archive, shared, jobs=2).rendered) == DAYS
    assert_same_files(alone, shared)


# --- the command -------------------------------------------------------------------------------


def test_the_command_builds_then_updates(archive: Path, tmp_path: Path) -> None:
    run = apodscrape("site", str(archive), str(tmp_path / "www"))
    assert run.returncode == 0, run.stderr
    assert run.stdout.decode().startswith("site: 7 days, 7 day pages rendered, 0 removed, ")
    assert "(full build, " in run.stdout.decode() and run.stderr == b""
    again = apodscrape("site", str(archive), str(tmp_path / "www"), "--quiet")
    assert (again.returncode, again.stdout, again.stderr) == (0, b"", b"")


@pytest.mark.parametrize("problem", ["missing", "empty"])
def test_an_archive_with_no_days_is_one_line_and_status_1(tmp_path: Path, problem: str) -> None:
    archive = tmp_path / "archive"
    if problem == "empty":
        archive.mkdir()
    run = apodscrape("site", str(archive), str(tmp_path / "www"))
    assert run.returncode == 1 and run.stdout == b""
    lines = run.stderr.decode().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ") and str(archive) in lines[0]
    assert not (tmp_path / "www").exists()


def test_the_tool_never_imports_scrapy_or_twisted(archive: Path, tmp_path: Path) -> None:
    script = f"""
import sys
for name in ("scrapy", "twisted"):
    sys.modules[name] = None  # an import of either now fails
from apodscrape.__main__ import main
status = main(["site", {str(archive)!r}, {str(tmp_path / "www")!r}, "--quiet"])
del sys.modules["scrapy"], sys.modules["twisted"]
print(sorted({{m.split(".")[0] for m in sys.modules}} & {{"scrapy", "twisted"}}), status)
"""
    run = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert run.returncode == 0, run.stderr
    assert run.stdout.strip() == "[] 0"
    assert (tmp_path / "www" / "index.html").is_file()
