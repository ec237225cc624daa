"""Cues that take their content through a preposition ("called for", "called on ... to", "warned against")."""

from __future__ import annotations

import pytest
from spacy.language import Language

from bot.claims.lexicon import load_lexicon
from tests.claims.test_constructions import claims_of, one


@pytest.mark.parametrize(
    ("text", "cue", "source", "content"),
    [
        ("UN Secretary-General Antonio Guterres called for an immediate ceasefire in Gaza.",
         "called for", "Antonio Guterres", "an immediate ceasefire in Gaza"),
        ("Senator Lee Park called on the governor to resign before the vote.",
         "called on", "Lee Park", "the governor to resign before the vote"),
        ("The union warned against cuts to the transit budget, saying fares would rise.",
         "warned against", "union", "cuts to the transit budget"),
    ],
)
def test_the_prepositions_object_is_the_claim(
    nlp: Language, text: str, cue: str, source: str, content: str
) -> None:
    c = one(claims_of(nlp, text), cue=cue)
    assert (c.source, c.content, c.kind) == (source, content, "indirect")


@pytest.mark.parametrize(
    "text",
    [
        "She called friends on their cellphones.",  # an object comes first: a phone call
        "The minister called a meeting for Tuesday.",
    ],
)
def test_a_verb_with_another_object_is_no_demand(nlp: Language, text: str) -> None:
    assert claims_of(nlp, text) == []


def test_a_duration_is_not_a_demand(nlp: Language) -> None:
    claims = claims_of(nlp, "He pushed for nearly a decade to pass the bill.")
    assert not any(c.cue == "pushed for" for c in claims)


def test_the_verb_alone_is_not_a_prepositional_cue() -> None:
    lexicon = load_lexicon()
    assert lexicon.prepositional_cue("call", "for") is not None
    assert lexicon.prepositional_cue("call", "with") is None
    assert not lexicon.takes_prepositional_cue("walk")
