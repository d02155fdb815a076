"""HTML fragments to Markdown, and URLs as a browser reads them."""

from __future__ import annotations

import contextlib
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import lxml.html
import pytest
from bs4 import BeautifulSoup, Tag
from hypothesis import given, settings
from hypothesis import strategies as st

from apodscrape import parse_page
from apodscrape.errors import ApodError
from apodscrape.markdown_text import plain_text
from apodscrape.parse import markdown
from apodscrape.parse.markdown import (
    LINK_SCHEMES,
    MEDIA_SCHEMES,
    clean_url,
    is_absolute,
    to_inline,
    to_markdown,
)
from apodscrape.parse.stream import END, START, TEXT, VOID, Event, visible, walk
from apodscrape.tools.convert import url_of

BASE = "https://apod.nasa.gov/apod/ap250105.html"


@pytest.mark.parametrize(
    ("raw", "url"),
    [
        ("ap140803.html", "https://apod.nasa.gov/apod/ap140803.html"),
        ("lib/glossary.html#x", "https://apod.nasa.gov/apod/lib/glossary.html#x"),
        ("/apod.rss", "https://apod.nasa.gov/apod.rss"),
        ("//www.youtube.com/embed/x?rel=0", "https://www.youtube.com/embed/x?rel=0"),
        (" ap130817.html", "https://apod.nasa.gov/apod/ap130817.html"),
        ("http://a.org/long/\nname.html", "http://a.org/long/name.html"),
        ("http://a.org/\tx\r\n/y ", "http://a.org/x/y"),
        ("mailto: me at x dot org", "mailto:%20me%20at%20x%20dot%20org"),
        ("", None),
        (None, None),
    ],
)
def test_clean_url(raw, url) -> None:
    assert clean_url(raw, BASE) == url


# Paths clean_url joins without urljoin, and paths beside them that it must leave to it.
RELATIVE = [
    "ap140803.html", "image/2510/x.jpg", "dir/", "~x/y.html", "%7Ex.html", "x y.html",
    "a//b.html", "./x.html", "../x.html", "x/./y", "x/../y", ".", "..", "x/.", "x/..",
    ".hidden", "x?y", "x#y", "x;y", "a:b.html", "\x01x.html", "/root.html",
]  # fmt: skip
BASES = [
    BASE, "https://apod.nasa.gov/apod/lib/about_apod.html", "http://127.0.0.1:8080/apod/",
    "https://apod.nasa.gov", "https://apod.nasa.gov/apod/ap250105.html?x=1",
    "https://apod.nasa.gov/apod/x.html#top", "https://apod.nasa.gov/a/./b.html",
    "https://apod.nasa.gov/a//b.html", "https://apod.nasa.gov/a;p/b.html",
    "HTTPS://apod.nasa.gov/apod/x.html", "https://apod.nasa.gov/ap\nod/x.html",
    "https://apod.nasa.gov/apod/\tx.html",
]  # fmt: skip


@pytest.mark.parametrize("base", BASES)
def test_relative_links_join_as_urljoin_joins_them(base: str) -> None:
    for raw in RELATIVE:
        assert clean_url(raw, base) == urljoin(base, raw).replace(" ", "%20"), raw


@pytest.mark.parametrize(
    ("text", "markdown"),
    [
        ("Sgr A* lies at the center", "Sgr A* lies at the center"),
        ("NGC_1234 and snake_case_name", "NGC_1234 and snake_case_name"),
        ("*not emphasis* here", r"\*not emphasis* here"),
        ("_not emphasis_ here", r"\_not emphasis_ here"),
        ("5 * 3 = 15", "5 * 3 = 15"),
    ],
)
def test_only_what_could_open_emphasis_is_escaped(text: str, markdown: str) -> None:
    assert to_inline(text, BASE) == markdown


def test_sup_and_sub_are_kept() -> None:
    assert (
        to_inline("10<sup>6</sup> K and H<sub>2</sub>O", BASE)
        == "10<sup>6</sup> K and H<sub>2</sub>O"
    )


def test_bold_and_italic_markers_are_dropped() -> None:
    assert to_inline("<b>Credit:</b> <i>NASA</i>", BASE) == "Credit: NASA"


def test_link_text_and_url() -> None:
    html = 'the <a href="ap140803.html"\n>airglow</a>, <a href="#">here</a> and <a>there</a>'
    expected = "the [airglow](https://apod.nasa.gov/apod/ap140803.html), [here](" + BASE + ")"
    assert to_inline(html, BASE) == expected + " and there"


def test_paragraphs_are_one_line_each() -> None:
    html = "First line\nwrapped   here.<br>Still first.<p>Second\n\n paragraph.<p><p>"
    assert to_markdown(html, BASE) == "First line wrapped here. Still first.\n\nSecond paragraph."


@pytest.mark.parametrize(
    ("markdown", "text"),
    [
        ("The [Russia](https://en.wikipedia.org/wiki/Russia)n rocket", "The Russian rocket"),
        ("[Mercury](https://en.wikipedia.org/wiki/Mercury_(planet)) rises", "Mercury rises"),
        ("[[OIII] light](https://example.org/oiii) glows", "[OIII] light glows"),
        ("10<sup>6</sup> K and H<sub>2</sub>O", "106 K and H2O"),
        ("a \\* marks it", "a * marks it"),
        ("\\_not emphasis_ here", "_not emphasis_ here"),
        ("NGC_1234 stays", "NGC_1234 stays"),
        ("One [a](https://a.org/).\n\nTwo.", "One a.\n\nTwo."),
        ("[t](http://x.org/es\\(ic.html) is", "t is"),  # an escaped parenthesis
        ("[t](http://x.org/a\\) ends", "t ends"),  # a URL that ends in a backslash
        ("[t](http://x.org/a) and a stray </sup>", "t and a stray "),
        ("[" * 40 + "never closed](", "[" * 40 + "never closed]("),
        ("", ""),
    ],
)
def test_plain_text(markdown: str, text: str) -> None:
    assert plain_text(markdown) == text


def _split_rule(url: str, schemes: tuple[str, ...]) -> bool:
    """is_absolute's rule, read off urlsplit alone."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return False
    target = parts.path if parts.scheme == "mailto" else parts.netloc
    return parts.scheme in schemes and bool(target)


_URL_PIECES = st.sampled_from(
    [*"ab:/?#[]@.-+ \t\nHTtpsmailo0é%", "http://", "https://", "mailto:", "ftp://", "\uff03"]
)


@settings(max_examples=600, deadline=None)
@given(st.lists(_URL_PIECES, max_size=12).map("".join))
def test_is_absolute_says_what_urlsplit_says(url: str) -> None:
    # its quick answer for scheme://host addresses never differs from urlsplit's
    for schemes in (LINK_SCHEMES, MEDIA_SCHEMES):
        assert is_absolute(url, schemes) == _split_rule(url, schemes)


# --- the tree a run is grown into, against BeautifulSoup's own handlers -----------------------


def _handled(run: list[Event]) -> BeautifulSoup:
    """A run through BeautifulSoup's own handlers, called as a parser of its HTML calls
    them (what markdown._grow does without them)."""
    soup = markdown._Soup("", builder=markdown._Builder(), element_classes={Tag: markdown._Tag})
    for kind, name, element, text in visible(run):
        if kind == TEXT:
            soup.handle_data(text)
        elif kind == START:
            soup.handle_starttag(name, None, None, dict(element.items()))
            if name in VOID:
                soup.handle_endtag(name)
        elif name not in VOID:
            soup.handle_endtag(name)
    soup.endData()
    return soup


def _shape(soup: BeautifulSoup) -> list[tuple]:
    """Every node of a tree in document order: its kind, name or text, attributes, and the
    positions of the nodes it links to (parent, siblings, previous and next element)."""
    nodes: list = []

    def visit(node) -> None:
        nodes.append(node)
        for child in getattr(node, "contents", []):
            visit(child)

    visit(soup)
    where = {id(node): n for n, node in enumerate(nodes)}

    def at(node) -> int | None:
        return None if node is None else where[id(node)]

    links = ("parent", "previous_sibling", "next_sibling", "previous_element", "next_element")
    return [
        (type(node).__name__, getattr(node, "name", None) if isinstance(node, Tag) else str(node),
         dict(node.attrs) if isinstance(node, Tag) else None,
         *(at(getattr(node, link)) for link in links))
        for node in nodes
    ]  # fmt: skip


# Fragments whose streams are cut into every run (each slice: ends whose start came before
# it, starts left open at its end), for each case a page's runs can hold.
_FRAGMENTS = [
    "<p>one <b>two <i>three</i> four</b> five</p> <br><br>   <br>\n\n<br>",
    "<pre>  kept   \n  as is </pre><pre>  \n  </pre> <textarea>   </textarea>",
    "<div> <script>x()</script> <p>a<style>p{}</style>b</p><noscript>n</noscript> </div>",
    "<ul><li>a<li>b</ul><table><tr><td>1<td>2</table><ruby>漢<rt>kan</rt></ruby>",
    "<a href='x.html'>a <a href='y.html'>b</a> c</a><img src=i.jpg alt=x>tail",
]


def _slices(fragment: str) -> list[list[Event]]:
    stream = walk(lxml.html.fragment_fromstring(fragment, create_parent="div"))[1:-1]
    return [stream[i:j] for i in range(len(stream)) for j in range(i + 1, len(stream) + 1)]


def _misnested() -> list[Event]:
    """<b>x<i>y</b>z</i>: an end that closes what opened after it (a credit line cut at a
    <br> inside a link gives such runs)."""
    b, x, i, y, end_i, z, end_b = walk(lxml.html.fragment_fromstring("<b>x<i>y</i>z</b>"))
    return [b, x, i, y, end_b, z, end_i]


def test_a_run_grows_the_tree_beautifulsoups_handlers_build(corpus: Path) -> None:
    runs: list[list[Event]] = []
    grow = markdown._soup_of

    def kept(run):
        runs.append(list(run))
        return grow(run)

    markdown._soup_of = kept
    try:
        for path in sorted((corpus / "classic").iterdir()) + sorted((corpus / "science").iterdir()):
            with contextlib.suppress(ApodError):
                parse_page(path.read_bytes(), url_of(path))
    finally:
        markdown._soup_of = grow
    assert len(runs) > 50  # the corpus pages' runs
    runs += [run for fragment in _FRAGMENTS for run in _slices(fragment)] + [_misnested()]
    for run in runs:
        assert _shape(markdown._soup_of(run)) == _shape(_handled(run))


def test_a_run_leaves_out_its_invisible_elements_and_what_they_hold() -> None:
    html = "<div>a<script>x<b>y</b></script>b<style>s</style><noscript>n<i>m</i></noscript>c</div>"
    stream = walk(lxml.html.fragment_fromstring(html))
    shown = list(visible(stream))
    assert "".join(e.text for e in shown) == "abc"
    assert [(e.kind, e.tag) for e in shown if e.kind != TEXT] == [(START, "div"), (END, "div")]
    # a run that starts inside one: its end does not hide what follows
    after = next(n for n, e in enumerate(stream) if e.tag == "noscript") + 1
    assert "".join(e.text for e in visible(stream[after:])) == "mc"
