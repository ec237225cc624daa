"""The attribution lexicon: cue verbs, source nouns, names and furniture patterns, loaded from JSON.

Rules read these sets instead of hard-coding words, so tuning the extractor means editing data.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

DEFAULT_LEXICON = "lexicon.json"


@dataclass(frozen=True, slots=True)
class Lexicon:
    """Read-only word lists used by the attribution rules (all keys lower-case)."""

    cue_verbs: dict[str, float]
    object_cue_verbs: dict[str, float]
    naming_verbs: frozenset[str]
    evidential_verbs: frozenset[str]
    noun_cues: dict[str, float]
    particles: dict[str, frozenset[str]]
    colon_cue_verbs: frozenset[str]
    generic_subjects: frozenset[str]
    bare_content_verbs: frozenset[str]
    according_to: tuple[tuple[str, ...], ...]
    according_to_strength: float
    according_to_rejects: frozenset[str]
    person_roles: frozenset[str]
    organization_nouns: frozenset[str]
    unnamed_sources: frozenset[str]
    document_sources: frozenset[str]
    organization_synonyms: dict[str, frozenset[str]]
    generic_org_descriptors: frozenset[str]
    pronouns: dict[str, str]
    gendered_roles: dict[str, str]
    titles: dict[str, str | None]
    male_names: frozenset[str]
    female_names: frozenset[str]
    furniture: tuple[re.Pattern[str], ...]
    quantity_hedges: tuple[tuple[str, ...], ...]
    number_words: dict[str, float]
    content_entity_labels: frozenset[str]
    quantity_bounds: dict[tuple[str, ...], str] = field(default_factory=dict)
    colon_head_rejects: frozenset[str] = frozenset()
    prepositional_cues: dict[tuple[str, str], float] = field(default_factory=dict)
    prepositional_verbs: frozenset[str] = frozenset()
    belief_verbs: frozenset[str] = frozenset()
    perception_verbs: frozenset[str] = frozenset()
    intention_verbs: frozenset[str] = frozenset()
    finding_verbs: frozenset[str] = frozenset()
    non_speakers: frozenset[str] = frozenset()
    first_person_sources: frozenset[str] = frozenset()
    modal_auxiliaries: frozenset[str] = frozenset()
    refusal_verbs: frozenset[str] = frozenset()
    infinitive_cue_verbs: frozenset[str] = frozenset()
    utterance_documents: frozenset[str] = frozenset()
    measures: dict[str, Any] = field(default_factory=dict)
    """What a figure measures (measures.py): things, populations, places, periods..., as in the JSON."""

    def cue_strength(self, lemma: str) -> float:
        lemma = lemma.lower()
        return self.cue_verbs.get(lemma, self.object_cue_verbs.get(lemma, 0.0))

    def is_cue(self, lemma: str) -> bool:
        """A verb that makes a claim of a clausal complement, a quotation or a colon."""
        return lemma.lower() in self.cue_verbs

    def takes_prepositional_cue(self, lemma: str) -> bool:
        return lemma.lower() in self.prepositional_verbs

    def prepositional_cue(self, lemma: str, preposition: str) -> float | None:
        """The strength of "call for", "warn against" ...; None when the pair is not a cue."""
        return self.prepositional_cues.get((lemma.lower(), preposition.lower()))

    def is_object_cue(self, lemma: str) -> bool:
        """A verb whose nominal object makes the claim ("criticized X for Y", "called X a liar")."""
        return lemma.lower() in self.object_cue_verbs


def _words(items: list[str]) -> frozenset[str]:
    return frozenset(w.lower() for w in items)


def _synonyms(groups: list[list[str]]) -> dict[str, frozenset[str]]:
    """Each word of a group maps to its whole group."""
    out: dict[str, frozenset[str]] = {}
    for group in groups:
        words = _words(group)
        for w in words:
            out[w] = out.get(w, frozenset()) | words
    return out


def _pair(key: str) -> tuple[str, str]:
    verb, preposition = key.lower().split()
    return verb, preposition


@cache
def load_lexicon(path: str | None = None) -> Lexicon:
    """Load (and cache) a lexicon; ``None`` means the one shipped with the package."""
    if path is None:
        raw = resources.files(__package__).joinpath(DEFAULT_LEXICON).read_text(encoding="utf-8")
    else:
        raw = Path(path).read_text(encoding="utf-8")
    data = json.loads(raw)
    prepositional = {_pair(k): float(v) for k, v in data.get("prepositional_cues", {}).items()}
    return Lexicon(
        cue_verbs={k.lower(): float(v) for k, v in data["cue_verbs"].items()},
        object_cue_verbs={k.lower(): float(v) for k, v in data.get("object_cue_verbs", {}).items()},
        naming_verbs=_words(data.get("naming_verbs", [])),
        evidential_verbs=_words(data.get("evidential_verbs", [])),
        noun_cues={k.lower(): float(v) for k, v in data.get("noun_cues", {}).items()},
        particles={k: _words(v) for k, v in data.get("verbs_needing_particle", {}).items()},
        colon_cue_verbs=_words(data["colon_cue_verbs"]),
        generic_subjects=_words(data.get("generic_subjects", [])),
        bare_content_verbs=_words(data.get("bare_content_verbs", [])),
        according_to=tuple(tuple(p.lower().split()) for p in data["according_to"]),
        according_to_strength=float(data["according_to_strength"]),
        according_to_rejects=_words(data["according_to_rejects"]),
        person_roles=_words(data["person_roles"]),
        organization_nouns=_words(data["organization_nouns"]),
        unnamed_sources=_words(data["unnamed_sources"]),
        document_sources=_words(data.get("document_sources", [])),
        organization_synonyms=_synonyms(data.get("organization_synonyms", [])),
        generic_org_descriptors=_words(data.get("generic_org_descriptors", [])),
        pronouns={k.lower(): v for k, v in data["pronouns"].items()},
        gendered_roles={k.lower(): v for k, v in data["gendered_roles"].items()},
        titles={k.lower(): v for k, v in data["titles"].items()},
        male_names=_words(data["male_first_names"]),
        female_names=_words(data["female_first_names"]),
        furniture=tuple(re.compile(p, re.IGNORECASE) for p in data["furniture_patterns"]),
        quantity_hedges=tuple(tuple(h.lower().split()) for h in data["quantity_hedges"]),
        number_words={k.lower(): float(v) for k, v in data["number_words"].items()},
        content_entity_labels=frozenset(data["content_entity_labels"]),
        colon_head_rejects=_words(data.get("colon_head_rejects", [])),
        quantity_bounds={tuple(k.lower().split()): v for k, v in data.get("quantity_bounds", {}).items()},
        prepositional_cues=prepositional,
        prepositional_verbs=frozenset(verb for verb, _ in prepositional),
        belief_verbs=_words(data.get("belief_verbs", [])),
        perception_verbs=_words(data.get("perception_verbs", [])),
        intention_verbs=_words(data.get("intention_verbs", [])),
        finding_verbs=_words(data.get("finding_verbs", [])),
        non_speakers=_words(data.get("non_speakers", [])),
        first_person_sources=_words(data.get("first_person_sources", [])),
        modal_auxiliaries=_words(data.get("modal_auxiliaries", [])),
        refusal_verbs=_words(data.get("refusal_verbs", [])),
        infinitive_cue_verbs=_words(data.get("infinitive_cue_verbs", [])),
        utterance_documents=_words(data.get("utterance_documents", [])),
        measures=data.get("measures", {}),
    )
