"""Credit lines split into the roles the page labels (`Image Credit & Copyright`,
`Processing`, `Music`, ...), and whether the page asserts copyright."""

from __future__ import annotations

import re
from typing import TypedDict

from .markdown_text import link_text

# A label: a few words (with & , / - ' or a linked word) then a colon, at the start of a line
# or after a semicolon, e.g. "Image Credit & [Copyright](...):" or "; Processing:".
_LABEL = re.compile(
    r"(?:^|(?<=;)\s*)((?:[A-Z][\w'\u2019.-]*|&|and|/|,|\[[^\]]{1,30}\]\([^)]*\))"
    r"(?:[ ]+(?:[\w'\u2019.-]+|&|/|\[[^\]]{1,30}\]\([^)]*\))){0,5})\s*:\s*"
)
_COPYRIGHT = re.compile(r"copyright|©|\(c\)", re.IGNORECASE)


class Credit(TypedDict):
    role: str | None  # the page's label without its colon; None where the page has none
    text: str  # inline Markdown


def split_credits(lines: list[str]) -> list[Credit]:
    """Roles and their text, in page order; a label with no text of its own (`Credits:`
    before `Illustration: ...`) heads the next ones and is dropped."""
    credits: list[Credit] = []
    for line in lines:
        labels = list(_LABEL.finditer(line))
        if not labels:
            if line:
                credits.append({"role": None, "text": line})
            continue
        if labels[0].start() > 0 and (head := line[: labels[0].start()].strip(" ;")):
            credits.append({"role": None, "text": head})
        for label, following in zip(labels, [*labels[1:], None], strict=True):
            end = following.start() if following else len(line)
            role, text = label.group(1), line[label.end() : end].strip(" ;")
            while heading := _LABEL.match(text):  # "Credits: Illustration: ..."
                role, text = heading.group(1), text[heading.end() :]
            if text:
                credits.append({"role": link_text(role).strip(), "text": text})
    return credits


def asserts_copyright(credits: list[Credit]) -> bool:
    """Whether the page says the work is copyrighted (a `Copyright` label, or © in the text)."""
    return any(_COPYRIGHT.search(f"{c['role'] or ''} {c['text']}") for c in credits)
