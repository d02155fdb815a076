"""What the previous run rendered: OUT/.site-manifest.json, a fingerprint a day page.

A day's fingerprint covers everything its page is made of: its record, the media it shows,
the days before and after it, and which of the days it links to the site has. A run renders
again exactly the days whose fingerprint changed. The generator's fingerprint (this
package's code, templates and static files) changing renders everything again.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path

from ..archive import write_if_changed

NAME = ".site-manifest.json"
_VERSION = 1
_PACKAGE = Path(__file__).resolve().parent


def fingerprint(*parts: object) -> str:
    """A short digest of parts: strings, numbers, dates, and tuples and lists of them, whose
    repr is exact and stable (5x faster than JSON: an update takes one of every day)."""
    return hashlib.sha1(repr(parts).encode(), usedforsecurity=False).hexdigest()[:16]


def generator() -> str:
    """The digest of what renders the pages: every file of this package."""
    digest = hashlib.sha1(str(_VERSION).encode(), usedforsecurity=False)
    for path in sorted(_PACKAGE.rglob("*")):
        if path.is_file() and path.suffix in (".py", ".html", ".css", ".js"):
            digest.update(path.relative_to(_PACKAGE).as_posix().encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


@dataclass
class Manifest:
    generator: str
    days: dict[str, str] = field(default_factory=dict)  # apYYMMDD -> fingerprint
    pages: dict[str, str] = field(default_factory=dict)  # the other pages: name -> fingerprint
    thumbs: dict[str, str] = field(default_factory=dict)  # apYYMMDD -> its source's fingerprint
    lengths: dict[str, int] = field(default_factory=dict)  # apYYMMDD -> words on its page
    texts: dict[str, str] = field(default_factory=dict)  # apYYMMDD -> its text's fingerprint

    @classmethod
    def read(cls, out: Path) -> Manifest | None:
        """The manifest of the previous run, or None (none, unreadable, another version)."""
        try:
            data = json.loads((out / NAME).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        if not isinstance(data, dict) or data.get("version") != _VERSION:
            return None
        days, pages = data.get("days"), data.get("pages")
        if not (isinstance(days, dict) and isinstance(pages, dict)):
            return None
        thumbs, lengths, texts = (data.get(key, {}) for key in ("thumbs", "lengths", "texts"))
        if not isinstance(data.get("generator"), str):
            return None
        if not all(isinstance(part, dict) for part in (thumbs, lengths, texts)):
            return None
        return cls(data["generator"], days, pages, thumbs, lengths, texts)

    def write(self, out: Path) -> None:
        data = {
            "version": _VERSION, "generator": self.generator, "days": self.days,
            "pages": self.pages, "thumbs": self.thumbs, "lengths": self.lengths,
            "texts": self.texts,
        }  # fmt: skip
        write_if_changed(out / NAME, json.dumps(data, separators=(",", ":")) + "\n", sync=False)
