"""The site's Markdown: CommonMark, no raw HTML but <sup>/<sub> in pairs, safe links only,
links to days the site has made local."""

from __future__ import annotations

import pytest

from apodscrape.site.addresses import linked_days, local_address
from apodscrape.site.markup import Markup, safe_url

DAYS = {"ap250105", "ap140803"}


@pytest.fixture
def markup() -> Markup:
    return Markup(DAYS)


def test_paragraphs_links_and_emphasis(markup: Markup) -> None:
    html = markup.block("A [galaxy](https://example.org/g) *far* away.\n\nAnother one.")
    assert html == (
        '<p>A <a href="https://example.org/g">galaxy</a> <em>far</em> away.</p>\n'
        "<p>Another one.</p>\n"
    )


def test_sup_and_sub_are_shown(markup: Markup) -> None:
    assert markup.inline("10<sup>6</sup> K, H<sub>2</sub>O, <SUP>x</SUP>") == (
        "10<sup>6</sup> K, H<sub>2</sub>O, <sup>x</sup>"
    )


@pytest.mark.parametrize(
    ("markdown", "html"),
    [
        ("a <sup>b", "a &lt;sup&gt;b"),  # never closed
        ("a </sub> b", "a &lt;/sub&gt; b"),  # never opened
        ("<sup><sub>x</sup></sub>", "&lt;sup&gt;<sub>x&lt;/sup&gt;</sub>"),  # crossed
        ('<sup class="x">1</sup>', "&lt;sup class=&quot;x&quot;&gt;1&lt;/sup&gt;"),  # attributes
        (
            "[a<sup>](https://e.org/)b</sup>",
            '<a href="https://e.org/">a&lt;sup&gt;</a>b&lt;/sup&gt;',
        ),
    ],
)
def test_sup_and_sub_only_in_pairs(markup: Markup, markdown: str, html: str) -> None:
    assert markup.inline(markdown) == html


@pytest.mark.parametrize(
    "markdown",
    [
        "<script>alert(1)</script>",
        '<img src=x onerror="alert(1)">',
        "<iframe src=https://evil.example/></iframe>",
        '<a href="javascript:alert(1)">x</a>',
        "<!-- a comment -->",
        "<style>body{display:none}</style>",
    ],
)
def test_any_other_html_is_text(markup: Markup, markdown: str) -> None:
    html = markup.block(markdown)
    assert "<" not in html.removeprefix("<p>").removesuffix("</p>\n")
    assert "&lt;" in html


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(1)",
        "JavaScript:alert(1)",
        "vbscript:msgbox(1)",
        "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
        "data:image/png;base64,AAAA",
        "file:///etc/passwd",
    ],
)
def test_links_and_images_of_other_schemes_stay_text(markup: Markup, url: str) -> None:
    for markdown in (f"[click]({url})", f"![picture]({url})", f"<{url}>"):
        html = markup.block(markdown)
        assert "href=" not in html and "src=" not in html, html


@pytest.mark.parametrize(
    ("url", "safe"),
    [
        ("https://apod.nasa.gov/", True),
        ("http://a.org/x", True),
        ("mailto:editor@apod.example", True),
        ("ap250105.html", True),
        ("#top", True),
        (" javascript:alert(1)", False),
        ("data:,x", False),
    ],
)
def test_safe_url(url: str, safe: bool) -> None:
    assert safe_url(url) is safe


def test_links_to_days_the_site_has_are_local(markup: Markup) -> None:
    html = markup.block(
        "[airglow](https://apod.nasa.gov/apod/ap140803.html), "
        "[old host](http://antwrp.gsfc.nasa.gov/apod/ap250105.html#x), "
        "[missing](https://apod.nasa.gov/apod/ap990101.html), "
        "[today](https://apod.nasa.gov/apod/astropix.html), "
        "[list](https://apod.nasa.gov/apod/archivepix.html), "
        "[elsewhere](https://example.org/apod/ap140803.html)"
    )
    assert '<a href="ap140803.html">airglow</a>' in html
    assert '<a href="ap250105.html#x">old host</a>' in html
    assert '<a href="https://apod.nasa.gov/apod/ap990101.html">missing</a>' in html
    assert '<a href="index.html">today</a>' in html
    assert '<a href="archivepix.html">list</a>' in html
    assert '<a href="https://example.org/apod/ap140803.html">elsewhere</a>' in html


def test_credit_lines_link_locally_too(markup: Markup) -> None:
    line = "Image Credit: [APOD](https://apod.nasa.gov/apod/ap250105.html)"
    assert markup.inline(line) == 'Image Credit: <a href="ap250105.html">APOD</a>'


def test_linked_days_finds_every_day_a_page_could_point_at() -> None:
    text = (
        "[a](https://apod.nasa.gov/apod/ap140803.html) [b](HTTP://APOD.NASA.GOV/apod/AP250105.html)"
        " [c](http://www.apod.nasa.gov/apod/ap990101.html#x) [d](https://e.org/apod/ap000101.html)"
    )
    assert linked_days(text) == {"ap140803", "ap250105", "ap990101"}
    for name in ("ap140803", "ap250105", "ap990101"):
        assert local_address(f"https://apod.nasa.gov/apod/{name}.html", {name}) == f"{name}.html"


@pytest.mark.parametrize(
    ("url", "href"),
    [
        ("https://de.wikipedia.org/wiki/Größe", "https://de.wikipedia.org/wiki/Gr%C3%B6%C3%9Fe"),
        (
            "http://a.org/gallery#lightbox[group]/24/",
            "http://a.org/gallery#lightbox%5Bgroup%5D/24/",
        ),
        ("http://a.org/100%", "http://a.org/100%25"),
        ("http://a.org/%7Ex?q=a%20b&r=(1)", "http://a.org/%7Ex?q=a%20b&amp;r=(1)"),
    ],
)
def test_addresses_are_percent_encoded_as_commonmark_says(
    markup: Markup, url: str, href: str
) -> None:
    assert markup.inline(f"[x](<{url}>)") == f'<a href="{href}">x</a>'
