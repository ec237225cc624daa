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
COUNTRY_LABELS = frozenset({"GPE"})  # "Ukraine's" of "Ukraine's General Staff"
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
    label: str | None = None  # the named entity's label ("PERSON", "ORG", "GPE"...), if any


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


def common_name(text: str) -> str:
    """An unnamed source in running-text case: "Officials" opening a sentence is "officials"; a leading
    proper noun or acronym keeps its case ("US officials", "FBI agents")."""
    first, _, rest = text.partition(" ")
    if first.isalpha() and first[0].isupper() and first[1:] == first[1:].lower() and first != "I":
        first = first.lower()
    return f"{first} {rest}" if rest else first


def _unnamed_name(text: str, tokens: list[Token]) -> str:
    text = strip_name(text)
    words = [t for t in tokens if not (t.is_punct or t.is_space or t.lower_ in DEFINITE)]
    if not words or words[0].pos_ == "PROPN" or words[0].ent_type_ in NAME_LABELS | ORG_LABELS:
        return text
    first = words[0]
    if _inside_a_sentence_elsewhere(first):
        return text  # capitalised inside a sentence elsewhere: a name the tagger missed ("Fields")
    return common_name(text)


def _inside_a_sentence_elsewhere(tok: Token) -> bool:
    """``tok``'s exact text occurs, not opening a sentence, at another place in the doc. The doc is read
    once (cached in its user_data): a long article has hundreds of mentions to check."""
    key = "claimbot_mid_sentence"
    seen: dict[str, list[int]] | None = tok.doc.user_data.get(key)
    if seen is None:
        seen = {}
        for t in tok.doc:
            if not t.is_sent_start:
                seen.setdefault(t.text, []).append(t.i)
        tok.doc.user_data[key] = seen
    return any(i != tok.i for i in seen.get(tok.text, ()))


def _personal(org: Span, lexicon: Lexicon) -> bool:
    """An "organisation" of two or three capitalised words opened by a personal title ("Councillor Jane
    Doe", "Dr. Amit Rao")."""
    toks = [t for t in org if not (t.is_space or t.text in {"-", "."})]
    first = toks[0].lower_ if toks else ""
    return (
        3 <= len(toks) <= 4
        and (first in lexicon.titles or first.rstrip(".") in lexicon.titles)
        and all(t.text[:1].isupper() or t.text == "-" for t in toks)
    )


def _org_name(org: Span, lexicon: Lexicon) -> tuple[str, str | None]:
    """The name of an organisation entity and the generic type noun it ends with, if any: "the United Auto
    Workers union" -> ("United Auto Workers", "union"); a capitalised type noun is part of the name
    ("European Union")."""
    toks = [t for t in org if not t.is_space]
    last = toks[-1] if toks else None
    if (
        last is not None
        and last.text.islower()
        and last.lemma_.lower() in lexicon.organization_nouns
        and any(t.text[:1].isupper() and t.lower_ not in DEFINITE for t in toks[:-1])
    ):
        rest = org.doc[org.start : last.i]
        return strip_name(rest.text), last.lemma_.lower()
    return strip_name(org.text), None


def _owned_by_country(org: Span, name: str) -> str:
    """ "Ukraine's General Staff", "Russia's Defense Ministry": the country is part of the body's name (both
    countries have a General Staff), though the entity tagger leaves the possessor out."""
    owner = next((t for t in org.root.children if t.dep_ == "poss" and t.i < org.start), None)
    if owner is None:
        return name
    country = entity_of(owner, COUNTRY_LABELS)
    case = next((c for c in owner.children if c.dep_ == "case"), None)
    if country is None or case is None or country.end != owner.i + 1:
        return name
    return f"{country.text}{case.text} {name}"


def noun_phrase(head: Token) -> tuple[int, int]:
    """Token range [start, end) of the phrase headed by ``head``, without trailing clauses or punctuation."""
    start, end = head.left_edge.i, head.right_edge.i + 1
    for child in head.rights:
        if child.dep_ in _CUT_DEPS:
            end = min(end, child.left_edge.i)
    doc = head.doc
    colon = next((t.i for t in doc[head.i + 1 : end] if t.text == ":"), None)
    if colon is not None:  # "Lynch: No outside influence ..." parsed with the headline under the name
        end = colon
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
    # "Redmond, Washington, Chief Executive": a dateline's place run into the role
    place = 0
    while place < len(words) and (words[place].ent_type_ in {"GPE", "LOC"} or words[place].text == ","):
        place += 1
    if place and place < len(words) and words[place - 1].text == ",":
        words = words[place:]
    while words and (words[-1].is_punct or words[-1].dep_ in {"cc", "case"}):
        words = words[:-1]
    if not words or not any(t.pos_ in {"NOUN", "PROPN"} and not t.like_num for t in words):
        return None  # "soft-spoken but firm", "55": a description or an age, not a role
    if all(t.ent_type_ in {"GPE", "LOC", "NORP"} or t.is_punct or t.pos_ in {"ADP", "DET"} for t in words):
        return None  # "Britain" cut from "China's ambassador to Britain": a place is no one's role
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
    if person is None:  # "Councillor Nadia Okonkwo-Reyes" tagged as an organisation: a title makes a person
        org = entity_of(token, frozenset({"ORG"}))
        if org is not None and _personal(org, lexicon):
            person = org
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
        titled = [t for t in person if t.lower_ in lexicon.titles or t.lower_.rstrip(".") in lexicon.titles]
        if titled and titled[0].i == person.start and person.end - person.start > 2:
            person = Span(doc, person.start + 1, person.end, label="PERSON")  # the title goes to the role
            name = strip_name(person.text)
        before = [t for t in span_tokens if t.i < person.start and not t.is_space]
        appos = [c for c in person.root.children if c.dep_ == "appos"]
        role_tokens = before
        if person.root.i != token.i:  # "the spokesman, Igor Konashenkov"
            role_tokens = [t for t in span_tokens if t.i < person.start or t.i >= person.end]
            role_tokens = [t for t in role_tokens if t.i < person.start or t.dep_ != "punct"]
            role_tokens = [t for t in role_tokens if not (t.i >= person.end and t.is_punct)]
        elif appos:
            # "Taylor Swift, her former record label and ...": a list, not what the person is
            appos = [a for a in appos if a.lemma_.lower() not in lexicon.organization_nouns]
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
        return Mention(
            char_span,
            text,
            token,
            "name",
            kind="person",
            name=name,
            role=role,
            gender=gender,
            roles=roles,
            label="PERSON",
        )

    org = entity_of(token, ORG_LABELS)
    if org is not None:
        name, type_noun = _org_name(org, lexicon)
        name = _owned_by_country(org, name)
        return Mention(
            char_span,
            text,
            token,
            "name",
            kind="organization",
            name=name,
            plural=plural,
            role=type_noun,
            roles={type_noun} if type_noun else set(),
            label=org.label_,
        )

    lemma = token.lemma_.lower()
    if lemma in lexicon.organization_nouns and token.pos_ == "NOUN":
        # "the Wagner group said": a named organisation with its type noun outside the entity
        named = next(
            (
                entity_of(c, frozenset({"ORG"}))
                for c in token.children
                if c.dep_ == "compound" and c.ent_type_ == "ORG"
            ),
            None,
        )
        if named is not None and named.end == token.i:
            return Mention(
                char_span,
                text,
                token,
                "name",
                kind="organization",
                name=strip_name(named.text),
                plural=plural,
                role=lemma,
                roles={lemma},
                label="ORG",
            )
    document = _document_source(token, lexicon, start, end)
    if document is not None:
        return document
    if lemma in lexicon.organization_nouns and _proper_modifier(token):
        # "the Obama administration", "Kasich's campaign": named by its owner, not a back-reference
        return Mention(
            char_span,
            text,
            token,
            "name",
            kind="organization",
            name=strip_name(text),
            plural=plural,
            role=lemma,
            roles={lemma},
        )
    definite = any(c.dep_ == "poss" or (c.dep_ == "det" and c.lower_ in DEFINITE) for c in token.children)
    if lemma in lexicon.person_roles and not plural and definite:
        gender = _gender_of([token], None, lexicon)
        return Mention(char_span, text, token, "descriptor", kind="person", descriptor=lemma, gender=gender)
    if lemma in lexicon.organization_nouns and definite:
        return Mention(
            char_span, text, token, "descriptor", kind="organization", descriptor=lemma, plural=plural
        )
    if token.pos_ == "PROPN":
        first = doc[start].text if end - start > 1 else None
        gender = _gender_of(span_tokens, first, lexicon)
        kind: SourceKind = "person" if gender else "organization"
        return Mention(
            char_span,
            text,
            token,
            "name",
            kind=kind,
            name=strip_name(text),
            gender=gender,
            label=token.ent_type_ or None,
        )
    return Mention(
        char_span,
        text,
        token,
        "unnamed",
        kind="unnamed",
        name=_unnamed_name(text, span_tokens),
        plural=plural,
    )


def _author_of(head: Token) -> Token | None:
    """Who a document comes from: "X's report", "a report by X", "figures from X", "data compiled by X",
    "a poll of voters released by X", "a story in The Times" (a named organisation only: "a rise in
    prices" names nobody)."""
    for child in head.children:
        if child.dep_ == "poss":
            return child
    for tok in head.subtree:
        if tok.i <= head.i or tok.dep_ in _CUT_DEPS:
            continue
        parent = tok.head
        by = tok.dep_ == "agent" or (tok.dep_ == "prep" and tok.lower_ == "by")
        near = parent.i == head.i or (parent.dep_ == "acl" and parent.head.i == head.i)
        from_ = tok.dep_ == "prep" and tok.lower_ in {"from", "in"} and near
        if by or from_:
            obj = next((c for c in tok.children if c.dep_ == "pobj"), None)
            if obj is not None and (tok.lower_ != "in" or obj.ent_type_ == "ORG"):
                return obj
    return None


def _proper_modifier(head: Token) -> bool:
    """A proper noun among a noun's compounds, possessor or prepositional objects ("the cities of Blackpool
    and Liverpool")."""
    for child in head.children:
        if child.dep_ in {"compound", "poss"} and child.pos_ == "PROPN":
            return True
        if child.dep_ == "prep" and any(c.dep_ == "pobj" and c.pos_ == "PROPN" for c in child.children):
            return True
    return False


def _document_source(token: Token, lexicon: Lexicon, start: int, end: int) -> Mention | None:
    """A document named with its author ("according to data compiled by FactSet", "a statement from the
    ministry") has the author as its source; the mention spans the document and its author."""
    if token.lemma_.lower() not in lexicon.document_sources and token.lower_ not in lexicon.document_sources:
        return None
    author = _author_of(token)
    if author is None:
        return None
    inner = analyse(author, lexicon)
    if inner.ref not in {"name", "descriptor", "pronoun"} or inner.kind in {"unnamed", None}:
        return None
    doc = token.doc
    lo = min(doc[start].idx, inner.span[0])
    hi = max(doc[end - 1].idx + len(doc[end - 1].text), inner.span[1])
    inner.span = (lo, hi)
    inner.text = doc.char_span(lo, hi, alignment_mode="expand").text  # doc.text would join the whole doc
    inner.head = token
    return inner
