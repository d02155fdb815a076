"""The site simulator (sitesim/): its archive and gaps, each era's layout, what each
mode answers over HTTP, a test's own site (published days, scripted answers), faults; and
crawls of slices of it with the real engine."""

from __future__ import annotations

import datetime as dt
import http.client
import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest

import sitesim
from apodscrape import parse_page
from apodscrape.archive import read
from apodscrape.days import canonical_url
from apodscrape.parse.decode import decode
from sitesim import Faults, SiteSim

from .conftest import ROOT

END = dt.date(2026, 11, 23)
API = "/science/wp-json/wp/v2/apod-basic"


def get(sim: SiteSim, path: str) -> tuple[int, dict[str, str], bytes]:
    """One GET, redirects not followed: status, headers, body."""
    address = urlsplit(sim.url)
    connection = http.client.HTTPConnection(address.hostname, address.port, timeout=10)
    try:
        connection.request("GET", path)
        response = connection.getresponse()
        return response.status, dict(response.getheaders()), response.read()
    finally:
        connection.close()


@pytest.fixture
def classic() -> Iterator[SiteSim]:
    with SiteSim("classic", END) as sim:
        yield sim


@pytest.fixture
def moved() -> Iterator[SiteSim]:
    with SiteSim("moved", END) as sim:
        yield sim


# --- the archive ---------------------------------------------------------------------------


def test_archive_starts_on_the_first_day_and_skips_the_real_gaps() -> None:
    june_1995 = sitesim.archive_days(dt.date(1995, 6, 30))
    assert june_1995[:2] == [dt.date(1995, 6, 16), dt.date(1995, 6, 20)]
    assert len(june_1995) == 15 - 3
    assert not sitesim.has_page(dt.date(2020, 6, 10), END)
    assert sitesim.has_page(dt.date(2020, 6, 9), END) and sitesim.has_page(
        dt.date(2020, 6, 11), END
    )
    assert not sitesim.has_page(dt.date(1995, 6, 15), END)
    assert not sitesim.has_page(END + dt.timedelta(days=1), END)
    everything = sitesim.archive_days(END)
    assert len(everything) == (END - dt.date(1995, 6, 16)).days + 1 - 4


def test_pages_are_drawn_from_the_date_and_the_seed() -> None:
    day = dt.date(2011, 3, 14)
    assert sitesim.classic_page(day).body == sitesim.classic_page(day).body
    assert sitesim.classic_page(day, seed=1).body != sitesim.classic_page(day).body
    titles = {sitesim.content(d).title for d in sitesim.archive_days(dt.date(1996, 12, 31))}
    assert len(titles) == len(sitesim.archive_days(dt.date(1996, 12, 31)))  # one title a day


def kinds_in(year: int) -> dict[str, dt.date]:
    """A day of each media kind and encoding in `year`."""
    found: dict[str, dt.date] = {}
    days = sitesim.archive_days(dt.date(year, 12, 31), dt.date(year, 1, 1))
    for day in days:
        c = sitesim.content(day)
        found.setdefault(c.kind, day)
        found.setdefault(c.encoding, day)
    return found


def body_before_explanation(day: dt.date) -> str:
    text = sitesim.classic_page(day).body.decode("utf-8-sig", errors="replace")
    return text.split("Explanation", 1)[0]


def test_1995_pages_have_no_center_and_crlf_line_ends() -> None:
    body = sitesim.classic_page(dt.date(1995, 7, 4)).body
    assert b"<center" not in body.lower() and b"\r\n" in body
    assert b"<html" not in body.lower() and b"Today's Picture: July 4, 1995" in body


def test_1996_pages_have_one_center() -> None:
    assert body_before_explanation(dt.date(1996, 8, 21)).lower().count("<center>") == 1
    assert "August 21, 1996" in body_before_explanation(dt.date(1996, 8, 21))


def test_2000s_pages_are_tables_with_rollover_pictures() -> None:
    rollover = kinds_in(2004)["rollover"]
    text = body_before_explanation(rollover)
    assert "<TABLE" in text and 'href="#"' in text and "onMouseOver" in text


def test_2010s_pages_have_two_centers_and_youtube_on_some_days() -> None:
    found = kinds_in(2014)
    text = body_before_explanation(found["youtube"])
    assert text.lower().count("<center>") == 2
    assert 'src="//www.youtube.com/embed/' in text
    cp1252 = sitesim.classic_page(found["windows-1252"]).body
    with pytest.raises(UnicodeDecodeError):
        cp1252.decode("utf-8")
    assert any(letter in decode(cp1252) for letter in "\u2013ñéãåüó")  # read as Windows-1252


def test_2020s_pages_start_with_a_byte_order_mark() -> None:
    assert sitesim.classic_page(dt.date(2022, 2, 2)).body.startswith(b"\xef\xbb\xbf")


def test_2025_pages_show_videos_in_video_source() -> None:
    text = body_before_explanation(kinds_in(2025)["video"])
    assert "<video" in text and '<source src="image/25' in text


@pytest.mark.slow
@pytest.mark.parametrize("form", ["classic", "science"])
def test_generated_days_read_as_the_simulator_says(form: str) -> None:
    # every 29th day of the archive: all eras, media kinds and encodings
    for day in sitesim.archive_days(END)[::29]:
        if form == "classic":
            page = sitesim.classic_page(day)
            body, expected, url = page.body, page.expected, canonical_url(day)
        else:
            record, expected = sitesim.science_record(day)
            body, url = json.dumps(record).encode(), f"https://science.nasa.gov{API}/{day:%y%m%d}"
        parsed = parse_page(body, url)
        assert parsed.date == day
        assert parsed.title == expected.title, day
        assert parsed.image_url == expected.image_url, day
        assert tuple(parsed.credit) == expected.credit, day
        assert parsed.explanation == expected.explanation, day


# --- classic mode over HTTP ----------------------------------------------------------------


def test_classic_mode_serves_day_pages_and_404s_the_gaps(classic: SiteSim) -> None:
    status, headers, body = get(classic, "/apod/ap960821.html")
    assert status == 200 and headers["Content-Type"].startswith("text/html")
    assert body == sitesim.classic_page(dt.date(1996, 8, 21)).body
    for missing in ("ap950617", "ap200610", "ap950615", "ap261124", "ap991340"):
        assert get(classic, f"/apod/{missing}.html")[0] == 404
    assert get(classic, "/apod/archivepix.html")[0] == 404
    assert get(classic, f"{API}/960821")[0] == 200  # the API serves days in every mode
    assert get(classic, "/robots.txt")[0] == 200
    assert classic.requested("/apod/ap96") == ["/apod/ap960821.html"]


# --- moved mode over HTTP ------------------------------------------------------------------


def test_moved_mode_redirects_every_classic_day_to_the_landing_page(moved: SiteSim) -> None:
    for stem in ("ap960821", "ap261001", "ap950618"):
        status, headers, _ = get(moved, f"/apod/{stem}.html")
        assert status == 301 and headers["Location"] == f"{moved.url}/science/apod/"
    status, _, landing = get(moved, "/science/apod/")
    assert status == 200
    assert landing == sitesim.classic_page(END).body  # today's picture, whatever was asked


def test_moved_mode_serves_single_days_and_not_found(moved: SiteSim) -> None:
    status, headers, body = get(moved, f"{API}/960821")
    assert status == 200 and headers["Content-Type"].startswith("application/json")
    record = json.loads(body)
    assert record["date"] == "1996-08-21"
    assert record["title"] == sitesim.content(dt.date(1996, 8, 21)).title
    for missing in ("200610", "950618", "261124"):
        status, _, body = get(moved, f"{API}/{missing}")
        assert status == 404 and json.loads(body)["code"] == "apod_basic_not_found"


def list_of(sim: SiteSim, query: str) -> tuple[int, dict[str, str], list | dict]:
    status, headers, body = get(sim, f"{API}?{query}")
    return status, headers, json.loads(body)


def test_list_pages_are_newest_first_and_capped_at_25(moved: SiteSim) -> None:
    status, headers, first = list_of(moved, "date_from=200601&date_to=200630&per_page=100&page=1")
    assert status == 200
    assert [r["date"] for r in first][:3] == ["2020-06-30", "2020-06-29", "2020-06-28"]
    assert len(first) == 25
    assert headers["X-WP-Total"] == "29" and headers["X-WP-TotalPages"] == "2"  # June 10 is a gap
    _, _, second = list_of(moved, "date_from=200601&date_to=200630&per_page=100&page=2")
    assert [r["date"] for r in second] == ["2020-06-04", "2020-06-03", "2020-06-02", "2020-06-01"]
    dates = {r["date"] for r in first + second}
    assert "2020-06-10" not in dates and len(dates) == 29


def test_list_page_size_below_the_cap_and_pages_past_the_end(moved: SiteSim) -> None:
    _, _, page = list_of(moved, "date_from=950616&date_to=950630&per_page=5&page=3")
    assert [r["date"] for r in page] == ["1995-06-20", "1995-06-16"]  # 12 days: 5, 5, 2
    _, _, page = list_of(moved, "date_from=950616&date_to=950630&per_page=5&page=2")
    assert len(page) == 5
    status, _, error = list_of(moved, "date_from=950616&date_to=950630&per_page=5&page=4")
    assert status == 400 and error["code"] == "rest_post_invalid_page_number"
    _, _, none = list_of(moved, "date_from=950617&date_to=950619")
    assert none == []


# --- a test's own site: published days and scripted answers ------------------------------


def test_an_empty_site_serves_only_the_days_published_with_their_changes() -> None:
    gap, day = dt.date(2020, 6, 10), dt.date(2020, 6, 11)
    with SiteSim(days=()) as sim:
        assert get(sim, "/apod/ap200611.html")[0] == 404
        assert json.loads(get(sim, f"{API}/200611")[2])["code"] == "apod_basic_not_found"
        sim.publish(gap, day, title="Sky of {day}")
        _, _, page = get(sim, "/apod/ap200611.html")
        assert page == sitesim.classic_page(day, title="Sky of 2020-06-11").body
        assert parse_page(page, canonical_url(day)).title == "Sky of 2020-06-11"
        assert get(sim, "/apod/ap200610.html")[0] == 200  # published: a gap no more
        _, headers, listed = list_of(sim, "date_from=200601&date_to=200630&per_page=1")
        assert [r["title"] for r in listed] == ["Sky of 2020-06-11"]
        assert headers["X-WP-Total"] == "2"
        assert list_of(sim, "date_from=200601&date_to=200630&per_page=1&page=3")[0] == 400
        sim.mode = "moved"
        assert get(sim, "/apod/ap200611.html")[0] == 301
        _, _, landing = get(sim, "/science/apod/")
        assert landing == page  # the newest day published


def test_scripted_answers_come_before_the_site_in_turn() -> None:
    path = "/apod/ap960821.html"
    with SiteSim("classic", END) as sim:
        sim.answers(path, sitesim.Answer(503, headers={"Retry-After": "3"}), sitesim.Answer(204))
        sim.page("/apod/archivepix.html", sitesim.ARCHIVE_PAGE)
        first, second, third = (get(sim, path) for _ in range(3))
        assert first[0] == 503 and first[1]["Retry-After"] == "3"
        assert second[0] == third[0] == 204  # the last answer stays
        assert get(sim, "/apod/archivepix.html")[2] == sitesim.ARCHIVE_PAGE
        sim.failing_list_pages = {2}
        assert get(sim, f"{API}?date_from=960801&date_to=960831&page=2")[0] == 500
    assert sim.requested(path) == [path] * 3
    assert len(sim.times(path)) == 3 and sim.times(path) == sorted(sim.times(path))
    assert sim.stats()["scripted"] == 4


def test_a_scripted_body_can_be_cut_short() -> None:
    body = sitesim.classic_page(dt.date(1996, 8, 21)).body
    with SiteSim(days=()) as sim:
        sim.routes["/apod/ap960821.html"] = sitesim.Answer(body=body, sent=100)
        address = urlsplit(sim.url)
        connection = http.client.HTTPConnection(address.hostname, address.port, timeout=10)
        connection.request("GET", "/apod/ap960821.html")
        response = connection.getresponse()
        with pytest.raises(http.client.IncompleteRead) as cut:
            response.read()
        connection.close()
    assert int(response.getheader("Content-Length")) == len(body)
    assert cut.value.partial == body[:100]


# --- faults --------------------------------------------------------------------------------


def test_every_request_can_fail_with_a_server_error() -> None:
    with SiteSim("faults", END, faults=Faults(error_rate=1.0)) as sim:
        assert [get(sim, "/apod/ap960821.html")[0] for _ in range(3)] == [500, 500, 500]
        assert sim.stats()["500"] == 3


def test_throttling_answers_429_with_retry_after() -> None:
    with SiteSim("faults", END, faults=Faults(throttle_rate=1.0, retry_after=7)) as sim:
        status, headers, _ = get(sim, "/apod/ap960821.html")
    assert status == 429 and headers["Retry-After"] == "7"


def test_truncated_body_is_shorter_than_its_content_length() -> None:
    with SiteSim("faults", END, faults=Faults(truncate_rate=1.0)) as sim:
        address = urlsplit(sim.url)
        connection = http.client.HTTPConnection(address.hostname, address.port, timeout=10)
        connection.request("GET", "/apod/ap960821.html")
        response = connection.getresponse()
        announced = int(response.getheader("Content-Length"))
        with pytest.raises(http.client.IncompleteRead) as cut:
            response.read()
        connection.close()
    assert announced == len(sitesim.classic_page(dt.date(1996, 8, 21)).body)
    assert 0 < len(cut.value.partial) < announced


def test_fault_draws_are_seeded_per_address_and_attempt() -> None:
    faults = Faults(error_rate=0.5, delay=0.05)
    path = "/apod/ap960821.html"
    draws = [faults.draw(0, path, attempt) for attempt in range(1, 41)]
    assert draws == [faults.draw(0, path, attempt) for attempt in range(1, 41)]
    assert {fault for fault, _ in draws} == {None, "500"}  # a retry gets a fresh draw
    assert all(0 <= wait <= 0.05 for _, wait in draws)
    with SiteSim("faults", END, faults=faults) as sim:
        statuses = [get(sim, path)[0] for _ in range(6)]
    expected = [500 if fault else 200 for fault, _ in draws[:6]]
    assert statuses == expected
    assert [hit.delay for hit in sim.hits] == [wait for _, wait in draws[:6]]


def test_faults_mode_without_settings_uses_mild_defaults() -> None:
    sim = SiteSim("faults", END)
    assert sim.faults == sitesim.DEFAULT_FAULTS
    assert 0 < sim.faults.error_rate < 0.2 and sim.faults.delay < 0.1
    assert SiteSim("classic", END).faults is None


def test_command_line_prints_its_url_and_serves() -> None:
    command = [sys.executable, "-m", "sitesim", "--mode", "moved", "--end", "2026-11-23"]
    server = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, text=True)
    try:
        assert server.stdout is not None
        url = server.stdout.readline().strip()
        assert url.startswith("http://127.0.0.1:")
        sim = SiteSim("moved", END)
        sim.url = url
        assert get(sim, "/apod/ap960821.html")[0] == 301
        assert json.loads(get(sim, f"{API}/261123")[2])["date"] == "2026-11-23"
        assert json.loads(get(sim, sitesim.STATS_PATH)[2]) == {
            "classic_redirect": 1,
            "api_day": 1,
            "total": 2,
        }
    finally:
        server.terminate()
        server.wait(10)
    assert server.returncode == 0


# --- crawls of slices ----------------------------------------------------------------------


def written(output: Path) -> dict[str, tuple[dict, str]]:
    """The day files of an archive, read back: name -> (front matter, body)."""
    return {p.name: read(p.read_text(encoding="utf-8")) for p in sorted(output.glob("ap*.txt"))}


def month(year: int, number: int) -> list[dt.date]:
    last = (dt.date(year + number // 12, number % 12 + 1, 1)) - dt.timedelta(days=1)
    return sitesim.archive_days(last, dt.date(year, number, 1))


def test_moved_crawl_of_a_month_of_1996_and_of_2026_writes_each_day(moved, crawl, tmp_path):
    days = month(1996, 8) + month(2026, 10)
    result = crawl(moved, dates=",".join(map(str, days)))
    files = written(tmp_path / "output")
    assert sorted(files) == sorted(f"ap{d:%y%m%d}.txt" for d in days)
    for day in days:
        metadata, body = files[f"ap{day:%y%m%d}.txt"]
        _, expected = sitesim.science_record(day)
        assert metadata["title"] == expected.title
        assert metadata["canonicalUrl"] == canonical_url(day)
        assert metadata["imageUrl"] == expected.image_url
        assert body == expected.explanation
    # the classic site is asked once at most (a probe); each month is two list pages of 25
    assert len(moved.requested("/apod/")) <= 1
    assert len(moved.requested(f"{API}?")) == 4
    assert moved.requested("/science/apod/") == []
    assert result.stats["apod/written"] == 62


@pytest.mark.slow
def test_classic_crawl_across_every_era_writes_each_day(classic, crawl, tmp_path) -> None:
    days = sitesim.archive_days(END)[::97]  # 119 days, 1995 to 2026
    result = crawl(classic, dates=",".join(map(str, days)), source="classic")
    files = written(tmp_path / "output")
    assert len(files) == len(days)
    for day in days:
        metadata, body = files[f"ap{day:%y%m%d}.txt"]
        expected = sitesim.classic_page(day).expected
        assert metadata["title"] == expected.title
        assert metadata["imageUrl"] == expected.image_url
        assert tuple(metadata["credit"]) == expected.credit
        assert body == expected.explanation
    assert result.stats["apod/written"] == len(days)


@pytest.mark.slow
def test_crawl_through_faults_writes_every_day(crawl, tmp_path) -> None:
    faults = Faults(error_rate=0.15, throttle_rate=0.05, truncate_rate=0.05, delay=0.01)
    days = month(2014, 9)
    with SiteSim("faults", END, faults=faults) as sim:
        result = crawl(sim, start=str(days[0]), end=str(days[-1]), settings={"RETRY_TIMES": 6})
    assert len(written(tmp_path / "output")) == 30
    assert "apod/failed" not in result.stats
    assert sum(sim.stats()[kind] for kind in ("500", "429", "truncated")) > 0
    assert result.stats["retry/count"] > 0
