"""Sentence starts at line breaks, set before the parser runs.

Headlines, datelines and furniture lines have no final full stop; without this the parser glues them
to the next paragraph and a headline verb swallows the lede's claim.
"""

from __future__ import annotations

from spacy.tokens import Doc

WRAPPED_MIN, WRAPPED_MAX = 55, 80


def looks_hard_wrapped(text: str) -> bool:
    """True for text wrapped at a fixed width, whose single newlines are not paragraph breaks."""
    lines = [ln for ln in text.split("\n") if ln.strip()]
    if len(lines) < 5:
        return False
    wrapped = sum(1 for ln in lines if WRAPPED_MIN <= len(ln) <= WRAPPED_MAX)
    return wrapped >= 0.6 * len(lines)


def mark_line_breaks(doc: Doc) -> Doc:
    """Start a sentence after every newline (after blank lines only if the text is hard-wrapped)."""
    needle = "\n\n" if looks_hard_wrapped(doc.text) else "\n"
    for i, token in enumerate(doc[:-1]):
        if token.is_space and needle in token.text:
            nxt = doc[i + 1]
            if not nxt.is_space:
                nxt.is_sent_start = True
    return doc
