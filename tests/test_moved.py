"""After the 2026 move: a local site whose classic day pages 301 to a landing page showing
today's picture, and whose science API serves the days. No landing page becomes a file."""

from __future__ import annotations

import datetime as dt

import pytest

from sitesim import LANDING_PATH, SiteSim, classic_page

from .conftest import day_files

TODAY = dt.date(2026, 11, 23)
POLITE = {"CONCURRENT_REQUESTS_PER_DOMAIN": 1}  # the production setting: one request at a time
OLD, NEW = dt.date(2015, 6, 3), dt.date(2026, 9, 13)
SPRING_2025 = dt.date(2025, 3, 1)  # before the move: `auto` asks the classic site first


@pytest.fixture
def moved(site: SiteSim) -> SiteSim:
    site.mode = "moved"
    site.page(LANDING_PATH, classic_page(TODAY, title="Today's landing picture").body)
    return site


def serve_api(site: SiteSim, days: list[dt.date], cap: int = 25) -> None:
    site.publish(*days, title="Sky of {day}")
    site.list_cap = cap


def test_days_of_both_eras_come_from_the_api(moved, crawl, tmp_path) -> None:
    serve_api(moved, [OLD, NEW])
    result = crawl(moved, dates=f"{OLD},{NEW}")
    written = {p.name: p.read_text() for p in (tmp_path / "output").glob("ap*.txt")}
    assert sorted(written) == ["ap150603.txt", "ap260913.txt"]
    assert '"title": "Sky of 2015-06-03"' in written["ap150603.txt"]
    assert '"title": "Sky of 2026-09-13"' in written["ap260913.txt"]
    assert not any("landing" in text for text in written.values())
    assert result.stats["apod/classic_moved"] == 1
    assert result.stats["apod/written"] == 2


def test_classic_site_is_asked_once_after_the_redirect(moved, crawl) -> None:
    run = [SPRING_2025 + dt.timedelta(days=n) for n in range(10)]
    serve_api(moved, run)
    result = crawl(moved, start=str(run[0]), end=str(run[-1]))
    assert moved.requested("/apod/") == [f"/apod/ap{run[-1]:%y%m%d}.html"]
    assert moved.requested("/science/apod/") == []  # the redirect is never followed
    assert result.stats["apod/written"] == 10


def test_redirect_seen_mid_run_sends_the_days_not_yet_asked_to_the_api(moved, crawl, tmp_path):
    # The classic site still serves the newest day (the probe), then redirects the others.
    days = [SPRING_2025 + dt.timedelta(days=n) for n in range(6)]
    page = classic_page(days[-1], title="Classic newest").body
    moved.page(f"/apod/ap{days[-1]:%y%m%d}.html", page)
    serve_api(moved, days)
    result = crawl(moved, start=str(days[0]), end=str(days[-1]), settings=POLITE)
    assert len(day_files(tmp_path / "output")) == 6
    # the probe, then one day that redirects; the other four go to the API in one list page
    assert moved.requested("/apod/") == [
        f"/apod/ap{days[-1]:%y%m%d}.html",
        f"/apod/ap{days[-2]:%y%m%d}.html",
    ]
    assert len(moved.requested("/science/wp-json/wp/v2/apod-basic?")) == 1
    assert result.stats["apod/written"] == 6


def test_live_classic_site_is_asked_day_by_day(site, crawl) -> None:
    days = [SPRING_2025 + dt.timedelta(days=n) for n in range(5)]
    site.publish(*days, title="Classic {day}")
    result = crawl(site, start=str(days[0]), end=str(days[-1]), settings=POLITE)
    assert sorted(site.requested("/apod/")) == [f"/apod/ap{d:%y%m%d}.html" for d in days]
    assert site.requested("/science/") == []
    assert {d.source for d in result.items} == {"classic"}


def test_days_since_the_move_are_taken_from_the_api_without_asking_classic(site, crawl) -> None:
    run = [NEW + dt.timedelta(days=n) for n in range(3)]
    serve_api(site, run)  # the classic site would serve them too: it must not be asked
    result = crawl(site, start=str(run[0]), end=str(run[-1]))
    assert site.requested("/apod/") == []
    assert len(site.requested("/science/wp-json/wp/v2/apod-basic?")) == 1
    assert result.stats["apod/written"] == 3


def test_backfill_uses_one_request_per_list_page(moved, crawl, tmp_path) -> None:
    run = [OLD + dt.timedelta(days=n) for n in range(60)]
    gap = run[17]
    serve_api(moved, [d for d in run if d != gap], cap=25)
    result = crawl(moved, start=str(run[0]), end=str(run[-1]))
    lists = moved.requested("/science/wp-json/wp/v2/apod-basic?")
    assert len(lists) == 3  # 59 days, 25 a page (the API caps the 100 asked for)
    # a day the list leaves out is asked alone: only the API's "no such day" makes it missing
    assert moved.requested("/science/wp-json/wp/v2/apod-basic/") == [
        f"/science/wp-json/wp/v2/apod-basic/{gap:%y%m%d}"
    ]
    assert result.stats["apod/written"] == 59
    assert result.stats["apod/missing"] == 1
    assert not (tmp_path / "output" / f"ap{gap:%y%m%d}.txt").exists()


def test_failing_list_page_falls_back_to_single_days(moved, crawl) -> None:
    run = [OLD + dt.timedelta(days=n) for n in range(30)]
    serve_api(moved, run, cap=25)
    moved.failing_list_pages = {2}
    result = crawl(moved, start=str(run[0]), end=str(run[-1]), settings={"RETRY_TIMES": 0})
    singles = moved.requested("/science/wp-json/wp/v2/apod-basic/")
    assert len(singles) == 5  # the 5 oldest days were on the failing second page
    assert result.stats["apod/written"] == 30
    assert result.stats["apod/list_fallback"] == 1


def test_missing_day_on_the_api_is_not_a_failure(moved, crawl) -> None:
    serve_api(moved, [OLD])
    result = crawl(moved, dates=f"{OLD},{NEW}")
    assert result.stats["apod/written"] == 1
    assert result.stats["apod/missing"] == 1
    assert "apod/failed" not in result.stats


def test_source_science_never_asks_the_classic_site(site, crawl) -> None:
    serve_api(site, [OLD, NEW])
    result = crawl(site, dates=f"{OLD},{NEW}", source="science")
    assert site.requested("/apod/") == []
    assert result.stats["apod/written"] == 2


def test_source_classic_never_writes_a_redirect(moved, crawl, tmp_path) -> None:
    serve_api(moved, [NEW])
    result = crawl(moved, dates=str(NEW), source="classic")
    assert day_files(tmp_path / "output") == []
    assert result.stats["apod/failed"] == 1
    assert moved.requested("/science/") == []


def test_source_classic_keeps_to_a_live_classic_site(site, crawl) -> None:
    site.publish(NEW, title="Classic")
    result = crawl(site, dates=str(NEW), source="classic")
    assert result.items[0].source == "classic"
    assert site.requested("/science/") == []


def test_landing_page_served_without_a_redirect_is_not_written(site, crawl, tmp_path) -> None:
    # a proxy that follows the redirect itself: the day's address shows today's picture
    landing = classic_page(TODAY, title="Today's landing picture").body
    site.page(f"/apod/ap{NEW:%y%m%d}.html", landing)
    serve_api(site, [NEW])
    crawl(site, dates=str(NEW))
    text = (tmp_path / "output" / f"ap{NEW:%y%m%d}.txt").read_text()
    assert '"title": "Sky of 2026-09-13"' in text


def test_http_to_https_style_redirect_to_the_same_day_is_followed(site, crawl) -> None:
    stem = f"ap{SPRING_2025:%y%m%d}.html"
    site.page(f"/apod/{stem}", b"", status=301, Location=f"{site.url}/mirror/{stem}")
    site.page(f"/mirror/{stem}", classic_page(SPRING_2025, title="Mirrored").body)
    result = crawl(site, dates=str(SPRING_2025))
    assert [d.title for d in result.items] == ["Mirrored"]
    assert "apod/classic_moved" not in result.stats


def test_a_gap_at_the_start_of_a_run_is_missing_not_failed(site, crawl) -> None:
    # 2020-06-10 is a gap: the list holds one page, and WordPress answers the page after the
    # last one with 400 rest_post_invalid_page_number (as the simulator does)
    run = [dt.date(2020, 6, 10) + dt.timedelta(days=n) for n in range(3)]
    serve_api(site, run[1:])
    result = crawl(site, start=str(run[0]), end=str(run[-1]), refresh="all", source="science")
    assert result.stats["apod/written"] == 2
    assert result.stats["apod/missing"] == 1
    assert "apod/failed" not in result.stats
