"""Every field of the claims a query matches, with their provenance, streamed newest share first.

One record per (claim, share): a claim shared in two channels is two records, each with its own channel,
time and thread link, because provenance is per share. An article nobody shared yet (CLI ingest) appears
only in the operator's export (`team=None`), with empty share fields. Records are read with a database
cursor `batch` rows at a time (`yield_per`: a server-side cursor on PostgreSQL, SQLite's own stepping), so
an export of a million claims holds one batch in memory, never the result.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Iterator, Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from storage.models import Article, Claim, SearchEntry, Share, Source
from storage.search import SearchQuery, entry_with_claim, every_match, prepare

__all__ = ["FIELDS", "export_records"]

# The order of a CSV's columns and of a JSON record's keys. Offsets are character offsets into the stored
# article text (end exclusive): `content_start:content_end` is the claim's verbatim span.
FIELDS: tuple[str, ...] = (
    "claim_id",
    "source",
    "source_kind",
    "source_aliases",
    "source_mention",
    "role",
    "cue",
    "content",
    "kind",
    "act",
    "shown",
    "quantities",
    "entities",
    "rank",
    "salience",
    "sentence",
    "content_start",
    "content_end",
    "source_start",
    "source_end",
    "cue_start",
    "cue_end",
    "article_id",
    "article_url",
    "article_requested_url",
    "article_title",
    "article_site",
    "article_byline",
    "article_published",
    "article_fetched_at",
    "team",
    "channel",
    "channel_name",
    "channel_private",
    "message_ts",
    "thread_ts",
    "thread_link",
    "shared_by",
    "shared_at",
)


def export_records(
    session: Session,
    text: str | SearchQuery,
    *,
    team: str | None,
    viewer_channel: str | Sequence[str] | None = None,
    limit: int | None = None,
    batch: int = 1000,
    now: dt.datetime | None = None,
) -> Iterator[dict[str, Any]]:
    """The records `search` would find, every share of each (same visibility), as dicts keyed by FIELDS.

    An empty query is every visible claim. Raises QueryError at once, before any record is read, for a
    query `search` refuses."""
    prepared = prepare(session, text, team=team, viewer_channel=viewer_channel, now=now, allow_empty=True)
    if prepared is None:
        return iter(())
    matches, params = every_match(prepared)
    statement = _records_statement(matches)
    if limit is not None:
        statement = statement.limit(max(limit, 0))
    return _stream(session, statement, params, batch)


def _stream(
    session: Session, statement: sa.Select[Any], params: dict[str, Any], batch: int
) -> Iterator[dict[str, Any]]:
    for row in session.execute(statement, params, execution_options={"yield_per": batch}):
        yield _record(row._mapping)


def _record(row: Any) -> dict[str, Any]:
    record = {name: row[name] for name in FIELDS}
    record["source"] = row["source"] or row["source_mention"]
    record["quantities"] = list(row["quantities"] or [])
    record["entities"] = list(row["entities"] or [])
    record["source_aliases"] = list(row["source_aliases"] or [])
    record["channel_private"] = bool(row["channel_private"]) if row["team"] is not None else None
    return record


@functools.lru_cache(maxsize=64)
def _records_statement(matches: sa.Select[Any]) -> sa.Select[Any]:
    """Built once per query shape (`matches` is the cached statement of that shape)."""
    found = matches.subquery("found")
    entry, claim, article, source, share = (
        model.__table__ for model in (SearchEntry, Claim, Article, Source, Share)
    )
    return (
        sa.select(
            claim.c.id.label("claim_id"),
            source.c.name.label("source"),
            source.c.kind.label("source_kind"),
            source.c.aliases.label("source_aliases"),
            claim.c.source_mention,
            sa.func.coalesce(claim.c.role, source.c.role).label("role"),
            claim.c.cue,
            claim.c.content,
            claim.c.kind,
            claim.c.act,
            claim.c.shown,
            claim.c.quantities,
            claim.c.entities,
            claim.c.rank,
            claim.c.salience,
            claim.c.sentence,
            claim.c.start.label("content_start"),
            claim.c.end.label("content_end"),
            claim.c.source_start,
            claim.c.source_end,
            claim.c.cue_start,
            claim.c.cue_end,
            article.c.id.label("article_id"),
            article.c.canonical_url.label("article_url"),
            article.c.url.label("article_requested_url"),
            article.c.title.label("article_title"),
            article.c.site.label("article_site"),
            article.c.byline.label("article_byline"),
            article.c.published.label("article_published"),
            article.c.fetched_at.label("article_fetched_at"),
            entry.c.team,
            entry.c.channel,
            share.c.channel_name,
            entry.c.private.label("channel_private"),
            share.c.message_ts,
            share.c.thread_ts,
            share.c.permalink.label("thread_link"),
            share.c.user.label("shared_by"),
            entry.c.shared_at,
        )
        .select_from(found.join(entry_with_claim(), entry.c.id == found.c.id))
        .order_by(found.c.id.desc())
    )
