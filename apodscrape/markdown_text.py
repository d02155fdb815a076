"""Reading the Markdown the archive holds: its links, and its text without the markup."""

from __future__ import annotations

import re

# [text](url) as the parser writes links: one level of brackets in the text and of
# parentheses in the URL (Wikipedia's Mercury_(planet)), or escaped parentheses; URLs
# hold no whitespace.
LINK = re.compile(r"\[((?:[^\[\]]|\[[^\[\]]*\])*)\]\(((?:[^()\s\\]|\\[()\\]?|\([^()\s]*\))*)\)")
_SUP_SUB = re.compile(r"</?su[pb]>")
_ESCAPE = re.compile(r"\\([*_<])")


def plain_text(markdown: str) -> str:
    """The text of our Markdown: links as their text, <sup>/<sub> unwrapped, no escapes."""
    return _ESCAPE.sub(r"\1", _SUP_SUB.sub("", LINK.sub(r"\1", markdown)))
