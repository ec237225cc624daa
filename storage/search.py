"""`/claims QUERY`: one query language over SQLite FTS5 and PostgreSQL tsvector.

Query language: words (all must match), "quoted phrases", `source:NAME` or `source:"Igor Konashenkov"`,
`since:7d` (m, h, d, w), `in:#name`, `in:C0123`, `in:<#C0123|name>` (Slack's escaped form), and
`include:hidden`. Keys are case-insensitive. Filters alone are a valid query.

Claims the extractor kept only for recall (`shown` false: beliefs, intentions, narrated actions...) are left
out unless the query says `include:hidden`; it widens a query and is not one on its own.

Speed (DESIGN's measured facts): every search reads `search_entry` ids newest first, and id order is
share-time order (repository keeps it so). SQLite asks FTS5 for matches in descending rowid and stops after
a page, no sort; PostgreSQL matches through the GIN index first inside a MATERIALIZED CTE, so the planner
cannot walk a timestamp index hoping to meet a rare word, after first looking among the newest few thousand
entries, where a common word fills a page at once; prepared statements are off (storage.db). Hidden claims
are left out by `search_entry.shown`, a column of the row each path reads anyway: no join, no other order.
User text never reaches FTS syntax: every token is a quoted FTS5 string, or goes through plainto/phraseto.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import TSQUERY
from sqlalchemy.orm import Session
from sqlalchemy.sql.util import ClauseAdapter

from storage.models import Article, Claim, SearchEntry, Share, Source

__all__ = ["QueryError", "SearchHit", "SearchQuery", "parse_query", "search"]

MAX_LIMIT = 200
PG_HEAD_ROWS = 3000


class QueryError(ValueError):
    """A query we cannot run; the message is one line meant for the user."""


@dataclass(slots=True)
class SearchQuery:
    words: list[str] = field(default_factory=list)
    phrases: list[str] = field(default_factory=list)
    source: str | None = None
    since: dt.timedelta | None = None
    channel: str | None = None
    channel_name: str | None = None
    include_hidden: bool = False

    def is_empty(self) -> bool:
        return not (
            self.words or self.phrases or self.source or self.since or self.channel or self.channel_name
        )


@dataclass(slots=True)
class SearchHit:
    claim_id: int
    source: str | None
    role: str | None
    cue: str | None
    content: str
    kind: str
    quantities: list[dict[str, Any]]
    shown: bool  # False only with include:hidden: an attribution no thread lists as "X said Y"
    act: str
    article_title: str
    article_url: str
    article_id: int
    team: str | None  # None only for articles nobody shared yet (operator's view)
    channel: str | None
    channel_name: str | None
    message_ts: str | None
    thread_ts: str | None
    shared_at: dt.datetime
    permalink: str | None = None  # our threaded reply to the share, when we know it


# --- parsing -------------------------------------------------------------------------------------------

_TOKEN = re.compile(
    r"""
      (?P<key>[A-Za-z]+):(?!//)(?:"(?P<quoted>[^"]*)"?|(?P<value>[^\s"]*))
    | "(?P<phrase>[^"]*)"?
    | (?P<word>[^\s"]+)
    """,
    re.VERBOSE,
)
_DURATION = re.compile(r"(\d{1,6})([mhdw])")
_UNITS = {"m": "minutes", "h": "hours", "d": "days", "w": "weeks"}
_CHANNEL_ID = re.compile(r"[CGD][A-Z0-9]+")  # Slack names are lowercase, ids uppercase
_SLACK_CHANNEL = re.compile(r"<#([A-Z0-9]+)(?:\|([^>]*))?>")
_WORDLIKE = re.compile(r"\w")


MAX_QUERY_CHARS = 500


def parse_query(text: str) -> SearchQuery:
    """Parse the user's query; raise QueryError with a one-line message for what we cannot understand."""
    if len(text) > MAX_QUERY_CHARS:
        raise QueryError(f"that query is too long (over {MAX_QUERY_CHARS} characters)")
    # Control characters mean nothing in a search, and PostgreSQL refuses NUL in any string.
    text = "".join(ch if ch.isprintable() else " " for ch in text)
    q = SearchQuery()
    for m in _TOKEN.finditer(unicodedata.normalize("NFKC", text)):
        if m["key"] is not None:
            key = m["key"].lower()
            value = (m["quoted"] if m["quoted"] is not None else m["value"]).strip()
            if key not in ("source", "since", "in", "include"):
                raise QueryError(f'unknown filter "{key}:" (use source:, since:, in: or include:hidden)')
            if not value:
                raise QueryError(f'"{key}:" needs a value, e.g. {_EXAMPLES[key]}')
            if key == "include":
                if value.lower() != "hidden":
                    raise QueryError(f'unknown "include:{value}" (use include:hidden)')
                q.include_hidden = True
            elif key == "source":
                q.source = value
            elif key == "since":
                q.since = parse_duration(value)
            else:
                _channel(q, value)
        elif m["phrase"] is not None:
            phrase = " ".join(m["phrase"].split())
            if _WORDLIKE.search(phrase):
                q.phrases.append(phrase)
        elif _WORDLIKE.search(m["word"]):
            q.words.append(m["word"])
    if q.is_empty():
        raise QueryError('empty query: type words, "a phrase", source:NAME, since:7d or in:#channel')
    return q


_EXAMPLES = {
    "source": 'source:Konashenkov or source:"Igor Konashenkov"',
    "since": "since:7d",
    "in": "in:#news",
    "include": "include:hidden",
}


def parse_duration(value: str) -> dt.timedelta:
    """'30m', '24h', '7d', '2w' -> timedelta; the CLI's --since takes the same units as since:."""
    m = _DURATION.fullmatch(value.lower())
    if m is None:
        raise QueryError(f'bad duration "{value}" (use e.g. 30m, 24h, 7d, 2w)')
    try:
        return dt.timedelta(**{_UNITS[m[2]]: int(m[1])})
    except OverflowError:
        raise QueryError(f'bad duration "{value}" (too long)') from None


def _channel(q: SearchQuery, value: str) -> None:
    escaped = _SLACK_CHANNEL.fullmatch(value)
    if escaped:
        q.channel, q.channel_name = escaped[1], (escaped[2] or None)
    elif value.startswith("#"):
        q.channel, q.channel_name = None, value[1:].lower() or None
    elif _CHANNEL_ID.fullmatch(value):
        q.channel, q.channel_name = value, None
    else:
        q.channel, q.channel_name = None, value.lower()
    if q.channel is None and q.channel_name is None:
        raise QueryError(f'bad channel "{value}" (use in:#name)')


def _fold(text: str) -> str:
    return unicodedata.normalize("NFKC", text).casefold()


def fts5_match(q: SearchQuery) -> str | None:
    """The FTS5 MATCH expression: every word and phrase a quoted string, ANDed. None without text."""
    terms = [f'"{t.replace(chr(34), chr(34) * 2)}"' for t in (*q.words, *q.phrases)]
    return " AND ".join(terms) or None


# --- searching -----------------------------------------------------------------------------------------

_E = SearchEntry.__table__
_FTS = sa.table("claim_fts", sa.column("rowid", sa.Integer))
_REGCONFIG = sa.literal_column("'claimbot'::regconfig")


def search(
    session: Session,
    text: str | SearchQuery,
    *,
    team: str | None,
    viewer_channel: str | None = None,
    limit: int = 20,
    offset: int = 0,
    now: dt.datetime | None = None,
) -> list[SearchHit]:
    """Claims matching the query, newest share first, one hit per claim (its newest visible share).

    `team=None` is the operator's view (CLI): everything. Otherwise only that team's shares, and shares in
    a private channel only when searching from inside that channel (`viewer_channel`). Either way, claims
    not shown in threads only with `include:hidden`.
    """
    q = parse_query(text) if isinstance(text, str) else text
    if q.is_empty():
        raise QueryError("empty query")
    limit = max(0, min(limit, MAX_LIMIT))
    offset = max(0, offset)
    if limit == 0:
        return []

    conditions: list[sa.ColumnElement[bool]] = []
    if not q.include_hidden:
        conditions.append(_E.c.shown.is_(True))
    if team is not None:
        visible = _E.c.private.is_(False)
        if viewer_channel is not None:
            visible = sa.or_(visible, _E.c.channel == viewer_channel)
        conditions += [_E.c.team == team, visible]
    if q.channel is not None:
        conditions.append(_E.c.channel == q.channel)
    elif q.channel_name is not None:
        channels = _channels_named(session, q.channel_name, team)
        if not channels:
            return []
        conditions.append(_E.c.channel.in_(channels))
    if q.source is not None:
        names = sa.select(Source.id).where(
            Source.search_names.contains(_fold(q.source).strip(), autoescape=True)
        )
        conditions.append(_E.c.source_id.in_(names))
    min_id = None
    if q.since is not None:
        since = (now or dt.datetime.now(dt.UTC)) - q.since
        min_id = session.scalar(
            sa.select(SearchEntry.id)
            .where(SearchEntry.shared_at >= since)
            .order_by(SearchEntry.shared_at, SearchEntry.id)
            .limit(1)
        )
        if min_id is None:
            return []

    dialect = session.get_bind().dialect.name
    need = offset + limit
    picked: dict[int, int] = {}  # claim id -> entry id of its newest visible share
    if dialect == "postgresql" and fts5_match(q) is not None:
        rows = session.execute(_newest_matches_pg(q, conditions, min_id, max(PG_HEAD_ROWS, need * 100))).all()
        picked = _first_per_claim(rows)
    if len(picked) < need:
        batch = need * 2 + 10
        while True:
            rows = session.execute(_matches(dialect, q, conditions, min_id, batch)).all()
            picked = _first_per_claim(rows)
            if len(picked) >= need or len(rows) < batch:
                break
            batch *= 4  # the same claims shared many times: read further
    entry_ids = list(picked.values())[offset:need]
    return _load_hits(session, entry_ids)


def _first_per_claim(rows: Sequence[sa.Row[Any]]) -> dict[int, int]:
    picked: dict[int, int] = {}
    for entry_id, claim_id in rows:
        picked.setdefault(claim_id, entry_id)
    return picked


def _newest_matches_pg(
    q: SearchQuery, conditions: list[sa.ColumnElement[bool]], min_id: int | None, head: int
) -> sa.Select[Any]:
    """Matches among the `head` newest entries only: a common word fills a page there in a few ms.

    The GIN path must visit every match of a common word and sort them (24 ms at 200k claims, growing with
    the table); the newest entries are a fixed amount of work. The LIMIT inside the subquery is a fence the
    planner cannot push the text match through. If this page is not full, `search` falls back to the GIN
    path, so the answer is exact either way: anything outside the head is older than all of it.
    """
    newest = sa.select(_E, sa.literal_column("search_entry.document").label("document"))
    if min_id is not None:
        newest = newest.where(_E.c.id >= min_id)
    sub = newest.order_by(_E.c.id.desc()).limit(head).subquery("newest")
    adapt = ClauseAdapter(sub).traverse
    match = sub.c.document.op("@@", is_comparison=True)(_tsquery(q))
    return (
        sa.select(sub.c.id, sub.c.claim_id)
        .where(match, *(adapt(c) for c in conditions))
        .order_by(sub.c.id.desc())
    )


def _channels_named(session: Session, name: str, team: str | None) -> list[str]:
    stmt = sa.select(Share.channel).where(sa.func.lower(Share.channel_name) == name.lstrip("#").lower())
    if team is not None:
        stmt = stmt.where(Share.team == team)
    return list(session.scalars(stmt.distinct()))


def _matches(
    dialect: str,
    q: SearchQuery,
    conditions: list[sa.ColumnElement[bool]],
    min_id: int | None,
    limit: int,
) -> sa.Select[Any]:
    """(entry id, claim id) of matching entries, newest first."""
    match = fts5_match(q)
    if match is None:  # filters only: walk entries newest first
        if min_id is not None:
            conditions = [*conditions, _E.c.id >= min_id]
        return sa.select(_E.c.id, _E.c.claim_id).where(*conditions).order_by(_E.c.id.desc()).limit(limit)
    if dialect == "sqlite":
        # FTS5 hands back matches in descending rowid and the LIMIT stops it early: no sort, no full scan.
        where = [sa.literal_column("claim_fts").op("MATCH")(match), *conditions]
        if min_id is not None:
            where.append(_FTS.c.rowid >= min_id)
        return (
            sa.select(_E.c.id, _E.c.claim_id)
            .select_from(_FTS.join(_E, _E.c.id == _FTS.c.rowid))
            .where(*where)
            .order_by(_FTS.c.rowid.desc())
            .limit(limit)
        )
    if dialect == "postgresql":
        where = [sa.literal_column("search_entry.document").op("@@", is_comparison=True)(_tsquery(q))]
        where += conditions
        if min_id is not None:
            where.append(_E.c.id >= min_id)
        # MATERIALIZED: the GIN match runs first, however rare the word (see module docstring).
        found = sa.select(_E.c.id, _E.c.claim_id).where(*where).cte("found").prefix_with("MATERIALIZED")
        return sa.select(found.c.id, found.c.claim_id).order_by(found.c.id.desc()).limit(limit)
    raise NotImplementedError(f"full-text search on {dialect}")


def _tsquery(q: SearchQuery) -> sa.ColumnElement[Any]:
    parts: list[sa.ColumnElement[Any]] = [
        sa.func.plainto_tsquery(_REGCONFIG, w, type_=TSQUERY) for w in q.words
    ] + [sa.func.phraseto_tsquery(_REGCONFIG, p, type_=TSQUERY) for p in q.phrases]
    query = parts[0]
    for part in parts[1:]:
        query = query.op("&&", return_type=TSQUERY)(part)
    return query


def _load_hits(session: Session, entry_ids: list[int]) -> list[SearchHit]:
    if not entry_ids:
        return []
    stmt = (
        sa.select(
            SearchEntry.id,
            SearchEntry.shared_at,
            Claim.id.label("claim_id"),
            Claim.source_mention,
            Claim.role,
            Claim.cue,
            Claim.content,
            Claim.kind,
            Claim.quantities,
            Claim.shown,
            Claim.act,
            Source.name.label("source_name"),
            Source.role.label("source_role"),
            Article.id.label("article_id"),
            Article.title,
            Article.canonical_url,
            Share.team,
            Share.channel,
            Share.channel_name,
            Share.message_ts,
            Share.thread_ts,
            Share.permalink,
        )
        .select_from(SearchEntry)
        .join(Claim, Claim.id == SearchEntry.claim_id)
        .join(Article, Article.id == SearchEntry.article_id)
        .outerjoin(Source, Source.id == Claim.source_id)
        .outerjoin(Share, Share.id == SearchEntry.share_id)
        .where(SearchEntry.id.in_(entry_ids))
    )
    rows = {row.id: row for row in session.execute(stmt)}
    return [
        SearchHit(
            claim_id=r.claim_id,
            source=r.source_name or r.source_mention,
            role=r.role or r.source_role,
            cue=r.cue,
            content=r.content,
            kind=r.kind,
            quantities=list(r.quantities or []),
            shown=r.shown,
            act=r.act,
            article_title=r.title,
            article_url=r.canonical_url,
            article_id=r.article_id,
            team=r.team,
            channel=r.channel,
            channel_name=r.channel_name,
            message_ts=r.message_ts,
            thread_ts=r.thread_ts,
            shared_at=r.shared_at,
            permalink=r.permalink,
        )
        for r in (rows[i] for i in entry_ids if i in rows)
    ]
