"""Conversions share one converter and one lxml parser per thread (apodscrape/markdown.py):
fragments converted one after another, or in several threads at once, give what each gives
alone, whatever came before it."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from apodscrape.parse.markdown import to_inline, to_markdown

BASE = "https://apod.nasa.gov/apod/ap250105.html"
OTHER_BASE = "https://apod.nasa.gov/apod/lib/about_apod.html"

FRAGMENTS = [
    'Gas at 10<sup>6</sup> K near <a href="ap140803.html">Sgr A*</a>.<p>Second part.',
    "<b>unclosed bold <a href='lib/glossary.html#x'>and link",  # left open: the parser closes it
    "</center></td> stray end tags, then text",
    "<p>",
    '<table><tr><td>a cell</td></tr></table> after a table <a href="//x.org/y">y</a>',
    "plain *text* with NGC_1234",
]


def test_each_fragment_converts_the_same_after_any_other() -> None:
    alone = [to_markdown(fragment, BASE) for fragment in FRAGMENTS]
    for shift in range(1, len(FRAGMENTS)):
        order = FRAGMENTS[shift:] + FRAGMENTS[:shift]
        assert [to_markdown(f, BASE) for f in order] == alone[shift:] + alone[:shift]
    assert alone[0] == (
        "Gas at 10<sup>6</sup> K near [Sgr A*](https://apod.nasa.gov/apod/ap140803.html)."
        "\n\nSecond part."
    )
    assert alone[1] == "unclosed bold [and link](https://apod.nasa.gov/apod/lib/glossary.html#x)"


def test_links_resolve_against_the_base_of_each_call() -> None:
    fragment = '<a href="x.html">x</a>'
    assert to_inline(fragment, BASE) == "[x](https://apod.nasa.gov/apod/x.html)"
    assert to_inline(fragment, OTHER_BASE) == "[x](https://apod.nasa.gov/apod/lib/x.html)"
    assert to_inline(fragment, BASE) == "[x](https://apod.nasa.gov/apod/x.html)"


def test_threads_converting_at_once_get_their_own_results() -> None:
    work = [(fragment, base) for fragment in FRAGMENTS for base in (BASE, OTHER_BASE)] * 20
    expected = [to_markdown(fragment, base) for fragment, base in work]
    with ThreadPoolExecutor(max_workers=4) as pool:
        assert list(pool.map(lambda job: to_markdown(*job), work)) == expected
