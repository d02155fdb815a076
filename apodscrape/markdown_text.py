"""Reading the Markdown the archive holds: its links, and its text without the markup."""

from __future__ import annotations

import re

# [text](url) as the parser writes links: one level of brackets in the text and of
# parentheses in the URL (Wikipedia's Mercury_(planet)), or escaped parentheses; URLs
# hold no whitespace. Runs of plain characters are matched whole and never given back
# (possessive: Python 3.11), which gives the same matches several times faster.
LINK = re.compile(
    r"\[((?:[^\[\]]++|\[[^\[\]]*+\])*+)\]\(((?:[^()\s\\]++|\\[()\\]?|\([^()\s]*+\))*)\)"
)
_SUP_SUB = re.compile(r"</?su[pb]>")
_ESCAPE = re.compile(r"\\([*_<])")


def plain_text(markdown: str) -> str:
    """The text of our Markdown: links as their text, <sup>/<sub> unwrapped, no escapes."""
    markdown = link_text(markdown)
    if "<" in markdown:
        markdown = _SUP_SUB.sub("", markdown)
    if "\\" in markdown:
        markdown = _ESCAPE.sub(_first_group, markdown)
    return markdown


def link_text(markdown: str) -> str:
    """Our Markdown with each link as its text."""
    return LINK.sub(_first_group, markdown) if "](" in markdown else markdown


def _first_group(match: re.Match[str]) -> str:
    # a function, not the template r"\1": Python 3.11 expands a template in Python per match
    return match[1]
