"""Reads and writes the bot needs. Functions take a Session; the caller owns the transaction and commits.

Every "insert unless it exists" here is race-safe the same way: try the INSERT inside a SAVEPOINT and treat
an IntegrityError on the unique key as "someone else got there first", then read their row. Slack
redelivers events and several processes may handle the same one, so these paths are not hypothetical.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import TypeVar

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, joinedload

from storage.models import (
    Article,
    ArticleAnchor,
    ChannelSettings,
    Claim,
    Digest,
    SearchEntry,
    Share,
    SlackEvent,
    Source,
)
from storage.records import NewArticle, NewClaim, NewSource
from storage.types import utcnow

__all__ = [
    "SharedArticle",
    "article_claims",
    "article_visible",
    "await_reply",
    "channel_settings",
    "claim_digest",
    "claim_shares",
    "complete_share",
    "digest_subscriptions",
    "fail_share",
    "failed_shares",
    "find_article",
    "get_article",
    "get_share",
    "get_shares",
    "mark_digest_posted",
    "pending_shares",
    "recent_articles",
    "record_share",
    "release_held_by",
    "release_shares",
    "remember_event",
    "renew_lease",
    "reply_failed",
    "reply_posted",
    "resumable_shares",
    "set_digest",
    "set_share_reply",
    "set_watch",
    "shared_claims",
    "source_key",
    "store_article",
    "team_channel_settings",
]

T = TypeVar("T")

MAX_ERROR_CHARS = 2000
# pg_advisory_xact_lock key serialising search-index writers, so entry ids follow commit order.
SEARCH_INDEX_LOCK = 0x636C61696D


@dataclass(slots=True)
class SharedArticle:
    """An article as a channel saw it: its shown claims by rank and the share(s) that brought it there."""

    article: Article
    claims: list[Claim]
    shares: list[Share]


# --- helpers -------------------------------------------------------------------------------------------


def _insert_or_get(session: Session, make: Callable[[], T], find: Callable[[], T | None]) -> tuple[T, bool]:
    """Insert `make()` in a savepoint; on a unique-key clash return the row the other writer committed."""
    existing = find()
    if existing is not None:
        return existing, False
    try:
        with session.begin_nested():
            row = make()
            session.add(row)
    except IntegrityError:
        found = find()
        if found is None:  # the clash was on something else: not ours to hide
            raise
        return found, False
    return row, True


def source_key(name: str) -> str:
    """The identity of a source name: case-folded, spaces collapsed, outer punctuation and quotes dropped."""
    folded = unicodedata.normalize("NFKC", name).casefold()
    folded = re.sub(r"\s+", " ", folded).strip()
    return folded.strip(" \"'“”‘’.,;:()[]-–—")


def _search_names(name: str, aliases: Iterable[str]) -> str:
    return "\n".join(unicodedata.normalize("NFKC", n).casefold() for n in [name, *aliases])


# --- articles and claims -------------------------------------------------------------------------------


def find_article(session: Session, url: str) -> Article | None:
    """The stored article for a URL, whether it is the canonical one or the one first requested."""
    by_canonical = session.scalar(sa.select(Article).where(Article.canonical_url == url))
    if by_canonical is not None:
        return by_canonical
    return session.scalars(sa.select(Article).where(Article.url == url).order_by(Article.id).limit(1)).first()


def store_article(session: Session, article: NewArticle, claims: Sequence[NewClaim]) -> tuple[Article, bool]:
    """Store an article and its claims once per canonical URL: (article, created).

    An article stored before (or by a concurrent writer a moment ago) is returned as is with False, and
    none of `claims` is stored: an article is analysed once, whoever shares it. Claims are ranked in the
    order given (`rank` 1 first), not re-sorted.
    """

    def find() -> Article | None:
        return session.scalar(sa.select(Article).where(Article.canonical_url == article.canonical_url))

    def make() -> Article:
        return Article(
            url=article.url,
            canonical_url=article.canonical_url,
            title=article.title,
            site=article.site,
            byline=article.byline,
            published=article.published,
            text=article.text,
            word_count=len(article.text.split()),
            story_id=article.story_id,
            wire=article.wire,
        )

    existing = find()
    if existing is not None:
        return existing, False
    _lock_index(session)  # before any row lock: see _lock_index
    row, created = _insert_or_get(session, make, find)
    if not created:
        return row, False

    sources = _resolve_sources(session, [c.source for c in claims if c.source is not None])
    # The extractor's order is the order a thread shows, so stored order == `claimbot extract --json` order.
    for rank, c in enumerate(claims, start=1):
        session.add(
            Claim(
                article_id=row.id,
                source=sources[source_key(c.source.name)] if c.source is not None else None,
                source_mention=c.source_mention,
                role=c.role,
                cue=c.cue,
                content=c.content,
                kind=c.kind,
                start=c.start,
                end=c.end,
                sentence=c.sentence,
                source_start=c.source_start,
                source_end=c.source_end,
                cue_start=c.cue_start,
                cue_end=c.cue_end,
                quantities=list(c.quantities),
                entities=list(c.entities),
                salience=c.salience,
                rank=rank,
                shown=c.shown,
                act=c.act,
            )
        )
    session.add_all(ArticleAnchor(article_id=row.id, hash=h) for h in dict.fromkeys(article.anchors))
    session.flush()
    # Until someone shares it (CLI ingest), only the operator's search sees it.
    _index(session, row.id, share=None, shared_at=row.fetched_at)
    return row, True


def _resolve_sources(session: Session, new_sources: Sequence[NewSource]) -> dict[str, Source]:
    """Find or create each source and merge what this article adds (aliases, a first known role).

    Rows are locked in key order so two articles naming the same people cannot deadlock on PostgreSQL.
    """
    by_key: dict[str, list[NewSource]] = {}
    for s in new_sources:
        by_key.setdefault(source_key(s.name), []).append(s)
    resolved: dict[str, Source] = {}
    for key in sorted(by_key):
        group = by_key[key]
        first = group[0]

        def find(key: str = key) -> Source | None:
            return session.scalar(sa.select(Source).where(Source.name_key == key).with_for_update())

        def make(key: str = key, first: NewSource = first) -> Source:
            return Source(
                name=first.name.strip(),
                name_key=key,
                kind=first.kind,
                role=None,
                aliases=[],
                search_names=_search_names(first.name.strip(), []),
            )

        source, _ = _insert_or_get(session, make, find)
        _merge_source(source, group)
        resolved[key] = source
    session.flush()
    return resolved


def _merge_source(source: Source, group: Sequence[NewSource]) -> None:
    known = {source_key(source.name), *(source_key(a) for a in source.aliases)}
    aliases = list(source.aliases)
    for s in group:
        for name in [s.name, *s.aliases]:
            if name.strip() and source_key(name) not in known:
                known.add(source_key(name))
                aliases.append(name.strip())
        if source.role is None and s.role:
            source.role = s.role
    if aliases != source.aliases:
        source.aliases = aliases
        source.search_names = _search_names(source.name, aliases)


def article_claims(session: Session, article_id: int, *, include_hidden: bool = False) -> list[Claim]:
    """An article's claims a reader may see, by rank, with their sources loaded; `include_hidden` adds the
    ones kept only for recall (`Claim.shown` false)."""
    stmt = sa.select(Claim).where(Claim.article_id == article_id)
    if not include_hidden:
        stmt = stmt.where(Claim.shown.is_(True))
    stmt = stmt.order_by(Claim.rank, Claim.id).options(joinedload(Claim.source))
    return list(session.scalars(stmt))


def shown_claim_ids(session: Session, article_ids: Sequence[int]) -> list[int]:
    """The ids of these articles' shown claims (a digest's tracked figures)."""
    if not article_ids:
        return []
    stmt = sa.select(Claim.id).where(Claim.article_id.in_(article_ids), Claim.shown.is_(True))
    return list(session.scalars(stmt.order_by(Claim.id)))


# --- the search index ----------------------------------------------------------------------------------


def _lock_index(session: Session) -> None:
    """Serialise search-index writers (PostgreSQL; SQLite writers are serialised already).

    Taken first in a transaction that will index, before it locks any row: a writer that locked a source
    row (``_resolve_sources``) and then waited for this lock, while the holder's index insert waited for
    that row's foreign-key check, was a deadlock, one a second, under a burst of shares.
    """
    if session.get_bind().dialect.name == "postgresql":
        session.execute(sa.select(sa.func.pg_advisory_xact_lock(SEARCH_INDEX_LOCK)))


def _index(session: Session, article_id: int, share: Share | None, shared_at: dt.datetime) -> None:
    """Add one search entry per claim of the article for this share, keeping id order == share-time order.

    Search reads entries newest id first and needs no sort (DESIGN: rowid order as recency). A share
    completed after a newer one (the pipeline runs in parallel) would break that, so entries with a later
    share time are moved behind the new ones (re-inserted with fresh ids; triggers move their text).
    """
    _lock_index(session)
    # sorted here, not by ORDER BY id: SQLite would then walk the whole table in rowid order instead of
    # reading the few later entries through ix_search_entry_shared_at (20 ms a share at 160k entries)
    later = sorted(session.scalars(sa.select(SearchEntry.id).where(SearchEntry.shared_at > shared_at)))
    claims = session.execute(
        sa.select(Claim.id, Claim.source_id, Claim.shown)
        .where(Claim.article_id == article_id)
        .order_by(Claim.rank.desc())
    ).all()
    if claims:
        session.execute(
            sa.insert(SearchEntry),
            [
                {
                    "claim_id": claim_id,
                    "article_id": article_id,
                    "share_id": share.id if share else None,
                    "source_id": source_id,
                    "team": share.team if share else None,
                    "channel": share.channel if share else None,
                    "private": share.channel_private if share else False,
                    "shown": shown,
                    "shared_at": shared_at,
                }
                for claim_id, source_id, shown in claims
            ],
        )
    if later:
        cols = [
            "claim_id",
            "article_id",
            "share_id",
            "source_id",
            "team",
            "channel",
            "private",
            "shown",
            "shared_at",
        ]
        table = SearchEntry.__table__
        session.execute(
            sa.insert(table).from_select(
                cols,
                sa.select(*(table.c[c] for c in cols)).where(table.c.id.in_(later)).order_by(table.c.id),
            )
        )
        session.execute(sa.delete(table).where(table.c.id.in_(later)))


# --- events and shares ---------------------------------------------------------------------------------


def remember_event(session: Session, team: str, event_id: str) -> bool:
    """True the first time an event id is seen, False for Slack's redeliveries (from any process)."""
    _, created = _insert_or_get(
        session,
        lambda: SlackEvent(team=team, event_id=event_id),
        lambda: session.scalar(sa.select(SlackEvent).where(SlackEvent.event_id == event_id)),
    )
    return created


def record_share(
    session: Session,
    *,
    team: str,
    channel: str,
    message_ts: str,
    url: str,
    thread_ts: str | None = None,
    user: str | None = None,
    channel_name: str | None = None,
    channel_private: bool = False,
) -> tuple[Share, bool]:
    """Record a link in a message before any slow work: (share, created). A retried event gets False."""

    def find() -> Share | None:
        return session.scalar(
            sa.select(Share).where(
                Share.team == team, Share.channel == channel, Share.message_ts == message_ts, Share.url == url
            )
        )

    def make() -> Share:
        return Share(
            team=team,
            channel=channel,
            channel_name=channel_name,
            channel_private=channel_private,
            message_ts=message_ts,
            thread_ts=thread_ts or message_ts,
            user=user,
            url=url,
            status="pending",
        )

    return _insert_or_get(session, make, find)


def complete_share(session: Session, share: Share, article: Article, reply_ts: str | None = None) -> None:
    """Mark a share done and make its article's claims searchable from its channel.

    Calling it again (e.g. to add the reply ts after posting) does not index twice.
    """
    if reply_ts is not None:
        share.reply_ts = reply_ts
    if share.status == "done" and share.article_id == article.id:
        session.flush()
        return
    _lock_index(session)  # before the share's row lock: see _lock_index
    share.article_id = article.id
    share.status = "done"
    share.error = None
    session.flush()
    session.execute(sa.delete(SearchEntry).where(SearchEntry.share_id == share.id))
    # Once shared, the operator's view finds the article through the share: drop the unshared entries.
    session.execute(
        sa.delete(SearchEntry).where(SearchEntry.article_id == article.id, SearchEntry.share_id.is_(None))
    )
    _index(session, article.id, share=share, shared_at=share.created_at)


def get_share(session: Session, share_id: int) -> Share:
    share = session.get(Share, share_id)
    if share is None:
        raise LookupError(f"no share {share_id}")
    return share


def get_shares(session: Session, share_ids: Sequence[int]) -> list[Share]:
    """Shares by id, in id order (the order of a message's links); missing ids are left out."""
    return list(session.scalars(sa.select(Share).where(Share.id.in_(list(share_ids))).order_by(Share.id)))


def get_article(session: Session, article_id: int) -> Article:
    article = session.get(Article, article_id)
    if article is None:
        raise LookupError(f"no article {article_id}")
    return article


def _free(now: dt.datetime) -> sa.ColumnElement[bool]:
    """Nobody holds the share: never claimed, released, or its holder stopped renewing (presumed dead)."""
    return sa.or_(Share.lease_until.is_(None), Share.lease_until < now)


def _workable(now: dt.datetime) -> sa.ColumnElement[bool]:
    """Unread, or read with a reply owed whose backoff has run out."""
    reply_due = sa.and_(
        Share.reply_status == "pending",
        sa.or_(Share.next_attempt_at.is_(None), Share.next_attempt_at <= now),
    )
    return sa.or_(Share.status == "pending", reply_due)


def claim_shares(
    session: Session,
    share_ids: Sequence[int],
    *,
    owner: str,
    lease_seconds: float = 60,
    now: dt.datetime | None = None,
) -> list[Share]:
    """Lease the workable shares among `share_ids` to `owner`: one holder at a time, so a job delivered
    twice, or resumed while its first run still works, posts once.

    The holder renews the lease while it works (`renew_lease`); a lease that ran out belonged to a worker
    that died and can be taken. One UPDATE decides: on PostgreSQL a concurrent claimer waits for the row
    and then finds it leased; on SQLite writers are serialised by BEGIN IMMEDIATE.
    """
    if not share_ids:
        return []
    now = now or utcnow()
    claimed = session.scalars(
        sa.update(Share)
        .where(Share.id.in_(list(share_ids)), _workable(now), _free(now))
        .values(claimed_at=now, claimed_by=owner, lease_until=now + dt.timedelta(seconds=lease_seconds))
        .returning(Share.id)
    ).all()
    if not claimed:
        return []
    return list(
        session.scalars(
            sa.select(Share)
            .where(Share.id.in_(claimed))
            .order_by(Share.id)
            .execution_options(populate_existing=True)
        )
    )


def renew_lease(session: Session, share_ids: Sequence[int], *, owner: str, lease_seconds: float) -> int:
    """Extend `owner`'s leases; returns how many it still holds (fewer: another worker took over)."""
    if not share_ids:
        return 0
    result = session.execute(
        sa.update(Share)
        .where(Share.id.in_(list(share_ids)), Share.claimed_by == owner, Share.lease_until.is_not(None))
        .values(lease_until=utcnow() + dt.timedelta(seconds=lease_seconds))
        .execution_options(synchronize_session=False)
    )
    return int(result.rowcount)  # type: ignore[attr-defined]


def release_shares(session: Session, share_ids: Sequence[int], *, owner: str) -> None:
    """Give the leases back so the shares are at once workable again (when their backoff allows)."""
    if share_ids:
        session.execute(
            sa.update(Share)
            .where(Share.id.in_(list(share_ids)), Share.claimed_by == owner)
            .values(claimed_by=None, lease_until=None)
            .execution_options(synchronize_session=False)
        )


def release_held_by(session: Session, owner_prefix: str) -> int:
    """Give back every lease whose holder id starts with ``owner_prefix`` (one process's jobs, when it
    stops before they finish); returns how many shares it freed."""
    result = session.execute(
        sa.update(Share)
        .where(Share.claimed_by.startswith(owner_prefix, autoescape=True), Share.lease_until.is_not(None))
        .values(claimed_by=None, lease_until=None)
        .execution_options(synchronize_session=False)
    )
    return int(result.rowcount)  # type: ignore[attr-defined]


def resumable_shares(
    session: Session, *, now: dt.datetime | None = None, unclaimed_grace_seconds: float = 0
) -> list[Share]:
    """Shares with work left that nobody holds: unread, or owed a reply that is due.

    A share never claimed is skipped until it is `unclaimed_grace_seconds` old: a periodic sweep should
    not race the job intake queued for it a moment ago (at start-up, pass 0).
    """
    now = now or utcnow()
    fresh = now - dt.timedelta(seconds=unclaimed_grace_seconds)
    stmt = (
        sa.select(Share)
        .where(_workable(now), _free(now), sa.or_(Share.claimed_at.is_not(None), Share.created_at <= fresh))
        .order_by(Share.id)
    )
    return list(session.scalars(stmt))


def await_reply(session: Session, share: Share) -> None:
    """The link is read (done or failed): its reply is owed from now on, whatever happens to this worker."""
    if share.reply_status is None:
        share.reply_status = "pending"
        session.flush()


def reply_posted(session: Session, share_ids: Sequence[int], *, reply_ts: str, permalink: str | None) -> None:
    """The reply is in Slack: remember it and let the shares go for good."""
    if share_ids:
        session.execute(
            sa.update(Share)
            .where(Share.id.in_(list(share_ids)))
            .values(
                reply_ts=reply_ts,
                permalink=permalink,
                reply_status="posted",
                reply_error=None,
                next_attempt_at=None,
                claimed_by=None,
                lease_until=None,
            )
            .execution_options(synchronize_session=False)
        )


def reply_failed(
    session: Session,
    share_ids: Sequence[int],
    *,
    owner: str,
    error: str,
    retry_at: dt.datetime | None,
) -> None:
    """Count a failed attempt at the reply: try again at `retry_at`, or (None) give up and fail the shares."""
    for share in session.scalars(sa.select(Share).where(Share.id.in_(list(share_ids)))):
        share.reply_attempts += 1
        share.reply_error = error[:MAX_ERROR_CHARS]
        share.next_attempt_at = retry_at
        if share.claimed_by == owner:
            share.claimed_by, share.lease_until = None, None
        if retry_at is None:
            share.reply_status = "failed"
            share.status = "failed"
            share.error = (share.error or f"the summary could not be posted: {error}")[:MAX_ERROR_CHARS]
    session.flush()


def article_visible(session: Session, article_id: int, *, team: str, viewer_channel: str) -> bool:
    """Whether someone in ``viewer_channel`` of ``team`` may read this article's claims: it was shared in
    that workspace, in a public channel or in the viewer's own channel (search's visibility rule)."""
    seen = sa.select(Share.id).where(
        Share.article_id == article_id,
        Share.team == team,
        Share.status == "done",
        sa.or_(Share.channel_private.is_(False), Share.channel == viewer_channel),
    )
    return session.scalar(seen.limit(1)) is not None


def failed_shares(
    session: Session, team: str, limit: int = 5, *, include_private: bool = False
) -> list[Share]:
    """The team's most recent links that failed for good (App Home's "Links I couldn't read")."""
    stmt = sa.select(Share).where(Share.team == team, Share.status == "failed")
    if not include_private:
        stmt = stmt.where(Share.channel_private.is_(False))
    return list(session.scalars(stmt.order_by(Share.created_at.desc(), Share.id.desc()).limit(limit)))


def set_share_reply(
    session: Session, share_ids: Sequence[int], *, reply_ts: str | None, permalink: str | None = None
) -> None:
    """Remember our threaded reply for the shares of one message (search results link to it)."""
    if share_ids:
        session.execute(
            sa.update(Share)
            .where(Share.id.in_(list(share_ids)))
            .values(reply_ts=reply_ts, permalink=permalink)
        )


def fail_share(session: Session, share: Share, error: str) -> None:
    share.status = "failed"
    share.error = error[:MAX_ERROR_CHARS]
    session.flush()


def pending_shares(session: Session, limit: int = 100) -> list[Share]:
    """Shares recorded but not finished, oldest first: what a restarted worker resumes."""
    stmt = sa.select(Share).where(Share.status == "pending").order_by(Share.id).limit(limit)
    return list(session.scalars(stmt))


# --- digests -------------------------------------------------------------------------------------------


def set_digest(
    session: Session,
    *,
    team: str,
    channel: str,
    enabled: bool,
    hour: int = 9,
    minute: int = 0,
    timezone: str = "UTC",
    user: str | None = None,
) -> ChannelSettings:
    if not (0 <= hour < 24 and 0 <= minute < 60):
        raise ValueError(f"bad digest time {hour:02d}:{minute:02d}")
    settings, _ = _insert_or_get(
        session,
        lambda: ChannelSettings(team=team, channel=channel),
        lambda: channel_settings(session, team, channel),
    )
    settings.digest_enabled = enabled
    settings.digest_hour = hour
    settings.digest_minute = minute
    settings.timezone = timezone
    settings.set_by = user
    settings.updated_at = utcnow()
    settings.digest_set_at = settings.updated_at
    session.flush()
    return settings


def set_watch(
    session: Session, *, team: str, channel: str, watch: bool, user: str | None = None
) -> ChannelSettings:
    """Turn automatic summaries of links shared in a channel on or off."""
    settings, _ = _insert_or_get(
        session,
        lambda: ChannelSettings(team=team, channel=channel),
        lambda: channel_settings(session, team, channel),
    )
    settings.watch_links = watch
    settings.set_by = user
    settings.updated_at = utcnow()
    session.flush()
    return settings


def channel_settings(session: Session, team: str, channel: str) -> ChannelSettings | None:
    return session.scalar(
        sa.select(ChannelSettings).where(ChannelSettings.team == team, ChannelSettings.channel == channel)
    )


def team_channel_settings(session: Session, team: str) -> list[ChannelSettings]:
    stmt = sa.select(ChannelSettings).where(ChannelSettings.team == team).order_by(ChannelSettings.channel)
    return list(session.scalars(stmt))


def digest_subscriptions(session: Session) -> list[ChannelSettings]:
    """Every channel with its digest on; the scheduler decides which are due in their time zone."""
    stmt = (
        sa.select(ChannelSettings)
        .where(ChannelSettings.digest_enabled.is_(True))
        .order_by(ChannelSettings.team, ChannelSettings.channel)
    )
    return list(session.scalars(stmt))


def claim_digest(session: Session, *, team: str, channel: str, local_date: dt.date) -> bool:
    """Reserve the day's digest for this channel: True for exactly one caller, whichever process it is."""

    def find() -> Digest | None:
        return session.scalar(
            sa.select(Digest).where(
                Digest.team == team, Digest.channel == channel, Digest.local_date == local_date
            )
        )

    _, created = _insert_or_get(
        session, lambda: Digest(team=team, channel=channel, local_date=local_date, claim_count=0), find
    )
    return created


def mark_digest_posted(
    session: Session, team: str, channel: str, local_date: dt.date, posted_ts: str | None, claim_count: int
) -> None:
    session.execute(
        sa.update(Digest)
        .where(Digest.team == team, Digest.channel == channel, Digest.local_date == local_date)
        .values(posted_ts=posted_ts, claim_count=claim_count)
    )


def shared_claims(
    session: Session,
    *,
    since: dt.datetime,
    until: dt.datetime,
    team: str | None = None,
    channel: str | None = None,
) -> list[SharedArticle]:
    """Articles shared (and analysed) in [since, until), in order of their first share in the window.

    An article shared twice in the window appears once, with both shares.
    """
    stmt = sa.select(Share).where(Share.status == "done", Share.created_at >= since, Share.created_at < until)
    if team is not None:
        stmt = stmt.where(Share.team == team)
    if channel is not None:
        stmt = stmt.where(Share.channel == channel)
    shares = list(session.scalars(stmt.order_by(Share.created_at, Share.id)))
    return _group_by_article(session, shares)


def recent_articles(
    session: Session, team: str, limit: int = 10, *, include_private: bool = False
) -> list[SharedArticle]:
    """The team's most recently shared articles, newest first (App Home).

    Private channels are left out unless asked for: App Home is seen outside the channel.
    """
    last = sa.func.max(Share.created_at).label("last")
    recent = sa.select(Share.article_id, last).where(
        Share.team == team, Share.status == "done", Share.article_id.is_not(None)
    )
    if not include_private:
        recent = recent.where(Share.channel_private.is_(False))
    recent = recent.group_by(Share.article_id).order_by(last.desc()).limit(limit)
    article_ids = [row.article_id for row in session.execute(recent)]
    if not article_ids:
        return []
    stmt = sa.select(Share).where(
        Share.team == team, Share.status == "done", Share.article_id.in_(article_ids)
    )
    if not include_private:
        stmt = stmt.where(Share.channel_private.is_(False))
    shares = list(session.scalars(stmt.order_by(Share.created_at.desc(), Share.id.desc())))
    return _group_by_article(session, shares)


def _group_by_article(session: Session, shares: Sequence[Share]) -> list[SharedArticle]:
    order: dict[int, list[Share]] = {}
    for share in shares:
        if share.article_id is not None:
            order.setdefault(share.article_id, []).append(share)
    if not order:
        return []
    by_id = {a.id: a for a in session.scalars(sa.select(Article).where(Article.id.in_(order)))}
    claims: dict[int, list[Claim]] = {aid: [] for aid in order}
    shown = (
        sa.select(Claim)
        .where(Claim.article_id.in_(order), Claim.shown.is_(True))
        .order_by(Claim.article_id, Claim.rank, Claim.id)
        .options(joinedload(Claim.source))
    )
    for claim in session.scalars(shown):
        claims[claim.article_id].append(claim)
    return [SharedArticle(by_id[aid], claims[aid], group) for aid, group in order.items()]
