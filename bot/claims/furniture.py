"""Page furniture (share buttons, menus, tickers) that scraped articles drag along.

A claim touching such a line is dropped: it never belongs to the article's reporting.
"""

from __future__ import annotations

import re

from .lexicon import Lexicon

_LINE = re.compile(r"[^\n]+")


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


def overlaps_any(span: tuple[int, int], ranges: list[tuple[int, int]]) -> bool:
    s, e = span
    return any(s < re_ and rs < e for rs, re_ in ranges)
