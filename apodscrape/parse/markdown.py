"""HTML to Markdown (markdownify), and URLs read the way a browser reads them."""

from __future__ import annotations

import functools
import re
import threading
from collections import Counter
from collections.abc import Sequence
from urllib.parse import urljoin, urlsplit

from bs4 import BeautifulSoup, NavigableString, Tag
from bs4.builder import LXMLTreeBuilder
from markdownify import MarkdownConverter

from .stream import START, TEXT, VOID, Event, collapse, visible

_BREAKS_INSIDE_URL = re.compile(r"[\t\n\r]")
# Characters a browser's URL parser percent-encodes wherever they stand (WHATWG URL: the
# fragment set, which every other set contains): a broken href that swallowed markup
# (`href="...515A>organic materials</a> and <a href=`) stays one URL, never markup.
_PERCENT_ENCODED = {" ": "%20", '"': "%22", "<": "%3C", ">": "%3E", "`": "%60"}
_ENCODE = re.compile("[" + "".join(_PERCENT_ENCODED) + "]")
# Absolute URLs that urljoin gives back unchanged whatever the base (it only re-assembles
# their parts): most links. Not those with an empty query or fragment, or `;` parameters,
# or an upper-case scheme, which it rewrites.
_AS_JOINED = re.compile(
    r"(?:https?|mailto|ftp):(?://[^/?#;]+(?:/[^?#;]*)?|[^/?#;][^?#;]*)(?:\?[^#]+)?(?:#.+)?"
)
# A relative path that urljoin only appends to the base's folder: no scheme, query,
# fragment or parameters, no dot segments, no empty segment (which it would drop), and no
# leading control character or space (which it strips). Most of the other links.
_IN_FOLDER = re.compile(
    r"(?:(?!\.\.?(?:/|\Z))[^\x00-\x20/?#;:][^/?#;:]*/)*(?!\.\.?\Z)(?:[^\x00-\x20/?#;:][^/?#;:]*)?"
)
# scheme://host as urlsplit reads it, where it would raise no error and change nothing: a
# lower-case scheme, then a host of printable ASCII, no brackets, up to the path, query or
# fragment.
_PLAIN_AUTHORITY = re.compile(
    r"([a-z][a-z0-9+.-]*)://[^\x00-\x20\x7f-\U0010ffff/?#\[\]]+(?=[/?#]|\Z)"
)
# A destination Markdown reads as one: parentheses balanced, one level deep.
_BALANCED = re.compile(r"(?:[^()]|\([^()]*\))*")
# An * or _ that could open emphasis (CommonMark's left-flanking delimiter; an _ inside a
# word never does): only those are escaped, so "Sgr A*" and "NGC_1234" stay as written.
_EMPHASIS_OPENER = re.compile(
    r"(?:(?<=^)|(?<=[\s\W]))\*(?=\S)|(?<![\s\W])\*(?=[^\s\W])|(?<![^\W_])_(?=\S)"
)
_PARAGRAPH_BREAK = re.compile(r"\n\s*\n")
# A `<` that Markdown would read as the start of raw HTML (a tag, a comment, a declaration).
_TAG_OPENER = re.compile(r"<(?=[A-Za-z/!?])")
# The schemes an address of the archive may have: the media a day shows, and the links of
# its text (the real pages link to ftp and gopher servers too, and to mail addresses). A
# link of any other scheme (javascript:, data:, file:, about:, blob:) stays its text; media
# or a base for links of any other scheme is none. `check` holds files to the same rule.
MEDIA_SCHEMES = ("http", "https")
LINK_SCHEMES = ("http", "https", "ftp", "gopher", "mailto")


def clean_url(raw: str | None, base: str) -> str | None:
    """An href or src as a browser reads it: absolute, no line breaks, no edge spaces.

    Old pages break long hrefs across lines; a browser drops the line breaks and tabs
    and trims spaces at both ends. Protocol-relative URLs get https. Spaces, quotes and
    angle brackets left inside are percent-encoded as a browser does, so that the URL
    stays one Markdown link destination.
    """
    if raw is None:
        return None
    url = _BREAKS_INSIDE_URL.sub("", raw).strip(" \x00\x0b\x0c")
    if not url:
        return None
    if url.startswith("//"):
        url = "https:" + url
    if not _AS_JOINED.fullmatch(url):
        folder = _folder_of(base)
        url = folder + url if folder and _IN_FOLDER.fullmatch(url) else urljoin(base, url)
    if _ENCODE.search(url):
        url = _ENCODE.sub(lambda m: _PERCENT_ENCODED[m.group()], url)
    return url


def is_absolute(url: object, schemes: tuple[str, ...]) -> bool:
    """Whether `url` is an absolute address of one of `schemes`, with a host (an address
    for mailto:)."""
    if not isinstance(url, str):
        return False
    plain = _PLAIN_AUTHORITY.match(url)
    if plain and plain.group(1) != "mailto":  # most addresses: urlsplit would say the same
        return plain.group(1) in schemes
    try:
        parts = urlsplit(url)
    except ValueError:  # a broken IPv6 host
        return False
    target = parts.path if parts.scheme == "mailto" else parts.netloc
    return parts.scheme in schemes and bool(target)


def web_url(raw: str | None, base: str) -> str | None:
    """`clean_url` of media: an absolute http(s) address, else None."""
    url = clean_url(raw, base)
    return url if is_absolute(url, MEDIA_SCHEMES) else None


@functools.lru_cache(maxsize=64)
def _folder_of(base: str) -> str | None:
    """The folder of a base address that urljoin joins a plain relative path onto, if it
    would change nothing else in it (a lower-case http(s) scheme, no query or fragment, no
    parameters, dot segments or doubled slashes in its path, no tab or line break); else
    None."""
    parts = urlsplit(base)
    path = parts.path
    if (
        not base.startswith(("http://", "https://"))
        or "?" in base
        or "#" in base
        or ";" in base
        or not path.startswith("/")
        or "//" in path
        or "/." in path
        or _BREAKS_INSIDE_URL.search(base)  # urljoin removes them
    ):
        return None
    return base[: base.rfind("/") + 1]


class _Tag(Tag):
    """bs4's Tag, with a quick find_parent(name): markdownify asks it of every tag it
    converts (is it inside a <pre>?), and bs4's general search is slow for that."""

    def find_parent(self, name=None, attrs=None, **kwargs):
        if not isinstance(name, str) or attrs is not None or kwargs:
            return super().find_parent(name, attrs, **kwargs)
        parent = self.parent
        while parent is not None and parent.name != name:
            parent = parent.parent
        return parent


class _Soup(BeautifulSoup):
    """The soup a run of a page's stream is replayed into: its root has no parent to find."""

    def find_parent(self, name=None, attrs=None, **kwargs):
        return None


class _Builder(LXMLTreeBuilder):
    """bs4's lxml builder (features="lxml"), keeping its lxml parser from one fragment to
    the next: a new parser with a Python target costs more than parsing a credit line."""

    def __init__(self) -> None:
        super().__init__()
        self._parser = None

    def parser_for(self, encoding):
        if encoding is not None:
            return super().parser_for(encoding)
        if self._parser is None:
            self._parser = super().parser_for(None)
        return self._parser

    def feed(self, markup) -> None:
        try:
            super().feed(markup)
        except BaseException:
            self._parser = None  # never reuse a parser left in the middle of a document
            raise


class _ApodMarkdown(MarkdownConverter):
    """markdownify tuned to FORMAT.md: plain links, no emphasis markers, sup/sub kept.

    Relative links resolve against `base`, set before each conversion (see _convert).
    """

    def __init__(self) -> None:
        super().__init__(
            autolinks=False,
            escape_underscores=False,  # see escape(): only what could open emphasis
            escape_asterisks=False,
            sup_symbol="<sup>",
            sub_symbol="<sub>",
            bs4_options={"builder": _Builder(), "element_classes": {Tag: _Tag}},
        )
        self.base = ""

    def escape(self, text, parent_tags):
        if "<" in text:  # text that reads as a tag (`&lt;img onerror=…&gt;`) stays text
            text = _TAG_OPENER.sub(r"\\<", text)
        if "*" not in text and "_" not in text:
            return text  # nothing that could open emphasis (the common case)
        return _EMPHASIS_OPENER.sub(r"\\\g<0>", text)

    def convert_a(self, el, text, parent_tags):
        # Whitespace at the link's edges stays outside it as one space, a line break too
        # (markdownify's chomp only sees spaces: "Milky Way\n" lost its space).
        prefix = " " if text[:1].isspace() else ""
        suffix = " " if text[-1:].isspace() else ""
        text = text.strip()
        if not text:
            return " " if prefix or suffix else ""
        url = clean_url(el.get("href"), self.base)
        if not is_absolute(url, LINK_SCHEMES):  # javascript:, data:, file: links stay text
            return f"{prefix}{text}{suffix}"
        if ("(" in url or ")" in url) and not _BALANCED.fullmatch(url):  # es(ic.html
            url = url.replace("(", "\\(").replace(")", "\\)")
        return f"{prefix}[{text}]({url}){suffix}"

    def convert_b(self, el, text, parent_tags):
        return text  # FORMAT.md: bold and italic markers are dropped, labels stay as text

    convert_strong = convert_em = convert_i = convert_u = convert_font = convert_b

    def convert_br(self, el, text, parent_tags):
        return " "  # one line per paragraph: only <p> separates paragraphs

    def convert_img(self, el, text, parent_tags):
        return ""  # an image inside a text block is decoration, not text


_local = threading.local()


def _convert(html: str | Sequence[Event], base: str) -> str:
    """markdownify's Markdown of a fragment or a run of a page's stream, with this thread's
    converter (and parser)."""
    converter = getattr(_local, "converter", None)
    if converter is None:
        converter = _local.converter = _ApodMarkdown()
    converter.base = base
    if isinstance(html, str):
        return converter.convert(html)
    return converter.convert_soup(_soup_of(html))


def _soup_of(run: Sequence[Event]) -> _Soup:
    """This thread's soup, holding the tree of a run of a page's stream: the elements the
    page's own parse made, rather than its HTML written out and parsed again."""
    soup = getattr(_local, "soup", None)
    if soup is None:
        soup = _local.soup = _Soup("", builder=_Builder(), element_classes={Tag: _Tag})
    soup.reset()
    _grow(run, soup)
    return soup


# BeautifulSoup.ASCII_SPACES: text of nothing else is one space (or line break) in its tree
_ASCII_SPACES = "\x20\x0a\x09\x0c\x0d"


def _grow(run: Sequence[Event], soup: _Soup) -> None:
    """The tree BeautifulSoup's own handlers (handle_starttag, handle_data, handle_endtag,
    endData) build from a run, invisible elements left out, grown in `soup` without their
    general machinery: the same tags and strings, linked the same way (parent, siblings,
    previous and next element), in a third of the time. An end whose start came before the
    run is ignored; one of a tag still open closes what was opened after it. The tests hold
    it to BeautifulSoup's own on every page of the corpus."""
    builder = soup.builder
    preserved, containers = builder.preserve_whitespace_tags, builder.string_containers
    open_tags: list[Tag] = [soup]
    open_names: Counter[str] = Counter()
    preserving: list[Tag] = []  # open <pre>, <textarea>: their whitespace is kept
    holding: list[Tag] = []  # open tags whose strings are of a class of their own
    data: list[str] = []  # text not yet made a string
    recent: Tag | NavigableString | None = None  # the element made last

    def end_data() -> None:
        nonlocal recent
        text = "".join(data)
        data.clear()
        if not preserving and not text.strip(_ASCII_SPACES):
            text = "\n" if "\n" in text else " "
        kind = containers.get(holding[-1].name, NavigableString) if holding else NavigableString
        string = kind(text)
        parent = open_tags[-1]
        string.setup(parent, recent)
        parent.contents.append(string)
        recent = string

    def end_tag(name: str) -> None:
        if data:
            end_data()
        if not open_names[name]:
            return
        while True:
            tag = open_tags.pop()
            open_names[tag.name] -= 1
            if preserving and preserving[-1] is tag:
                preserving.pop()
            if holding and holding[-1] is tag:
                holding.pop()
            if tag.name == name:
                return

    for kind, name, element, text in visible(run):
        if kind == TEXT:
            data.append(text)
        elif kind == START:
            if data:
                end_data()
            parent = open_tags[-1]
            assert element is not None
            tag = _Tag(soup, builder, name, None, None, dict(element.items()), parent, recent)
            parent.contents.append(tag)
            recent = tag
            open_tags.append(tag)
            open_names[name] += 1
            if name in preserved:
                preserving.append(tag)
            if name in containers:
                holding.append(tag)
            if name in VOID:  # as a parser reports a void element: ended where it starts
                end_tag(name)
        elif name not in VOID:
            end_tag(name)
    if data:
        end_data()


def to_markdown(html: str | Sequence[Event], base: str) -> str:
    """Block Markdown of an HTML fragment or a run of a page's stream: one line per
    paragraph, one blank line between."""
    if isinstance(html, str) and not html.strip():
        return ""
    markdown = _convert(html, base)
    paragraphs = (collapse(p) for p in _PARAGRAPH_BREAK.split(markdown))
    return "\n\n".join(p for p in paragraphs if p)


def to_inline(html: str | Sequence[Event], base: str) -> str:
    """One line of inline Markdown from an HTML fragment or a run of a page's stream."""
    if isinstance(html, str) and not html.strip():
        return ""
    return collapse(_convert(html, base))
