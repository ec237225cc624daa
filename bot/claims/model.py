"""The claim record the extractor produces: plain data, free of spaCy, Slack and SQL."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

ClaimKind = Literal["direct", "indirect", "according_to", "continuation"]
SourceKind = Literal["person", "organization", "unnamed"]
Span = tuple[int, int]


@dataclass(frozen=True, slots=True)
class Quantity:
    """A number in a claim and what it counts ("498 servicemen" -> 498.0, "servicemen")."""

    value: float
    text: str
    counted: str
    span: Span


@dataclass(frozen=True, slots=True)
class Claim:
    """One attributed claim. Every span is a character offset into the analysed text, end exclusive.

    ``source`` is the canonical speaker after resolving pronouns and descriptors ("He" -> "Igor
    Konashenkov"); ``source_mention`` and ``source_span`` are the words in the claim's own sentence.
    """

    content: str
    content_span: Span
    kind: ClaimKind
    source: str | None = None
    source_kind: SourceKind | None = None
    source_mention: str | None = None
    source_span: Span | None = None
    source_aliases: tuple[str, ...] = ()
    role: str | None = None
    cue: str | None = None
    cue_span: Span | None = None
    sentence_span: Span = (0, 0)
    salience: float = 0.0
    quantities: tuple[Quantity, ...] = field(default_factory=tuple)
    entities: tuple[str, ...] = field(default_factory=tuple)
