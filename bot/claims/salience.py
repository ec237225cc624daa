"""How much a claim matters to a reader skimming a thread: numbers, names, early position, a firm cue."""

from __future__ import annotations

from dataclasses import dataclass

from .model import SourceKind


@dataclass(frozen=True, slots=True)
class SalienceWeights:
    """Weights of the salience features; they sum to 1 so the score stays in [0, 1]."""

    quantities: float = 0.30
    entities: float = 0.15
    position: float = 0.20
    cue: float = 0.20
    source: float = 0.15


SOURCE_SCORE: dict[SourceKind | None, float] = {"person": 1.0, "organization": 1.0, "unnamed": 0.5, None: 0.0}


def salience(
    *,
    n_quantities: int,
    n_entities: int,
    start: int,
    text_length: int,
    cue_strength: float,
    source_kind: SourceKind | None,
    weights: SalienceWeights = SalienceWeights(),
) -> float:
    """Score in [0, 1]; each feature saturates (three numbers count as many as ten)."""
    position = 1.0 - min(1.0, start / text_length) if text_length else 1.0
    score = (
        weights.quantities * min(n_quantities, 3) / 3
        + weights.entities * min(n_entities, 3) / 3
        + weights.position * position
        + weights.cue * max(0.0, min(1.0, cue_strength))
        + weights.source * SOURCE_SCORE.get(source_kind, 0.0)
    )
    return round(max(0.0, min(1.0, score)), 4)
