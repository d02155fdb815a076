"""The archive's Markdown as HTML for the site: CommonMark (markdown-it-py) with raw HTML off.

Of all HTML, only `<sup>`, `</sup>`, `<sub>` and `</sub>` (exactly these, as FORMAT.md keeps
them) are shown as tags, and only in pairs; any other markup is text. Links and images keep
http, https and mailto addresses (or relative ones); any other scheme (`javascript:`,
`data:`, `vbscript:` ...) leaves the link as text. Links to a day the site has point at its
local page.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from markdown_it import MarkdownIt
from markdown_it.common.normalize_url import normalizeLink
from markdown_it.common.utils import escapeHtml
from markdown_it.rules_core import StateCore
from markdown_it.rules_inline import StateInline
from markdown_it.token import Token

from .addresses import local_address

_SUPSUB = re.compile(r"<(/?)(sup|sub)>", re.IGNORECASE)
_SCHEME = re.compile(r"([a-z][a-z0-9+.-]*):", re.IGNORECASE)
_SAFE_SCHEMES = frozenset({"http", "https", "mailto"})
# What markdown-it's normalizeLink gives back unchanged: ASCII with nothing to percent-encode.
_PLAIN_URL = re.compile(r"(?:[A-Za-z0-9\-._~:/?#@!$&'()*+,;=]|%[0-9A-Fa-f]{2})*")


def safe_url(url: str) -> bool:
    """Whether a link or media address may stand in a page: http(s), mailto, or relative."""
    scheme = _SCHEME.match(url.strip())
    return scheme is None or scheme.group(1).lower() in _SAFE_SCHEMES


class Markup:
    """Renders the Markdown of one site: links to the days it has become local."""

    def __init__(self, days: set[str]) -> None:
        self.days = days
        md = MarkdownIt("commonmark", {"html": False})
        md.validateLink = safe_url  # type: ignore[method-assign]
        md.normalizeLink = _normalize_link  # type: ignore[method-assign]
        md.inline.ruler.before("html_inline", "supsub", _supsub_tag)
        md.core.ruler.push("supsub_pairs", _pair_supsub)
        md.core.ruler.push("local_days", self._localize)
        md.add_render_rule("supsub", _render_supsub)
        # Raw HTML is off; should a token of it ever appear, it is shown as text.
        md.add_render_rule("html_inline", _render_as_text)
        md.add_render_rule("html_block", _render_as_text)
        self._md = md

    def block(self, markdown: str) -> str:
        """HTML of a Markdown document (the explanation): paragraphs and all."""
        return self._md.render(markdown)

    def inline(self, markdown: str) -> str:
        """HTML of one line of inline Markdown (a credit line), no paragraph around it."""
        return self._md.renderInline(markdown)

    def _localize(self, state: StateCore) -> None:
        for token in _inline_children(state.tokens):
            if token.type == "link_open":
                href = str(token.attrGet("href") or "")
                local = local_address(href, self.days)
                if local is not None:
                    token.attrSet("href", local)


def _normalize_link(url: str) -> str:
    """markdown-it's normalizeLink (percent-encoding, punycode), skipped for the URLs it would
    give back unchanged: nearly all of the archive's, and a quarter of the rendering time."""
    return url if _PLAIN_URL.fullmatch(url) else normalizeLink(url)


def _inline_children(tokens: Sequence[Token]) -> list[Token]:
    return [child for token in tokens if token.type == "inline" for child in token.children or ()]


def _supsub_tag(state: StateInline, silent: bool) -> bool:
    found = _SUPSUB.match(state.src, state.pos, state.posMax)
    if found is None:
        return False
    if not silent:
        token = state.push("supsub", found.group(2).lower(), 0)
        token.content = found.group(0)
        token.meta = {"close": bool(found.group(1)), "paired": False}
    state.pos = found.end()
    return True


def _pair_supsub(state: StateCore) -> None:
    """An opening tag pairs with the next closing one of its kind at the same level, tags
    properly nested; the others stay text."""
    for token in state.tokens:
        if token.type != "inline":
            continue
        open_tags: list[Token] = []
        for child in token.children or ():
            if child.type != "supsub":
                continue
            if not child.meta["close"]:
                open_tags.append(child)
            elif (
                open_tags and open_tags[-1].tag == child.tag and open_tags[-1].level == child.level
            ):
                open_tags.pop().meta["paired"] = child.meta["paired"] = True


def _render_supsub(
    self: Any, tokens: Sequence[Token], idx: int, options: Any, env: Any
) -> str:  # the signature markdown-it's renderer calls
    token = tokens[idx]
    if not token.meta["paired"]:
        return escapeHtml(token.content)
    return f"</{token.tag}>" if token.meta["close"] else f"<{token.tag}>"


def _render_as_text(self: Any, tokens: Sequence[Token], idx: int, options: Any, env: Any) -> str:
    return escapeHtml(tokens[idx].content)
