"""What the command line accepts as an article: a URL, an .html or .txt file, or JSON lines on stdin."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from bot.config import Settings
from bot.errors import InputError
from bot.reading.article import (
    MAX_PAGE_CHARS,
    ArticleError,
    ArticleText,
    article_from_text,
    extract_article,
    read_url,
)
from bot.reading.charsets import looks_binary

HTML_SUFFIXES = {".html", ".htm", ".xhtml", ".shtml"}
TEXT_SUFFIXES = {".txt", ".text", ".md"}


@dataclass(frozen=True, slots=True)
class LoadedInput:
    """An input read into an article; ``url`` is the key it is stored under (http(s) or file URI)."""

    id: str
    url: str
    article: ArticleText


def is_url(spec: str) -> bool:
    return spec.lower().startswith(("http://", "https://"))


def decode_text(data: bytes) -> str:
    """Refuse binary data rather than analysing noise; accept UTF-8 and fall back to Latin-1."""
    if not data.strip():
        raise ArticleError("the file is empty")
    if b"\x00" in data[:8192] or looks_binary(data):  # looks_binary knows PDF, image and archive signatures
        raise ArticleError("not a text file (binary data)")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("latin-1")
    controls = sum(1 for ch in text[:8192] if ord(ch) < 32 and ch not in "\t\n\r\f")
    if controls > len(text[:8192]) * 0.05:
        raise ArticleError("not a text file (binary data)")
    return text


def load_file(path: Path) -> LoadedInput:
    if not path.exists():
        raise InputError("no such file")
    if path.is_dir():
        raise InputError("is a directory, not an article file")
    suffix = path.suffix.lower()
    if suffix not in HTML_SUFFIXES | TEXT_SUFFIXES:
        raise InputError(
            f"not an HTML or text file ({suffix or 'no extension'}); give a .html, .txt or a URL"
        )
    try:
        if path.stat().st_size > MAX_PAGE_CHARS:
            raise InputError(f"the file is too large (over {MAX_PAGE_CHARS // 1_000_000} MB)")
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(f"cannot read the file ({exc.strerror})") from None
    uri = path.resolve().as_uri()
    text = decode_text(data)
    if suffix in HTML_SUFFIXES:
        # The bytes, not `text`: extract_article honours a <meta charset> and a wrongly declared one.
        article = extract_article(data, url=uri)
    else:
        article = article_from_text(text, name=str(path))
    return LoadedInput(id=str(path), url=uri, article=article)


def load(spec: str, settings: Settings) -> LoadedInput:
    """One command-line input; raises FetchError, ArticleError or InputError with a user-facing reason."""
    if is_url(spec):
        return LoadedInput(id=spec, url=spec, article=read_url(spec, settings))
    if "://" in spec:
        raise InputError("only http and https links can be read")
    return load_file(Path(spec))


def read_stdin(stream: TextIO) -> Iterator[LoadedInput | tuple[str, InputError | ArticleError]]:
    """JSON lines ``{"id", "text"}``; a bad line is reported by its id or line number and the rest go on.

    Errors are yielded, not raised: an exception would end the generator and lose every later line.
    """
    for number, line in enumerate(stream, start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError:
            yield f"stdin:{number}", InputError("not a JSON object")
            continue
        if not isinstance(record, dict) or not isinstance(record.get("text"), str):
            yield f"stdin:{number}", InputError('expected a JSON object with a "text" string')
            continue
        ident = str(record.get("id", f"stdin:{number}"))
        if not record["text"].strip():
            yield ident, InputError("the text is empty")
            continue
        try:
            article = article_from_text(record["text"], name=ident)
        except ArticleError as exc:
            yield ident, exc
            continue
        yield LoadedInput(id=ident, url=f"stdin:{ident}", article=article)
