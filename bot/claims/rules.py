"""Dependency rules that find a cue and its content: "X said (that) ...", "..., X said",
"according to X, ...", "X said: ...". Each rule yields a Draft; sources are resolved later, in reading order.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from spacy.tokens import Doc, Span, Token

from .lexicon import Lexicon
from .model import ClaimKind
from .quotes import CLOSING, OPENING, STRAIGHT

QUOTE_MARKS = frozenset(OPENING + CLOSING + STRAIGHT + "\u2018\u2019'")
SUBJECTS = frozenset({"nsubj", "nsubjpass"})
INHERITING = frozenset({"advcl", "xcomp", "conj", "acl", "pcomp"})
PARTICIPLE_DEPS = frozenset({"advcl", "acl"})
DROP_LEADING = frozenset({"that"})


@dataclass(slots=True)
class Draft:
    """A claim before its source is resolved. Spans are character offsets; ``order`` is reading order."""

    kind: ClaimKind
    content: tuple[int, int]
    sentence: tuple[int, int]
    cue: tuple[int, int] | None = None
    cue_strength: float = 0.5
    verb: Token | None = None
    subject: Token | None = None
    parent: Draft | None = None
    quotes: list[tuple[int, int]] = field(default_factory=list)
    learned: bool = False  # found by the learned layer, which also reads beliefs, intentions and actions

    @property
    def order(self) -> int:
        return self.cue[0] if self.cue else self.content[0]

    def adopt(self, parent: Draft) -> bool:
        """Take ``parent``'s speaker unless that would make a cycle; True if adopted."""
        node: Draft | None = parent
        while node is not None:
            if node is self:
                return False
            node = node.parent
        self.parent = parent
        return True


def char_span(doc: Doc, start: int, end: int) -> tuple[int, int]:
    """Character span of tokens [start, end)."""
    last = doc[end - 1]
    return (doc[start].idx, last.idx + len(last.text))


def is_quote_mark(token: Token) -> bool:
    return token.text in QUOTE_MARKS or token.text in {"``", "''"}


def trim(doc: Doc, start: int, end: int) -> tuple[int, int] | None:
    """Drop blanks, punctuation (not quotation marks) and a leading "that" from token range [start, end)."""

    def junk(tok: Token, leading: bool) -> bool:
        if tok.is_space:
            return True
        if leading and tok.dep_ == "mark" and tok.lower_ in DROP_LEADING:
            return True
        if is_quote_mark(tok):
            # a quotation mark on the wrong side belongs to the surrounding text
            return tok.text in (CLOSING if leading else OPENING)
        if not leading and tok.pos_ == "CCONJ":
            return True  # "said the plan is dead and added ...": the conjunction joins the cues
        return tok.is_punct and tok.text not in ({"(", "["} if leading else {")", "]"})

    while start < end and junk(doc[start], True):
        start += 1
    while end > start and junk(doc[end - 1], False):
        end -= 1
    if end - start < 1 or not _two_words(doc, start, end):
        return None
    return start, end


def _two_words(doc: Doc, start: int, end: int) -> bool:
    """At least two words or numbers in [start, end); stops at the second (ranges can be whole sentences)."""
    seen = 0
    for i in range(start, end):
        tok = doc[i]
        if tok.is_alpha or tok.like_num:
            seen += 1
            if seen == 2:
                return True
    return False


def cue_span(verb: Token, lexicon: Lexicon) -> tuple[int, int] | None:
    """The cue's characters (verb plus a required particle, "pointed out"), or None if not a cue."""
    lemma = verb.lemma_.lower()
    if verb.pos_ not in {"VERB", "AUX"} or not (lexicon.is_cue(lemma) or lexicon.is_object_cue(lemma)):
        return None
    needed = lexicon.particles.get(lemma)
    if needed:
        prt = next((c for c in verb.children if c.dep_ == "prt" and c.lower_ in needed), None)
        if prt is None:
            return None
        return (verb.idx, max(verb.idx + len(verb.text), prt.idx + len(prt.text)))
    return (verb.idx, verb.idx + len(verb.text))


def subject_of(verb: Token) -> Token | None:
    """Head of the speaker phrase; passives need a "by" agent; participles borrow their clause's subject."""
    subjects = [c for c in verb.children if c.dep_ == "nsubj"]
    if subjects:  # two when the parser hangs a quotation's subject on the cue too: the nearer one speaks
        return min(subjects, key=lambda c: abs(c.i - verb.i))
    if any(c.dep_ in {"nsubjpass", "auxpass"} for c in verb.children) or passive_participle(verb):
        # "Asked by Starnes whether ..., Carson said": the asker is the agent; Carson was asked
        agent = next((c for c in verb.children if c.dep_ == "agent"), None)
        pobj = next((c for c in agent.children if c.dep_ == "pobj"), None) if agent is not None else None
        return pobj
    csubj = next((c for c in verb.children if c.dep_ == "csubj"), None)
    if csubj is not None:  # a long subject misparsed as a clause: "Voters going to the polls said"
        return next((c for c in csubj.children if c.dep_ == "nsubj"), None)
    if verb.dep_ in INHERITING and verb.head.i != verb.i:
        head = verb.head
        if head.dep_ == "prep" and head.head.i != head.i:  # "called her a hero before explaining why"
            head = head.head
        for child in head.children:
            if child.dep_ in SUBJECTS:
                return child
        if head.dep_ in INHERITING and head.head.i != head.i:
            return next((c for c in head.head.children if c.dep_ in SUBJECTS), None)
    return None


def passive_participle(verb: Token) -> bool:
    """ "Asked whether ...", "a report issued by ...": a past participle modifying a clause or a noun."""
    if verb.tag_ != "VBN" or verb.dep_ not in PARTICIPLE_DEPS:
        return False
    return not any(c.dep_ == "aux" for c in verb.children)


def _content_from_ccomp(verb: Token, sent: Span, lexicon: Lexicon) -> tuple[int, int] | None:
    """The complement clause, plus a clause with its own subject that the parser coordinated with the cue
    instead of the complement ("X said A is B and it is C"); a coordinated cue ("and added") stays out."""
    comp = next((c for c in verb.children if c.dep_ == "ccomp"), None)
    if comp is None:
        comp = _clause_on_addressee(verb)
    if comp is None:
        return None
    start, end = comp.left_edge.i, comp.right_edge.i + 1
    end = _cut_coordinated_cue(comp, end, lexicon)
    if start > verb.i:
        for conj in verb.rights:
            if conj.dep_ != "conj" or conj.i < end or lexicon.is_cue(conj.lemma_):
                continue
            if any(c.dep_ in SUBJECTS for c in conj.children):
                end = max(end, min(conj.right_edge.i + 1, sent.end))
    return trim(verb.doc, start, end)


def _cut_coordinated_cue(comp: Token, end: int, lexicon: Lexicon) -> int:
    """ "X said A and called B" parsed with "called" coordinated inside the complement: the second cue,
    with no subject of its own, is the speaker's next claim, not part of the first. A bare verb shares the
    complement's modal and stays in it ("said Scotland will align with the UK and add Madeira")."""
    for conj in comp.rights:
        if conj.dep_ != "conj" or conj.tag_ == "VB" or any(c.dep_ in SUBJECTS for c in conj.children):
            continue
        if conj.pos_ == "VERB" and (lexicon.is_cue(conj.lemma_) or lexicon.is_object_cue(conj.lemma_)):
            cut = conj.left_edge.i
            cc = [c for c in comp.rights if c.dep_ in {"cc", "punct"} and c.i < cut]
            while cc and cc[-1].i == cut - 1:
                cut = cc.pop().i
            return min(end, cut)
    return end


def _clause_on_addressee(verb: Token) -> Token | None:
    """ "X told councillors that the loan was needed" misparsed with the that-clause as a modifier of the
    addressee: a clause opened by the conjunction "that" (not the relative pronoun) under the object."""
    for obj in verb.rights:
        if obj.dep_ not in {"dobj", "dative"}:
            continue
        for clause in obj.rights:
            if clause.dep_ in {"acl", "relcl"} and any(
                c.dep_ == "mark" and c.lower_ == "that" for c in clause.children
            ):
                return clause
    return None


def _after_quote(verb: Token) -> bool:
    """True when the cue follows a closing quotation mark, perhaps after a comma: '"...," said'."""
    i = verb.i - 1
    doc = verb.doc
    while i >= 0 and (doc[i].is_space or doc[i].text in {",", "—", "--"}):
        i -= 1
    return i >= 0 and is_quote_mark(doc[i])


def _content_of_bare_verb(verb: Token, sent: Span, lexicon: Lexicon) -> tuple[int, int] | None:
    """ "Aides say the more delegates he takes, ..." with the clause misparsed as an object: the words after
    the cue, if they start with an object, a bare noun or a comma."""
    if verb.lemma_.lower() not in lexicon.bare_content_verbs:
        return None
    if not any(c.dep_ in SUBJECTS and c.i < verb.i for c in verb.children):
        return None  # inverted ('"...," said X, who ...'): what follows is the speaker, not the content
    doc = verb.doc
    nxt = verb.i + 1
    if nxt >= sent.end:
        return None
    obj = next((c for c in verb.rights if c.dep_ in {"dobj", "npadvmod"} and c.left_edge.i == nxt), None)
    if doc[nxt].text == ",":
        nxt += 1
    elif obj is None:
        return None
    rng = trim(doc, nxt, sent.end)
    if rng is None or sum(1 for t in doc[rng[0] : rng[1]] if t.is_alpha) < 4:
        return None
    return rng


def _content_from_head(verb: Token, sent: Span) -> tuple[int, int] | None:
    """ "The plan failed, he said." parsed with the cue as parataxis (or "as he noted") of the main clause."""
    head = verb.head
    lo, hi = max(head.left_edge.i, sent.start), min(head.right_edge.i + 1, sent.end)
    left = verb.left_edge.i
    subj = next((c for c in verb.lefts if c.dep_ in SUBJECTS), None)
    # "If the talks fail, the minister said, prices will rise": the parser hangs the condition on the cue,
    # but it belongs to the claim
    if (
        verb.dep_ == "parataxis"
        and subj is not None
        and left < subj.left_edge.i
        and all(c.dep_ in {"advcl", "punct"} for c in verb.lefts if c.i < subj.left_edge.i)
    ):
        left = subj.left_edge.i
    before = trim(verb.doc, lo, left) if left > lo else None
    after = trim(verb.doc, verb.right_edge.i + 1, hi) if verb.right_edge.i + 1 < hi else None
    if before and after and verb.dep_ == "parataxis":
        return before[0], after[1]  # "Many of the closures, he said, have involved ...": one clause, cut
    sizes = [(r[1] - r[0], r) for r in (before, after) if r]
    return max(sizes)[1] if sizes else None


def _content_after_colon(verb: Token, sent: Span) -> tuple[int, int] | None:
    """ "He added: the plan failed." (a colon then a quotation in the next paragraph is handled in quotes)."""
    doc = verb.doc
    colon = next((t for t in doc[verb.i + 1 : min(sent.end, verb.i + 8)] if t.text == ":"), None)
    if colon is None or colon.i + 1 >= sent.end:
        return None
    return trim(doc, colon.i + 1, sent.end)


OBJECT_PARTS = frozenset({"dobj", "dative", "oprd", "xcomp", "ccomp", "prep", "acomp", "attr"})


PREDICATES = frozenset({"oprd", "xcomp", "ccomp"})


def _content_of_object(verb: Token, sent: Span, lexicon: Lexicon) -> tuple[int, int] | None:
    """ "Cruz criticized Clinton for accepting fees": the direct object with the verb's other complements
    after it (not a coordinated verb, an adverbial clause such as ", saying ..." or a passive). A bare
    infinitive ("wants to criticize X", "will call X") is an intention, not a claim made; a naming verb
    needs its predicate ("called the plan a disaster", not "called the company")."""
    if verb.tag_ == "VB" or any(c.dep_ in {"nsubjpass", "auxpass"} for c in verb.children):
        return None
    parts = [c for c in verb.rights if c.dep_ in OBJECT_PARTS]
    if not any(c.dep_ == "dobj" for c in parts):
        return None
    start = min(c.left_edge.i for c in parts)
    end = min(max(c.right_edge.i for c in parts) + 1, sent.end)
    if start <= verb.i:
        return None
    doc = verb.doc
    if verb.lemma_.lower() in lexicon.naming_verbs and not (
        any(c.dep_ in PREDICATES for c in parts) or any(is_quote_mark(t) for t in doc[start:end])
    ):
        return None
    return trim(doc, start, end)


def _content_in_sentence(tok: Token, sent: Span, lexicon: Lexicon) -> tuple[tuple[int, int] | None, bool]:
    """The content of a cue verb in its own sentence, and whether it follows a colon."""
    content = _content_from_ccomp(tok, sent, lexicon)
    as_clause = tok.dep_ == "advcl" and any(c.dep_ == "mark" and c.lower_ == "as" for c in tok.children)
    if content is None and (tok.dep_ == "parataxis" or as_clause):
        content = _content_from_head(tok, sent)
    if content is None and tok.lemma_.lower() in lexicon.colon_cue_verbs:
        content = _content_after_colon(tok, sent)
        if content is not None:
            return content, True
    if content is None and tok.i < sent.end - 1:
        content = _content_of_bare_verb(tok, sent, lexicon)
    if content is None and lexicon.is_object_cue(tok.lemma_) and not _after_quote(tok):
        content = _content_of_object(tok, sent, lexicon)
    return content, False


CLEAR = frozenset({"clear", "plain"})
LIGHT_CUE_STRENGTH = 0.8  # "made clear that" states as firmly as "stated"


def light_cue(verb: Token) -> tuple[Token, Token] | None:
    """ "The legislation makes clear that ...", "officials made it clear that ...": "make" with "clear"
    says as much as "state"; the parser hangs the that-clause on either word. Returns ("clear", clause)."""
    if verb.lemma_.lower() != "make" or verb.pos_ not in {"VERB", "AUX"}:
        return None
    clear = next(
        (c for c in verb.rights if c.lower_ in CLEAR and c.dep_ in {"ccomp", "oprd", "acomp", "dobj"}), None
    )
    if clear is None:
        return None
    for clause in (*clear.rights, *verb.rights):
        if (
            clause.i > clear.i
            and clause.dep_ in {"ccomp", "advcl"}
            and any(c.dep_ == "mark" and c.lower_ == "that" for c in clause.children)
        ):
            return clear, clause
    return None


def _light_draft(tok: Token, sent: Span) -> Draft | None:
    found = light_cue(tok)
    if found is None:
        return None
    clear, clause = found
    content = trim(tok.doc, clause.left_edge.i, min(clause.right_edge.i + 1, sent.end))
    if content is None:
        return None
    return Draft(
        kind="indirect",
        content=char_span(tok.doc, *content),
        sentence=(sent.start_char, sent.end_char),
        cue=(tok.idx, clear.idx + len(clear.text)),
        cue_strength=LIGHT_CUE_STRENGTH,
        verb=tok,
        subject=subject_of(tok),
    )


def _said_what(verb: Token) -> bool:
    """A free relative, "what X said": the cue's object is "what", right before its subject and cue with no
    punctuation between ('"no matter what," one user commented' is a quotation's words, not one)."""
    doc = verb.doc
    return any(
        c.dep_ == "dobj"
        and c.lower_ == "what"
        and c.i < verb.i
        and not any(t.is_punct or is_quote_mark(t) for t in doc[c.i + 1 : verb.i])
        for c in verb.children
    )


def verb_drafts(doc: Doc, lexicon: Lexicon) -> Iterator[Draft]:
    """Drafts for cue verbs with a clausal complement, a head clause ("..., he said") or a colon."""
    for sent in doc.sents:
        sent_span = (sent.start_char, sent.end_char)
        for tok in sent:
            light = _light_draft(tok, sent)
            if light is not None:
                yield light
                continue
            cue = cue_span(tok, lexicon)
            if cue is None:
                continue
            if _said_what(tok):
                continue  # "smaller than what McKinley said, but ...": what was said is not in this sentence
            subject = subject_of(tok)
            if not lexicon.is_cue(tok.lemma_):  # an object cue only: "X criticized Y for Z"
                content = None if _after_quote(tok) else _content_of_object(tok, sent, lexicon)
                if content is not None:
                    yield Draft(
                        kind="indirect",
                        content=char_span(doc, *content),
                        sentence=sent_span,
                        cue=cue,
                        cue_strength=lexicon.cue_strength(tok.lemma_),
                        verb=tok,
                        subject=subject,
                    )
                continue
            # '"...," said X' (however the parser hangs it): the quotation is the content (attach.py)
            framed = (subject is None or subject.i > tok.i) and _after_quote(tok)
            content, colon = (None, False) if framed else _content_in_sentence(tok, sent, lexicon)
            draft = Draft(
                kind="indirect",
                content=char_span(doc, *content) if content else (cue[1], cue[1]),
                sentence=sent_span,
                cue=cue,
                cue_strength=lexicon.cue_strength(tok.lemma_),
                verb=tok,
                subject=subject,
            )
            if content is None:
                # no content in the sentence: a quotation may still attach to this cue (quotes.py)
                draft.kind = "direct"
                draft.content = (cue[1], cue[1])
            elif colon:
                draft.kind = "direct"
            yield draft


def according_drafts(doc: Doc, lexicon: Lexicon) -> Iterator[Draft]:
    """Drafts for "according to X, ..." and "..., according to X"."""
    for sent in doc.sents:
        toks = list(sent)
        for k, tok in enumerate(toks):
            for phrase in lexicon.according_to:
                n = len(phrase)
                if tuple(t.lower_ for t in toks[k : k + n]) != phrase:
                    continue
                last = toks[k + n - 1]
                obj = next((c for c in last.children if c.dep_ == "pobj"), None)
                if obj is None:
                    nominal = {"NOUN", "PROPN", "PRON"}
                    obj = next((t for t in toks[k + n : k + n + 6] if t.pos_ in nominal), None)
                if obj is None or obj.lemma_.lower() in lexicon.according_to_rejects:
                    continue
                phrase_end = max(obj.right_edge.i, last.i) + 1
                before = trim(doc, sent.start, tok.i) if tok.i > sent.start else None
                after = trim(doc, phrase_end, sent.end) if phrase_end < sent.end else None
                if before and after and doc[after[0]].tag_ == "VBG":
                    after = None  # "X is under inquiry, according to Y, adding to its woes": a gloss
                if before and after and min(before[1] - before[0], after[1] - after[0]) >= 3:
                    content = (before[0], after[1])
                else:
                    sizes = [(r[1] - r[0], r) for r in (before, after) if r]
                    if not sizes:
                        continue
                    content = max(sizes)[1]
                yield Draft(
                    kind="according_to",
                    content=char_span(doc, *content),
                    sentence=(sent.start_char, sent.end_char),
                    cue=char_span(doc, tok.i, tok.i + n),
                    cue_strength=lexicon.according_to_strength,
                    subject=obj,
                )


def noun_drafts(doc: Doc, lexicon: Lexicon) -> Iterator[Draft]:
    """Nominal cues with a that-clause: "Cruz's claim that the deal failed", "Smith made the assertion that
    ...". The speaker is the possessor, or the subject of the verb the noun is the object of (also when the
    possessor is a pronoun: "X repeated his claim that ...")."""
    for sent in doc.sents:
        for tok in sent:
            if tok.pos_ != "NOUN" or tok.lemma_.lower() not in lexicon.noun_cues:
                continue
            clause = next(
                (
                    c
                    for c in tok.rights
                    if c.dep_ in {"acl", "ccomp", "relcl"}
                    and any(m.dep_ == "mark" and m.lower_ == "that" for m in c.children)
                ),
                None,
            )
            if clause is None:
                continue
            subject = next((c for c in tok.children if c.dep_ == "poss"), None)
            if (subject is None or subject.pos_ == "PRON") and tok.dep_ == "dobj":
                # "X repeated his claim that ...": the owner is the verb's subject
                subject = next((c for c in tok.head.children if c.dep_ == "nsubj"), subject)
            rng = trim(doc, clause.left_edge.i, min(clause.right_edge.i + 1, sent.end))
            if subject is None or rng is None:
                continue
            yield Draft(
                kind="indirect",
                content=char_span(doc, *rng),
                sentence=(sent.start_char, sent.end_char),
                cue=(tok.idx, tok.idx + len(tok.text)),
                cue_strength=lexicon.noun_cues[tok.lemma_.lower()],
                subject=subject,
            )


_WORDS = re.compile(r"\w+")
HEADLINE_SOURCES = frozenset({"PERSON", "ORG", "NORP", "GPE"})


def _title_case_head(doc: Doc, head: list[Token], colon: Token, lexicon: Lexicon) -> bool:
    """ "Lynch: No outside influence ...", "OK Gov Fallin: ...", "TAPPER: ..." at the start of a line: one to
    four capitalised words the tagger did not name, then a colon and a capitalised word or a quotation."""
    first = head[0]
    before = doc[first.i - 1] if first.i > 0 else None
    if before is not None and "\n" not in before.text and "\n" not in before.whitespace_:
        return False
    words = [t for t in head if not t.is_punct]
    if not 1 <= len(words) <= 4 or len(words) != len(head):
        return False
    if not all(t.is_alpha and (t.is_title or t.is_upper) for t in words):
        return False
    if words[0].lower_ == "the" or any(t.lower_ in lexicon.colon_head_rejects for t in words):
        return False  # "The Latest: ...", "Update: ..."
    line = []
    for tok in doc[colon.i : colon.i + 40]:  # five words are all that is counted
        if "\n" in tok.text:
            break
        line.append(tok.text_with_ws)
        if "\n" in tok.whitespace_:
            break
    if len(_WORDS.findall("".join(line))) < 5:
        return False  # "Kasich: Now or never": a list of section labels
    nxt = colon.nbor(1) if colon.i + 1 < len(doc) else None
    return nxt is not None and (nxt.is_title or nxt.is_upper or is_quote_mark(nxt) or nxt.like_num)


def colon_drafts(doc: Doc, lexicon: Lexicon) -> Iterator[Draft]:
    """Headline style "Cruz: Trump would put liberals on the court": a named source, then a colon."""
    for sent in doc.sents:
        toks = [t for t in sent if not t.is_space]
        colon = next((t for t in toks[:6] if t.text == ":"), None)
        if colon is None or colon.i == toks[0].i:
            continue
        head = toks[: colon.i - toks[0].i]
        named_head = all(t.ent_type_ in HEADLINE_SOURCES or t.is_punct or t.lower_ == "the" for t in head)
        if not named_head and not _title_case_head(doc, head, colon, lexicon):
            continue
        end = sent.end
        if not named_head or trim(doc, colon.i + 1, end) is None:  # a speaker's turn or a headline: the line
            while end < len(doc) and "\n" not in doc[end - 1].text and "\n" not in doc[end].text:
                end += 1
        rng = trim(doc, colon.i + 1, end)
        if rng is None or rng[1] - rng[0] < 3:
            continue
        named = [t for t in head if not t.is_punct]
        if not named:  # only punctuation before the colon: no speaker
            continue
        source = named[-1]  # names are head-final
        yield Draft(
            kind="indirect",
            content=char_span(doc, *rng),
            sentence=(sent.start_char, sent.end_char),
            cue=(colon.idx, colon.idx + 1),
            cue_strength=0.6,
            subject=source,
        )
