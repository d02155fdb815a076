"""Conversions share one converter, one lxml parser and one soup per thread
(apodscrape/parse/markdown.py): fragments and runs of a page's stream converted one after
another, or in several threads at once, give what each gives alone, whatever came before it;
a run gives what its HTML gives."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import lxml.html

from apodscrape.parse.markdown import to_inline, to_markdown
from apodscrape.parse.stream import Event, walk

BASE = "https://apod.nasa.gov/apod/ap250105.html"
OTHER_BASE = "https://apod.nasa.gov/apod/lib/about_apod.html"

FRAGMENTS = [
    'Gas at 10<sup>6</sup> K near <a href="ap140803.html">Sgr A*</a>.<p>Second part.',
    "<b>unclosed bold <a href='lib/glossary.html#x'>and link",  # left open: the parser closes it
    "</center></td> stray end tags, then text",
    "<p>",
    '<table><tr><td>a cell</td></tr></table> after a table <a href="//x.org/y">y</a>',
    "plain *text* with NGC_1234",
    'a line<br>the next <img src="x.png"> <a href="y.html">after <i>it</i></a><script>no</script>',
]


def run_of(fragment: str) -> list[Event]:
    """The stream of a fragment, without the element lxml wraps it in."""
    return walk(lxml.html.fragment_fromstring(fragment, create_parent="div"))[1:-1]


RUNS = [run_of(fragment) for fragment in FRAGMENTS]


def test_a_run_converts_as_its_html_does() -> None:
    for fragment, run in zip(FRAGMENTS, RUNS, strict=True):
        assert to_markdown(run, BASE) == to_markdown(fragment, BASE)
        assert to_inline(run, BASE) == to_inline(fragment, BASE)


def test_a_run_ignores_the_ends_of_elements_it_starts_inside() -> None:
    stream = run_of("<p>one <b>two</b> three</p><p>four <i>five</i></p>")
    inside_bold = next(i for i, event in enumerate(stream) if event.text == "two")
    assert to_markdown(stream[inside_bold:], BASE) == "two three\n\nfour five"
    assert to_inline(stream[inside_bold:-3], BASE) == "two three four"  # <i> left open


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
    work = [(html, base) for html in FRAGMENTS + RUNS for base in (BASE, OTHER_BASE)] * 20
    expected = [to_markdown(fragment, base) for fragment, base in work]
    with ThreadPoolExecutor(max_workers=4) as pool:
        assert list(pool.map(lambda job: to_markdown(*job), work)) == expected
