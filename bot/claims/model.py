"""The claim record the extractor produces: plain data, free of spaCy, Slack and SQL."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

ClaimKind = Literal["direct", "indirect", "according_to", "continuation", "thesis"]
SourceKind = Literal["person", "organization", "unnamed"]
Bound = Literal["exact", "at_least", "at_most", "about"]
Span = tuple[int, int]
# What an attribution reports: a communication act (said, announced, according to) is a claim; the rest are
# kept for recall but never shown as someone's claim.
AttributionAct = Literal[
    "communication",
    "belief",
    "intention",
    "perception",
    "action",
    "question",
    "command",
    "negated",
    "hypothetical",
    "narration",
]


@dataclass(frozen=True, slots=True)
class Quantity:
    """A number in a claim and what it counts ("498 servicemen" -> 498.0, "servicemen").

    ``bound`` says how the claim pins the number: "more than 2,870" and "hundreds of" (200) are lower
    bounds ("at_least"), "up to 40" and "nearly 500" upper bounds ("at_most"), "about 3,700" an
    approximation ("about"); a bare figure is "exact". A share is given in percent, like "40 percent": "one in
    three" -> 33.3, counted "percent", bound "about".
    """

    value: float
    text: str
    counted: str
    span: Span
    bound: Bound = "exact"


@dataclass(frozen=True, slots=True)
class Claim:
    """One attributed claim. Every span is a character offset into the analysed text, end exclusive.

    ``source`` is the canonical speaker after resolving pronouns and descriptors ("He" -> "Igor
    Konashenkov"); ``source_mention`` and ``source_span`` are the words in the claim's own sentence.
    ``shown`` is False for an attribution a reader must not see as "X said Y" (a belief, an intention, a
    perception, a narrated action, a negated speech act, a speaker that cannot speak): it is kept for
    recall but threads, digests and default searches leave it out; ``act`` says which kind it is.
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
    shown: bool = True
    act: AttributionAct = "communication"
