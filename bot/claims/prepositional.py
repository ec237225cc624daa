"""Cues that take their content through a preposition: "called for a ceasefire", "called on Congress to
act", "warned against cuts". The demand or warning is the claim; the verb alone says nothing, so these
pairs are data (lexicon ``prepositional_cues``), not verbs of the rules.
"""

from __future__ import annotations

from collections.abc import Iterator

from spacy.tokens import Doc, Token

from .lexicon import Lexicon
from .rules import Draft, char_span, subject_of, trim

PASSIVE = frozenset({"nsubjpass", "auxpass"})
BETWEEN = frozenset({"ADV", "PART"})  # "called repeatedly for", "called back on"
DURATIONS = frozenset({"DATE", "TIME"})  # "pushed for nearly a decade", "called on Monday"
# what follows the object belongs to the demand: "called on Sanders to release his returns", "railed against
# moderators for failing to ask"; a comma ends it (", saying ...")
GOES_ON = frozenset({"xcomp", "advcl", "prep"})


def _end_of_demand(verb: Token, end: int) -> int:
    for c in verb.rights:
        if c.left_edge.i == end and c.dep_ in GOES_ON and (c.dep_ != "advcl" or c.left_edge.lower_ == "to"):
            end = c.right_edge.i + 1
    return end


def prepositional_drafts(doc: Doc, lexicon: Lexicon) -> Iterator[Draft]:
    """Drafts for a verb and preposition of the lexicon, with the preposition's object as content."""
    for tok in doc:
        if tok.pos_ != "VERB" or not lexicon.takes_prepositional_cue(tok.lemma_):
            continue
        if any(c.dep_ in PASSIVE for c in tok.children):
            continue
        for prep in tok.rights:
            strength = lexicon.prepositional_cue(tok.lemma_, prep.lower_) if prep.dep_ == "prep" else None
            pobj = next((c for c in prep.children if c.dep_ == "pobj"), None)
            if strength is None or pobj is None or pobj.ent_type_ in DURATIONS:
                continue
            if any(t.pos_ not in BETWEEN for t in doc[tok.i + 1 : prep.i]):
                continue
            sent = tok.sent  # found by a scan in spaCy: read it once
            end = _end_of_demand(tok, pobj.right_edge.i + 1)
            content = trim(doc, pobj.left_edge.i, min(end, sent.end))
            if content is None:
                continue
            yield Draft(
                kind="indirect",
                content=char_span(doc, *content),
                sentence=(sent.start_char, sent.end_char),
                cue=(tok.idx, prep.idx + len(prep.text)),
                cue_strength=strength,
                verb=tok,
                subject=subject_of(tok),
            )
            break
