"""An image's alt text as the page's own description of its picture, or None.

Most pages give their picture a generic alt that describes nothing: "See Explanation.
Clicking on the picture will download the highest resolution version available." and its
variants (27 texts on 8,597 of the 9,360 pictures with an alt in the January 2026 archive;
the other 763, from 2021 on, describe). The family is one of
sentences: each sends the reader elsewhere (to the explanation), tells what clicking on
the picture or moving the cursor over it does, or says that no larger version exists. An
alt made only of such sentences is no description; any other alt is kept whole, as the
page writes it (its whitespace collapsed), generic sentences and all.
"""

from __future__ import annotations

import re

from .stream import collapse

_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")
_GENERIC = re.compile(
    r"""(?:please\s+)?see\s+(?:the\s+)?explanation\b.*   # See Explanation. (for more …)
    |for\s+more\s+details,?\s+please\s+read\s+the\s+explanation\b.*
    |(?:clicking|moving\s+the\s+cursor|rolling\s+(?:the\s+)?mouse|please\s+click)\b.*
    |no\s+higher\s+resolution\s+version\b.*""",
    re.IGNORECASE | re.VERBOSE,
)


def description(alt: str | None) -> str | None:
    """The alt text if it describes the picture: None if it is absent, blank or generic."""
    text = collapse(alt or "")
    if not text or all(_GENERIC.fullmatch(s) for s in _SENTENCE_END.split(text)):
        return None
    return text
