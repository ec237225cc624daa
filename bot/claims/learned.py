"""A learned layer over the rules: a linear cue classifier and a content chooser over the parse.

The rules find what a lexicon of reporting verbs licenses; news also attributes with stance, intention and
belief cues ("vowed", "hopes", "rejected", "a poll shows") that no hand list keeps up with. Both models are
logistic regressions over sparse features of the dependency parse, trained on PolNeAR train by
``bench/train_attribution.py`` and shipped as JSON weights (names of features, never article text), so
scoring is a few dictionary lookups per verb and the spaCy pipeline stays the only heavy part.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path

from spacy.tokens import Doc, Span, Token

from .lexicon import Lexicon
from .rules import Draft, char_span, is_quote_mark, subject_of, trim

DEFAULT_MODEL = "attribution_model.json"
CUE_POS = frozenset({"VERB", "AUX", "NOUN"})
SUBJECTS = frozenset({"nsubj", "nsubjpass", "csubj", "expl"})
SKIPPED_CHILDREN = SUBJECTS | {"aux", "auxpass", "neg", "punct", "prt"}
NAMED = frozenset({"oprd", "ccomp", "xcomp"})
DANGLING = frozenset({"AUX", "DET", "ADP", "CCONJ"})
CUT_AT = frozenset({"relcl", "acl", "appos", "advcl", "conj", "parataxis", "prep", "npadvmod"})


@dataclass(frozen=True, slots=True)
class LinearModel:
    """Logistic regression over binary features: the probability is a sigmoid of the summed weights."""

    weights: dict[str, float]
    bias: float

    def score(self, features: Iterable[str]) -> float:
        w = self.weights
        total = self.bias + sum(w.get(f, 0.0) for f in features)
        return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, total))))

    def to_json(self) -> dict:
        return {"bias": self.bias, "weights": self.weights}

    @classmethod
    def from_json(cls, data: dict) -> LinearModel:
        return cls(weights={k: float(v) for k, v in data["weights"].items()}, bias=float(data["bias"]))


@dataclass(frozen=True, slots=True)
class AttributionModel:
    """The cue classifier and the content chooser, with cut-offs: the cue probability a learned draft
    needs (``threshold``); the product of cue and content probabilities it needs (``confidence``: a sure
    cue with a doubtful content is dropped, not guessed), higher for a bare noun phrase with no verb and no
    quotation ("endorsed Lopez": ``nominal_confidence``); and the cue probability below which a rule's
    indirect draft is dropped (``veto``: a reporting verb used otherwise, "said to be", "asked about")."""

    cue: LinearModel
    content: LinearModel
    threshold: float
    confidence: float
    nominal_confidence: float
    veto: float
    lemmas: frozenset[str]
    meta: dict

    def needed(self, content: Span) -> float:
        """The cue x content probability a learned draft with this content needs."""
        clausal = any(t.pos_ in {"VERB", "AUX"} or is_quote_mark(t) for t in content)
        return self.confidence if clausal else max(self.confidence, self.nominal_confidence)

    def may_be_cue(self, tok: Token) -> bool:
        return may_be_cue(tok, self.lemmas)

    def confirms(self, draft: Draft, lexicon: Lexicon) -> bool:
        """False for a rule's indirect verb draft the classifier thinks is no cue; quotations always stay."""
        if draft.verb is None or draft.kind != "indirect" or not self.veto:
            return True
        return self.cue.score(cue_features(draft.verb, lexicon)) >= self.veto

    def to_json(self) -> dict:
        return {
            "threshold": self.threshold,
            "confidence": self.confidence,
            "nominal_confidence": self.nominal_confidence,
            "veto": self.veto,
            "lemmas": sorted(self.lemmas),
            "meta": self.meta,
            "cue": self.cue.to_json(),
            "content": self.content.to_json(),
        }

    @classmethod
    def from_json(cls, data: dict) -> AttributionModel:
        return cls(
            cue=LinearModel.from_json(data["cue"]),
            content=LinearModel.from_json(data["content"]),
            threshold=float(data["threshold"]),
            confidence=float(data.get("confidence", 0.0)),
            nominal_confidence=float(data.get("nominal_confidence", 0.0)),
            veto=float(data.get("veto", 0.0)),
            lemmas=frozenset(data["lemmas"]),
            meta=dict(data.get("meta", {})),
        )


def may_be_cue(tok: Token, lemmas: frozenset[str]) -> bool:
    """Only words seen heading a cue in training are scored: most tokens cost one set lookup."""
    return tok.pos_ in CUE_POS and tok.is_alpha and tok.lemma_.lower() in lemmas


@cache
def load_model(path: str | None = None) -> AttributionModel | None:
    """The shipped model (``None``: the package's file), or None when no model file is shipped."""
    if path is None:
        ref = resources.files(__package__).joinpath(DEFAULT_MODEL)
        if not ref.is_file():
            return None
        raw = ref.read_text(encoding="utf-8")
    else:
        raw = Path(path).read_text(encoding="utf-8")
    return AttributionModel.from_json(json.loads(raw))


def quote_parity(sent: Span) -> list[bool]:
    """For each token of ``sent``: an odd number of quotation marks stand before it (it is inside one)."""
    inside, out = False, []
    for t in sent:
        out.append(inside)
        if is_quote_mark(t):
            inside = not inside
    return out


def cue_features(
    tok: Token, lexicon: Lexicon, sent: Span | None = None, in_quotes: bool | None = None
) -> list[str]:
    """What makes a token a cue: its lemma, its role, what hangs off it and who its subject is.
    ``sent`` and ``in_quotes`` may be passed when known (``Token.sent`` is not free)."""
    if sent is None:
        sent = tok.sent
    if in_quotes is None:
        in_quotes = quote_parity(sent)[tok.i - sent.start]
    lemma = tok.lemma_.lower()
    f = [f"l={lemma}", f"p={tok.pos_}", f"t={tok.tag_}", f"d={tok.dep_}", f"l|d={lemma}|{tok.dep_}"]
    f.append(f"l|t={lemma}|{tok.tag_}")
    head = tok.head
    if head.i != tok.i:
        f += [f"hl={head.lemma_.lower()}", f"hp={head.pos_}", f"d|hp={tok.dep_}|{head.pos_}"]
    else:
        f.append("root")
    deps = sorted({c.dep_ for c in tok.children})
    for dep in deps:
        f += [f"cd={dep}", f"l|cd={lemma}|{dep}", f"p|cd={tok.pos_}|{dep}"]
    f.append("cds=" + "+".join(d for d in deps if d not in {"punct", "aux", "advmod", "cc"}))
    for c in tok.children:
        if c.dep_ in {"prt", "prep", "agent"}:
            f += [f"{c.dep_}={c.lower_}", f"l|{c.dep_}={lemma}|{c.lower_}"]
        elif c.dep_ in SUBJECTS:
            f += [f"s_ent={c.ent_type_ or '-'}", f"s_p={c.pos_}", f"s_side={'L' if c.i < tok.i else 'R'}"]
            f += [f"s_l={c.lemma_.lower()}", f"l|s_ent={lemma}|{c.ent_type_ or c.pos_}"]
            if c.pos_ == "PRON" or c.lower_ in lexicon.unnamed_sources or c.lower_ in lexicon.person_roles:
                f.append(f"s_w={c.lower_}")
        elif c.dep_ in {"xcomp", "ccomp", "dobj"}:
            f += [f"{c.dep_}_l={c.lemma_.lower()}", f"l|{c.dep_}_p={lemma}|{c.pos_}"]
        elif c.dep_ in {"aux", "auxpass"}:
            f.append(f"aux={c.lower_}")
        elif c.dep_ == "poss":
            f += ["poss", f"l|poss={lemma}", f"poss_ent={c.ent_type_ or c.pos_}"]
    if lexicon.is_cue(lemma):
        f.append("lex_cue")
    if lexicon.is_object_cue(lemma):
        f.append("lex_obj_cue")
    if lemma in lexicon.noun_cues:
        f.append("lex_noun_cue")
    doc = tok.doc
    f.append(f"prev={_word(doc[tok.i - 1]) if tok.i > sent.start else '<s>'}")
    f.append(f"next={_word(doc[tok.i + 1]) if tok.i + 1 < sent.end else '</s>'}")
    if in_quotes:
        f.append("in_quotes")
    return f


def _word(tok: Token) -> str:
    return "<sp>" if tok.is_space else tok.lower_


def _range(tokens: Iterable[Token]) -> tuple[int, int] | None:
    idx = [t.i for t in tokens if not (t.is_punct and not is_quote_mark(t)) and not t.is_space]
    return (min(idx), max(idx) + 1) if idx else None


def content_candidates(tok: Token, sent: Span | None = None) -> Iterator[tuple[str, tuple[int, int]]]:
    """Token ranges that may be the content of cue ``tok``, each named by how it was found."""
    if sent is None:
        sent = tok.sent
    seen: set[tuple[int, int]] = set()

    def emit(kind: str, tokens: Iterable[Token]) -> Iterator[tuple[str, tuple[int, int]]]:
        rng = _range(tokens)
        if rng is None:
            return
        rng = (max(rng[0], sent.start), min(rng[1], sent.end))
        kept = trim(tok.doc, *rng)
        if kept is None or kept in seen or kept[0] <= tok.i < kept[1]:
            return
        seen.add(kept)
        yield kind, kept

    for c in tok.children:
        if c.dep_ not in SKIPPED_CHILDREN:
            yield from emit(f"child:{c.dep_}", c.subtree)
            for mod in c.rights:  # the same phrase without a trailing modifier ("X, which ...")
                if mod.dep_ in CUT_AT:
                    left = mod.left_edge.i
                    yield from emit(f"child:{c.dep_}-{mod.dep_}", (t for t in c.subtree if t.i < left))
    yield from emit("rights", (t for c in tok.rights if c.dep_ not in SKIPPED_CHILDREN for t in c.subtree))
    yield from emit("clause", (t for c in tok.children if c.dep_ not in SKIPPED_CHILDREN for t in c.subtree))
    if tok.head.i != tok.i:
        mine = {t.i for t in tok.subtree}
        yield from emit("head", (t for t in tok.head.subtree if t.i not in mine))
        if tok.head.head.i != tok.head.i:
            theirs = {t.i for t in tok.head.subtree}
            yield from emit("head2", (t for t in tok.head.head.subtree if t.i not in theirs))
    yield from emit("after", (t for t in sent if t.i > tok.i))
    yield from emit("before", (t for t in sent if t.i < tok.i))


def candidate_features(tok: Token, kind: str, rng: tuple[int, int], cue_feats: list[str]) -> list[str]:
    """What makes a range the content: how it was found, crossed with the cue and the range's shape."""
    doc = tok.doc
    lemma = tok.lemma_.lower()
    first, last = doc[rng[0]], doc[rng[1] - 1]
    n = rng[1] - rng[0]
    size = "1-3" if n <= 3 else "4-8" if n <= 8 else "9-20" if n <= 20 else "21+"
    quoted = any(is_quote_mark(t) for t in doc[rng[0] : rng[1]])
    f = [f"k={kind}", f"k|l={kind}|{lemma}", f"k|p={kind}|{tok.pos_}", f"k|d={kind}|{tok.dep_}"]
    f += [f"k|n={kind}|{size}", f"k|q={kind}|{quoted}", f"k|first={kind}|{first.pos_}"]
    f += [f"k|firstw={kind}|{first.lower_}", f"k|lastp={kind}|{last.pos_}"]
    f.append(f"k|side={kind}|{'R' if rng[0] > tok.i else 'L'}")
    f += [f"k|{kind}|{c}" for c in cue_feats if c.startswith(("cds=", "s_side=", "in_quotes"))]
    return f


def learned_drafts(doc: Doc, lexicon: Lexicon, model: AttributionModel, taken: set[int]) -> Iterator[Draft]:
    """Drafts for cues the classifier is confident about and the rules left alone (``taken`` token ids)."""
    for sent in doc.sents:
        sent_span = (sent.start_char, sent.end_char)
        parity: list[bool] | None = None
        for tok in sent:
            if tok.i in taken or not model.may_be_cue(tok):
                continue
            if parity is None:
                parity = quote_parity(sent)
            feats = cue_features(tok, lexicon, sent, parity[tok.i - sent.start])
            p = model.cue.score(feats)
            if p < model.threshold:
                continue
            best: tuple[float, tuple[int, int]] | None = None
            for kind, rng in content_candidates(tok, sent):
                s = model.content.score(candidate_features(tok, kind, rng, feats))
                if best is None or s > best[0]:
                    best = (s, rng)
            if best is None:
                continue
            content = doc[best[1][0] : best[1][1]]
            if p * best[0] < model.needed(content) or not _plausible(tok, content, lexicon):
                continue
            yield Draft(
                kind="indirect",
                content=char_span(doc, *best[1]),
                sentence=sent_span,
                cue=(tok.idx, tok.idx + len(tok.text)),
                cue_strength=round(0.5 * p, 3),
                verb=tok,
                subject=subject_of(tok) if tok.pos_ != "NOUN" else _possessor(tok),
            )


def _plausible(tok: Token, content: Span, lexicon: Lexicon) -> bool:
    """Shapes no reader would call a claim: a naming verb with nothing named ("called the company on
    Monday", a phone call) and a content cut off at a function word ("The plan was")."""
    if tok.lemma_.lower() in lexicon.naming_verbs and not any(c.dep_ in NAMED for c in tok.children):
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
