"""Cue verbs whose nominal object is the claim ("criticized X for Y", "called X a Y"), and the split
"Y, he said, Z" clause: sentences of our own through the real pipeline (session ``nlp`` fixture)."""

from __future__ import annotations

import pytest
from spacy.language import Language

from tests.claims.test_constructions import claims_of, one


@pytest.mark.parametrize(
    ("text", "cue", "content"),
    [
        ("Governor Ann Patel criticized the utility for raising prices during the heat wave.",
         "criticized", "the utility for raising prices during the heat wave"),
        ("The union accused the hospital of hiding staff shortages.",
         "accused", "the hospital of hiding staff shortages"),
        ("Mayor Tom Reyes urged residents to conserve water this summer.",
         "urged", "residents to conserve water this summer"),
        ("The senator praised the firefighters for their courage.",
         "praised", "the firefighters for their courage"),
    ],
)
def test_object_of_a_stance_verb_is_the_claim(nlp: Language, text: str, cue: str, content: str) -> None:
    c = one(claims_of(nlp, text), cue=cue)
    assert (c.kind, c.content) == ("indirect", content)
    assert c.source_mention is not None and c.source_mention in text[: c.cue_span[0]]


def test_naming_verb_with_its_predicate(nlp: Language) -> None:
    c = one(claims_of(nlp, "Senator Lee Park called the budget a disgrace."), cue="called")
    assert (c.content, c.source) == ("the budget a disgrace", "Lee Park")


def test_naming_verb_without_predicate_is_a_phone_call(nlp: Language) -> None:
    assert claims_of(nlp, "Senator Lee Park called the company on Monday.") == []


def test_an_intention_is_attributed_to_whoever_holds_it(nlp: Language) -> None:
    c = one(claims_of(nlp, "The mayor plans to criticize the council at the meeting."), cue="plans")
    assert (c.source_mention, c.content) == ("The mayor", "to criticize the council at the meeting")


def test_passive_stance_verb_is_left_alone(nlp: Language) -> None:
    assert claims_of(nlp, "The plan was criticized by the mayor.") == []


def test_clause_split_by_its_cue_keeps_both_halves(nlp: Language) -> None:
    text = "Most of the closures, he said, have hit rural clinics."
    c = one(claims_of(nlp, text), cue="said")
    assert c.content.startswith("Most of the closures") and c.content.endswith("have hit rural clinics")


def test_possessed_claim_noun_with_that_clause(nlp: Language) -> None:
    text = "Senator Lee Park repeated his claim that the audit had been rigged."
    claims = claims_of(nlp, text)
    c = one(claims, cue="claim")
    assert (c.content, c.source) == ("the audit had been rigged", "Lee Park")
    assert len(claims) == 1  # "repeated" finds the same words: one claim, with the nearer cue


def test_belief_noun_is_not_a_cue_but_the_rejection_is(nlp: Language) -> None:
    c = one(claims_of(nlp, "Senator Lee Park rejected the idea that the audit had been rigged."))
    assert (c.cue, c.source, c.content) == ("rejected", "Lee Park", "the idea that the audit had been rigged")
