"""Bytes to text (FORMAT.md): byte-order mark, strict UTF-8, Windows-1252 as browsers read it."""

from __future__ import annotations

import pytest

from apodscrape.errors import NotADayPage
from apodscrape.parse.decode import decode


@pytest.mark.parametrize(
    ("body", "text"),
    [
        (b"\xef\xbb\xbfSchr\xc3\xb6dinger", "Schrödinger"),
        (b"Schr\xc3\xb6dinger", "Schrödinger"),
        (b"Cassini\x96Huygens caf\xe9", "Cassini\u2013Huygens café"),
        (b"\x81\x8d\x8f\x90\x9d", "\x81\x8d\x8f\x90\x9d"),  # undefined in cp1252: C1 controls
        (b"L\xc3\xb3pez and M\xfcller", "López and Müller"),  # mixed, as archivepix.html
        ("Éclipse".encode("utf-16-le").join([b"\xff\xfe", b""]), "Éclipse"),
        ("Éclipse".encode("utf-16-be").join([b"\xfe\xff", b""]), "Éclipse"),
    ],
)
def test_decode(body: bytes, text: str) -> None:
    assert decode(body) == text


def test_broken_utf16_is_refused() -> None:
    with pytest.raises(NotADayPage):
        decode(b"\xff\xfe\x00\xd8")  # a lone surrogate
