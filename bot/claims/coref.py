"""A small entity-based resolver for source mentions: names, pronouns and descriptors.

News prose names a speaker once ("Defense Ministry spokesman Igor Konashenkov") and then says "He added",
"Konashenkov stated", "The spokesman stressed". Recency, subject position, gender and role words are
enough to follow that chain, and far cheaper than a neural coreference model.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass, field

from spacy.tokens import Doc

from .lexicon import Lexicon
from .model import SourceKind
from .sources import ORG_LABELS, Mention, analyse, strip_name

SUBJECT_DEPS = frozenset({"nsubj", "nsubjpass"})
PLACE_LABELS = frozenset({"GPE", "LOC", "NORP", "FAC"})
_NAME_JOINERS = frozenset({"of", "for", "and", "the", "&"})


def initials(name: str) -> str:
    """ "United Auto Workers" -> "UAW", "Office for National Statistics" -> "ONS"."""
    return "".join(w[0] for w in name.split() if w.lower() not in _NAME_JOINERS and w[:1].isupper())


def _named(ref: Referent, words: frozenset[str]) -> bool:
    """A person the claim's own words name by surname (organisations name themselves: "the company said
    Apple Music grew")."""
    return ref.kind == "person" and bool(ref.name.split()) and ref.name.split()[-1] in words


@dataclass(slots=True)
class Referent:
    """Someone or something that can be a source, with everything learnt about it so far."""

    name: str
    kind: SourceKind
    gender: str | None = None
    role: str | None = None
    roles: set[str] = field(default_factory=set)
    aliases: list[str] = field(default_factory=list)
    plural: bool = False
    label: str | None = None

    def learn(self, mention: Mention) -> None:
        if mention.name and mention.name not in self.aliases:
            self.aliases.append(mention.name)
        if mention.label and not self.label:
            self.label = mention.label
        if mention.role and not self.role:
            self.role = mention.role
        self.roles |= mention.roles
        if mention.gender in {"male", "female"} and not self.gender:
            self.gender = mention.gender


@dataclass(frozen=True, slots=True)
class Event:
    pos: int
    sent: int
    referent: Referent
    salient: bool  # a subject or a speaker: what a following pronoun most likely points back to


class Resolver:
    """Tracks referents through a document and resolves mentions to them in reading order."""

    def __init__(self, doc: Doc, lexicon: Lexicon, lookback: int = 5) -> None:
        self.lexicon = lexicon
        self.lookback = lookback
        self._sent_starts = [s.start_char for s in doc.sents]
        self._referents: dict[str, Referent] = {}
        self._events: list[Event] = []
        self._persons: dict[str, list[int]] = {}  # full person names -> where they are mentioned
        self._orgs: list[str] = []  # organisation names of two words or more
        self._title_words = {w.rstrip(".") for w in lexicon.titles} | set(lexicon.person_roles)
        self._prescan(doc)

    def sentence_of(self, pos: int) -> int:
        return max(0, bisect.bisect_right(self._sent_starts, pos) - 1)

    # -- registration ------------------------------------------------------------------------------
    def _prescan(self, doc: Doc) -> None:
        mentions: list[tuple[int, Mention, bool]] = []
        for ent in doc.ents:
            if ent.label_ == "PERSON" or ent.label_ in ORG_LABELS - {"NORP"}:
                mention = analyse(ent.root, self.lexicon)
                if mention.name:
                    mentions.append((ent.start_char, mention, ent.root.dep_ in SUBJECT_DEPS))
        for pos, m, _ in mentions:
            if m.name and m.kind == "person" and " " in m.name:
                self._persons.setdefault(m.name, []).append(pos)
            elif (
                m.name
                and m.kind == "organization"
                and m.label not in PLACE_LABELS
                and " " in m.name
                and m.name not in self._orgs
            ):
                self._orgs.append(m.name)
        for pos, mention, subject in mentions:
            self.add(mention, pos, salient=subject)
        # Groups of people ("some of the state's energy experts") are what a "they" in the next sentence
        # most often means when no named body is nearer; they count only there (see _pronoun).
        roles = self.lexicon.person_roles
        for token in doc:
            if token.tag_ == "NNS" and not token.ent_type_ and token.lemma_.lower() in roles:
                group = analyse(token, self.lexicon)
                if group.ref == "unnamed" and group.name and group.plural:
                    self.add(group, token.idx, salient=False)

    def _full_form(self, mention: Mention, pos: int) -> tuple[str, SourceKind] | None:
        """The full name a short form stands for: a surname, perhaps with a title ("Verity", "Councillor
        Verity", "Mr. Trump", "Marsh-Abara" even when tagged as an organisation) -> the person introduced
        with it; the first words or initials of an organisation ("Northvale", "UAW") -> its full name."""
        name, kind = mention.name or "", mention.kind
        words = name.split()
        if not words or mention.label in PLACE_LABELS:
            return None
        proper = all(w[:1].isupper() for w in words)
        if kind == "unnamed" and not (len(words) == 1 and proper and name.isalpha()):
            return None
        core = [w for w in words if w.lower().rstrip(".") not in self._title_words] or words
        person = self._person(core, mention.gender) if kind == "person" or proper else None
        if person is not None:
            if kind == "organization" and mention.role and mention.role in mention.roles:
                return f"{name} {mention.role}", kind  # "the Sanders campaign" is not Bernie Sanders
            return person, "person"
        if kind == "organization" and proper:
            found = [full for full in self._orgs if len(words) == 1 and full.split()[0] == name]
            if not found and len(words) == 1 and 2 <= len(name) <= 6 and name.isupper():
                found = [full for full in self._orgs if initials(full) == name]
            if len(found) == 1:
                return found[0], "organization"
        return None

    def _person(self, core: list[str], gender: str | None) -> str | None:
        """The full name ending with ``core`` ("Verity" -> "Tom Verity"). Of several ("Bill Clinton",
        "Hillary Clinton"), the one of the mention's gender ("Mrs. Clinton"), else the one named strictly
        most often; a tie stays unresolved (a bare "Clinton" is better than the wrong Clinton)."""
        found = [
            full
            for full in self._persons
            if len(full.split()) > len(core)
            and full.split()[-1] == core[-1]
            and set(core) <= set(full.split())
        ]
        if not found and len(core) == 1:
            # a first name alone ("Dale wrote", after "her brother Dale Ford"), or a family name written
            # first ("Liu" for "Liu Xiaoming"): the one person introduced with it
            found = [full for full in self._persons if full.split()[0] == core[0]]
            if len(found) != 1:
                return None
        if len(found) > 1 and gender in {"male", "female"}:
            names = self.lexicon.male_names if gender == "male" else self.lexicon.female_names
            found = [f for f in found if f.split()[0].lower() in names] or found
        if len(found) <= 1:
            return found[0] if found else None
        counts = sorted(((len(self._persons[f]), f) for f in found), reverse=True)
        return counts[0][1] if counts[0][0] > counts[1][0] else None

    def add(self, mention: Mention, pos: int, salient: bool = True) -> Referent | None:
        """Register a naming (or unnamed) mention at ``pos`` and return its referent."""
        if not mention.name or mention.kind is None:
            return None
        canonical, kind = self._full_form(mention, pos) or (mention.name, mention.kind)
        key = canonical.lower()
        ref = self._referents.get(key)
        if ref is None:
            ref = Referent(canonical, kind, plural=mention.plural)
            self._referents[key] = ref
        ref.learn(mention)
        self._push(Event(pos, self.sentence_of(pos), ref, salient))
        return ref

    def speak(self, ref: Referent, pos: int) -> None:
        """Record that ``ref`` spoke at ``pos`` (speakers are what later pronouns point back to)."""
        self._push(Event(pos, self.sentence_of(pos), ref, True))

    def _push(self, event: Event) -> None:
        keys = [(e.pos, not e.salient) for e in self._events]
        self._events.insert(bisect.bisect_right(keys, (event.pos, not event.salient)), event)

    # -- resolution --------------------------------------------------------------------------------
    def resolve(self, mention: Mention, pos: int, named: frozenset[str] = frozenset()) -> Referent | None:
        """``named``: the words of what the speaker claims. A pronoun or a descriptor never resolves to a
        person the claim names ("his claim that he visited Epstein" is not Epstein's): reported speech
        names others; a speaker is "he" or "I" in it."""
        if mention.ref == "relative" and mention.antecedent is not None:
            return self.resolve(mention.antecedent, mention.antecedent.span[0], named)
        if mention.ref in {"name", "unnamed"}:
            return self.add(mention, pos)
        if mention.ref == "pronoun":
            return self._pronoun(mention, pos, named)
        if mention.ref == "descriptor":
            return self._descriptor(mention, pos, named)
        return None

    def _before(self, pos: int, window: int | None) -> list[Event]:
        sent = self.sentence_of(pos)
        out = [e for e in self._events if e.sent < sent]
        if window is not None:
            out = [e for e in out if e.sent >= sent - window]
        return out[::-1]

    def _pronoun(self, mention: Mention, pos: int, named: frozenset[str]) -> Referent | None:
        gender = mention.gender
        if gender in {"male", "female"}:

            def fits(r: Referent) -> bool:
                return (
                    r.kind == "person"
                    and r.gender in {None, gender}
                    and not r.plural
                    and not _named(r, named)
                )
        elif gender == "plural":

            def fits(r: Referent) -> bool:  # "they" is people or a body, not a place ("California")
                return r.plural or (r.kind == "organization" and r.label not in {"GPE", "LOC"})
        elif gender == "neuter":

            def fits(r: Referent) -> bool:
                return r.kind == "organization" and not r.plural
        else:
            return None
        window = self.lookback if gender in {"male", "female"} else 3
        events = self._before(pos, window)
        found = next((e.referent for e in events if e.salient and fits(e.referent)), None)
        if found is None:
            previous = self.sentence_of(pos) - 1
            found = next(
                (
                    e.referent
                    for e in events
                    if fits(e.referent) and (e.referent.kind != "unnamed" or e.sent == previous)
                ),
                None,
            )
        if found is not None and gender in {"male", "female"} and found.gender is None:
            found.gender = gender
        return found

    def _descriptor(self, mention: Mention, pos: int, named: frozenset[str]) -> Referent | None:
        word = mention.descriptor or ""
        events = self._before(pos, None)
        if mention.kind == "person":
            return next(
                (
                    e.referent
                    for e in events
                    if e.referent.kind == "person"
                    and word in e.referent.roles
                    and not _named(e.referent, named)
                ),
                None,
            )
        orgs = [e for e in events if e.referent.kind == "organization"]
        kinds = self.lexicon.organization_synonyms.get(word, frozenset()) | {word}
        typed = next((e.referent for e in orgs if kinds & self._types(e.referent)), None)
        if typed is not None:
            return typed
        # "the company" with no company of that name: an organisation of no known type (any organisation for
        # "the group"), the one in subject position in the previous sentence, else the one most often in
        # subject position so far (an article's own company). "The companies" name several: unresolved.
        if mention.plural:
            return None
        if word in self.lexicon.generic_org_descriptors:
            fits = [e for e in orgs if e.referent.label == "ORG"]
        elif word in self.lexicon.organization_synonyms.get("company", frozenset()):
            fits = [e for e in orgs if e.referent.label == "ORG" and not self._types(e.referent)]
        else:
            return None  # "the agency", "the government": only one of that type (above) will do
        sent = self.sentence_of(pos)
        found = next((e.referent for e in fits if e.salient and e.sent >= sent - 1), None)
        if found is None:
            counts: dict[int, tuple[int, int, Referent]] = {}
            for e in fits:
                n, last, _ = counts.get(id(e.referent), (0, e.pos, e.referent))
                counts[id(e.referent)] = (n + e.salient, max(last, e.pos), e.referent)
            ranked = sorted(counts.values(), key=lambda c: (c[0], c[1]), reverse=True)
            found = ranked[0][2] if ranked and ranked[0][0] >= 2 else None
        if found is not None and word not in self.lexicon.generic_org_descriptors:
            found.roles.add(word)  # "the company" from now on
        return found

    def _types(self, ref: Referent) -> set[str]:
        """The generic type nouns an organisation is known by: in its name ("Environment Agency") or learnt
        ("the United Auto Workers union", or an earlier "the company" resolved to it)."""
        words = set(ref.name.lower().split()) | ref.roles
        return {w for w in words if w in self.lexicon.organization_nouns}

    def unnamed(self, mention: Mention) -> str:
        return strip_name(mention.text)
