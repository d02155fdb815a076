"""Bytes to text, the way FORMAT.md says: the server's charset is not to be trusted."""

from __future__ import annotations

import codecs

from ..errors import NotADayPage

_BOMS = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)


def _windows_1252_byte(byte: int) -> str:
    # Windows-1252 as browsers define it: the five bytes the codec leaves undefined
    # (0x81, 0x8D, 0x8F, 0x90, 0x9D) map to the C1 controls of the same number.
    try:
        return bytes([byte]).decode("cp1252")
    except UnicodeDecodeError:
        return chr(byte)


def _fallback_to_windows_1252(error: UnicodeError) -> tuple[str, int]:
    assert isinstance(error, UnicodeDecodeError)
    bad = error.object[error.start : error.end]
    return "".join(_windows_1252_byte(b) for b in bad), error.end


codecs.register_error("apodscrape-windows-1252", _fallback_to_windows_1252)


def decode(body: bytes) -> str:
    """Text of a page: byte-order mark first, then strict UTF-8, then Windows-1252.

    A page that is mostly UTF-8 with stray Latin-1 bytes (archivepix.html mixes both)
    keeps its UTF-8 characters; only the bytes that are not UTF-8 are read as Windows-1252.
    A page with no UTF-8 sequence at all decodes exactly as Windows-1252. NUL characters
    are dropped, as a browser drops them from a page's text (an HTML parser would make them
    U+FFFD in attributes, a JSON parser keep them in a title).
    """
    for bom, encoding in _BOMS:
        if body.startswith(bom):
            body = body[len(bom) :]
            if encoding != "utf-8":
                try:
                    return _without_nul(body.decode(encoding))
                except UnicodeDecodeError as error:
                    raise NotADayPage(f"broken {encoding} text: {error.reason}") from None
            break
    return _without_nul(body.decode("utf-8", errors="apodscrape-windows-1252"))


def _without_nul(text: str) -> str:
    return text.replace("\x00", "") if "\x00" in text else text
