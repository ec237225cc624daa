"""What the learned layer sees: features of a candidate cue token, and the token ranges that may be its
content with their features. Training (bench/train_attribution.py) and extraction call the same functions.

Every range is read from the parse's left and right edges, and everything asked about a range (a quotation
mark inside it, a verb inside it) comes from running counts kept per sentence in a ``SentenceView``: a cue
costs the size of its children, not of its sentence, so a run-on sentence of thousands of words stays
linear.
"""

from __future__ import annotations

from collections.abc import Iterator

from spacy.tokens import Doc, Span, Token

from .lexicon import Lexicon
from .rules import is_quote_mark, trim

SUBJECTS = frozenset({"nsubj", "nsubjpass", "csubj", "expl"})
SKIPPED_CHILDREN = SUBJECTS | {"aux", "auxpass", "neg", "punct", "prt"}
CUT_AT = frozenset({"relcl", "acl", "appos", "advcl", "conj", "parataxis", "prep", "npadvmod"})
VERBAL = frozenset({"VERB", "AUX"})
Range = tuple[int, int]


class SentenceView:
    """Running counts of quotation marks and verbs over one sentence, built once."""

    __slots__ = ("_quotes", "_verbs", "end", "sent", "start")

    def __init__(self, sent: Span) -> None:
        self.sent, self.start, self.end = sent, sent.start, sent.end
        quotes, verbs = [0], [0]
        for t in sent:
            quotes.append(quotes[-1] + is_quote_mark(t))
            verbs.append(verbs[-1] + (t.pos_ in VERBAL))
        self._quotes, self._verbs = quotes, verbs

    def in_quotes(self, i: int) -> bool:
        """An odd number of quotation marks before token ``i`` in the sentence: it stands inside one."""
        return self._quotes[i - self.start] % 2 == 1

    def has_quote(self, start: int, end: int) -> bool:
        return self._quotes[end - self.start] > self._quotes[start - self.start]

    def has_verb(self, start: int, end: int) -> bool:
        return self._verbs[end - self.start] > self._verbs[start - self.start]


def cue_features(tok: Token, lexicon: Lexicon, view: SentenceView | None = None) -> list[str]:
    """What makes a token a cue: its lemma, its role, what hangs off it and who its subject is."""
    if view is None:
        view = SentenceView(tok.sent)
    lemma = tok.lemma_.lower()
    f = [f"l={lemma}", f"p={tok.pos_}", f"t={tok.tag_}", f"d={tok.dep_}", f"l|d={lemma}|{tok.dep_}"]
    f.append(f"l|t={lemma}|{tok.tag_}")
    head = tok.head
    if head.i != tok.i:
        f += [f"hl={head.lemma_.lower()}", f"hp={head.pos_}", f"d|hp={tok.dep_}|{head.pos_}"]
    else:
        f.append("root")
    children = list(tok.children)
    deps = sorted({c.dep_ for c in children})
    for dep in deps:
        f += [f"cd={dep}", f"l|cd={lemma}|{dep}", f"p|cd={tok.pos_}|{dep}"]
    f.append("cds=" + "+".join(d for d in deps if d not in {"punct", "aux", "advmod", "cc"}))
    for c in children:
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
    f.append(f"prev={_word(doc[tok.i - 1]) if tok.i > view.start else '<s>'}")
    f.append(f"next={_word(doc[tok.i + 1]) if tok.i + 1 < view.end else '</s>'}")
    if view.in_quotes(tok.i):
        f.append("in_quotes")
    return f


def _word(tok: Token) -> str:
    return "<sp>" if tok.is_space else tok.lower_


def _solid(doc: Doc, start: int, end: int) -> bool:
    """Some token of [start, end) is neither punctuation nor blank (stops at the first)."""
    return any(not (doc[i].is_punct or doc[i].is_space) for i in range(start, end))


def _outside(outer: Token, inner: Token) -> Range | None:
    """``outer``'s phrase without ``inner``'s: the side that is left, or the whole phrase when words
    stand on both sides ("Most of the closures, he said, have hit rural clinics")."""
    lo, hi = outer.left_edge.i, outer.right_edge.i + 1
    cut_lo, cut_hi = inner.left_edge.i, inner.right_edge.i + 1
    doc = outer.doc
    left, right = _solid(doc, lo, cut_lo), _solid(doc, cut_hi, hi)
    if left and right:
        return lo, hi
    if left:
        return lo, cut_lo
    if right:
        return cut_hi, hi
    return None


def content_candidates(tok: Token, view: SentenceView | None = None) -> Iterator[tuple[str, Range]]:
    """Token ranges that may be the content of cue ``tok``, each named by how it was found."""
    if view is None:
        view = SentenceView(tok.sent)
    seen: set[Range] = set()

    def emit(kind: str, rng: Range | None) -> Iterator[tuple[str, Range]]:
        if rng is None:
            return
        start, end = max(rng[0], view.start), min(rng[1], view.end)
        kept = trim(tok.doc, start, end) if start < end else None
        if kept is None or kept in seen or kept[0] <= tok.i < kept[1]:
            return
        seen.add(kept)
        yield kind, kept

    kept_children = [c for c in tok.children if c.dep_ not in SKIPPED_CHILDREN]
    for c in kept_children:
        yield from emit(f"child:{c.dep_}", (c.left_edge.i, c.right_edge.i + 1))
        for mod in c.rights:  # the same phrase without a trailing modifier ("X, which ...")
            if mod.dep_ in CUT_AT:
                yield from emit(f"child:{c.dep_}-{mod.dep_}", (c.left_edge.i, mod.left_edge.i))
    rights = [c for c in kept_children if c.i > tok.i]
    if rights:
        yield from emit("rights", (rights[0].left_edge.i, rights[-1].right_edge.i + 1))
    if kept_children:
        yield from emit("clause", (kept_children[0].left_edge.i, kept_children[-1].right_edge.i + 1))
    head = tok.head
    if head.i != tok.i:
        yield from emit("head", _outside(head, tok))
        if head.head.i != head.i:
            yield from emit("head2", _outside(head.head, head))
    yield from emit("after", (tok.i + 1, view.end))
    yield from emit("before", (view.start, tok.i))


def candidate_features(
    tok: Token, kind: str, rng: Range, cue_feats: list[str], view: SentenceView | None = None
) -> list[str]:
    """What makes a range the content: how it was found, crossed with the cue and the range's shape."""
    if view is None:
        view = SentenceView(tok.sent)
    doc = tok.doc
    lemma = tok.lemma_.lower()
    first, last = doc[rng[0]], doc[rng[1] - 1]
    n = rng[1] - rng[0]
    size = "1-3" if n <= 3 else "4-8" if n <= 8 else "9-20" if n <= 20 else "21+"
    quoted = view.has_quote(*rng)
    f = [f"k={kind}", f"k|l={kind}|{lemma}", f"k|p={kind}|{tok.pos_}", f"k|d={kind}|{tok.dep_}"]
    f += [f"k|n={kind}|{size}", f"k|q={kind}|{quoted}", f"k|first={kind}|{first.pos_}"]
    f += [f"k|firstw={kind}|{first.lower_}", f"k|lastp={kind}|{last.pos_}"]
    f.append(f"k|side={kind}|{'R' if rng[0] > tok.i else 'L'}")
    f += [f"k|{kind}|{c}" for c in cue_feats if c.startswith(("cds=", "s_side=", "in_quotes"))]
    return f
