"""Claims inside or on top of another claim: reported speech within a claim's content ('"Trump says we can
print money," Clinton said'), and two cues over the same words ("repeated his claim that ...").

The outer claim already carries the inner one's words, and a reader wants them once, from the speaker who put
them in the article. On the bench's PolNeAR sample an indirect claim nested this way matches an annotated
attribution a quarter of the time (0.12 inside a quotation), against 0.83 for one that stands alone, and
dropping them raises content F1 from 0.657 to 0.668. What stays is a speech verb of the rules with its own
subject in the outer claim's sentence: "The newspaper reported that the senator said the bill was dead"
keeps both claims. A cue in an adjunct of the outer cue itself ("thanked the volunteers after announcing
that ...") is not inside the outer claim at all: the outer content is cut before it and both stay.
"""

from __future__ import annotations

import re

from .learned import LEARNED_STRENGTH
from .rules import SUBJECTS, Draft, char_span, trim

_WORD = re.compile(r"\w+")
SAME_CONTENT = 0.5  # word Jaccard at which two contents are the same words (the scorer's rule)


def _words(text: str, span: tuple[int, int]) -> set[int]:
    return {m.start() for m in _WORD.finditer(text, span[0], span[1])}


def _jaccard(a: set[int], b: set[int]) -> float:
    union = len(a | b)
    return len(a & b) / union if union else 0.0


def nested(text: str, inner: Draft, outer: Draft) -> bool:
    """``inner`` is reported within ``outer``: its cue sits in ``outer``'s content, and its content lies
    inside that content or is mostly the same words."""
    within = outer.content
    if inner is outer or not _cue_within(inner, outer):
        return False
    if within[0] <= inner.content[0] and inner.content[1] <= within[1]:
        return True
    return _jaccard(_words(text, inner.content), _words(text, within)) >= SAME_CONTENT


def _stands_apart(inner: Draft, outer: Draft) -> bool:
    """A speech verb of the rules with its own subject, in the outer claim's sentence and outside any
    quotation: a reported report ("reported that the senator said ...")."""
    if outer.kind == "direct" or inner.sentence != outer.sentence or inner.verb is None:
        return False
    if any(q[0] <= inner.verb.idx < q[1] for q in outer.quotes):
        return False
    own_subject = any(c.dep_ in SUBJECTS for c in inner.verb.children)
    return own_subject and inner.cue_strength > LEARNED_STRENGTH  # a rule's cue, not a learned one


ADJUNCTS = frozenset({"prep", "advcl", "conj", "npadvmod"})


def _split_off(text: str, inner: Draft, outer: Draft) -> bool:
    """A cue in an adjunct of the outer cue itself, not in its content ("thanked the volunteers after
    announcing that ..."): the outer content ends before the adjunct, and both claims stay."""
    if outer.verb is None or inner.verb is None or outer.cue is None:
        return False
    node = inner.verb
    while node.head.i != node.i and node.head.i != outer.verb.i:
        node = node.head
    if node.head.i != outer.verb.i or node.dep_ not in ADJUNCTS:
        return False
    cut = node.left_edge
    if cut.idx <= max(outer.cue[1], outer.content[0]) or cut.idx >= outer.content[1]:
        return False
    doc = cut.doc
    start = doc.char_span(outer.content[0], outer.content[1], alignment_mode="expand")
    head = trim(doc, start.start, cut.i) if start is not None else None  # two words, no trailing ", and"
    if head is None:
        return False
    outer.content = (outer.content[0], char_span(doc, *head)[1])
    return True


def drop_nested(text: str, drafts: list[Draft]) -> list[Draft]:
    """The drafts less the indirect ones reported within another draft; quotations always stay."""
    kept = []
    for d in drafts:
        outer = None
        if d.kind == "indirect":
            outer = next((o for o in drafts if nested(text, d, o) and not _stands_apart(d, o)), None)
        if outer is None or _split_off(text, d, outer):
            kept.append(d)
    return kept


def drop_repeats(text: str, drafts: list[Draft]) -> list[Draft]:
    """One claim per set of words: of drafts whose contents share half their words (cue "repeated" and cue
    "claim" in "repeated his claim that ..."), the first by ``_preference`` stays. On the bench's PolNeAR
    sample this lifts content F1 by 0.002 and content+source F1 by 0.002."""
    kept: list[tuple[Draft, set[int]]] = []
    for d in sorted(drafts, key=_preference):
        words = _words(text, d.content)
        if not any(_repeats(d, words, o, w) for o, w in kept):
            kept.append((d, words))
    return [d for d, _ in kept]


def _preference(d: Draft) -> tuple[bool, int, float, int]:
    """With a cue, longer, firmer, and the cue nearest its content ("his claim that ..." over "repeated")."""
    gap = min(abs(d.content[0] - d.cue[1]), abs(d.cue[0] - d.content[1])) if d.cue else 0
    return (d.cue is None, d.content[0] - d.content[1], -d.cue_strength, gap)


def _repeats(d: Draft, words: set[int], o: Draft, o_words: set[int]) -> bool:
    """Mostly the same words, and neither is a report kept within the other ("reported that the senator
    said ...")."""
    if o.content[1] <= d.content[0] or d.content[1] <= o.content[0]:
        return False
    if (_cue_within(d, o) and _stands_apart(d, o)) or (_cue_within(o, d) and _stands_apart(o, d)):
        return False
    return _jaccard(words, o_words) >= SAME_CONTENT


def _cue_within(inner: Draft, outer: Draft) -> bool:
    return inner.cue is not None and outer.content[0] <= inner.cue[0] and inner.cue[1] <= outer.content[1]
