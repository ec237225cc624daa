"""The order a thread shows claims in: the article's news first.

Salience (salience.py) reads a claim alone; a reader expects the claim the headline announces and the
lead reports before the color further down. The headline is the writer's own summary of the story, so a
claim sharing its words is the story's claim; the lead paragraphs carry the rest of the news.
"""

from __future__ import annotations

import dataclasses
import re

from spacy.lang.en.stop_words import STOP_WORDS

from .model import Claim

_WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)?")
# On the 59 judged real pages the key claim stays among the first six for any weight from 0.40 to 0.55
# (0.35 left a salon's new policy, the headline's news, seventh); above 0.55 colour quotes sharing a
# headline word push lead claims out. The middle of that range:
TITLE_WEIGHT = 0.45
LEAD_WEIGHT = 0.15
LEAD_CHARS = 1500  # about the first three paragraphs of a news story


def content_words(text: str) -> set[str]:
    words = (m.group().lower() for m in _WORD.finditer(text))
    return {w for w in words if len(w) > 2 and w not in STOP_WORDS}


def rank(claims: list[Claim], text: str, title: str | None) -> list[Claim]:
    """Claims re-scored with the headline's words and the lead's position, most important first."""
    headline = content_words(title or "")
    out = []
    for c in claims:
        overlap = 0.0
        if headline:  # the headline sums up the claim's whole sentence: its speaker and cue included
            words = content_words(text[slice(*c.sentence_span)] or c.content) | content_words(c.source or "")
            overlap = len(words & headline) / len(headline)
        lead = 1.0 if c.content_span[0] < LEAD_CHARS else 0.0
        score = (c.salience + TITLE_WEIGHT * overlap + LEAD_WEIGHT * lead) / (1 + TITLE_WEIGHT + LEAD_WEIGHT)
        out.append(dataclasses.replace(c, salience=round(score, 4)))
    return sorted(out, key=lambda c: (-c.salience, c.content_span[0]))
