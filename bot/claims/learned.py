"""A learned layer over the rules: a linear cue classifier and a content chooser over the parse.

The rules find what a lexicon of reporting verbs licenses; news also attributes with stance, intention and
belief cues ("vowed", "hopes", "rejected", "a poll shows") that no hand list keeps up with. The classifier
(weights in linear.py, features in cue_features.py) adds drafts for the cues it is sure of, and drops a
rule's indirect draft whose verb it is sure reports nothing.
"""

from __future__ import annotations

from collections.abc import Iterator

from spacy.tokens import Doc, Span, Token

from .cue_features import SentenceView, candidate_features, content_candidates, cue_features
from .lexicon import Lexicon
from .linear import AttributionModel
from .rules import Draft, char_span, subject_of

NAMED = frozenset({"oprd", "ccomp", "xcomp"})
DANGLING = frozenset({"AUX", "DET", "ADP", "CCONJ"})
# 99% of PolNeAR train contents have at most 76 words; longer ones are quotations, which the rules attach.
# The cap also keeps a run-on sentence of nested cues from producing a quadratic amount of claim text.
MAX_CONTENT_TOKENS = 100
# A learned claim is less often right than a rule's (content precision 0.61 against 0.79 on the bench's
# PolNeAR sample), so its cue weighs at most a quarter of a firm one in salience: summaries lead with speech.
LEARNED_STRENGTH = 0.25
# Someone the rules already found speaking in the article ("Trump said ...", "he said ..."), the subject
# again, is likely to be reporting again ("Trump vowed ..."): their cues need half the usual confidence.
# On the bench's PolNeAR sample this adds drafts at precision 0.45 and lifts content F1 by 0.007 (by 0.007
# on a second sample too, scored by a model trained without it).
KNOWN_SPEAKER_FACTOR = 0.5


def confirmed(doc: Doc, drafts: list[Draft], lexicon: Lexicon, model: AttributionModel) -> list[Draft]:
    """The drafts less the rules' indirect verb drafts the classifier scores under ``model.veto`` ("said
    to be", "asked about"); quotations always stay."""
    if not model.veto:
        return drafts
    views: dict[tuple[int, int], SentenceView] = {}
    kept = []
    for d in drafts:
        if d.verb is not None and d.kind == "indirect":
            view = views.get(d.sentence)
            if view is None:
                sent = doc.char_span(*d.sentence, alignment_mode="expand")
                view = views[d.sentence] = SentenceView(sent if sent is not None else d.verb.sent)
            if model.cue.score(cue_features(d.verb, lexicon, view)) < model.veto:
                continue
        kept.append(d)
    return kept


def learned_drafts(
    doc: Doc,
    lexicon: Lexicon,
    model: AttributionModel,
    taken: set[int],
    speakers: frozenset[str] = frozenset(),
) -> Iterator[Draft]:
    """Drafts for cues the classifier is confident about and the rules left alone (``taken`` token ids);
    ``speakers`` are the subjects the rules found speaking (lower-cased), which need less confidence."""
    for sent in doc.sents:
        sent_span = (sent.start_char, sent.end_char)
        view: SentenceView | None = None
        for tok in sent:
            if tok.i in taken or not model.may_be_cue(tok):
                continue
            if view is None:
                view = SentenceView(sent)
            feats = cue_features(tok, lexicon, view)
            p = model.cue.score(feats)
            if p < model.threshold * KNOWN_SPEAKER_FACTOR:
                continue  # too low even for a known speaker: no need to look for the subject
            subject = subject_of(tok) if tok.pos_ != "NOUN" else _possessor(tok)
            factor = KNOWN_SPEAKER_FACTOR if subject is not None and subject.lower_ in speakers else 1.0
            if p < model.threshold * factor:
                continue
            best: tuple[float, tuple[int, int]] | None = None
            for kind, rng in content_candidates(tok, view):
                if rng[1] - rng[0] > MAX_CONTENT_TOKENS:
                    continue
                s = model.content.score(candidate_features(tok, kind, rng, feats, view))
                if best is None or s > best[0]:
                    best = (s, rng)
            if best is None:
                continue
            rng = best[1]
            clausal = view.has_verb(*rng) or view.has_quote(*rng)
            if p * best[0] < model.needed(clausal) * factor:
                continue
            if not _plausible(tok, doc[rng[0] : rng[1]], lexicon):
                continue
            yield Draft(
                kind="indirect",
                content=char_span(doc, *rng),
                sentence=sent_span,
                cue=(tok.idx, tok.idx + len(tok.text)),
                cue_strength=round(LEARNED_STRENGTH * p, 3),
                verb=tok,
                subject=subject,
                learned=True,
            )


def _plausible(tok: Token, content: Span, lexicon: Lexicon) -> bool:
    """Shapes no reader would call a claim: a naming verb with nothing named ("called the company on
    Monday", a phone call), the writer's own "seems" and a content cut off at a function word ("The plan
    was")."""
    lemma = tok.lemma_.lower()
    if lemma in lexicon.evidential_verbs:
        return False
    if lemma in lexicon.naming_verbs and not any(c.dep_ in NAMED for c in tok.children):
        return False
    return content[-1].pos_ not in DANGLING


def _possessor(noun: Token) -> Token | None:
    """The speaker of a nominal cue: its possessor ("Trump's claim") or the subject of its verb."""
    poss = next((c for c in noun.children if c.dep_ == "poss"), None)
    if poss is not None:
        return poss
    if noun.dep_ in {"dobj", "nsubj"} and noun.head.i != noun.i:
        return next((c for c in noun.head.children if c.dep_ in {"nsubj"}), None)
    return None
