"""`/claims QUERY`: one query language over SQLite FTS5 and PostgreSQL tsvector.

Query language: words (all must match), "quoted phrases", `a OR b` (uppercase OR between two words or
phrases: either), `-word` / `-"phrase"` / `-kill*` (left out; a query needs something to look for besides),
`kill*` (a prefix of at least 2 letters), `source:NAME` or `source:"Igor Konashenkov"`, `since:7d` (m, h,
d, w), `in:news` / `in:#news` / `in:C0123` (a channel whose id or name is that, without '#', any case) or
`in:<#C0123|name>` (Slack's escaped form, also without `in:`), and `include:hidden`. Keys are
case-insensitive. Filters alone are a valid query (the newest matching claims). Not supported, each refused
in one line: parentheses, NOT and NEAR, `*` inside a word or after a phrase, other `key:`s,
an unclosed quote. The meaning is the same on both backends: words and prefixes go through each backend's
stemmer (Porter in FTS5, Snowball English in PostgreSQL; they agree on most English words, not all).

Claims the extractor kept only for recall (`shown` false: beliefs, intentions, narrated actions...) are left
out unless the query says `include:hidden`; it widens a query and is not one on its own.

Speed (DESIGN's measured facts): every search reads `search_entry` ids newest first, and id order is
share-time order (repository keeps it so). SQLite asks FTS5 for matches in descending rowid and stops after
a page, no sort; PostgreSQL matches through the GIN index first inside a MATERIALIZED CTE, so the planner
cannot walk a timestamp index hoping to meet a rare word, after first looking among the newest few thousand
entries, where a common word fills a page at once (one statement: the GIN CTE runs only when that head is
short); prepared statements are off (storage.db). A `source:` naming a few sources walks each one's
(source_id, id) index newest first on PostgreSQL, merged in id order, instead of reading all their entries.
Hidden claims are left out by `search_entry.shown`, a column of the row each path reads anyway: no join, no
other order. Each query shape's statements are built once, values bound at execution (see `_Shape`): the
Python side of a search cost as much as the database side.
User text never reaches FTS syntax: every term is a quoted FTS5 string (fts5_match builds the operators), or
goes through plainto/phraseto_tsquery, or (a prefix: letters and digits only) is one quoted lexeme for
to_tsquery; the operators between them are SQL's (&&, ||, !!), fixed by the shape.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, NamedTuple

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import TSQUERY
from sqlalchemy.orm import Session
from sqlalchemy.sql.util import ClauseAdapter

from storage.models import Article, Claim, SearchEntry, Share, Source

__all__ = [
    "Prepared",
    "QueryError",
    "SearchHit",
    "SearchQuery",
    "entry_with_claim",
    "every_match",
    "fold",
    "load_hits",
    "parse_query",
    "prepare",
    "search",
]

MAX_LIMIT = 200
PG_HEAD_ROWS = 3000
PG_HEAD_PER_HIT = 100  # a deeper page reads a longer head: max(PG_HEAD_ROWS, (offset + limit) * this)
ALL_ROWS = 2**31 - 1  # every_match's LIMIT: the largest INTEGER both backends bind, "no limit"
PG_SOURCE_WALK = 16  # source: naming at most this many sources walks each one's entries (see _per_source_pg)


class QueryError(ValueError):
    """A query we cannot run; the message is one line meant for the user."""


@dataclass(slots=True)
class SearchQuery:
    words: list[str] = field(default_factory=list)  # each must match (stemmed)
    phrases: list[str] = field(default_factory=list)  # each must match, its words in this order
    prefixes: list[str] = field(default_factory=list)  # kill* as "kill": a word starting so must match
    any_of: list[tuple[Term, ...]] = field(default_factory=list)  # a OR b: one of each group must match
    excluded: list[Term] = field(default_factory=list)  # -word, -"phrase", -kill*: none may match
    source: str | None = None
    since: dt.timedelta | None = None
    channel: str | None = None  # a channel id from Slack's escaped <#C0123|name>
    channel_name: str | None = None  # in:X otherwise: a channel id or name, without '#' (channel_ids)
    include_hidden: bool = False

    def required(self) -> list[Term]:
        return [
            *(Term("word", w) for w in self.words),
            *(Term("phrase", p) for p in self.phrases),
            *(Term("prefix", p) for p in self.prefixes),
        ]

    def has_text(self) -> bool:
        return bool(self.words or self.phrases or self.prefixes or self.any_of)

    def is_empty(self) -> bool:
        return not (
            self.has_text() or self.source or self.since is not None or self.channel or self.channel_name
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


class Term(NamedTuple):
    """One thing to look for: a word, a "phrase" or a prefix (`kill*`, kept here without its `*`)."""

    kind: str  # "word", "phrase" or "prefix"
    text: str


_TOKEN = re.compile(
    r"""
      (?P<key>[A-Za-z]+):(?!//)(?:"(?P<quoted>[^"]*)"|(?P<value>[^\s"]*))
    | (?P<minus>-?)"(?P<phrase>[^"]*)"(?P<star>\*?)
    | (?P<word>[^\s"]+)
    """,
    re.VERBOSE,
)
_QUOTES = str.maketrans(dict.fromkeys("\u201c\u201d\u201e\u201f\u2033\uff02", '"'))  # Slack's smart quotes
_DURATION = re.compile(r"(\d{1,6})([mhdw])")
_UNITS = {"m": "minutes", "h": "hours", "d": "days", "w": "weeks"}
_SLACK_CHANNEL = re.compile(r"<#([A-Z0-9]+)(?:\|([^>]*))?>")
_WORDLIKE = re.compile(r"[^\W_]")  # a letter or a digit: what both backends' tokenizers keep
_PREFIX = re.compile(r"[^\W_]+")
_FILTER = re.compile(r"[A-Za-z]+:(?!//)")
PREFIX_MIN_LETTERS = 2

MAX_QUERY_CHARS = 500
_OR = object()  # an OR between two terms, while parsing


def parse_query(text: str, *, allow_empty: bool = False) -> SearchQuery:
    """Parse the user's query; raise QueryError with a one-line message for what we cannot understand.
    `allow_empty`: a query of no word and no filter is valid (it means everything: an export)."""
    if len(text) > MAX_QUERY_CHARS:
        raise QueryError(f"that query is too long (over {MAX_QUERY_CHARS} characters)")
    # Control characters mean nothing in a search, and PostgreSQL refuses NUL in any string.
    text = "".join(ch if ch.isprintable() else " " for ch in text)
    text = unicodedata.normalize("NFKC", text).translate(_QUOTES)
    if text.count('"') % 2:
        raise QueryError('unclosed quote: add the closing " (a "phrase" is between two quotes)')
    q = SearchQuery()
    items: list[Any] = []  # (Term, excluded) and _OR, in the order typed
    for m in _TOKEN.finditer(text):
        if m["key"] is not None:
            _filter(q, m["key"].lower(), (m["quoted"] if m["quoted"] is not None else m["value"]).strip())
        elif m["phrase"] is not None:
            if m["star"]:
                raise QueryError(f'"{m["phrase"]}"* is not supported: * ends a word, e.g. kill*')
            phrase = " ".join(m["phrase"].split())
            if _WORDLIKE.search(phrase):
                items.append((Term("phrase", phrase), bool(m["minus"])))
        else:
            _word(q, m["word"], items)
    _terms(q, items)
    if q.excluded and not q.has_text():
        raise QueryError('-word only narrows a search: add a word or "phrase" to look for')
    if q.is_empty() and not allow_empty:
        raise QueryError('empty query: type words, "a phrase", source:NAME, since:7d or in:#channel')
    return q


def _filter(q: SearchQuery, key: str, value: str) -> None:
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


def _word(q: SearchQuery, word: str, items: list[Any]) -> None:
    if word == "OR":
        items.append(_OR)
        return
    if word == "AND":  # what words do anyway
        return
    if word in ("NOT", "NEAR") or word.startswith("NEAR/"):
        raise QueryError(f"{word.split('/')[0]} is not supported: use -word to leave a word out")
    if "(" in word or ")" in word:
        raise QueryError("parentheses are not supported: words all match, OR goes between two words")
    if _SLACK_CHANNEL.fullmatch(word):  # "#news" picked from Slack's menu arrives as <#C0NEWS|news>
        _channel(q, word)
        return
    excluded = word.startswith("-")
    if excluded:
        word = word[1:]
        if _FILTER.match(word):
            raise QueryError(f"-{word.split(':')[0]}: is not supported: filters cannot be left out")
    if word.endswith("*"):
        body = word.rstrip("*")
        if not body:
            return  # a stray *
        if "*" in body or not _PREFIX.fullmatch(body):
            raise QueryError(f'"{word}" is not supported: a prefix is letters or digits then *, e.g. kill*')
        if sum(ch.isalpha() for ch in body) < PREFIX_MIN_LETTERS:
            raise QueryError(f'"{word}": a prefix needs at least {PREFIX_MIN_LETTERS} letters before *')
        items.append((Term("prefix", body), excluded))
    elif "*" in word:
        raise QueryError(f'"{word}" is not supported: * only ends a word, e.g. kill*')
    elif _WORDLIKE.search(word):
        items.append((Term("word", word), excluded))


def _terms(q: SearchQuery, items: list[Any]) -> None:
    """Words and phrases all match, `a OR b` joins two terms into one that matches either, `-term` is left
    out."""
    groups: list[list[Term]] = []
    joined = False  # the previous item was OR
    for i, item in enumerate(items):
        if item is _OR:
            before, after = items[i - 1] if i else None, items[i + 1] if i + 1 < len(items) else None
            if not (isinstance(before, tuple) and isinstance(after, tuple)) or before[1] or after[1]:
                raise QueryError('OR goes between two words or "phrases", e.g. tanks OR artillery')
            joined = True
            continue
        term, excluded = item
        if excluded:
            q.excluded.append(term)
        elif joined:
            groups[-1].append(term)
        else:
            groups.append([term])
        joined = False
    for group in groups:
        if len(group) > 1:
            q.any_of.append(tuple(group))
        else:
            {"word": q.words, "phrase": q.phrases, "prefix": q.prefixes}[group[0].kind].append(group[0].text)


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
    """`in:`: Slack's escaped <#C0123|name> is that channel; anything else is a channel id or name, with or
    without '#', matched without case (see `channel_ids`)."""
    escaped = _SLACK_CHANNEL.fullmatch(value)
    if escaped:
        q.channel, q.channel_name = escaped[1], None
        return
    name = value.lstrip("#").strip()
    if not name:
        raise QueryError(f'bad channel "{value}" (use in:#name)')
    q.channel, q.channel_name = None, name


def channel_ids(session: Session, value: str, team: str | None) -> list[str]:
    """The channel ids `value` names in `team` (every team for None): Slack's <#C0123|name>, or a channel
    whose id or name is `value` without its leading '#', ignoring case. The CLI files `--channel news`
    under the channel id "news"; Slack's shares carry an id (C0123) and the channel's name."""
    escaped = _SLACK_CHANNEL.fullmatch(value.strip())
    if escaped:
        return [escaped[1]]
    name = value.strip().lstrip("#").strip().lower()
    if not name:
        return []
    if team is None:  # the operator's view (CLI): every share, every team
        return list(session.scalars(_channels_named(), {"name": name}))
    rows = session.execute(_team_channels(), {"team": team})
    return [channel for channel, named in rows if name in (channel.lower(), (named or "").lower())]


@functools.cache
def _channels_named() -> sa.Select[Any]:
    named = sa.bindparam("name", type_=sa.String)
    stmt = sa.select(Share.channel).where(
        sa.or_(sa.func.lower(Share.channel) == named, sa.func.lower(Share.channel_name) == named)
    )
    return stmt.distinct().order_by(Share.channel)


@functools.cache
def _team_channels() -> sa.TextClause:
    """Each channel of `team` with the name its newest share gave it: a skip scan of the share table's
    unique index (team, channel, message_ts, url), one index probe per channel. A team has a few dozen
    channels and can have hundreds of thousands of shares: reading them all cost 3 ms per 10k shares."""
    return sa.text(
        """
        WITH RECURSIVE ch(channel) AS (
            SELECT (SELECT channel FROM share WHERE team = :team ORDER BY channel LIMIT 1)
            UNION ALL
            SELECT (SELECT s.channel FROM share AS s WHERE s.team = :team AND s.channel > ch.channel
                    ORDER BY s.channel LIMIT 1)
              FROM ch WHERE ch.channel IS NOT NULL
        )
        SELECT ch.channel,
               (SELECT s.channel_name FROM share AS s WHERE s.team = :team AND s.channel = ch.channel
                 ORDER BY s.message_ts DESC LIMIT 1) AS channel_name
          FROM ch WHERE ch.channel IS NOT NULL ORDER BY ch.channel
        """
    )


def fold(text: str) -> str:
    """How names and words are compared: compatibility forms and case folded (what `source:` matches)."""
    return unicodedata.normalize("NFKC", text).casefold()


def _fts5_term(term: Term) -> str:
    """A quoted FTS5 string (user text never becomes FTS5 syntax); a prefix gets FTS5's trailing *."""
    return '"' + term.text.replace('"', '""') + '"' + ("*" if term.kind == "prefix" else "")


def fts5_match(q: SearchQuery) -> str | None:
    """The FTS5 MATCH expression: terms ANDed, OR groups in parentheses, excluded terms after NOT. None
    without text."""
    parts = [_fts5_term(t) for t in q.required()] + [
        "(" + " OR ".join(_fts5_term(t) for t in group) + ")" for group in q.any_of
    ]
    if not parts:
        return None
    match = " AND ".join(parts)
    if q.excluded:
        match = f"({match}) NOT ({' OR '.join(_fts5_term(t) for t in q.excluded)})"
    return match


# --- searching -----------------------------------------------------------------------------------------

_E = SearchEntry.__table__
_FTS = sa.table("claim_fts", sa.column("rowid", sa.Integer))
_REGCONFIG = sa.literal_column("'claimbot'::regconfig")
_DOCUMENT = sa.literal_column("search_entry.document")
_LIKE_ESCAPE = "/"
SHAPES_CACHED = 256  # statements kept per builder: a shape is a few booleans and counts (see _Shape)


@dataclass(frozen=True, slots=True)
class _Shape:
    """What a search's statements depend on besides the values they are executed with (bound parameters
    named in the comments): each shape's statements are built once and reused, see `_matches`."""

    dialect: str
    # PostgreSQL: the kinds of the terms that must all match, each a group of alternatives (a OR b), bound as
    # t0_0, t1_0, t1_1, ...; and of the excluded terms, n0, n1, ... SQLite binds the whole FTS5 expression
    # as `match`: its shape is (("match",),) whatever the query.
    terms: tuple[tuple[str, ...], ...] = ()
    excluded: tuple[str, ...] = ()
    include_hidden: bool = False
    team: bool = False  # team
    viewer_channel: bool = False  # viewer_channel
    viewer_channels: bool = False  # viewer_channels: a list of ids, searching as from inside any of them
    channel: bool = False  # channel: an in: channel id
    channels: bool = False  # channels: the ids of the in: channel name
    source_names: bool = False  # source: entries of the sources whose names contain it
    source_ids: int = 0  # source_0, source_1, ...: PostgreSQL walks each named source's entries
    since: bool = False  # min_id

    @property
    def text(self) -> bool:
        return bool(self.terms)


def search(
    session: Session,
    text: str | SearchQuery,
    *,
    team: str | None,
    viewer_channel: str | Sequence[str] | None = None,
    limit: int = 20,
    offset: int = 0,
    now: dt.datetime | None = None,
) -> list[SearchHit]:
    """Claims matching the query, newest share first, one hit per claim (its newest visible share).

    `team=None` is the operator's view (CLI): everything. Otherwise only that team's shares, and shares in
    a private channel only when searching from inside that channel (`viewer_channel`: an id, or the ids a
    name stands for, see `channel_ids`). Either way, claims not shown in threads only with `include:hidden`.
    """
    limit = max(0, min(limit, MAX_LIMIT))
    offset = max(0, offset)
    prepared = prepare(session, text, team=team, viewer_channel=viewer_channel, now=now)
    if prepared is None or limit == 0:
        return []
    s, params = prepared.shape, dict(prepared.params)
    need = offset + limit
    params["batch"] = need * 2 + 10
    if s.dialect == "postgresql" and s.text and not s.source_ids:
        params.update(pg_head=max(PG_HEAD_ROWS, need * PG_HEAD_PER_HIT), pg_need=need)
        rows = session.execute(_newest_or_gin_pg(s), params).all()
    else:
        rows = session.execute(_matches(s), params).all()
    picked = _first_per_claim(rows)  # claim id -> entry id of its newest visible share
    while len(picked) < need and len(rows) >= params["batch"]:
        params["batch"] *= 4  # the same claims shared many times: read further
        rows = session.execute(_matches(s), params).all()
        picked = _first_per_claim(rows)
    entry_ids = list(picked.values())[offset:need]
    return load_hits(session, entry_ids)


@dataclass(frozen=True, slots=True)
class Prepared:
    """A parsed query bound to a viewer: the statement shape and its parameter values."""

    shape: _Shape
    params: dict[str, Any]


def prepare(
    session: Session,
    text: str | SearchQuery,
    *,
    team: str | None,
    viewer_channel: str | Sequence[str] | None = None,
    now: dt.datetime | None = None,
    allow_empty: bool = False,
) -> Prepared | None:
    """Check the query and resolve its names (channels, sources, since) once; None when nothing can match.

    `allow_empty`: no filter and no word means every visible claim (an operator's export), not an error."""
    q = parse_query(text, allow_empty=allow_empty) if isinstance(text, str) else text
    if q.is_empty() and not allow_empty:
        raise QueryError("empty query")
    if q.excluded and not q.has_text():
        raise QueryError('-word only narrows a search: add a word or "phrase" to look for')
    dialect = session.get_bind().dialect.name
    shape: dict[str, Any] = {"dialect": dialect, "include_hidden": q.include_hidden}
    params: dict[str, Any] = {}
    if team is not None:
        shape["team"] = True
        params["team"] = team
        if isinstance(viewer_channel, str):
            shape["viewer_channel"] = True
            params["viewer_channel"] = viewer_channel
        elif viewer_channel:
            shape["viewer_channels"] = True
            params["viewer_channels"] = list(viewer_channel)
    if q.channel is not None:
        shape["channel"] = True
        params["channel"] = q.channel
    elif q.channel_name is not None:
        channels = channel_ids(session, q.channel_name, team)
        if not channels:
            return None
        shape["channels"] = True
        params["channels"] = channels
    if q.source is not None:
        params["source"] = _like_escaped(fold(q.source).strip())
        if dialect == "postgresql":
            found = session.scalars(_sources_named(), {**params, "walk": PG_SOURCE_WALK + 1}).all()
            if not found:
                return None
            if len(found) <= PG_SOURCE_WALK:
                shape["source_ids"] = len(found)
                params.update({f"source_{i}": source_id for i, source_id in enumerate(found)})
        shape["source_names"] = not shape.get("source_ids")
    if q.since is not None:
        since = (now or dt.datetime.now(dt.UTC)) - q.since
        min_id = session.scalar(_first_entry_since(), {"since": since})
        if min_id is None:
            return None
        shape["since"] = True
        params["min_id"] = min_id
    if q.has_text():
        if dialect == "sqlite":
            shape["terms"] = (("match",),)
            params["match"] = fts5_match(q)
        else:
            groups = [(t,) for t in q.required()] + q.any_of
            shape["terms"] = tuple(tuple(t.kind for t in group) for group in groups)
            shape["excluded"] = tuple(t.kind for t in q.excluded)
            for i, group in enumerate(groups):
                params.update({f"t{i}_{j}": _pg_value(t) for j, t in enumerate(group)})
            params.update({f"n{i}": _pg_value(t) for i, t in enumerate(q.excluded)})
    return Prepared(_Shape(**shape), params)


def every_match(prepared: Prepared) -> tuple[sa.Select[Any], dict[str, Any]]:
    """(entry id, claim id) of every matching visible entry, newest first: one entry per share of a claim.
    For reading everything (an export), so it has no page and keeps no per-claim state."""
    return _matches(prepared.shape), {**prepared.params, "batch": ALL_ROWS}


def _first_per_claim(rows: Sequence[sa.Row[Any]]) -> dict[int, int]:
    picked: dict[int, int] = {}
    for entry_id, claim_id in rows:
        picked.setdefault(claim_id, entry_id)
    return picked


def _like_escaped(value: str) -> str:
    """`value` for LIKE '%' || value || '%' ESCAPE '/': what SQLAlchemy's autoescape does to a literal."""
    return value.replace("/", "//").replace("%", "/%").replace("_", "/_")


def _param(name: str, type_: sa.types.TypeEngine[Any] | type[sa.types.TypeEngine[Any]]) -> Any:
    return sa.bindparam(name, type_=type_)


@functools.cache
def _sources_named() -> sa.Select[Any]:
    """Ids of the sources whose names contain `source` (LIKE-escaped), first `walk` by id."""
    return _source_names_query().order_by(Source.id).limit(_param("walk", sa.Integer))


def _source_names_query() -> sa.Select[Any]:
    return sa.select(Source.id).where(
        Source.search_names.contains(_param("source", sa.String), escape=_LIKE_ESCAPE)
    )


@functools.cache
def _first_entry_since() -> sa.Select[Any]:
    """The id of the first entry shared at or after `since` (ids after it are newer)."""
    shared_at = _E.c.shared_at
    return (
        sa.select(_E.c.id)
        .where(shared_at >= sa.bindparam("since", type_=shared_at.type))
        .order_by(shared_at, _E.c.id)
        .limit(1)
    )


def _conditions(s: _Shape) -> list[sa.ColumnElement[bool]]:
    """The shape's filters on search_entry, values as bound parameters (see _Shape)."""
    conditions: list[sa.ColumnElement[bool]] = []
    if not s.include_hidden:
        conditions.append(_E.c.shown.is_(True))
    if s.team:
        visible = _E.c.private.is_(False)
        if s.viewer_channel:
            visible = sa.or_(visible, _E.c.channel == _param("viewer_channel", sa.String))
        elif s.viewer_channels:
            viewer = sa.bindparam("viewer_channels", expanding=True, type_=sa.String)
            visible = sa.or_(visible, _E.c.channel.in_(viewer))
        conditions += [_E.c.team == _param("team", sa.String), visible]
    if s.channel:
        conditions.append(_E.c.channel == _param("channel", sa.String))
    elif s.channels:
        conditions.append(_E.c.channel.in_(sa.bindparam("channels", expanding=True, type_=sa.String)))
    if s.source_names:
        conditions.append(_E.c.source_id.in_(_source_names_query()))
    return conditions


@functools.lru_cache(maxsize=SHAPES_CACHED)
def _newest_or_gin_pg(s: _Shape) -> sa.CompoundSelect:
    """All matches among the `pg_head` newest entries when they hold `pg_need` claims, else the GIN path's
    newest `batch`: one statement, one round trip.

    A common word fills a page among the newest entries in a few ms. The GIN path must visit every match
    of a common word and sort them (24 ms at 200k claims, growing with the table); the newest entries are
    a fixed amount of work. The LIMIT inside the head's subquery is a fence the planner cannot push the
    text match through. Each branch runs under a one-time filter on the head's claim count, so the GIN
    CTE is never executed when the head is enough, and the answer is exact either way: anything outside
    the head is older than all of it. (Two statements cost a round trip more.)
    """
    sub = _newest_pg(s.since)
    adapt = ClauseAdapter(sub).traverse
    head = (
        sa.select(sub.c.id, sub.c.claim_id)
        .where(sub.c.document.op("@@", is_comparison=True)(_tsquery(s)), *(adapt(c) for c in _conditions(s)))
        .cte("head")
        .prefix_with("MATERIALIZED")
    )
    found = _gin_matches_pg(s)
    claims = sa.select(sa.func.count(head.c.claim_id.distinct())).scalar_subquery()
    need = _param("pg_need", sa.Integer)
    from_head = sa.select(head.c.id, head.c.claim_id).where(claims >= need)
    from_gin = (
        sa.select(found.c.id, found.c.claim_id)
        .where(claims < need)
        .order_by(found.c.id.desc())
        .limit(_param("batch", sa.Integer))
    )
    return sa.union_all(from_head, from_gin).order_by(sa.literal_column("id").desc())


def _newest_pg(since: bool) -> sa.Subquery:
    """The `pg_head` newest entries (from id `min_id` when `since`)."""
    newest = sa.select(_E, _DOCUMENT.label("document"))
    if since:
        newest = newest.where(_E.c.id >= _param("min_id", sa.Integer))
    return newest.order_by(_E.c.id.desc()).limit(_param("pg_head", sa.Integer)).subquery("newest")


@functools.lru_cache(maxsize=SHAPES_CACHED)
def _matches(s: _Shape) -> sa.Select[Any]:
    """(entry id, claim id) of the newest `batch` matching entries, newest first."""
    conditions = _conditions(s)
    since = [_E.c.id >= _param("min_id", sa.Integer)] if s.since else []
    batch = _param("batch", sa.Integer)
    if s.source_ids:
        return _per_source_pg(s, [*conditions, *([_document_matches(s)] if s.text else []), *since])
    if not s.text:  # filters only: walk entries newest first
        return (
            sa.select(_E.c.id, _E.c.claim_id).where(*conditions, *since).order_by(_E.c.id.desc()).limit(batch)
        )
    if s.dialect == "sqlite":
        # FTS5 hands back matches in descending rowid and the LIMIT stops it early: no sort, no full scan.
        where = [sa.literal_column("claim_fts").op("MATCH")(_param("match", sa.String)), *conditions]
        if s.since:
            where.append(_FTS.c.rowid >= _param("min_id", sa.Integer))
        return (
            sa.select(_E.c.id, _E.c.claim_id)
            .select_from(_FTS.join(_E, _E.c.id == _FTS.c.rowid))
            .where(*where)
            .order_by(_FTS.c.rowid.desc())
            .limit(batch)
        )
    if s.dialect == "postgresql":
        found = _gin_matches_pg(s)
        return sa.select(found.c.id, found.c.claim_id).order_by(found.c.id.desc()).limit(batch)
    raise NotImplementedError(f"full-text search on {s.dialect}")


def _gin_matches_pg(s: _Shape) -> sa.CTE:
    """Every match, through the GIN index: MATERIALIZED runs it first, however rare the word (see module
    docstring)."""
    where = [_document_matches(s), *_conditions(s)]
    if s.since:
        where.append(_E.c.id >= _param("min_id", sa.Integer))
    return sa.select(_E.c.id, _E.c.claim_id).where(*where).cte("found").prefix_with("MATERIALIZED")


def _per_source_pg(s: _Shape, where: list[sa.ColumnElement[bool]]) -> sa.Select[Any]:
    """The newest `batch` matches of each named source, merged: every part walks (source_id, id) backward.

    `source_id IN (...)` gives no id order: PostgreSQL fetched every entry of the named sources and sorted
    them (5,000 heap rows for a source with 0.5% of 1M claims, about 8 ms), and with words it intersected
    them with the GIN match the same way. One part per source id, each with its id as a parameter so the
    planner sees how big that source is: a page of a source's newest entries is a few dozen rows, a word
    rare within the source turns into a BitmapAnd with the GIN index instead. The parts are merged in id
    order (Merge Append); the newest `batch` of the union are the newest `batch` overall.
    """
    batch = _param("batch", sa.Integer)
    parts = [
        sa.select(_E.c.id, _E.c.claim_id)
        .where(_E.c.source_id == _param(f"source_{i}", sa.Integer), *where)
        .order_by(_E.c.id.desc())
        .limit(batch)
        for i in range(s.source_ids)
    ]
    if len(parts) == 1:
        return parts[0]
    merged = sa.union_all(*parts).subquery("per_source")
    return sa.select(merged.c.id, merged.c.claim_id).order_by(merged.c.id.desc()).limit(batch)


def _document_matches(s: _Shape) -> sa.ColumnElement[bool]:
    return _DOCUMENT.op("@@", is_comparison=True)(_tsquery(s))


_PG_TERM = {"word": "plainto_tsquery", "phrase": "phraseto_tsquery", "prefix": "to_tsquery"}


def _pg_value(term: Term) -> str:
    """A term's bound value: a prefix is one quoted lexeme for to_tsquery (letters and digits, see
    parse_query; quoted all the same), marked :* ; words and phrases go to plainto/phraseto as typed."""
    if term.kind == "prefix":
        return "'" + term.text.replace("'", "''").replace("\\", "\\\\") + "':*"
    return term.text


def _pg_term(kind: str, name: str) -> sa.ColumnElement[Any]:
    return getattr(sa.func, _PG_TERM[kind])(_REGCONFIG, _param(name, sa.String), type_=TSQUERY)


def _pg_all(parts: list[sa.ColumnElement[Any]], operator: str) -> sa.ColumnElement[Any]:
    query = parts[0]
    for part in parts[1:]:
        query = query.op(operator, return_type=TSQUERY)(part)
    return query.self_group() if len(parts) > 1 else query


def _tsquery(s: _Shape) -> sa.ColumnElement[Any]:
    """The tsquery of the shape's terms: groups ANDed (&&), a group's alternatives ORed (||), then AND NOT
    (!!) any excluded term. The same meaning as fts5_match."""
    query = _pg_all(
        [
            _pg_all([_pg_term(kind, f"t{i}_{j}") for j, kind in enumerate(group)], "||")
            for i, group in enumerate(s.terms)
        ],
        "&&",
    )
    if s.excluded:
        excluded = _pg_all([_pg_term(kind, f"n{i}") for i, kind in enumerate(s.excluded)], "||")
        query = query.op("&&", return_type=TSQUERY)(sa.func.tsquery_not(excluded, type_=TSQUERY))
    return query


def load_hits(session: Session, entry_ids: list[int]) -> list[SearchHit]:
    """What a result shows, for these entry ids, in their order (search's pages, a source card's claims)."""
    if not entry_ids:
        return []
    rows = {row.id: row for row in session.execute(_hits_statement(), {"entry_ids": entry_ids})}
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


@functools.cache
def _hits_statement() -> sa.Select[Any]:
    """What a hit shows, for the entry ids passed as `entry_ids`: built once, from the tables' columns (the
    ORM's attributes and its execution path cost more Python time than the query takes to run)."""
    entry, claim, article, source, share = (
        model.__table__ for model in (SearchEntry, Claim, Article, Source, Share)
    )
    return (
        sa.select(
            entry.c.id,
            entry.c.shared_at,
            claim.c.id.label("claim_id"),
            claim.c.source_mention,
            claim.c.role,
            claim.c.cue,
            claim.c.content,
            claim.c.kind,
            claim.c.quantities,
            claim.c.shown,
            claim.c.act,
            source.c.name.label("source_name"),
            source.c.role.label("source_role"),
            article.c.id.label("article_id"),
            article.c.title,
            article.c.canonical_url,
            share.c.team,
            share.c.channel,
            share.c.channel_name,
            share.c.message_ts,
            share.c.thread_ts,
            share.c.permalink,
        )
        .select_from(entry_with_claim())
        .where(entry.c.id.in_(sa.bindparam("entry_ids", expanding=True)))
    )


def entry_with_claim() -> sa.Join:
    """A search entry with its claim and article, and its claim's source and its share when there are:
    what a hit (`load_hits`) and an export record (storage.export) read."""
    entry, claim, article, source, share = (
        model.__table__ for model in (SearchEntry, Claim, Article, Source, Share)
    )
    return (
        entry.join(claim, claim.c.id == entry.c.claim_id)
        .join(article, article.c.id == entry.c.article_id)
        .outerjoin(source, source.c.id == claim.c.source_id)
        .outerjoin(share, share.c.id == entry.c.share_id)
    )
