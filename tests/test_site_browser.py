"""The built site in a real browser: headless Chromium (Debian's chromium and chromium-driver,
driven by Selenium) loads it from a local HTTP server on 127.0.0.1, and from file://.

Chromium resolves no host but 127.0.0.1 (--host-resolver-rules): the days' remote media fail
at once instead of reaching the web, and such failures are the only errors allowed.
Without chromium and chromedriver installed these tests skip, saying so; .ci/run installs them.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import re
import shutil
import threading
from collections.abc import Iterator
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import feedparser
import pytest

from apodscrape.days import PUBLISHING_ZONE
from apodscrape.site.build import build

from .sitearchive import DAYS, PWNED, RARE_WORD, describe, rich_archive, small_archive

webdriver = pytest.importorskip("selenium.webdriver", reason="selenium: pip install -e '.[test]'")
from selenium.webdriver.chrome.service import Service  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.support.ui import WebDriverWait  # noqa: E402

# A real browser takes seconds to start and to load pages: `make quick` leaves these out.
pytestmark = pytest.mark.slow
WAIT = 15  # seconds for a page or a search to finish
DESCRIBED = "A comet's long blue tail above a hill at dusk"  # ap240101's page's own alt
_DAY_PAGE = re.compile(r"/(ap\d{6})\.html$")


def _chromium() -> tuple[str, str]:
    browser = shutil.which("chromium") or shutil.which("chromium-browser")
    driver = shutil.which("chromedriver")
    if not (browser and driver):
        pytest.skip(
            "headless Chromium not installed (need chromium and chromedriver: "
            "apt-get install chromium chromium-driver; .ci/run does it)"
        )
    return browser, driver


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    binary, driver = _chromium()
    options = webdriver.ChromeOptions()
    options.binary_location = binary
    for argument in (
        "--headless=new",
        "--no-sandbox",  # tests run as root
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--no-first-run",
        "--disable-extensions",
        "--disable-background-networking",
        "--window-size=1280,1000",
        "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
        f"--user-data-dir={tmp_path_factory.mktemp('chromium')}",
    ):
        options.add_argument(argument)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    with pytest.MonkeyPatch.context() as env:
        env.setenv("SE_OFFLINE", "true")  # Selenium Manager, should it start, fetches nothing
        chrome = webdriver.Chrome(options=options, service=Service(driver))
    chrome.set_page_load_timeout(WAIT)
    yield chrome
    chrome.quit()


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("browsed")
    out = root / "site"
    build(small_archive(root / "archive"), out)
    return out


@pytest.fixture(scope="module")
def rich(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A site with more days, pictures downloaded for some: the small one and January 2024."""
    root = tmp_path_factory.mktemp("rich")
    out = root / "site"
    archive = rich_archive(root / "archive")
    describe(archive, {"2024-01-01": DESCRIBED})
    build(archive, out)
    return out


@pytest.fixture(scope="module")
def rich_server(rich: Path) -> Iterator[str]:
    with static_server(rich) as url:
        yield url


class _Files(SimpleHTTPRequestHandler):
    """A static web server's answers: the files under a folder, text as UTF-8, no log."""

    def guess_type(self, path: str | Path) -> str:
        kind = super().guess_type(path)
        return f"{kind}; charset=utf-8" if kind.startswith("text/") else kind

    def log_message(self, format: str, *args: Any) -> None:
        pass


@contextlib.contextmanager
def static_server(root: Path) -> Iterator[str]:
    """A web server for the files under `root`, on 127.0.0.1 (port 0), for one test module."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Files, directory=root))
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="module")
def server(built: Path) -> Iterator[str]:
    with static_server(built) as url:
        yield url


def visit(browser: Any, url: str) -> None:
    browser.get(url)
    WebDriverWait(browser, WAIT).until(
        lambda b: b.execute_script("return document.readyState") == "complete"
    )


def problems(browser: Any, origin: str) -> list[str]:
    """What the browser logged since last asked, but remote media failing offline."""
    found = []
    for entry in browser.get_log("browser"):
        message = entry["message"]
        remote = entry["source"] == "network" and not message.startswith((origin, "file:"))
        if entry["level"] in ("SEVERE", "WARNING") and not remote:
            found.append(f"{entry['source']}: {message}")
    return found


def searched(browser: Any) -> tuple[str, list[tuple[str, str]]]:
    """The search page's status line and results (date and title, address), once it has
    answered."""
    WebDriverWait(browser, WAIT).until(
        lambda b: b.find_element(By.ID, "status").text not in ("", "Searching\u2026")
    )
    results = browser.find_elements(By.CSS_SELECTOR, "#results li .hit")
    return browser.find_element(By.ID, "status").text, [
        (item.text, item.find_element(By.TAG_NAME, "a").get_attribute("href")) for item in results
    ]


def day_of(url: str) -> str:
    found = _DAY_PAGE.search(url)
    assert found, url
    return found.group(1)


def test_a_day_page_shows_its_title_media_credit_and_explanation(browser, server) -> None:
    visit(browser, f"{server}/ap250102.html")
    assert browser.title == "APOD: 2025 January 2 - A Nebula Nearby"
    assert browser.find_element(By.ID, "date").text == "2025 January 2"
    assert browser.find_element(By.ID, "title").text == "A Nebula Nearby"
    picture = browser.find_element(By.CSS_SELECTOR, "#media img")
    assert picture.is_displayed()
    assert picture.get_attribute("src") == "https://apod.nasa.gov/apod/image/2501/sky.jpg"
    credit = browser.find_element(By.ID, "credit")
    assert credit.text == "Image Credit: Observatory\nProcessing: A. Person"
    explanation = browser.find_element(By.ID, "explanation")
    assert explanation.text.startswith(f"Explanation: This {RARE_WORD} glows at 104 K. See")
    assert explanation.find_element(By.TAG_NAME, "sup").text == "4"
    assert explanation.find_element(By.LINK_TEXT, "yesterday").get_attribute("href") == (
        f"{server}/ap250101.html"
    )
    assert problems(browser, server) == []


def test_a_downloaded_picture_is_shown_from_the_site(browser, server) -> None:
    visit(browser, f"{server}/ap250105.html")
    picture = browser.find_element(By.CSS_SELECTOR, "#media img")
    assert picture.get_attribute("src") == f"{server}/media/ap250105/picture.png"
    assert browser.execute_script("return arguments[0].naturalWidth", picture) == 4


def test_videos_and_embeds_are_shown(browser, server) -> None:
    visit(browser, f"{server}/ap250103.html")
    frame = browser.find_element(By.CSS_SELECTOR, "#media iframe")
    assert frame.is_displayed() and frame.size["width"] > 300
    visit(browser, f"{server}/ap250107.html")
    assert browser.find_element(By.CSS_SELECTOR, "#media video").is_displayed()


def test_previous_and_next_lead_to_the_right_days(browser, server) -> None:
    visit(browser, f"{server}/ap250102.html")
    seen = []
    for rel in ("next", "next", "next", "prev", "prev"):
        browser.find_element(By.CSS_SELECTOR, f'a[rel="{rel}"]').click()
        WebDriverWait(browser, WAIT).until(lambda b: day_of(b.current_url) not in seen[-1:])
        seen.append(day_of(browser.current_url))
    assert seen == ["ap250103", "ap250105", "ap250106", "ap250105", "ap250103"]
    assert browser.find_element(By.ID, "date").text == "2025 January 3"
    visit(browser, f"{server}/ap241231.html")
    assert browser.find_elements(By.CSS_SELECTOR, 'a[rel="prev"]') == []
    visit(browser, f"{server}/index.html")
    assert browser.find_element(By.ID, "title").text == "A Video File"
    assert browser.find_elements(By.CSS_SELECTOR, 'a[rel="next"]') == []


def test_archivepix_lists_every_day(browser, server) -> None:
    visit(browser, f"{server}/archivepix.html")
    links = browser.find_elements(By.CSS_SELECTOR, "#archive a")
    assert [day_of(link.get_attribute("href")) for link in links] == DAYS[::-1]
    lines = browser.find_element(By.ID, "archive").text.splitlines()
    assert lines[0] == "2025 January 07: A Video File"
    assert lines[-1] == "2024 December 31: Last Night of the Year"
    browser.find_element(By.LINK_TEXT, "A Nebula Nearby").click()
    WebDriverWait(browser, WAIT).until(lambda b: b.current_url.endswith("/ap250102.html"))


def test_the_calendar_leads_to_its_days(browser, server) -> None:
    visit(browser, f"{server}/calendar/allyears.html")
    browser.find_element(By.LINK_TEXT, "Jan").click()
    WebDriverWait(browser, WAIT).until(lambda b: b.current_url.endswith("/calendar/ca2501.html"))
    assert browser.find_element(By.ID, "month").text == "January 2025"
    browser.find_element(By.CSS_SELECTOR, 'a[href="../ap250105.html"]').click()
    WebDriverWait(browser, WAIT).until(lambda b: b.current_url.endswith("/ap250105.html"))


def test_a_search_finds_a_day_by_a_word_of_its_explanation(browser, server) -> None:
    visit(browser, f"{server}/search.html?q={RARE_WORD}")
    status, results = searched(browser)
    assert status == f"1 day for: {RARE_WORD}"
    assert results == [("2025 January 02: A Nebula Nearby", f"{server}/ap250102.html")]
    assert browser.find_element(By.ID, "q").get_attribute("value") == RARE_WORD


def test_a_search_typed_in_the_box_is_a_link(browser, server) -> None:
    visit(browser, f"{server}/search.html")
    box = browser.find_element(By.ID, "q")
    box.send_keys("HYDRO")  # any case; the start of a word
    box.submit()
    WebDriverWait(browser, WAIT).until(lambda b: "q=HYDRO" in b.current_url)
    _, results = searched(browser)
    assert [day_of(address) for _, address in results] == ["ap250102"]
    visit(browser, f"{server}/search.html?q=launch+fireworks")  # no day has both words
    status, results = searched(browser)
    assert status == "2 days for: launch fireworks (none with every word)"
    assert sorted(day_of(address) for _, address in results) == ["ap250101", "ap250103"]
    visit(browser, f"{server}/search.html?q=quokka")
    status, results = searched(browser)
    assert results == [] and status == "No day has any of: quokka"
    visit(browser, f"{server}/search.html?q=year")  # two days; newest first
    _, results = searched(browser)
    assert [day_of(address) for _, address in results] == ["ap250101", "ap241231"]
    assert problems(browser, server) == []


def test_search_and_random_work_from_file_urls(browser, built) -> None:
    visit(browser, f"{built.as_uri()}/search.html?q={RARE_WORD}")
    _, results = searched(browser)
    assert results == [("2025 January 02: A Nebula Nearby", f"{built.as_uri()}/ap250102.html")]
    visit(browser, f"{built.as_uri()}/random.html")
    WebDriverWait(browser, WAIT).until(lambda b: _DAY_PAGE.search(b.current_url))
    assert day_of(browser.current_url) in DAYS
    assert browser.find_element(By.ID, "title").text
    assert problems(browser, "file:") == []


def test_random_goes_to_a_day(browser, server) -> None:
    for _ in range(3):
        visit(browser, f"{server}/random.html")
        WebDriverWait(browser, WAIT).until(lambda b: _DAY_PAGE.search(b.current_url))
        assert day_of(browser.current_url) in DAYS


def test_nothing_from_a_day_runs_as_script(browser, server) -> None:
    visit(browser, f"{server}/ap250106.html")
    title = browser.find_element(By.ID, "title").text
    assert title == f"<script>{PWNED}=1</script> Evil <img src=x onerror={PWNED}=1>"
    assert browser.execute_script(f"return typeof {PWNED}") == "undefined"
    assert browser.execute_script("return document.scripts.length") == 0
    hrefs = browser.execute_script(
        "return [...document.querySelectorAll('[href],[src]')].map(e => e.href || e.src)"
    )
    assert not any(h.lower().startswith(("javascript:", "data:text")) for h in hrefs), hrefs
    browser.find_element(By.ID, "explanation").click()  # nothing to click into running
    visit(browser, f"{server}/search.html?q=evil")
    _, results = searched(browser)
    assert results == [(f"2025 January 06: {title}", f"{server}/ap250106.html")]
    assert browser.execute_script(f"return typeof {PWNED}") == "undefined"
    assert problems(browser, server) == []  # not even a script refused by the CSP


def test_no_page_logs_a_javascript_error(browser, server, built) -> None:
    browser.get_log("browser")  # what earlier tests left
    pages = sorted(p.relative_to(built).as_posix() for p in built.rglob("*.html"))
    # index, astropix, archivepix, 2 months, all years, search, random
    assert len(pages) == len(DAYS) + 8
    pages.remove("random.html")
    logged = {}
    for name in [*pages, f"search.html?q={RARE_WORD}", "search.html?q=a", "random.html"]:
        visit(browser, f"{server}/{name}")
        if name.startswith("search.html?"):
            searched(browser)
        if found := problems(browser, server):
            logged[name] = found
    assert logged == {}


def test_readable_on_a_phone(browser, server) -> None:
    browser.execute_cdp_cmd(
        "Emulation.setDeviceMetricsOverride",
        {"width": 390, "height": 844, "deviceScaleFactor": 2, "mobile": True},
    )
    try:
        for name in ("ap250102.html", "ap250103.html", "archivepix.html", "calendar/ca2501.html",
                     f"search.html?q={RARE_WORD}"):  # fmt: skip
            visit(browser, f"{server}/{name}")
            width = browser.execute_script("return document.documentElement.scrollWidth")
            assert width <= 390, (name, width)
            size = browser.execute_script(
                "return parseFloat(getComputedStyle(document.body).fontSize)"
            )
            assert size >= 15, (name, size)
    finally:
        browser.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})


def test_every_page_leads_to_the_feeds_and_they_parse(browser, server) -> None:
    for name in ("index.html", "ap250102.html", "archivepix.html", "calendar/ca2501.html"):
        visit(browser, f"{server}/{name}")
        found = {
            link.get_attribute("type"): link.get_attribute("href")
            for link in browser.find_elements(By.CSS_SELECTOR, 'head link[rel="alternate"]')
        }
        assert found == {
            "application/rss+xml": f"{server}/rss.xml",
            "application/atom+xml": f"{server}/atom.xml",
        }, name
    for kind, address in found.items():
        parsed = feedparser.parse(address)  # from the server, as a reader fetches it
        assert not parsed.bozo and parsed.version == {"application/rss+xml": "rss20"}.get(
            kind, "atom10"
        )
        assert len(parsed.entries) == len(DAYS)
        for entry in parsed.entries:  # each entry against its day, as the browser shows it
            visit(browser, entry.link)
            assert browser.find_element(By.ID, "title").text == entry.title
            published = dt.datetime(*entry.published_parsed[:6], tzinfo=dt.UTC)
            shown = browser.find_element(By.CSS_SELECTOR, "#date time").get_attribute("datetime")
            assert published.astimezone(PUBLISHING_ZONE).isoformat() == f"{shown}T00:00:00-05:00"
            assert entry.id == f"https://apod.nasa.gov/apod/{day_of(entry.link)}.html"


def test_the_navigation_bar_is_one_line_of_wide_targets_on_a_phone(browser, server) -> None:
    browser.execute_cdp_cmd(
        "Emulation.setDeviceMetricsOverride",
        {"width": 390, "height": 844, "deviceScaleFactor": 2, "mobile": True},
    )
    try:
        for name in ("ap250103.html", "ap250107.html", "archivepix.html"):  # videos, a list
            visit(browser, f"{server}/{name}")
            links = browser.find_elements(By.CSS_SELECTOR, "nav.site a")
            boxes = [link.rect for link in links]
            assert len({box["y"] for box in boxes}) == 1, (name, boxes)  # one line
            assert all(b["width"] >= 44 and b["height"] >= 44 for b in boxes), (name, boxes)
            nav = browser.find_element(By.CSS_SELECTOR, "nav.site")
            scrolled = browser.execute_script("return arguments[0].scrollWidth", nav)
            assert scrolled <= nav.rect["width"], name  # all of it seen, none scrolled away
            assert nav.text.split() == [
                *(["<"] if "rel" in links[0].get_attribute("outerHTML") else []),
                "Archive", "Calendar", "Search", "Random", "Today",
                *([">"] if name == "ap250103.html" else []),
            ]  # fmt: skip
    finally:
        browser.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})


def test_on_this_day_leads_to_the_same_date_in_other_years(browser, rich_server) -> None:
    visit(browser, f"{rich_server}/ap250102.html")
    row = browser.find_element(By.ID, "onthisday")
    assert row.find_element(By.CSS_SELECTOR, "b").text == "2025"  # this day, not a link
    links = row.find_elements(By.TAG_NAME, "a")
    assert [link.text for link in links] == ["2024"]
    links[0].click()
    WebDriverWait(browser, WAIT).until(lambda b: b.current_url.endswith("/ap240102.html"))
    assert browser.find_element(By.ID, "title").text == "Comet Number 2"
    browser.find_element(By.LINK_TEXT, "2025").click()
    WebDriverWait(browser, WAIT).until(lambda b: b.current_url.endswith("/ap250102.html"))
    visit(browser, f"{rich_server}/ap241231.html")  # no other year: no row
    assert browser.find_elements(By.ID, "onthisday") == []


def test_archivepix_jumps_to_a_year(browser, rich_server) -> None:
    visit(browser, f"{rich_server}/archivepix.html")
    browser.find_element(By.CSS_SELECTOR, '#years a[href="#y2024"]').click()
    WebDriverWait(browser, WAIT).until(lambda b: b.current_url.endswith("#y2024"))
    target = browser.find_element(By.ID, "y2024")
    assert target.text == "2024 December 31"
    top = browser.execute_script("return arguments[0].getBoundingClientRect().top", target)
    assert -1 < top < 50  # scrolled to it


def test_a_result_shows_a_snippet_with_the_words_marked(browser, server) -> None:
    visit(browser, f"{server}/search.html?q=Hydrogen+{RARE_WORD}")
    _, results = searched(browser)
    assert [day_of(address) for _, address in results] == ["ap250102"]
    snippet = browser.find_element(By.CSS_SELECTOR, "#results li .snippet")
    assert snippet.text == (
        f"This {RARE_WORD} glows at 104 K. See yesterday and a day not mirrored. "
        "A second paragraph about hydrogen."
    )
    marked = [mark.text for mark in snippet.find_elements(By.TAG_NAME, "mark")]
    assert marked == [RARE_WORD, "hydrogen"]
    assert problems(browser, server) == []


def test_days_with_every_word_come_first_and_title_words_weigh_more(browser, rich_server) -> None:
    visit(browser, f"{rich_server}/search.html?q=comet+tail")
    status, results = searched(browser)
    assert status == "28 days for: comet tail (25 with every word), page 1 of 2"
    titles = [text.split(": ", 1)[1] for text, _ in results]
    assert all(title.startswith("Comet Number") for title in titles)
    visit(browser, f"{rich_server}/search.html?q=comet+tail&page=2")
    _, results = searched(browser)
    assert [text.split(": ", 1)[1][:13] for text, _ in results][-3:] == ["The Long Tail"] * 3
    visit(browser, f"{rich_server}/search.html?q=number+tail")  # "tail": in 3 titles
    _, results = searched(browser)
    assert day_of(results[0][1]) < "ap240200"  # every word first, though not in the title
    visit(browser, f"{rich_server}/search.html?q=tail")
    _, results = searched(browser)
    assert [text.split(": ", 1)[1][:13] for text, _ in results][:3] == ["The Long Tail"] * 3


def test_results_come_20_a_page_and_page_2_shows_the_21st(browser, rich_server) -> None:
    visit(browser, f"{rich_server}/search.html?q=comet")
    status, first = searched(browser)
    assert status == "25 days for: comet, page 1 of 2"
    assert len(first) == 20
    browser.find_element(By.CSS_SELECTOR, "nav.pages").find_element(By.LINK_TEXT, "2").click()
    WebDriverWait(browser, WAIT).until(lambda b: b.current_url.endswith("q=comet&page=2"))
    status, second = searched(browser)
    assert status == "25 days for: comet, page 2 of 2"
    assert len(second) == 5
    assert browser.find_element(By.ID, "results").get_attribute("start") == "21"
    everything = {day_of(address) for _, address in first + second}
    assert everything == {f"ap2401{n:02d}" for n in range(1, 26)}
    visit(browser, f"{rich_server}/search.html?q=comet&page=2")  # a page is a link
    assert searched(browser)[1] == second
    pictured = {
        day_of(item.find_element(By.CSS_SELECTOR, ".hit a").get_attribute("href")): img
        for item in browser.find_elements(By.CSS_SELECTOR, "#results li")
        for img in item.find_elements(By.CSS_SELECTOR, "img.thumb")
    }
    odd = {day for _, address in second if int((day := day_of(address))[-2:]) % 2}
    assert set(pictured) == odd and odd  # a thumbnail for each local picture, no other
    for day, img in pictured.items():
        assert img.get_attribute("src") == f"{rich_server}/thumbs/{day}.jpg"
        assert img.get_attribute("loading") == "lazy"
    assert all("/media/" not in address for address in requested(browser))
    assert problems(browser, rich_server) == []


def requested(browser: Any) -> list[str]:
    """The addresses the page has asked for (its resources), but the page itself."""
    return browser.execute_script(
        "return performance.getEntriesByType('resource').map(e => e.name)"
    )


@pytest.mark.parametrize("name", ["archivepix.html", "calendar/ca2401.html"])
def test_lists_show_thumbnails_of_local_pictures_and_no_full_size_one(
    browser, rich_server, name
) -> None:
    visit(browser, f"{rich_server}/{name}")
    shown = browser.find_elements(By.CSS_SELECTOR, "main img")
    days = [day_of(img.find_element(By.XPATH, "..").get_attribute("href")) for img in shown]
    assert set(days) >= {f"ap2401{n:02d}" for n in range(1, 26, 2)}
    assert not any(int(day[-2:]) % 2 == 0 for day in days if day.startswith("ap2401"))
    first = shown[0]
    browser.execute_script("arguments[0].scrollIntoView()", first)
    WebDriverWait(browser, WAIT).until(
        lambda b: b.execute_script("return arguments[0].complete", first)
    )
    assert browser.execute_script("return arguments[0].naturalWidth", first) in (4, 240)
    assert first.size["width"] < 130  # shown small
    asked = requested(browser)
    assert any("/thumbs/" in address for address in asked)
    assert [a for a in asked if "/thumbs/" not in a and not a.endswith("/apod.css")] == []
    assert problems(browser, rich_server) == []


def test_a_list_without_local_media_shows_no_picture(browser, server) -> None:
    visit(browser, f"{server}/archivepix.html")
    line = browser.find_element(By.LINK_TEXT, "A Nebula Nearby")  # no download: no thumbnail
    assert line.find_elements(By.TAG_NAME, "img") == []
    pictured = browser.find_element(By.CSS_SELECTOR, 'a[href="ap250105.html"] img')
    assert pictured.get_attribute("src") == f"{server}/thumbs/ap250105.jpg"
    assert len(browser.find_elements(By.CSS_SELECTOR, "main img")) == 1
    assert all("/media/" not in a and "nasa.gov" not in a for a in requested(browser))


def test_a_picture_is_described_by_its_page(browser, rich_server) -> None:
    visit(browser, f"{rich_server}/ap240101.html")
    picture = browser.find_element(By.CSS_SELECTOR, "#media img")
    assert picture.get_attribute("alt") == DESCRIBED
    assert picture.get_attribute("src") == f"{rich_server}/media/ap240101/comet1.png"
    assert browser.execute_script("return arguments[0].naturalWidth", picture) == 400
    visit(browser, f"{rich_server}/ap240102.html")  # no description: the title
    alt = browser.find_element(By.CSS_SELECTOR, "#media img").get_attribute("alt")
    assert alt == "Comet Number 2"


def test_the_error_check_sees_script_errors_and_missing_local_files(browser, tmp_path) -> None:
    broken = b"<!doctype html><title>x</title><script>noSuchThing()</script>"
    (tmp_path / "broken.html").write_bytes(broken)  # and no favicon beside it
    with static_server(tmp_path) as url:
        visit(browser, f"{url}/broken.html")
        found: list[str] = []
        # the favicon is asked for once the page has loaded: wait for its failure too
        WebDriverWait(browser, WAIT).until(
            lambda b: found.extend(problems(b, url)) or len(found) >= 2
        )
    assert len(found) == 2
    assert found[0].startswith("javascript: ") and "noSuchThing is not defined" in found[0]
    assert found[1].startswith(f"network: {url}/favicon.ico") and "404" in found[1]
