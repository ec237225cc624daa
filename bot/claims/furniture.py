"""Page furniture (share buttons, menus, tickers) that scraped articles drag along.

A claim touching a line the lexicon's patterns name is dropped: it never belongs to the article's
reporting. Lines that merely look like furniture (no closing punctuation, strings of headlines) may be
prose the parser cut short, so a claim on them is kept for recall but never shown (showing.py).
"""

from __future__ import annotations

import re

from .lexicon import Lexicon

_LINE = re.compile(r"[^\n]+")
_SENTENCE_END = re.compile(r"[.!?\"'\u201d\u2019\u2026]\)?$")


def furniture_ranges(text: str, lexicon: Lexicon) -> list[tuple[int, int]]:
    """Character ranges of the lines that match a furniture pattern (stripped of surrounding blanks)."""
    out: list[tuple[int, int]] = []
    for m in _LINE.finditer(text):
        line = m.group()
        stripped = line.strip()
        if not stripped or len(stripped) > 200:
            continue
        if any(p.search(stripped) for p in lexicon.furniture):
            start = m.start() + (len(line) - len(line.lstrip()))
            out.append((start, start + len(stripped)))
    return out


def unpunctuated_lines(text: str, max_words: int = 30) -> list[tuple[int, int]]:
    """Short lines without a sentence's closing punctuation: headings, list items, link previews, deal
    lines, captions. Prose paragraphs end a sentence; page furniture rarely does."""
    out = []
    for m in _LINE.finditer(text):
        line = m.group().rstrip()
        if not line.strip() or len(line.split()) > max_words:
            continue
        if not _SENTENCE_END.search(line):
            out.append((m.start(), m.start() + len(line)))
    return out


def headline_runs(text: str) -> list[tuple[int, int]]:
    """Lines that string headlines together with " | " (inline related-story boxes, newsletters)."""
    return [m.span() for m in _LINE.finditer(text) if m.group().count(" | ") >= 2]


def overlaps_any(span: tuple[int, int], ranges: list[tuple[int, int]]) -> bool:
    s, e = span
    return any(s < re_ and rs < e for rs, re_ in ranges)
