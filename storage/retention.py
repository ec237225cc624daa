"""What a workspace leaves behind, and taking it away in small steps: retention, purge, uninstalls.

Each function here does one short step inside the caller's transaction and returns what it removed, so
the caller (bot/jobs/retention.py) commits between steps: a purge of a large workspace never holds the
write lock (SQLite) or the search index lock (PostgreSQL) for longer than one step.

What goes with a share: its search entries, the share, then each article no other share refers to any
more, with its claims (their figures and other search entries), then each source left with no claim.
Articles and sources are shared by every workspace: one shared in two workspaces stays until neither refers
to it.
A purge's dry run (``scope_counts``) counts by the same rules the steps delete by.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from storage.models import (
    Article,
    ChannelSettings,
    Claim,
    ClaimFigure,
    Digest,
    SearchEntry,
    Share,
    SlackEvent,
    Source,
    Workspace,
)
from storage.repository import _insert_or_get, _lock_index
from storage.slack_tables import bots, installations

# The order a purge removes rows in, and the order its dry run lists them.
TABLES = (
    "search_entry",
    "share",
    "article",
    "claim",
    "claim_figure",
    "source",
    "digest",
    "channel_settings",
    "slack_event",
    "slack_installation",
)
# About 150 search entries and claims a step at news articles' 50 claims: SQLite's full-text delete trigger
# costs ~15 ms per 500 entries, and a step of 10 shares held its write lock up to 107 ms (bench/purge.py).
SHARES_PER_STEP = 3
ROWS_PER_STEP = 500  # digests, event ids, settings: small rows


@dataclass(frozen=True, slots=True)
class Scope:
    """A workspace, or one channel of it."""

    team: str
    channel: str | None = None

    def shares(self) -> sa.ColumnElement[bool]:
        cond = Share.team == self.team
        return sa.and_(cond, Share.channel == self.channel) if self.channel else cond

    def of(self, table: Any) -> sa.ColumnElement[bool]:
        cond = table.team == self.team
        return sa.and_(cond, table.channel == self.channel) if self.channel else cond


# --- steps ------------------------------------------------------------------------------------------------


def remove_shares(session: Session, share_ids: Sequence[int]) -> Counter[str]:
    """The shares, their search entries, and what no other share needs any more."""
    removed: Counter[str] = Counter()
    if not share_ids:
        return removed
    _lock_index(session)  # an index writer re-inserts later entries: it must not copy ours back
    articles = set(
        session.scalars(
            sa.select(Share.article_id).where(Share.id.in_(share_ids), Share.article_id.is_not(None))
        )
    )
    removed["search_entry"] += _deleted(
        session, sa.delete(SearchEntry).where(SearchEntry.share_id.in_(share_ids))
    )
    removed["share"] += _deleted(session, sa.delete(Share).where(Share.id.in_(share_ids)))
    removed += remove_unreferenced_articles(session, sorted(a for a in articles if a is not None))
    return removed


def remove_unreferenced_articles(session: Session, article_ids: Sequence[int]) -> Counter[str]:
    """Those of ``article_ids`` that no share refers to, with their claims, then sources left with none."""
    removed: Counter[str] = Counter()
    if not article_ids:
        return removed
    _lock_index(session)
    gone = list(
        session.scalars(
            sa.select(Article.id).where(
                Article.id.in_(article_ids), ~sa.exists().where(Share.article_id == Article.id)
            )
        )
    )
    if not gone:
        return removed
    sources = set(
        session.scalars(
            sa.select(Claim.source_id)
            .where(Claim.article_id.in_(gone), Claim.source_id.is_not(None))
            .distinct()
        )
    )
    # explicit, not left to ON DELETE CASCADE, so the counts are exact on both databases
    removed["search_entry"] += _deleted(
        session, sa.delete(SearchEntry).where(SearchEntry.article_id.in_(gone))
    )
    removed["claim_figure"] += _deleted(
        session, sa.delete(ClaimFigure).where(ClaimFigure.article_id.in_(gone))
    )
    removed["claim"] += _deleted(session, sa.delete(Claim).where(Claim.article_id.in_(gone)))
    removed["article"] += _deleted(session, sa.delete(Article).where(Article.id.in_(gone)))
    if sources:
        removed["source"] += _deleted(
            session,
            sa.delete(Source).where(
                Source.id.in_(sorted(s for s in sources if s is not None)),
                ~sa.exists().where(Claim.source_id == Source.id),
            ),
        )
    return removed


def purge_step(session: Session, scope: Scope) -> Counter[str]:
    """One step of removing everything of ``scope``; empty when nothing is left."""
    ids = list(session.scalars(sa.select(Share.id).where(scope.shares()).limit(SHARES_PER_STEP)))
    if ids:
        return remove_shares(session, ids)
    removed: Counter[str] = Counter()
    removed["digest"] += _deleted_batch(session, Digest, scope.of(Digest))
    removed["channel_settings"] += _deleted_batch(session, ChannelSettings, scope.of(ChannelSettings))
    if scope.channel is None and not +removed:
        removed["slack_event"] += _deleted_batch(session, SlackEvent, SlackEvent.team == scope.team)
    return +removed


def forget_installation(session: Session, team: str) -> Counter[str]:
    """The workspace's tokens (slack_sdk's installation tables) and its uninstall mark: its last rows."""
    removed: Counter[str] = Counter()
    removed["slack_installation"] += _deleted(
        session, installations.delete().where(installations.c.team_id == team)
    )
    removed["slack_installation"] += _deleted(session, bots.delete().where(bots.c.team_id == team))
    session.execute(sa.delete(Workspace).where(Workspace.team == team))
    return +removed


def expire_step(session: Session, cutoff: dt.datetime) -> Counter[str]:
    """One step of retention: shares, then digests and event ids, older than ``cutoff``; empty when none
    is left. Articles no share refers to any more go with the last share that did (``remove_shares``)."""
    ids = list(session.scalars(sa.select(Share.id).where(Share.created_at < cutoff).limit(SHARES_PER_STEP)))
    if ids:
        return remove_shares(session, ids)
    removed: Counter[str] = Counter()
    removed["digest"] += _deleted_batch(session, Digest, Digest.created_at < cutoff)
    removed["slack_event"] += _deleted_batch(session, SlackEvent, SlackEvent.received_at < cutoff)
    return +removed


def stale_articles_step(
    session: Session, cutoff: dt.datetime, after_id: int
) -> tuple[Counter[str], int | None]:
    """Articles fetched before ``cutoff`` that no share refers to (read for a share that then failed, or
    ingested and never shared), looked for among the next ROWS_PER_STEP articles after ``after_id`` and
    removed SHARES_PER_STEP at most, so a step reads and deletes a bounded number of rows. Returns what
    went and where to go on (None: at the end)."""
    window = list(
        session.scalars(
            sa.select(Article.id)
            .where(Article.id > after_id, Article.fetched_at < cutoff)
            .order_by(Article.id)
            .limit(ROWS_PER_STEP)
        )
    )
    if not window:
        return Counter(), None
    orphans = list(
        session.scalars(
            sa.select(Article.id)
            .where(Article.id.in_(window), ~sa.exists().where(Share.article_id == Article.id))
            .order_by(Article.id)
            .limit(SHARES_PER_STEP)
        )
    )
    # every article of the window up to the last orphan taken is either gone now or still referred to
    after = orphans[-1] if len(orphans) == SHARES_PER_STEP else window[-1]
    return remove_unreferenced_articles(session, orphans), after


# --- uninstalls -------------------------------------------------------------------------------------------


def mark_uninstalled(session: Session, team: str, reason: str, at: dt.datetime) -> bool:
    """Mark a workspace for purge; True if newly marked (a second event keeps the first time)."""
    _, created = _insert_or_get(
        session,
        lambda: Workspace(team=team, uninstalled_at=at, reason=reason),
        lambda: session.scalar(sa.select(Workspace).where(Workspace.team == team)),
    )
    return created


def unmark_uninstalled(session: Session, team: str) -> bool:
    """A workspace installed again: its data stays. True if it was marked."""
    return _deleted(session, sa.delete(Workspace).where(Workspace.team == team)) > 0


def due_for_purge(session: Session, before: dt.datetime) -> list[str]:
    return list(
        session.scalars(
            sa.select(Workspace.team).where(Workspace.uninstalled_at <= before).order_by(Workspace.id)
        )
    )


def marked(session: Session, team: str) -> Workspace | None:
    return session.scalar(sa.select(Workspace).where(Workspace.team == team))


# --- what would go, what is kept ---------------------------------------------------------------------------


def scope_counts(session: Session, scope: Scope) -> Counter[str]:
    """What purging ``scope`` would remove, by the rules the steps delete by (a dry run)."""
    in_scope = sa.select(Share.article_id).where(scope.shares(), Share.article_id.is_not(None))
    outside = sa.exists().where(Share.article_id == Article.id, ~scope.shares())
    articles = sa.select(Article.id).where(Article.id.in_(in_scope), ~outside)
    outside_claim = sa.exists().where(Claim.source_id == Source.id, Claim.article_id.not_in(articles))
    sources = sa.select(Source.id).where(
        sa.exists().where(Claim.source_id == Source.id, Claim.article_id.in_(articles)), ~outside_claim
    )
    share_ids = sa.select(Share.id).where(scope.shares())
    entries = sa.select(SearchEntry.id).where(
        sa.or_(SearchEntry.share_id.in_(share_ids), SearchEntry.article_id.in_(articles))
    )
    counts: Counter[str] = Counter(
        {
            "search_entry": _count(session, entries),
            "share": _count(session, share_ids),
            "article": _count(session, articles),
            "claim": _count(session, sa.select(Claim.id).where(Claim.article_id.in_(articles))),
            "claim_figure": _count(
                session, sa.select(ClaimFigure.id).where(ClaimFigure.article_id.in_(articles))
            ),
            "source": _count(session, sources),
            "digest": _count(session, sa.select(Digest.id).where(scope.of(Digest))),
            "channel_settings": _count(
                session, sa.select(ChannelSettings.id).where(scope.of(ChannelSettings))
            ),
        }
    )
    if scope.channel is None:
        counts["slack_event"] = _count(session, sa.select(SlackEvent.id).where(SlackEvent.team == scope.team))
    return +counts


@dataclass(frozen=True, slots=True)
class WorkspaceStats:
    team: str
    shares: int
    articles: int
    claims: int
    oldest: dt.datetime | None
    newest: dt.datetime | None
    uninstalled_at: dt.datetime | None


def workspace_stats(session: Session) -> list[WorkspaceStats]:
    """Per workspace with shares (or marked uninstalled): what it keeps, and since when."""
    shares = {
        team: (n, articles, oldest, newest)
        for team, n, articles, oldest, newest in session.execute(
            sa.select(
                Share.team,
                sa.func.count(Share.id),
                sa.func.count(sa.distinct(Share.article_id)),
                sa.func.min(Share.created_at),
                sa.func.max(Share.created_at),
            ).group_by(Share.team)
        )
    }
    claims: dict[str, int] = {
        team: n
        for team, n in session.execute(
            sa.select(SearchEntry.team, sa.func.count(sa.distinct(SearchEntry.claim_id)))
            .where(SearchEntry.team.is_not(None))
            .group_by(SearchEntry.team)
        )
    }
    uninstalled: dict[str, dt.datetime] = {
        team: at for team, at in session.execute(sa.select(Workspace.team, Workspace.uninstalled_at))
    }
    out = []
    for team in sorted(set(shares) | set(uninstalled)):
        n, articles, oldest, newest = shares.get(team, (0, 0, None, None))
        out.append(
            WorkspaceStats(
                team=team,
                shares=n,
                articles=articles,
                claims=claims.get(team, 0),
                oldest=oldest,
                newest=newest,
                uninstalled_at=uninstalled.get(team),
            )
        )
    return out


def database_bytes(session: Session) -> int:
    bind = session.get_bind()
    if bind.dialect.name == "postgresql":
        return int(session.scalar(sa.text("SELECT pg_database_size(current_database())")) or 0)
    pages = session.scalar(sa.text("PRAGMA page_count")) or 0
    size = session.scalar(sa.text("PRAGMA page_size")) or 0
    return int(pages) * int(size)


# --- helpers ------------------------------------------------------------------------------------------------


def _deleted(session: Session, statement: Any) -> int:
    result = session.execute(statement, execution_options={"synchronize_session": False})
    return int(getattr(result, "rowcount", 0) or 0)


def _deleted_batch(session: Session, model: Any, where: sa.ColumnElement[bool]) -> int:
    ids = list(session.scalars(sa.select(model.id).where(where).limit(ROWS_PER_STEP)))
    if not ids:
        return 0
    return _deleted(session, sa.delete(model).where(model.id.in_(ids)))


def _count(session: Session, select: sa.Select[Any]) -> int:
    return int(session.scalar(sa.select(sa.func.count()).select_from(select.subquery())) or 0)
