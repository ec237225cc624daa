"""Turn a parsed Doc into Claims: run the rules, attach quotations, resolve sources, rank by salience."""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass

from spacy.tokens import Doc, Span

from .asides import cut_asides
from .attach import attach_quotes, lead_in_cues, overlaps
from .coref import Referent, Resolver
from .furniture import furniture_ranges, headline_runs, overlaps_any, unpunctuated_lines
from .learned import confirmed, learned_drafts
from .lexicon import Lexicon
from .linear import AttributionModel
from .model import Claim, SourceKind
from .nesting import drop_nested, drop_repeats
from .prepositional import prepositional_drafts
from .quantities import find_quantities
from .quotes import find_quotes
from .rules import (
    Draft,
    according_drafts,
    colon_drafts,
    noun_drafts,
    passive_participle,
    trim,
    verb_drafts,
)
from .salience import salience
from .showing import SPEAKER_LABELS, Verdict, judge
from .sources import Mention, analyse, strip_name

_WORD = re.compile(r"\w+")
# "(CNN)", "VIENNA —", "Indianapolis – ", "LONDON (Reuters) -" opening a paragraph: a dateline, no claim
_DATELINE = re.compile(
    r"(?:\([A-Z][\w.]*(?: [A-Z][\w.]*){0,2}\)"
    r"|[A-Z][A-Z.,' ]+(?:\s*\([^)\n]{1,30}\))?\s*[—–-]{1,2}"
    r"|[A-Z][a-z]+(?:,? [A-Z][a-z.]+){0,3}(?:\s*\([^)\n]{1,30}\))?\s*[—–])\s*"
)


@dataclass(frozen=True, slots=True)
class FinderSettings:
    """Knobs of the extractor (the component's config)."""

    min_quote_words: int = 4
    unattributed_quote_words: int = 8
    continuations: bool = True
    lookback: int = 5
    model: AttributionModel | None = None


@dataclass(slots=True)
class Source:
    name: str | None = None
    kind: SourceKind | None = None
    mention: Mention | None = None
    role: str | None = None
    aliases: tuple[str, ...] = ()
    resolved: bool = True  # False for a descriptor ("the owner") no earlier name was found for


def _link_parents(drafts: list[Draft]) -> None:
    """A participle or conjunct cue with no subject of its own ("..., adding that") shares the cue above;
    a passive one does not ("Asked whether ..., Priebus said": Priebus was asked)."""
    by_verb = {d.verb.i: d for d in drafts if d.verb is not None}
    for d in drafts:
        if d.verb is None or d.parent is not None or any(c.dep_ == "nsubj" for c in d.verb.children):
            continue
        if passive_participle(d.verb):
            continue
        node = d.verb
        while node.head.i != node.i:
            node = node.head
            above = by_verb.get(node.i)
            if above is not None and above.content[1] > above.content[0] and d.adopt(above):
                break


def _telling(mention: Mention) -> bool:
    """A mention that says who speaks by itself: a name, or a descriptor with one in it ("the Russian and
    Syrian defense ministries"); a bare "the owner" does not."""
    if mention.ref != "descriptor":
        return True
    span = mention.head.doc.char_span(*mention.span, alignment_mode="expand")
    return span is not None and any(t.pos_ == "PROPN" or t.ent_type_ in SPEAKER_LABELS for t in span)


# Doc.user_data key of the article's headline (extract_claims sets it): the story's subject.
TITLE = "claimbot_title"
_TITLE_WORD = re.compile(r"[^\W\d_][\w'’-]*")


def headline_subjects(doc: Doc) -> dict[str, str]:
    """The one person the headline names, as the text names them most fully ("Bloomberg" in the headline,
    "Michael R. Bloomberg" in the text), if the text names them again. A person descriptor no earlier
    mention explains ("the former mayor argued") is, by news convention, the story's subject.
    Organisations are left alone: the tagger's ORG spans are too noisy to bet a speaker on."""
    title = doc.user_data.get(TITLE)
    if not title:
        return {}
    words = set(_TITLE_WORD.findall(title))
    names: dict[str, str] = {}
    mentions: dict[str, int] = {}
    for ent in doc.ents:
        if ent.label_ != "PERSON":
            continue
        name = strip_name(ent.text)
        surname = name.split()[-1] if name.split() else ""
        if surname in words:
            mentions[surname] = mentions.get(surname, 0) + 1
            if len(name) > len(names.get(surname, "")):
                names[surname] = name
    if len(names) != 1:
        return {}
    ((surname, name),) = names.items()
    return {"person": name} if mentions[surname] >= 2 else {}


def _source_from(
    ref: Referent | None, mention: Mention, headline: dict[str, str], named: frozenset[str] = frozenset()
) -> Source:
    if ref is None:
        name = None
        if mention.ref == "descriptor":
            name = strip_name(mention.text)
            subject = headline.get(mention.kind or "")
            # the story's subject, unless the claim is about them ("The house where Adolf Hitler was born
            # will be turned into a police station, Austria's interior minister said")
            if subject is not None and subject.split()[-1] not in named:
                return Source(name=subject, kind=mention.kind, mention=mention, role=name)
        return Source(
            name=name,
            kind=mention.kind,
            mention=mention,
            role=mention.role,
            resolved=_telling(mention),
        )
    role = mention.role or ref.role
    aliases = tuple(a for a in ref.aliases if a != ref.name)
    return Source(name=ref.name, kind=ref.kind, mention=mention, role=role, aliases=aliases)


_SIDE_CLAUSES = frozenset({"relcl", "acl", "advcl", "pcomp"})


def _others_named(doc: Doc, content: tuple[int, int]) -> frozenset[str]:
    """The proper names in a claim's words but for its clauses' subjects: the people a claim is about ("he
    visited Epstein", "the house where Adolf Hitler was born"), which its speaker is not. A clause's subject
    may be the speaker in words the parser padded onto the claim ("Sondland has amended his testimony —
    'I now do recall,' he said")."""
    span = doc.char_span(*content, alignment_mode="expand")
    if span is None:
        return frozenset()
    named = set()
    for t in span:
        if t.pos_ != "PROPN":
            continue
        head = t
        while head.dep_ in {"compound", "flat"} and head.head != head:
            head = head.head
        subject = head.dep_ in {"nsubj", "nsubjpass"} and head.head.dep_ not in _SIDE_CLAUSES
        if not subject:
            named.add(t.text)
    return frozenset(named)


def _resolve(doc: Doc, drafts: list[Draft], resolver: Resolver, lexicon: Lexicon) -> dict[int, Source]:
    sources: dict[int, Source] = {}
    headline = headline_subjects(doc)

    def resolve(d: Draft) -> Source:
        key = id(d)
        if key in sources:
            return sources[key]
        if d.parent is not None:
            src = resolve(d.parent)
        elif d.subject is None:
            src = Source()
        else:
            mention = analyse(d.subject, lexicon)
            named = _others_named(doc, d.content)
            ref = resolver.resolve(mention, mention.span[0], named)
            src = _source_from(ref, mention, headline, named)
            if ref is not None:
                resolver.speak(ref, d.order)
        sources[key] = src
        return src

    for d in sorted(drafts, key=lambda d: d.order):
        resolve(d)
    return sources


COUNT_ENTS = frozenset({"CARDINAL", "QUANTITY", "MONEY", "PERCENT"})


def _continuations(doc: Doc, drafts: list[Draft], sources: dict[int, Source]) -> list[Draft]:
    """An uncued sentence with figures, sandwiched between two claims of the same speaker, continues that
    speaker's account (a briefing's casualty list). Without the figures the sentence is usually the
    reporter's own narration, so it is left alone (precision 0.2 on PolNeAR train)."""
    sents = [s for s in doc.sents if not all(t.is_space for t in s)]
    owner: dict[int, Draft] = {}
    touched: set[int] = set()
    for i, s in enumerate(sents):
        span = (s.start_char, s.end_char)
        for d in drafts:
            if overlaps(d.content, span) or (d.cue and overlaps(d.cue, span)):
                touched.add(i)
                if d.cue and overlaps(d.cue, span) and sources[id(d)].name:
                    owner.setdefault(i, d)
    out: list[Draft] = []
    for i in range(1, len(sents) - 1):
        if i in touched or (i - 1) not in owner or (i + 1) not in owner:
            continue
        prev, nxt = owner[i - 1], owner[i + 1]
        if sources[id(prev)].name != sources[id(nxt)].name:
            continue
        s = sents[i]
        if "?" in s.text or any(q in s.text for q in '"\u201c\u201d') or len(_WORD.findall(s.text)) < 6:
            continue
        if not any(t.ent_type_ in COUNT_ENTS for t in s):
            continue
        rng = trim(doc, s.start, s.end)
        if rng is None:
            continue
        start, end = doc[rng[0]].idx, doc[rng[1] - 1].idx + len(doc[rng[1] - 1].text)
        out.append(
            Draft(
                kind="continuation",
                content=(start, end),
                sentence=(s.start_char, s.end_char),
                cue=None,
                cue_strength=0.3,
                parent=prev,
            )
        )
    return out


def _entities(ents: list[Span], span: tuple[int, int], lexicon: Lexicon) -> tuple[str, ...]:
    seen: dict[str, None] = {}
    for ent in ents:
        inside = span[0] <= ent.start_char and ent.end_char <= span[1]
        if inside and ent.label_ in lexicon.content_entity_labels:
            seen.setdefault(strip_name(ent.text), None)
    return tuple(k for k in seen if k)


def _without_dateline(text: str, content: tuple[int, int]) -> tuple[int, int]:
    s, e = content
    if s > 0 and text[s - 1] != "\n":
        return content
    m = _DATELINE.match(text, s, e)
    return (m.end(), e) if m and e - m.end() > 20 else content


def _build(
    doc: Doc, text: str, ents: list[Span], d: Draft, src: Source, lexicon: Lexicon, verdict: Verdict
) -> Claim:
    s, e = _without_dateline(text, d.content)
    tokens = doc.char_span(s, e, alignment_mode="expand")
    quantities = find_quantities(doc, tokens.start, tokens.end, lexicon) if tokens is not None else ()
    quantities = tuple(q for q in quantities if s <= q.span[0] and q.span[1] <= e)
    entities = _entities(ents, (s, e), lexicon)
    mention = src.mention
    kind = d.kind
    return Claim(
        content=text[s:e],
        content_span=(s, e),
        kind=kind,
        source=src.name,
        source_kind=src.kind,
        source_mention=text[mention.span[0] : mention.span[1]] if mention else None,
        source_span=mention.span if mention else None,
        source_aliases=src.aliases,
        role=src.role,
        cue=text[d.cue[0] : d.cue[1]] if d.cue else None,
        cue_span=d.cue,
        sentence_span=d.sentence,
        salience=salience(
            n_quantities=len(quantities),
            n_entities=len(entities),
            start=s,
            text_length=len(text),
            cue_strength=d.cue_strength,
            source_kind=src.kind,
        ),
        quantities=quantities,
        entities=entities,
        shown=verdict.shown,
        act=verdict.act,
    )


# say, tell, report, condemn, blame ...: a speech verb with a subject of its own inside a content relays (or
# mixes in) another speaker's words: "the UN stressed A, while the Arab League condemned B"
RELAYED_SPEECH = 0.6


def _relays(doc: Doc, drafts: list[Draft], sources: dict[int, Source], lexicon: Lexicon) -> set[int]:
    """Drafts whose content reports another, named speaker's words: "Reuters reported the commission said
    X" is the commission's claim, passed on by Reuters (a pronoun there is usually the speaker again)."""
    out = set()
    for d in drafts:
        span = doc.char_span(*d.content, alignment_mode="expand")
        if span is None or d.kind == "direct":
            continue
        name = (sources[id(d)].name or "").lower()
        for tok in span:
            if tok.pos_ != "VERB" or lexicon.cue_strength(tok.lemma_) < RELAYED_SPEECH:
                continue
            if tok.lemma_.lower() in lexicon.finding_verbs:
                continue  # "Washington had concluded ...": the speaker's own finding, not relayed speech
            subject = next((c for c in tok.children if c.dep_ == "nsubj"), None)
            if subject is None or subject.pos_ == "PRON" or subject.lower_ in lexicon.generic_subjects:
                continue
            if subject.text.lower() not in name:
                out.add(id(d))
                break
    return out


def _cue_tokens(doc: Doc, drafts: list[Draft]) -> set[int]:
    """Tokens the rules already read as cues, so the learned layer does not find them twice."""
    taken: set[int] = set()
    for d in drafts:
        if d.verb is not None:
            taken.add(d.verb.i)
        if d.cue is not None:
            span = doc.char_span(d.cue[0], d.cue[1], alignment_mode="expand")
            taken.update(range(span.start, span.end) if span is not None else ())
    return taken


def _speakers(drafts: list[Draft]) -> frozenset[str]:
    """The subjects the rules found speaking ("Trump" of "Trump said ...", "he", "ministry"), lower-cased."""
    return frozenset(d.subject.lower_ for d in drafts if d.subject is not None)


def find_claims(doc: Doc, lexicon: Lexicon, settings: FinderSettings = FinderSettings()) -> list[Claim]:
    """All attributed claims of ``doc``, most salient first."""
    drafts = [
        d
        for d in verb_drafts(doc, lexicon)
        if d.subject is None or d.subject.lower_ not in lexicon.generic_subjects
    ]
    drafts += according_drafts(doc, lexicon)
    drafts += colon_drafts(doc, lexicon)
    drafts += noun_drafts(doc, lexicon)
    drafts += prepositional_drafts(doc, lexicon)
    text = doc.text
    quotes = find_quotes(text)
    drafts = attach_quotes(text, drafts, quotes, settings.min_quote_words, settings.unattributed_quote_words)
    lead_in_cues(doc, drafts)
    if settings.model is not None:
        drafts = confirmed(doc, drafts, lexicon, settings.model)
        drafts += learned_drafts(doc, lexicon, settings.model, _cue_tokens(doc, drafts), _speakers(drafts))
    cut_asides(doc, drafts)
    _link_parents(drafts)
    resolver = Resolver(doc, lexicon, lookback=settings.lookback)
    sources = _resolve(doc, drafts, resolver, lexicon)
    if settings.continuations:
        extra = _continuations(doc, drafts, sources)
        for d in extra:  # the speaker is named in another sentence: no local mention
            parent = sources[id(d.parent)] if d.parent else Source()
            sources[id(d)] = dataclasses.replace(parent, mention=None)
        drafts += extra
    furniture = furniture_ranges(text, lexicon)
    ents = list(doc.ents)
    standing = []
    for d in sorted(drafts, key=lambda d: d.order):
        src = sources[id(d)]
        if src.name is None and src.mention is None and d.kind != "direct":
            continue  # only a clear quotation may stand without a source
        spans = [d.content] + ([d.cue] if d.cue else []) + ([src.mention.span] if src.mention else [])
        if not any(overlaps_any(sp, furniture) for sp in spans):
            standing.append(d)
    claims: dict[tuple[tuple[int, int], tuple[int, int] | None], Claim] = {}
    kept = drop_repeats(text, drop_nested(text, standing))
    relays = _relays(doc, kept, sources, lexicon)
    unpunctuated = unpunctuated_lines(text) + headline_runs(text)
    for d in kept:
        src = sources[id(d)]
        # "the owner said" with the owner never named: the reader cannot tell who claims it
        speaker = src.name if src.resolved else None
        verdict = judge(d, speaker, id(d) in relays, unpunctuated, doc, lexicon, text)
        claims.setdefault((d.content, d.cue), _build(doc, text, ents, d, src, lexicon, verdict))
    return sorted(claims.values(), key=lambda c: (-c.salience, c.content_span[0]))
