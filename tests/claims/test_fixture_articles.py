"""Acceptance: the fixture articles' "must" claims (tests/fixtures/<name>.expected.json, written by a careful
reader) are found in the text bot.reading.article extracts from bot/samples/<name>.html."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from spacy.language import Language

from bot.claims import Claim, extract_claims
from bot.reading.article import extract_article

REPO = Path(__file__).resolve().parents[2]
ARTICLES = ("seed-russian-losses", "council-flood-defences", "northvale-layoffs")


def _expected(name: str) -> dict:
    return json.loads((REPO / "tests" / "fixtures" / f"{name}.expected.json").read_text(encoding="utf-8"))


MUST = [(name, want) for name in ARTICLES for want in _expected(name)["claims"] if want["level"] == "must"]


@pytest.fixture(scope="module")
def claims_by_article(nlp: Language) -> dict[str, list[Claim]]:
    out = {}
    for name in ARTICLES:
        article = extract_article((REPO / "bot" / "samples" / f"{name}.html").read_bytes(), url="http://x/")
        out[name] = extract_claims(nlp, article.text)
    return out


def _matches(claim: Claim, want: dict) -> bool:
    """Same source, same cue (a verbatim span: "According to" opening a sentence), every phrase."""
    cue = want.get("cue")
    return (
        claim.source == want["source"]
        and (cue is None or (claim.cue or "").lower() == cue.lower())
        and all(phrase in claim.content for phrase in want["content_has"])
    )


IDS = [f"{n}:{w.get('cue')}-{w['source']}-{w['content_has'][0][:20]}" for n, w in MUST]


@pytest.mark.parametrize(("name", "want"), MUST, ids=IDS)
def test_must_claim_found(claims_by_article: dict[str, list[Claim]], name: str, want: dict) -> None:
    claims = claims_by_article[name]
    assert any(_matches(c, want) for c in claims), [(c.source, c.cue, c.content[:60]) for c in claims]
