"""Bytes to text, once for every reader: a page's declared charset checked against its bytes, and one
test for data that is not text at all (by its signature, NUL bytes or control characters)."""

from __future__ import annotations

import codecs
import re

from trafilatura.utils import detect_encoding

_BINARY_MAGIC = (
    b"%PDF-",
    b"\x89PNG",
    b"GIF8",
    b"\xff\xd8\xff",
    b"PK\x03\x04",
    b"\x1f\x8b",
    b"BZh",
    b"7z\xbc\xaf",
)
HEAD = 4096  # what the binary test and the <meta> charset look at, as browsers do
MAX_CONTROL_SHARE = 0.02
_TEXT_CONTROLS = frozenset("\t\n\r\f\x1b")
GARBLED_SAMPLE_CHARS = 20_000
GARBLED_MIN_LETTERS = 20
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.IGNORECASE)


def looks_binary(data: bytes | str) -> bool:
    """True for data that is not text: a PDF, image or archive signature, NUL bytes, a run of
    replacement characters (bytes decoded as text) or more than 2% control characters."""
    if isinstance(data, bytes):
        head_bytes = data[:HEAD]
        if head_bytes.startswith(_BINARY_MAGIC) or b"\x00" in head_bytes:
            return True
        head = head_bytes.decode("latin-1")
    else:
        head = data[:HEAD]
        if "\x00" in head or "\ufffd" * 8 in head:
            return True
    controls = sum(1 for ch in head if ord(ch) < 32 and ch not in _TEXT_CONTROLS)
    return bool(head) and controls / len(head) > MAX_CONTROL_SHARE


def codec_of(name: str | None) -> str | None:
    """Python's codec for a charset label, or None for an unknown one; 'latin-1' and 'ascii' are read as
    cp1252, as browsers do."""
    if not name:
        return None
    try:
        codec = codecs.lookup(name.strip()).name
    except LookupError:
        return None
    return "cp1252" if codec in {"iso8859-1", "ascii"} else codec


def meta_charset(body: bytes) -> str | None:
    """The codec a page declares in a <meta> tag within its first 4 kB."""
    match = _META_CHARSET.search(body[:HEAD])
    return codec_of(match.group(1).decode("ascii", "ignore")) if match else None


def decode(body: bytes, declared: str | None = None, *, html: bool = True) -> str:
    """Text of a page whose declared charset may be wrong: trust the declaration only when the bytes agree.

    Order: a BOM; the declared charset (header), then the <meta> one, each only if the bytes decode under
    it and, for a single-byte charset, are not valid multi-byte UTF-8 (UTF-8 declared as Latin-1 would
    turn "café" into "cafÃ©"); then UTF-8; then cp1252 unless that reads as mojibake; then a detector.
    """
    if body.startswith(codecs.BOM_UTF8):
        return body[len(codecs.BOM_UTF8) :].decode("utf-8", errors="replace")
    utf8: str | None
    try:
        utf8 = body.decode("utf-8")
    except UnicodeDecodeError:
        utf8 = None
    for candidate in (codec_of(declared), meta_charset(body) if html else None):
        if candidate is None:
            continue
        if utf8 is not None and candidate != "utf-8" and not body.isascii() and _single_byte(candidate):
            return utf8
        try:
            return body.decode(candidate)
        except UnicodeDecodeError:
            continue
    if utf8 is not None:
        return utf8
    text = body.decode("cp1252", errors="replace")
    if not garbled(text):
        return text
    for guess in detect_encoding(body[:200_000]):
        codec = codec_of(guess)
        if codec is None:
            continue
        try:
            return body.decode(codec)
        except UnicodeDecodeError:
            continue
    return text


def garbled(text: str) -> bool:
    """Text decoded with the wrong charset: replacement characters, or letters that are mostly Latin-1
    accented ones ("Ïðåçèäåíò" is Russian read as cp1252); no real language writes like that."""
    sample = text[:GARBLED_SAMPLE_CHARS]
    if sample.count("\ufffd") > max(8, len(sample) // 200):
        return True
    letters = [ch for ch in sample if ch.isalpha()]
    accented = sum(1 for ch in letters if "\u00c0" <= ch <= "\u00ff")
    return len(letters) >= GARBLED_MIN_LETTERS and accented * 4 > len(letters)


def _single_byte(codec: str) -> bool:
    return codec.startswith(("iso8859", "cp125", "latin", "windows", "mac-", "koi8", "cp8", "ascii"))
