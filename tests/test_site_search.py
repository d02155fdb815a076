"""The site's search index: words, shards, and updates that give what a build gives."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from apodscrape.site.addresses import Listed
from apodscrape.site.search import Index, code, html_words, ordinal, shard_file, word_list


def test_words_fold_case_and_accents_as_search_js_does() -> None:
    assert set(word_list("Galaxy's NGC-1234: Ångström, café, ŽELVA_x")) == {
        "galaxy", "s", "ngc", "1234", "angstrom", "cafe", "zelva", "x",
    }  # fmt: skip
    assert set(word_list("Туманность Ориона")) == {"туманность", "ориона"}


def test_words_a_reader_sees_in_html_and_how_often() -> None:
    assert html_words('<p>A <a href="https://e.org/word">link</a> &amp; a 10<sup>6</sup></p>') == {
        "a": 2,
        "link": 1,
        "10": 1,
        "6": 1,
    }


def test_ordinals_in_three_base_36_digits() -> None:
    assert ordinal(dt.date(1995, 6, 16)) == 0
    assert [code(n) for n in (0, 35, 36, 11_500, 36**3 - 1)] == ["000", "00z", "010", "8vg", "zzz"]


def test_shard_files_are_safe_names() -> None:
    assert shard_file("ga") == "ga.js"
    assert shard_file("1") == "1.js"
    assert shard_file("ту") == "_442_443.js"


def test_updates_give_the_index_a_build_gives() -> None:
    first = {0: {"galaxy": 1, "red": 2}, 5: {"galaxy": 40, "blue": 1}, 9: {"nebula": 11}}
    index = Index.build(first)
    assert index.shards == {
        "ga": {"galaxy": "0001005z"}, "re": {"red": "0002"}, "bl": {"blue": "0051"},
        "ne": {"nebula": "009b"},
    }  # fmt: skip  # each day with the word's count, 35 (z) at most
    index.dirty.clear()
    index.remove([5, 9])
    index.add(5, {"galaxy": 2, "green": 1})
    index.add(3, {"galaxy": 1})
    index.add(0, {"galaxy": 3, "red": 2})  # a day again: its counts replaced
    assert (
        index.shards
        == Index.build(
            {0: {"galaxy": 3, "red": 2}, 3: {"galaxy": 1}, 5: {"galaxy": 2, "green": 1}}
        ).shards
    )
    assert index.dirty == {"ga", "gr", "bl", "ne"}
    assert sorted(index.changed_files()) == ["ga.js", "gr.js"]  # "bl", "ne": no word left
    assert index.file_names() == {"ga.js", "gr.js", "re.js"}


def test_written_index_reads_back(tmp_path: Path) -> None:
    index = Index.build({0: {"galaxy": 1}, 400: {"galaxy": 2, "γαλα": 1}})
    (tmp_path / "search").mkdir()
    days = [
        Listed(dt.date(1995, 6, 16), "ap950616", "First"),
        Listed(dt.date(1996, 7, 20), "ap960720", "Later", "thumbs/ap960720.jpg"),
    ]
    lengths = {"ap950616": 1, "ap960720": 100}
    (tmp_path / "search" / "days.js").write_text(index.days_file(days, lengths), encoding="utf-8")
    for name, text in index.changed_files().items():
        (tmp_path / "search" / name).write_text(text, encoding="utf-8")
    again = Index.read(tmp_path)
    assert again is not None and again.shards == index.shards and again.dirty == set()
    assert index.days_file(days, lengths) == (
        'apodSearch.days(["ga","\u03b3\u03b1"], '
        '"950616\\t1\\t\\tFirst\\n960720\\t2s\\tt\\tLater");\n'
    )  # the length in base 36, "t": a thumbnail
