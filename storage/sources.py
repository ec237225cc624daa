"""`/claims who NAME` and App Home's most quoted sources: a source as the viewer may see it.

A source row is global (one per speaker across workspaces, so `source:` finds a speaker in every article),
but everything a card counts or lists comes from the search entries the viewer may see, by search's rule
(`storage.search._conditions`): their own workspace, a private channel's shares only from inside that
channel, shown claims only. A source with no such entry is never named, not even under "also matching":
its name alone would tell that another workspace or a private channel quoted it.

NAME matches as `source:NAME` does: a case-folded substring of `Source.search_names` (its name and aliases).
The name and kind a card shows are the row's own, as `source:` matches them; its roles, the aliases and the
other mentions it lists, like every count, come from the visible claims only (the row's own aliases and role
may come from another workspace's articles).

Speed with 1M claims: every query of a card reads one source's entries through
ix_search_entry_source_id_id (source_id, id), the latest claims newest id first with no sort, and the
share rows of a handful of entries only; `top_sources` reads one window of a team's entries through
ix_search_entry_team_id (team, id) from the window's first id (ids are share-time order, see
`SearchEntry`). SQLite keeps no planner statistics here (no ANALYZE), and given `source_id IN (...)`
beside `team = ?` it walked the team index instead: every entry of the workspace for a handful of sources.
Source-bound queries therefore compare the team as `team || ''` on SQLite, which no index can serve
(`_by_source`); PostgreSQL plans from its statistics and is left free.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from storage.models import Claim, SearchEntry, Share, Source
from storage.repository import source_key

# The same matching and the same hits as `/claims source:NAME`, on purpose: one meaning of a source's name.
from storage.search import SearchHit, fold, load_hits

__all__ = [
    "ChannelSeen",
    "QuotedSource",
    "SourceCard",
    "SourceMatch",
    "describe_source",
    "find_sources",
    "top_sources",
]

MAX_MATCHES = 50  # sources ranked for one NAME: the exact matches, then the shortest names
MAX_CHANNELS = 20
MAX_NAMES = 20  # distinct roles, and distinct mentions, a card keeps
NAMES_FROM = 2000  # roles and mentions are read from this many of the newest visible entries (`_names`)
LATEST = 5

_E = SearchEntry.__table__


@dataclass(frozen=True, slots=True)
class SourceMatch:
    """A source whose name or an alias contains NAME, with the number of claims the viewer may see."""

    id: int
    name: str
    claims: int
    exact: bool  # NAME is its whole name or a whole alias


@dataclass(frozen=True, slots=True)
class ChannelSeen:
    channel: str
    name: str | None  # as its newest share among the counted ones named it
    claims: int


@dataclass(frozen=True, slots=True)
class SourceCard:
    """What the viewer may know of a source; every count and list is over their visible entries."""

    id: int
    name: str
    kind: str
    roles: tuple[str, ...]  # its visible recent claims' roles, most frequent first
    aliases: tuple[str, ...]
    mentions: tuple[str, ...]  # how its recent claims named it, most frequent first, minus name and aliases
    claims: int  # distinct claims: one claim shared in two channels counts once
    first_seen: dt.datetime
    last_seen: dt.datetime
    channels: tuple[ChannelSeen, ...]  # most claims first
    latest: tuple[SearchHit, ...]  # newest first, each claim once (its newest visible share)


@dataclass(frozen=True, slots=True)
class QuotedSource:
    id: int
    name: str
    role: str | None
    claims: int


def _visible(
    team: str, viewer_channel: str | None, *, off_team_index: bool = False
) -> list[sa.ColumnElement[bool]]:
    """Search's visibility rule on search_entry; no viewer channel (App Home) sees public channels only.

    `off_team_index`: compare the team in a form the team index cannot serve (see the module docstring)."""
    public = _E.c.private.is_(False)
    seen = public if viewer_channel is None else sa.or_(public, _E.c.channel == viewer_channel)
    team_column: sa.ColumnElement[Any] = _E.c.team.concat("") if off_team_index else _E.c.team
    return [_E.c.shown.is_(True), team_column == team, seen]


def _by_source(session: Session, team: str, viewer_channel: str | None) -> list[sa.ColumnElement[bool]]:
    """`_visible` for a query that reads one source's entries (or a few sources')."""
    sqlite = session.get_bind().dialect.name == "sqlite"
    return _visible(team, viewer_channel, off_team_index=sqlite)


def find_sources(
    session: Session, name: str, *, team: str, viewer_channel: str | None, limit: int = MAX_MATCHES
) -> list[SourceMatch]:
    """The sources NAME names that have a claim the viewer may see: an exact name or alias first, then
    the most claims. At most `limit` are ranked (exact ones first, then the shortest names): a NAME that
    broad is a prompt to type more of it, and counting every match would read most of the index."""
    folded = fold(name).strip()
    if not folded:
        return []
    names = Source.search_names
    exact = sa.or_(
        names == folded,
        names.startswith(folded + "\n", autoescape=True),
        names.endswith("\n" + folded, autoescape=True),
        names.contains("\n" + folded + "\n", autoescape=True),
    )
    exact_rank = sa.case((exact, 1), else_=0)
    rows = session.execute(
        sa.select(Source.id, Source.name, exact_rank.label("exact"))
        .where(names.contains(folded, autoescape=True), _seen_by(session, team, viewer_channel))
        .order_by(exact_rank.desc(), sa.func.length(Source.name), Source.id)
        .limit(limit)
    ).all()
    if not rows:
        return []
    counts = _claim_counts(session, [r.id for r in rows], team, viewer_channel)
    matches = [SourceMatch(r.id, r.name, counts.get(r.id, 0), bool(r.exact)) for r in rows]
    matches = [m for m in matches if m.claims]
    return sorted(matches, key=lambda m: (not m.exact, -m.claims, len(m.name), m.id))


def _seen_by(session: Session, team: str, viewer_channel: str | None) -> sa.ColumnElement[bool]:
    """The source has an entry the viewer may see: a scalar subquery with LIMIT 1, one index probe per
    matching source (PostgreSQL may turn an EXISTS into a join over every entry of the team)."""
    first = (
        sa.select(sa.literal(1))
        .where(_E.c.source_id == Source.id, *_by_source(session, team, viewer_channel))
        .limit(1)
        .correlate(Source)
        .scalar_subquery()
    )
    return first.is_not(None)


def _claim_counts(
    session: Session, source_ids: Sequence[int], team: str, viewer_channel: str | None
) -> dict[int, int]:
    """Distinct visible claims per source."""
    stmt = (
        sa.select(_E.c.source_id, sa.func.count(_E.c.claim_id.distinct()))
        .where(_E.c.source_id.in_(list(source_ids)), *_by_source(session, team, viewer_channel))
        .group_by(_E.c.source_id)
    )
    return {source_id: count for source_id, count in session.execute(stmt).tuples()}


def describe_source(
    session: Session, source_id: int, *, team: str, viewer_channel: str | None, latest: int = LATEST
) -> SourceCard | None:
    """The card of a source, or None when the viewer may see none of its claims."""
    source = session.get(Source, source_id)
    if source is None:
        return None
    where = [_E.c.source_id == source_id, *_by_source(session, team, viewer_channel)]
    claims, first_seen, last_seen = session.execute(
        sa.select(
            sa.func.count(_E.c.claim_id.distinct()), sa.func.min(_E.c.shared_at), sa.func.max(_E.c.shared_at)
        ).where(*where)
    ).one()
    if not claims:
        return None
    roles, mentions = _names(session, where)
    # The source row is shared by every workspace: its aliases and role may come from articles this viewer
    # cannot see. A card shows only what the visible claims say: an alias as one of them named it.
    seen = {source_key(m) for m in mentions}
    aliases = tuple(a for a in source.aliases if source_key(a) in seen)
    known = {source_key(source.name), *(source_key(a) for a in aliases)}
    return SourceCard(
        id=source.id,
        name=source.name,
        kind=source.kind,
        roles=tuple(_distinct(roles, key=str.casefold)),
        aliases=aliases,
        mentions=tuple(m for m in _distinct(mentions, key=source_key) if source_key(m) not in known),
        claims=claims,
        first_seen=first_seen,
        last_seen=last_seen,
        channels=tuple(_channels(session, where)),
        latest=tuple(_latest(session, where, latest)),
    )


def _names(session: Session, where: list[sa.ColumnElement[bool]]) -> tuple[list[str], list[str]]:
    """The claims' roles and source mentions, each most frequent first, from the newest `NAMES_FROM`
    visible entries: each costs a claim row, and reading all 40,000 of a heavily quoted source's took
    200 ms on PostgreSQL at 1M claims (20 ms once bounded); its recent claims name it the same ways."""
    claim = Claim.__table__
    newest = sa.select(_E.c.claim_id).where(*where).order_by(_E.c.id.desc()).limit(NAMES_FROM).subquery()
    stmt = (
        sa.select(claim.c.role, claim.c.source_mention, sa.func.count(claim.c.id.distinct()))
        .select_from(newest.join(claim, claim.c.id == newest.c.claim_id))
        .group_by(claim.c.role, claim.c.source_mention)
    )
    roles: Counter[str] = Counter()
    mentions: Counter[str] = Counter()
    for role, mention, count in session.execute(stmt).tuples():
        if role and role.strip():
            roles[role.strip()] += count
        if mention and mention.strip():
            mentions[mention.strip()] += count
    return _most_common(roles), _most_common(mentions)


def _most_common(counts: Counter[str]) -> list[str]:
    """Most claims first, ties in alphabetical order (group order differs between backends)."""
    ranked = sorted(counts.items(), key=lambda item: (-item[1], item[0].casefold(), item[0]))
    return [text for text, _ in ranked[:MAX_NAMES]]


def _distinct(values: Iterable[str | None], key: Callable[[str], str]) -> list[str]:
    """Each value once by `key`, first spelling kept, in order."""
    seen: dict[str, str] = {}
    for value in values:
        if value and value.strip():
            seen.setdefault(key(value.strip()), value.strip())
    return list(seen.values())


def _channels(session: Session, where: list[sa.ColumnElement[bool]]) -> list[ChannelSeen]:
    """Channels by claims; a channel's name comes from the share of its newest entry (one row each)."""
    newest = sa.func.max(_E.c.id)
    claims = sa.func.count(_E.c.claim_id.distinct())
    rows = session.execute(
        sa.select(_E.c.channel, claims, newest)
        .where(*where)
        .group_by(_E.c.channel)
        .order_by(claims.desc(), newest.desc())
        .limit(MAX_CHANNELS)
    ).all()
    share = Share.__table__
    names = session.execute(
        sa.select(_E.c.id, share.c.channel_name)
        .select_from(_E.join(share, share.c.id == _E.c.share_id))
        .where(_E.c.id.in_([r[2] for r in rows]))
    )
    named = {entry_id: name for entry_id, name in names.tuples()}
    return [ChannelSeen(channel, named.get(entry_id), count) for channel, count, entry_id in rows]


def _latest(session: Session, where: list[sa.ColumnElement[bool]], latest: int) -> list[SearchHit]:
    """The newest `latest` claims, each at its newest visible share: newest ids first, no sort."""
    if latest <= 0:
        return []
    batch = latest * 4
    while True:
        rows = session.execute(
            sa.select(_E.c.id, _E.c.claim_id).where(*where).order_by(_E.c.id.desc()).limit(batch)
        ).all()
        picked: dict[int, int] = {}
        for entry_id, claim_id in rows:
            picked.setdefault(claim_id, entry_id)
        if len(picked) >= latest or len(rows) < batch:
            break
        batch *= 4  # the same claims shared in many channels: read further
    return load_hits(session, list(picked.values())[:latest])


def top_sources(session: Session, team: str, since: dt.datetime, limit: int = 5) -> list[QuotedSource]:
    """The team's most quoted named sources since `since`: distinct shown claims in public channels, most
    first (ties: the most recently quoted). Unnamed sources ("officials", "analysts") are left out: many
    different people share one such name, and a reader cannot follow them."""
    first_id = session.scalar(
        sa.select(_E.c.id).where(_E.c.shared_at >= since).order_by(_E.c.shared_at, _E.c.id).limit(1)
    )
    if first_id is None or limit <= 0:
        return []
    claims = sa.func.count(_E.c.claim_id.distinct())
    unnamed = sa.select(Source.id).where(Source.kind == "unnamed")
    rows = session.execute(
        sa.select(_E.c.source_id, claims)
        .where(
            *_visible(team, None),
            _E.c.id >= first_id,
            _E.c.shared_at >= since,
            _E.c.source_id.is_not(None),
            _E.c.source_id.not_in(unnamed),
        )
        .group_by(_E.c.source_id)
        .order_by(claims.desc(), sa.func.max(_E.c.id).desc())
        .limit(limit)
    ).all()
    sources = {s.id: s for s in session.scalars(sa.select(Source).where(Source.id.in_([r[0] for r in rows])))}
    return [
        QuotedSource(source_id, sources[source_id].name, sources[source_id].role, count)
        for source_id, count in rows
        if source_id in sources
    ]
