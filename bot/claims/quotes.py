"""Quotation spans found on the characters, so they survive tokenisation and sentence splits.

Straight, curly and typewriter ('') marks are paired per paragraph; a quote left open at the end of a
paragraph runs to that paragraph's end (the newspaper convention for quotes continued over paragraphs).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

OPENING = "\u201c\u201e\u00ab"
CLOSING = "\u201d\u00bb"
STRAIGHT = '"'
_MARK = re.compile("''|[\"\u201c\u201d\u201e\u00ab\u00bb]")  # '' is the typewriter mark of NYT-style copy
_PARAGRAPH = re.compile(r"[^\n]+")
_WORD = re.compile(r"\w+")


def has_quote_mark(text: str) -> bool:
    """Any quotation mark the quotation finder pairs, typewriter '' included."""
    return _MARK.search(text) is not None


@dataclass(frozen=True, slots=True)
class Quote:
    """A quotation, marks included; ``closed`` is False when it runs on to the next paragraph."""

    start: int
    end: int
    closed: bool
    words: int

    @property
    def span(self) -> tuple[int, int]:
        return (self.start, self.end)

    def text_end_punct(self, text: str) -> bool:
        """True if the quotation ends with its own punctuation ('"Probably."'), a sign of a full utterance."""
        inner = text[self.start : self.end].rstrip("\"'\u201d\u00bb ")
        return inner[-1:] in {".", "!", "?", ","}


def find_quotes(text: str, min_words: int = 1) -> list[Quote]:
    """All quotations with at least ``min_words`` words, in text order."""
    quotes: list[Quote] = []
    for para in _PARAGRAPH.finditer(text):
        opened: int | None = None
        for mark in _MARK.finditer(text, para.start(), para.end()):
            ch = mark.group()
            if opened is None and _prime(text, mark.start()):
                continue  # '70" TV', '5\'11"': an inch mark never opens a quotation
            if opened is None and ch not in CLOSING:
                opened = mark.start()
            elif opened is not None and ch not in OPENING:
                quotes.append(_quote(text, opened, mark.end(), True))
                opened = None
        if opened is not None:
            end = para.end()
            while end > opened and text[end - 1].isspace():
                end -= 1
            quotes.append(_quote(text, opened, end, False))
    return [q for q in quotes if q.words >= min_words]


def _prime(text: str, at: int) -> bool:
    """A straight mark right after a digit is a prime (inches, seconds); a quotation opens after a space."""
    return text[at] in STRAIGHT + "'" and at > 0 and text[at - 1].isdigit()


def _quote(text: str, start: int, end: int, closed: bool) -> Quote:
    return Quote(start, end, closed, len(_WORD.findall(text, start, end)))
