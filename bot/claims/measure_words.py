"""The words of a measure (lexicon.json's "measures" section), compiled once: the things a figure can count
and how each is named, populations, places, periods, causes, settings and the cue words of the rules in
measures.py (what a figure measures) and figure_relations.py (how two figures relate)."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any

from .figure_values import COUNT
from .lexicon import load_lexicon

PROJECTED = "projected:"
"""A forecast's key starts with it: forecasts only ever meet forecasts."""


def phrases(words: Sequence[str]) -> re.Pattern[str] | None:
    """One pattern for a list of lower-case phrases, longest first, on word boundaries."""
    if not words:
        return None
    ordered = sorted({w.casefold() for w in words}, key=len, reverse=True)
    return re.compile(r"(?<![\w\-])(?:" + "|".join(re.escape(w) for w in ordered) + r")(?![\w\-])")


@dataclass(frozen=True, slots=True)
class Thing:
    name: str
    nouns: re.Pattern[str] | None
    after: re.Pattern[str] | None
    before: re.Pattern[str] | None
    objects: frozenset[str]
    units: tuple[str, ...]
    anchor: str  # "place" or "holder"
    population: bool
    tally: str | None  # "up", "down" or None
    growth: float
    needs_cause: str | None
    default_period: str | None
    noun: str
    verb: str


@dataclass(frozen=True, slots=True)
class MeasureWords:
    things: dict[str, Thing]
    populations: list[tuple[str, str]]  # (phrase, population), longest phrase first
    military_words: re.Pattern[str] | None
    places: list[tuple[re.Pattern[str], str]]
    place_blockers: frozenset[str]
    group_blockers: frozenset[str]
    causes: list[tuple[re.Pattern[str], str]]
    periods: list[tuple[re.Pattern[str], str]]
    increments: frozenset[str]
    projection: re.Pattern[str] | None
    variants: re.Pattern[str] | None
    comparisons_before: re.Pattern[str] | None
    comparisons_after: re.Pattern[str] | None
    links: frozenset[str]
    fillers: frozenset[str]
    delegate_variants: list[tuple[re.Pattern[str], str]]
    delegates_short_after: re.Pattern[str] | None
    delegates_short_before: re.Pattern[str] | None
    margin_counted: frozenset[str]
    margin_after: re.Pattern[str] | None
    margin_before: re.Pattern[str] | None
    holder_verbs: re.Pattern[str] | None
    titles: frozenset[str]
    not_holders: frozenset[str]
    pronouns: frozenset[str]
    first_person: frozenset[str]
    time_nouns: frozenset[str]
    passing_verbs: frozenset[str]
    differences: frozenset[str]
    rate_nouns: frozenset[str]
    per_head: re.Pattern[str]
    settings: list[tuple[re.Pattern[str], str]]
    hypotheses: re.Pattern[str] | None


@cache
def measure_words() -> MeasureWords:
    raw: Mapping[str, Any] = load_lexicon().measures
    things = {}
    for name, t in raw["things"].items():
        things[name] = Thing(
            name=name,
            nouns=phrases(t.get("nouns", [])),
            after=phrases(t.get("after", [])),
            before=phrases(t.get("before", [])),
            objects=frozenset(t.get("objects", [])),
            units=tuple(t.get("units", [COUNT])),
            anchor=t.get("anchor", "place"),
            population=bool(t.get("population")),
            tally=t.get("tally"),
            growth=float(t.get("growth", 0.0)),
            needs_cause=t.get("needs_cause"),
            default_period="total" if t.get("tally") and name != "jobless_claims" else None,
            noun=t.get("noun", name),
            verb=t.get("verb", name),
        )
    populations = sorted(
        ((p.casefold(), name) for name, words in raw["populations"].items() for p in words),
        key=lambda item: len(item[0]),
        reverse=True,
    )
    places = []
    for key, names in raw["places"].items():
        # case kept: "US" is a place and "us" is not; "U.S." ends in a dot, so no \b after it. A name written
        # in lower case ("worldwide") may open a sentence: "Worldwide, the virus has killed over 286,000"
        spellings = set(names) | {n[:1].upper() + n[1:] for n in names if n == n.lower()}
        alternatives = "|".join(re.escape(n) for n in sorted(spellings, key=len, reverse=True))
        places.append((re.compile(r"(?<![\w.])(?:" + alternatives + r")(?:'s|’s|’|')?(?![\w])"), key))
    short = raw["delegates_short"]
    margins = raw["vote_margins"]
    return MeasureWords(
        things=things,
        populations=populations,
        military_words=phrases(raw["military_words"]),
        places=places,
        place_blockers=frozenset(raw["place_blockers"]),
        group_blockers=frozenset(raw["group_blockers"]),
        causes=[(compiled(words), name) for name, words in raw["causes"].items()],
        periods=[(compiled(words), name) for name, words in raw["periods"].items()],
        increments=frozenset(raw["increments"]),
        projection=phrases(raw["projection"]),
        variants=phrases(raw["variants"]),
        comparisons_before=ending(raw["comparisons_before"]),
        comparisons_after=starting(raw["comparisons_after"]),
        links=frozenset(raw["links"]),
        fillers=frozenset(raw["fillers"]),
        delegate_variants=[(compiled(words), name) for name, words in raw["delegate_variants"].items()],
        delegates_short_after=starting(short["after"]),
        delegates_short_before=ending(short["before"]),
        margin_counted=frozenset(margins["counted"]),
        margin_after=starting(margins["after"]),
        margin_before=ending(margins["before"]),
        holder_verbs=ending(raw["holder_verbs"]),
        titles=frozenset(raw["titles"]),
        not_holders=frozenset(raw["not_holders"]),
        pronouns=frozenset(raw["pronoun_holders"]),
        first_person=frozenset(raw["first_person"]),
        time_nouns=frozenset(raw["time_nouns"]),
        passing_verbs=frozenset(raw["passing_verbs"]),
        differences=frozenset(raw["differences"]),
        rate_nouns=frozenset(raw["rate_nouns"]),
        per_head=re.compile(
            r"^\s*(?:" + "|".join(re.escape(w) for w in raw["per_units"]) + r")\b\s*"
            r"(?:$|\d|(?:" + "|".join(re.escape(w) for w in raw["per_unit_heads"]) + r")\b)"
        ),
        settings=[(compiled(words), name) for name, words in raw["settings"].items()],
        hypotheses=phrases(raw["hypotheses"]),
    )


def compiled(words: Sequence[str]) -> re.Pattern[str]:
    pattern = phrases(words)
    return pattern if pattern is not None else re.compile(r"(?!x)x")


def ending(words: Sequence[str]) -> re.Pattern[str] | None:
    """Matches a text that ends with one of the phrases (then only spaces and quotes)."""
    pattern = phrases(words)
    return None if pattern is None else re.compile(r"(?:" + pattern.pattern + r")[\s\"'“”‘’]*$")


def starting(words: Sequence[str]) -> re.Pattern[str] | None:
    pattern = phrases(words)
    return None if pattern is None else re.compile(r"^[\s\"'“”‘’]*(?:" + pattern.pattern + r")")
