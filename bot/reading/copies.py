"""Is this article a copy of one already stored? Word shingles, a few anchor hashes, containment.

Wire copy is republished retitled, trimmed (a paywall, a shorter slot), with the agency's dateline dropped
or kept, inside each site's own page furniture. Two texts are one story when most of the shorter one's
five-word shingles are in the longer one (containment, not resemblance: a trimmed copy is a part of the
whole). Finding candidates among a million stored articles uses the ANCHORS smallest shingle hashes of
each text, stored and indexed: if most of a short copy's shingles are in a longer text, the smallest of
them are mostly among the longer text's smallest too, so true copies share several anchors, and only
those few candidates' texts are compared in full.

Thresholds were read off a labelled set of real wire copies (bench/stories.py, tests/fixtures/stories/):
copies contain 0.7 to 1.0 of each other; different stories on the same event share quotes and background
paragraphs, up to 0.46 where a page embeds another story's lede.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

SHINGLE_WORDS = 5
ANCHORS = 32
MIN_SHARED_ANCHORS = 2  # a candidate shares at least this many anchors with the new text
SAME_STORY = 0.6  # containment of the shorter text's shingles in the longer one
MIN_SHINGLES = 40  # a shorter text than this (about 45 words) is no story to compare
_WORD = re.compile(r"[^\W_]+")
_HASH_BITS = (1 << 63) - 1  # a signed 64-bit column on both databases

# The agencies a copy may name: in its byline ("By Marta Kovalenko, Reuters"), or in its dateline as
# "KYIV, March 1 (Reuters) -" or "(AP) —". Only the parenthesised form counts in the text: "told The
# Associated Press" in a lede names a source, not the copy's author.
_AGENCIES = {
    "Reuters": ("Reuters",),
    "AP": ("AP", "Associated Press"),
    "AFP": ("AFP", "Agence France-Presse"),
    "Bloomberg": ("Bloomberg",),
    "dpa": ("dpa",),
    "PA": ("PA", "PA Media"),
    "UPI": ("UPI", "United Press International"),
}
_NOT_IN_BYLINE = {"PA"}  # "Harrisburg, PA": a state, not the agency
_IN_BYLINE = {
    agency: re.compile(r"\b(?:" + "|".join(re.escape(n) for n in names if n not in _NOT_IN_BYLINE) + r")\b")
    for agency, names in _AGENCIES.items()
}
_IN_DATELINE = {agency: re.compile(rf"\({re.escape(names[0])}\)") for agency, names in _AGENCIES.items()}
_REUTERS_CREDIT = re.compile(r"\(Reporting by [^)]*\)\s*$")  # Reuters' house style, at the very end
_HEAD_CHARS = 400  # where a dateline or a credit line sits


@dataclass(frozen=True, slots=True)
class Fingerprint:
    """An article text's shingle hashes and the anchors stored for it."""

    shingles: frozenset[int]
    anchors: tuple[int, ...]


def shingle_hashes(text: str) -> frozenset[int]:
    words = _WORD.findall(text.casefold())
    grams = (" ".join(words[i : i + SHINGLE_WORDS]) for i in range(len(words) - SHINGLE_WORDS + 1))
    return frozenset(
        int.from_bytes(hashlib.blake2b(gram.encode(), digest_size=8).digest(), "big") & _HASH_BITS
        for gram in grams
    )


def fingerprint(text: str) -> Fingerprint:
    shingles = shingle_hashes(text)
    return Fingerprint(shingles, tuple(sorted(shingles)[:ANCHORS]))


def containment(a: frozenset[int], b: frozenset[int]) -> float:
    """How much of the shorter text is in the other one: 1.0 for a trimmed copy, 0 for no overlap."""
    small = min(len(a), len(b))
    return len(a & b) / small if small >= MIN_SHINGLES else 0.0


def wire_agency(text: str, byline: str | None = None) -> str | None:
    """The agency whose copy this is: named in the byline, in a dateline among the text's first lines,
    or by Reuters' closing credit line; else None."""
    for agency, pattern in _IN_BYLINE.items():
        if byline and pattern.search(byline):
            return agency
    head = text[:_HEAD_CHARS]
    for agency, pattern in _IN_DATELINE.items():
        if pattern.search(head):
            return agency
    return "Reuters" if _REUTERS_CREDIT.search(text[-_HEAD_CHARS:].rstrip()) else None
