"""Acceptance: the seed article's expected claims (shared/seed/expected-claims.json) are all found."""

from __future__ import annotations

import json

import pytest
from spacy.language import Language

from bot.claims import Claim, extract_claims
from bot.claims.ranking import rank
from tests.seed import SEED_DIR, SEED_EXPECTED

EXPECTED = json.loads(SEED_EXPECTED.read_text(encoding="utf-8"))
TEXT = (SEED_DIR / EXPECTED["article"]).read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def claims(nlp: Language) -> list[Claim]:
    return extract_claims(nlp, TEXT)


def _matches(claim: Claim, want: dict) -> bool:
    return (
        claim.source == want["source"]
        and claim.cue == want["cue"]
        and all(phrase in claim.content for phrase in want["content_has"])
        and ("source_role" not in want or claim.role == want["source_role"])
    )


@pytest.mark.parametrize(
    "want",
    [c for c in EXPECTED["claims"] if c["level"] == "must"],
    ids=lambda c: f"{c['cue']}-{c['source']}",
)
def test_must_claim_found(claims: list[Claim], want: dict) -> None:
    assert any(_matches(c, want) for c in claims), [(c.source, c.cue, c.content[:60]) for c in claims]


@pytest.mark.parametrize(
    "want", [c for c in EXPECTED["claims"] if c["level"] == "stretch"], ids=lambda c: c["source"]
)
def test_stretch_claim_found(claims: list[Claim], want: dict) -> None:
    assert any(_matches(c, want) for c in claims)


def test_no_claim_touches_page_furniture(claims: list[Claim]) -> None:
    for furniture in EXPECTED["not_in_text"]:
        start = TEXT.index(furniture)
        span = (start, start + len(furniture))
        for c in claims:
            for part in (c.content_span, c.cue_span, c.source_span, c.sentence_span):
                assert part is None or not (part[0] < span[1] and span[0] < part[1]), (furniture, c)


def test_spans_are_exact_offsets(claims: list[Claim]) -> None:
    for c in claims:
        assert TEXT[slice(*c.content_span)] == c.content
        if c.cue is not None:
            assert TEXT[slice(*c.cue_span)] == c.cue
        if c.source_mention is not None:
            assert TEXT[slice(*c.source_span)] == c.source_mention
        for q in c.quantities:
            assert TEXT[slice(*q.span)] == q.text


def test_sorted_by_salience_and_numbers_rank_first(claims: list[Claim]) -> None:
    scores = [c.salience for c in claims]
    assert scores == sorted(scores, reverse=True)
    assert all(0.0 <= s <= 1.0 for s in scores)
    # the casualty figures outrank the claim with no number at all
    announced = next(c for c in claims if c.cue == "announced")
    explained = next(c for c in claims if c.cue == "explained")
    assert announced.salience > explained.salience


def test_component_sets_the_same_claims_on_the_doc(nlp: Language, claims: list[Claim]) -> None:
    # extract_claims orders the component's claims for the thread (ranking.py); the claims are the same
    assert rank(nlp(TEXT)._.claims, TEXT, None) == claims
