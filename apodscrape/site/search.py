"""The site's search index: prebuilt, sharded by a word's first two letters, read by search.js.

Why not Pagefind: its search script is an ES module that fetches its index and a WebAssembly
file, which Chromium refuses from a `file://` page (origin `null`), so a mirror opened from
disk could not search; and it indexes the whole site again after every run. These shards are
plain scripts (`<script src>` loads them from disk and from a server alike), and a run
updates them for the days that changed.

Files under `OUT/search/`:
  days.js       apodSearch.days(KEYS, "YYMMDD<TAB>LENGTH<TAB>THUMB<TAB>title\\n..."): every
                day (LENGTH: its words, in base 36; THUMB: "t" when the site has its
                thumbnail), and the shard keys
  KEY.js        apodSearch.shard("ga", {"galaxy": POSTINGS, ...}): the words starting with KEY
  text/YYMM.js  apodSearch.text("YYMM", {"YYMMDD": "the explanation as text", ...}): a
                month's explanations, loaded for the results shown, for their snippets
A day is its ordinal (days since 1995-06-16) in 3 base-36 digits; POSTINGS is, for each day a
word appears in (title, credit or explanation), in order, the day's ordinal and one base-36
digit: how often the word appears there (35 at most). search.js ranks with them (BM25).
"""

from __future__ import annotations

import datetime as dt
import html
import json
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Mapping
from pathlib import Path

from ..days import FIRST_DAY
from .addresses import Listed

DIRNAME = "search"
DAYS_FILE = "days.js"
TEXT_DIR = "text"
WIDTH = 3  # base-36 digits an ordinal takes: days until 2123
ENTRY = WIDTH + 1  # a posting's entry: the ordinal and the word's count, one digit
_MOST = 35
_DIGITS = "0123456789abcdefghijklmnopqrstuvwxyz"
_WORD = re.compile(r"[^\W_]+")
_TAG = re.compile(r"<[^>]*>")
_BLOCK_TAG = re.compile(r"</?(?:p|br|li|ul|ol|h\d|blockquote|div|pre|hr|table|tr|td|th)\b[^>]*>")
_SHARD_START, _SHARD_END = "apodSearch.shard(", ");\n"
_SAFE_KEY_CHAR = re.compile(r"[a-z0-9]")


def ordinal(day: dt.date) -> int:
    """A day's number in the index: days since the first APOD."""
    return (day - FIRST_DAY).days


def code(number: int) -> str:
    """An ordinal in WIDTH base-36 digits (sorting as text sorts as numbers)."""
    return _base36(number).rjust(WIDTH, "0")


def word_list(text: str) -> list[str]:
    """The words of a text as search.js splits a query: NFKD, lower case, marks dropped,
    runs of letters and digits."""
    text = unicodedata.normalize("NFKD", text).lower()
    if not text.isascii():
        text = "".join(c for c in text if not unicodedata.category(c).startswith("M"))
    return _WORD.findall(text)


def plain_text(fragment: str) -> str:
    """What a reader sees of an HTML fragment, as text: a space where a block ends, inline
    tags dropped, entities decoded, one space between words."""
    return " ".join(html.unescape(_TAG.sub("", _BLOCK_TAG.sub(" ", fragment))).split())


def html_words(*fragments: str) -> Counter[str]:
    """The words a reader sees in HTML fragments (a tag parts words: 10<sup>6</sup> is 10
    and 6), and how often each appears."""
    return Counter(word_list(" ".join(html.unescape(_TAG.sub(" ", f)) for f in fragments)))


def shard_key(word: str) -> str:
    return word[:2]


def shard_file(key: str) -> str:
    """A shard's file name: its key, any character but a-z and 0-9 as _ and its hex code
    point (search.js names them alike)."""
    return "".join(c if _SAFE_KEY_CHAR.match(c) else f"_{ord(c):x}" for c in key) + ".js"


class Index:
    """Word -> posting string, grouped into shards by the word's first two letters."""

    def __init__(self, shards: dict[str, dict[str, str]] | None = None) -> None:
        self.shards = shards if shards is not None else {}
        self.dirty: set[str] = set()  # the shards whose files are to be written

    @classmethod
    def build(cls, by_day: Mapping[int, Mapping[str, int]]) -> Index:
        """The index of these days' words (word -> how often it appears that day)."""
        postings: dict[str, list[str]] = {}
        codes = [code(n) for n in range(max(by_day, default=-1) + 1)]
        for number in sorted(by_day):
            for word, count in by_day[number].items():
                postings.setdefault(word, []).append(codes[number] + _DIGITS[min(count, _MOST)])
        index = cls()
        for word, entries in postings.items():
            index.shards.setdefault(shard_key(word), {})[word] = "".join(entries)
        index.dirty = set(index.shards)
        return index

    @classmethod
    def read(cls, out: Path) -> Index | None:
        """The index a previous run wrote, or None when it is missing or not ours."""
        directory = out / DIRNAME
        if not (directory / DAYS_FILE).is_file():
            return None
        shards = {}
        for path in directory.glob("*.js"):
            if path.name == DAYS_FILE:
                continue
            try:
                text = path.read_text(encoding="utf-8")
                key, entries = json.loads(
                    f"[{text.removeprefix(_SHARD_START)[: -len(_SHARD_END)]}]"
                )
            except (OSError, ValueError):  # unreadable, not JSON, not two values
                return None
            well_formed = text.startswith(_SHARD_START) and text.endswith(_SHARD_END)
            if not (well_formed and isinstance(key, str) and shard_file(key) == path.name):
                return None
            if not (isinstance(entries, dict) and all(map(_is_posting, entries.values()))):
                return None
            shards[key] = entries
        return cls(shards)

    def remove(self, numbers: Iterable[int]) -> None:
        """Take these days out of every posting."""
        gone = {code(n) for n in numbers}
        if not gone:
            return
        look = re.compile("|".join(map(re.escape, sorted(gone))))  # one C search a posting
        for key, entries in list(self.shards.items()):
            for word, posting in list(entries.items()):
                if look.search(posting):  # a quick look; then aligned
                    self.dirty.add(key)
                    kept = "".join(
                        posting[i : i + ENTRY]
                        for i in range(0, len(posting), ENTRY)
                        if posting[i : i + WIDTH] not in gone
                    )
                    if kept:
                        entries[word] = kept
                    else:
                        del entries[word]
            if not entries:
                del self.shards[key]

    def add(self, number: int, day_words: Mapping[str, int]) -> None:
        """Put one day into the postings of its words (word -> how often it appears)."""
        day = code(number)
        for word, count in day_words.items():
            key = shard_key(word)
            entries = self.shards.setdefault(key, {})
            posting = entries.get(word, "")
            entries[word] = _insert(posting, day + _DIGITS[min(count, _MOST)])
            if entries[word] != posting:
                self.dirty.add(key)

    def days_file(self, days: list[Listed], lengths: Mapping[str, int]) -> str:
        """days.js: every day (oldest first) with its length in words (`lengths`, by stem)
        and whether it has a thumbnail, and the shards there are."""
        keys = sorted(self.shards)
        listing = "\n".join(
            f"{day.stem[2:]}\t{_base36(lengths.get(day.stem, 0))}\t{'t' if day.thumb else ''}"
            f"\t{' '.join(day.title.split())}"
            for day in days
        )
        return f"apodSearch.days({_json(keys)}, {_json(listing)});\n"

    def changed_files(self) -> dict[str, str]:
        """The shard files that changed since the index was read (or built): name -> text."""
        keys = sorted(key for key in self.dirty if key in self.shards)
        return {shard_file(key): _shard_text(key, self.shards[key]) for key in keys}

    def file_names(self) -> set[str]:
        """The names of every shard's file."""
        return {shard_file(key) for key in self.shards}


def text_file(month: str, texts: Mapping[str, str]) -> str:
    """text/YYMM.js: a month's explanations as text, by YYMMDD."""
    return f"apodSearch.text({_json(month)}, {_json(dict(sorted(texts.items())))});\n"


def _base36(number: int) -> str:
    digits = ""
    while True:
        number, digit = divmod(number, 36)
        digits = _DIGITS[digit] + digits
        if not number:
            return digits


def _is_posting(value: object) -> bool:
    return isinstance(value, str) and len(value) % ENTRY == 0 and value.isalnum()


def _shard_text(key: str, entries: dict[str, str]) -> str:
    return f"{_SHARD_START}{_json(key)}, {_json(dict(sorted(entries.items())))}{_SHARD_END}"


def _insert(posting: str, entry: str) -> str:
    """A posting with a day's entry put in its place (replacing the day's entry there)."""
    day = entry[:WIDTH]
    low, high = 0, len(posting) // ENTRY
    while low < high:
        middle = (low + high) // 2
        if posting[middle * ENTRY : middle * ENTRY + WIDTH] < day:
            low = middle + 1
        else:
            high = middle
    at = low * ENTRY
    if posting[at : at + WIDTH] == day:
        return posting[:at] + entry + posting[at + ENTRY :]
    return posting[:at] + entry + posting[at:]


def _json(value: object) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))
