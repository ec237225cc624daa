"""The learned layer's weights: two logistic regressions and their cut-offs, read from JSON.

Trained by ``bench/train_attribution.py`` (``make model``) and shipped as
``bot/claims/attribution_model.json``: feature names and weights, never article text. Scoring is a sum of
dictionary lookups, so the model adds no dependency at run time.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path

from spacy.tokens import Token

DEFAULT_MODEL = "attribution_model.json"
CUE_POS = frozenset({"VERB", "AUX", "NOUN"})


@dataclass(frozen=True, slots=True)
class LinearModel:
    """Logistic regression over binary features: the probability is a sigmoid of the summed weights."""

    weights: dict[str, float]
    bias: float

    def score(self, features: Iterable[str]) -> float:
        w = self.weights
        total = self.bias + sum(w.get(f, 0.0) for f in features)
        return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, total))))

    def to_json(self) -> dict:
        return {"bias": self.bias, "weights": self.weights}

    @classmethod
    def from_json(cls, data: dict) -> LinearModel:
        return cls(weights={k: float(v) for k, v in data["weights"].items()}, bias=float(data["bias"]))


@dataclass(frozen=True, slots=True)
class AttributionModel:
    """The cue classifier and the content chooser, with cut-offs: the cue probability a learned draft
    needs (``threshold``); the product of cue and content probabilities it needs (``confidence``: a sure
    cue with a doubtful content is dropped, not guessed), higher for a bare noun phrase with no verb and no
    quotation ("endorsed Lopez": ``nominal_confidence``); and the cue probability below which a rule's
    indirect draft is dropped (``veto``: a reporting verb used otherwise, "said to be", "asked about")."""

    cue: LinearModel
    content: LinearModel
    threshold: float
    confidence: float
    nominal_confidence: float
    veto: float
    lemmas: frozenset[str]
    meta: dict

    def needed(self, clausal: bool) -> float:
        """The cue x content probability a learned draft needs; ``clausal``: its content has a verb or a
        quotation."""
        return self.confidence if clausal else max(self.confidence, self.nominal_confidence)

    def may_be_cue(self, tok: Token) -> bool:
        return may_be_cue(tok, self.lemmas)

    def to_json(self) -> dict:
        return {
            "threshold": self.threshold,
            "confidence": self.confidence,
            "nominal_confidence": self.nominal_confidence,
            "veto": self.veto,
            "lemmas": sorted(self.lemmas),
            "meta": self.meta,
            "cue": self.cue.to_json(),
            "content": self.content.to_json(),
        }

    @classmethod
    def from_json(cls, data: dict) -> AttributionModel:
        return cls(
            cue=LinearModel.from_json(data["cue"]),
            content=LinearModel.from_json(data["content"]),
            threshold=float(data["threshold"]),
            confidence=float(data.get("confidence", 0.0)),
            nominal_confidence=float(data.get("nominal_confidence", 0.0)),
            veto=float(data.get("veto", 0.0)),
            lemmas=frozenset(data["lemmas"]),
            meta=dict(data.get("meta", {})),
        )


def may_be_cue(tok: Token, lemmas: frozenset[str]) -> bool:
    """Only words seen heading a cue in training are scored: most tokens cost one set lookup."""
    return tok.pos_ in CUE_POS and tok.is_alpha and tok.lemma_.lower() in lemmas


@cache
def load_model(path: str | None = None) -> AttributionModel | None:
    """The shipped model (``None``: the package's file), or None when no model file is shipped."""
    if path is None:
        ref = resources.files(__package__).joinpath(DEFAULT_MODEL)
        if not ref.is_file():
            return None
        raw = ref.read_text(encoding="utf-8")
    else:
        raw = Path(path).read_text(encoding="utf-8")
    return AttributionModel.from_json(json.loads(raw))
