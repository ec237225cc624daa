"""What a source mention says by itself: its span, the name it gives, its role and what kind of source it is.

Resolution of pronouns and descriptors ("He", "the spokesman") to a name happens in coref.py; this module
only reads the noun phrase around the subject token.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from spacy.tokens import Span, Token

from .lexicon import Lexicon
from .model import SourceKind

MentionRef = Literal["name", "pronoun", "relative", "descriptor", "unnamed"]
NAME_LABELS = frozenset({"PERSON"})
ORG_LABELS = frozenset({"ORG", "GPE", "NORP"})
DEFINITE = frozenset({"the", "this", "that", "these", "those"})
_POSSESSIVE = ("'s", "’s", "'", "’")
_CUT_DEPS = frozenset({"relcl", "acl", "advcl"})


@dataclass(slots=True)
class Mention:
    """A source mention; ``name`` is set when the mention itself names the source."""

    span: tuple[int, int]
    text: str
    head: Token
    ref: MentionRef
    kind: SourceKind | None = None
    name: str | None = None
    role: str | None = None
    gender: str | None = None
    plural: bool = False
    descriptor: str | None = None
    antecedent: Mention | None = None
    roles: set[str] = field(default_factory=set)


def strip_name(text: str) -> str:
    """Canonical form of an entity string: no leading article, no possessive ending, no outer blanks."""
    text = " ".join(text.split())
    for p in _POSSESSIVE:
        if text.endswith(p) and len(text) > len(p):
            text = text[: -len(p)]
            break
    if text[:4].lower() == "the ":
        text = text[4:]
    return text.strip(" ,;:")


def noun_phrase(head: Token) -> tuple[int, int]:
    """Token range [start, end) of the phrase headed by ``head``, without trailing clauses or punctuation."""
    start, end = head.left_edge.i, head.right_edge.i + 1
    for child in head.rights:
        if child.dep_ in _CUT_DEPS:
            end = min(end, child.left_edge.i)
    doc = head.doc
    for i in range(head.i - 1, start - 1, -1):  # never reach back into a quotation before the speaker
        if doc[i].is_quote or doc[i].text in {"''", "``"}:
            start = i + 1
            break
    while end - 1 > start and (doc[end - 1].is_punct or doc[end - 1].is_space):
        end -= 1
    while start < end - 1 and (doc[start].is_punct or doc[start].is_space):
        start += 1
    return start, end


def entity_of(token: Token, labels: frozenset[str]) -> Span | None:
    """The entity around ``token`` if its label is in ``labels`` (read from IOB tags: Doc.ents is slow)."""
    if token.ent_type_ not in labels:
        return None
    doc = token.doc
    start = token.i
    while doc[start].ent_iob_ == "I" and start > 0:
        start -= 1
    end = token.i + 1
    while end < len(doc) and doc[end].ent_iob_ == "I":
        end += 1
    return Span(doc, start, end, label=token.ent_type_)


def _gender_of(tokens: list[Token], first_name: str | None, lexicon: Lexicon) -> str | None:
    for tok in tokens:
        g = lexicon.gendered_roles.get(tok.lower_)
        if g:
            return g
    if first_name:
        low = first_name.lower()
        if low in lexicon.male_names:
            return "male"
        if low in lexicon.female_names:
            return "female"
    return None


def _role_text(tokens: list[Token]) -> str | None:
    words = [t for t in tokens if not t.is_space]
    while words and (words[0].lower_ in DEFINITE or words[0].lower_ in {"a", "an"} or words[0].is_punct):
        words = words[1:]
    while words and (words[-1].is_punct or words[-1].dep_ in {"cc", "case"}):
        words = words[:-1]
    if not words:
        return None
    doc = words[0].doc
    return doc[words[0].i : words[-1].i + 1].text.strip(" ,")


def _role_words(tokens: list[Token], lexicon: Lexicon) -> set[str]:
    out = set()
    for t in tokens:
        if t.lemma_.lower() in lexicon.person_roles or t.lower_ in lexicon.person_roles:
            out.add(t.lemma_.lower())
        title = lexicon.titles.get(t.lower_)
        if title:
            out.update(title.split())
    return out


def analyse(token: Token, lexicon: Lexicon) -> Mention:
    """Read the source phrase headed by ``token`` (a subject or an according-to object)."""
    doc = token.doc
    low = token.lower_
    if token.pos_ == "PRON" or low in lexicon.pronouns:
        kind = lexicon.pronouns.get(low)
        span = (token.idx, token.idx + len(token.text))
        if kind == "relative" and token.head.dep_ == "relcl" and token.head.head.i != token.head.i:
            ante = analyse(token.head.head, lexicon)
            return Mention(span, token.text, token, "relative", kind=ante.kind, antecedent=ante)
        if kind in {"male", "female"}:
            return Mention(span, token.text, token, "pronoun", kind="person", gender=kind)
        if kind == "plural":
            return Mention(span, token.text, token, "pronoun", gender="plural", plural=True)
        if kind == "neuter":
            return Mention(span, token.text, token, "pronoun", kind="organization", gender="neuter")
        return Mention(span, token.text, token, "pronoun", kind="person" if kind else None, gender=kind)

    start, end = noun_phrase(token)
    span_tokens = list(doc[start:end])
    char_span = (doc[start].idx, doc[end - 1].idx + len(doc[end - 1].text))
    text = doc[start:end].text
    plural = token.tag_ in {"NNS", "NNPS"}

    person = entity_of(token, NAME_LABELS)
    if person is None:
        for child in token.children:
            if child.dep_ == "appos":
                person = entity_of(child, NAME_LABELS)
                if person is not None and person.root.i != child.i:
                    person = None
                if person is not None:
                    break
    if person is not None:
        name = strip_name(person.text)
        before = [t for t in span_tokens if t.i < person.start and not t.is_space]
        appos = [c for c in person.root.children if c.dep_ == "appos"]
        role_tokens = before
        if person.root.i != token.i:  # "the spokesman, Igor Konashenkov"
            role_tokens = [t for t in span_tokens if t.i < person.start or t.i >= person.end]
            role_tokens = [t for t in role_tokens if t.i < person.start or t.dep_ != "punct"]
            role_tokens = [t for t in role_tokens if not (t.i >= person.end and t.is_punct)]
        elif appos:
            role_tokens = before + [t for a in appos for t in a.subtree]
        role_tokens = [t for t in role_tokens if t.i < person.start or t.i >= person.end]
        # honorifics are not roles
        role_tokens = [t for t in role_tokens if lexicon.titles.get(t.lower_, "x") is not None]
        role = _role_text(role_tokens) if role_tokens else None
        if role and name in role:  # a misparse folded the name into its own description
            role = None
        first = name.split()[0] if " " in name else None
        gender = _gender_of(span_tokens, first, lexicon)
        roles = _role_words(role_tokens, lexicon)
        return Mention(char_span, text, token, "name", kind="person", name=name, role=role, gender=gender,
                       roles=roles)

    org = entity_of(token, ORG_LABELS)
    if org is not None:
        return Mention(char_span, text, token, "name", kind="organization", name=strip_name(org.text),
                       plural=plural)

    lemma = token.lemma_.lower()
    definite = any(c.dep_ == "poss" or (c.dep_ == "det" and c.lower_ in DEFINITE) for c in token.children)
    if lemma in lexicon.person_roles and not plural and definite:
        gender = _gender_of([token], None, lexicon)
        return Mention(char_span, text, token, "descriptor", kind="person", descriptor=lemma, gender=gender)
    if lemma in lexicon.organization_nouns and definite:
        return Mention(char_span, text, token, "descriptor", kind="organization", descriptor=lemma,
                       plural=plural)
    if token.pos_ == "PROPN":
        first = doc[start].text if end - start > 1 else None
        gender = _gender_of(span_tokens, first, lexicon)
        kind: SourceKind = "person" if gender else "organization"
        return Mention(char_span, text, token, "name", kind=kind, name=strip_name(text), gender=gender)
    # an embedded organisation names the source of a document: "a statement from the ministry"
    if lemma not in lexicon.person_roles:
        inner = next((entity_of(t, ORG_LABELS | NAME_LABELS) for t in doc[start:end]
                      if t.dep_ == "pobj" and t.ent_type_ in ORG_LABELS | NAME_LABELS), None)
        if inner is not None and lemma in lexicon.unnamed_sources:
            kind = "person" if inner.label_ == "PERSON" else "organization"
            return Mention(char_span, text, token, "name", kind=kind, name=strip_name(inner.text))
    return Mention(char_span, text, token, "unnamed", kind="unnamed", name=strip_name(text), plural=plural)
