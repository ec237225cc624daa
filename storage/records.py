"""Plain input records: what the pipeline hands to storage, so storage imports nothing of the bot."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True, slots=True)
class NewArticle:
    url: str
    canonical_url: str
    title: str
    site: str | None
    byline: str | None
    published: dt.date | None
    text: str
    story_id: int | None = None  # the stored article this one is a copy of (its story's first)
    wire: str | None = None  # the agency the copy names
    anchors: Sequence[int] = ()  # shingle hashes to find copies of it later (bot/reading/copies.py)


@dataclass(frozen=True, slots=True)
class NewSource:
    name: str
    kind: str  # 'person' | 'organization' | 'unnamed'
    role: str | None = None
    aliases: Sequence[str] = ()


@dataclass(frozen=True, slots=True)
class NewClaim:
    """One claim to store; a list of them is kept in its given order (most important first)."""

    content: str
    start: int
    end: int
    kind: str  # one of storage.models.CLAIM_KINDS ('direct', 'indirect', ..., 'thesis')
    sentence: str
    salience: float
    source: NewSource | None = None
    source_mention: str | None = None
    source_start: int | None = None
    source_end: int | None = None
    role: str | None = None
    cue: str | None = None
    cue_start: int | None = None
    cue_end: int | None = None
    quantities: list[dict[str, Any]] = field(default_factory=list)
    entities: list[str] = field(default_factory=list)
    shown: bool = True  # False: kept and searchable with include:hidden, never listed as "X said Y"
    act: str = "communication"  # or what else it reports: 'belief', 'intention', 'negated', ...
