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

    def learn(self, mention: Mention) -> None:
        if mention.name and mention.name not in self.aliases:
            self.aliases.append(mention.name)
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
        self._full_names: list[str] = []
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
        self._full_names = sorted({m.name for _, m, _ in mentions if m.kind == "person" and m.name},
                                  key=lambda n: -len(n.split()))
        for pos, mention, subject in mentions:
            self.add(mention, pos, salient=subject)

    def _key(self, name: str, kind: SourceKind | None) -> str:
        """Short forms ("Konashenkov", "Mr. Trump") map to the longest full name ending the same way."""
        if kind == "person":
            words = name.split()
            for full in self._full_names:
                fw = full.split()
                if len(fw) > len(words) and fw[-1] == words[-1] and set(words) <= set(fw) | {"Mr.", "Ms."}:
                    return full.lower()
        return name.lower()

    def add(self, mention: Mention, pos: int, salient: bool = True) -> Referent | None:
        """Register a naming (or unnamed) mention at ``pos`` and return its referent."""
        if not mention.name or mention.kind is None:
            return None
        key = self._key(mention.name, mention.kind)
        ref = self._referents.get(key)
        if ref is None:
            canonical = mention.name
            if mention.kind == "person":
                canonical = next((f for f in self._full_names if f.lower() == key), mention.name)
            ref = Referent(canonical, mention.kind, plural=mention.plural)
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
    def resolve(self, mention: Mention, pos: int) -> Referent | None:
        if mention.ref == "relative" and mention.antecedent is not None:
            return self.resolve(mention.antecedent, mention.antecedent.span[0])
        if mention.ref in {"name", "unnamed"}:
            return self.add(mention, pos)
        if mention.ref == "pronoun":
            return self._pronoun(mention, pos)
        if mention.ref == "descriptor":
            return self._descriptor(mention, pos)
        return None

    def _before(self, pos: int, window: int | None) -> list[Event]:
        sent = self.sentence_of(pos)
        out = [e for e in self._events if e.sent < sent]
        if window is not None:
            out = [e for e in out if e.sent >= sent - window]
        return out[::-1]

    def _pronoun(self, mention: Mention, pos: int) -> Referent | None:
        gender = mention.gender
        if gender in {"male", "female"}:
            def fits(r: Referent) -> bool:
                return r.kind == "person" and r.gender in {None, gender} and not r.plural
        elif gender == "plural":
            def fits(r: Referent) -> bool:
                return r.plural or r.kind == "organization"
        elif gender == "neuter":
            def fits(r: Referent) -> bool:
                return r.kind == "organization" and not r.plural
        else:
            return None
        window = self.lookback if gender in {"male", "female"} else 3
        events = self._before(pos, window)
        found = next((e.referent for e in events if e.salient and fits(e.referent)), None)
        if found is None:
            found = next((e.referent for e in events if fits(e.referent)), None)
        if found is not None and gender in {"male", "female"} and found.gender is None:
            found.gender = gender
        return found

    def _descriptor(self, mention: Mention, pos: int) -> Referent | None:
        word = mention.descriptor or ""
        events = self._before(pos, None)
        if mention.kind == "person":
            return next((e.referent for e in events
                         if e.referent.kind == "person" and word in e.referent.roles), None)
        for e in events:
            ref = e.referent
            if ref.kind == "organization" and (word in ref.name.lower().split() or word in ref.roles):
                return ref
        recent = self._before(pos, 3)
        return next((e.referent for e in recent if e.salient and e.referent.kind == "organization"), None)

    def unnamed(self, mention: Mention) -> str:
        return strip_name(mention.text)
