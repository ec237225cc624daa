"""Daily digests: which channels are due, what they get, and posting each at most once a day.

The schedule is kept in each channel's own time zone, but decided from a UTC clock: a channel is due once
its local wall-clock time has passed the configured hour on a local date that has no Digest row yet. The
row is inserted before posting (its uniqueness is the lock), so restarts, two schedulers and daylight-
saving changes neither repeat nor skip a day. A digest covers the claims shared since the previous day's
scheduled time, so consecutive digests neither overlap nor leave gaps, even across a DST change.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Protocol
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy.orm import Session

from bot.features.chart import tracked_chart
from bot.services import Services
from bot.views.cards import story_cards
from bot.views.chart import render_png
from bot.views.render import DigestView, digest_blocks, digest_fallback, digest_text, escape
from storage import models, repository

logger = logging.getLogger(__name__)


class Poster(Protocol):
    """Where digests go: Slack in the app (bot/jobs/scheduler.py), anything that records them in tests."""

    def __call__(self, team: str, channel: str, blocks: list[dict], text: str, plain: str) -> str | None:
        """Post a digest; its message ts, or None when the post failed (logged)."""

    def attach(
        self,
        team: str,
        channel: str,
        thread_ts: str,
        *,
        filename: str,
        title: str,
        content: bytes,
        comment: str,
    ) -> bool:
        """Post a file in the digest's thread; False when Slack refused it (logged)."""


@dataclass(frozen=True, slots=True)
class DueDigest:
    team: str
    channel: str
    local_date: date
    since: datetime
    until: datetime
    timezone: str = "UTC"


def zone(name: str | None) -> ZoneInfo:
    try:
        return ZoneInfo(name or "UTC")
    except (ZoneInfoNotFoundError, ValueError):
        logger.warning("unknown time zone %r, using UTC", name)
        return ZoneInfo("UTC")


def scheduled_instant(day: date, hour: int, minute: int, tz: ZoneInfo) -> datetime:
    """The UTC instant of ``hour:minute`` local on ``day``; a wall time skipped by DST maps forward."""
    local = datetime.combine(day, time(hour, minute), tzinfo=tz)
    # Round-trip through UTC normalises a non-existent local time (spring forward) to a real instant.
    return local.astimezone(ZoneInfo("UTC"))


def due_digest(setting: models.ChannelSettings, now: datetime) -> DueDigest | None:
    """The digest this channel owes at ``now`` (UTC), if its time has come today."""
    if not setting.digest_enabled:
        return None
    tz = zone(setting.timezone)
    local_now = now.astimezone(tz)
    today = local_now.date()
    until = scheduled_instant(today, setting.digest_hour, setting.digest_minute, tz)
    if now < until:
        return None
    # Turned on after today's time: the first digest is tomorrow's, not an immediate one.
    enabled_at = setting.digest_set_at
    if enabled_at is not None and enabled_at.tzinfo is None:
        enabled_at = enabled_at.replace(tzinfo=ZoneInfo("UTC"))
    if enabled_at is not None and enabled_at > until:
        return None
    since = scheduled_instant(today - timedelta(days=1), setting.digest_hour, setting.digest_minute, tz)
    return DueDigest(setting.team, setting.channel, today, since, until, str(tz))


def digest_view(
    session: Session,
    *,
    team: str | None,
    channel: str | None,
    since: datetime,
    until: datetime,
    day: date | None = None,
    channel_label: str | None = None,
    include_private: bool = True,
    timezone: str = "UTC",
) -> DigestView:
    """``include_private=False`` leaves out articles shared only in private channels (workspace-wide)."""
    shared = repository.shared_claims(session, since=since, until=until, team=team, channel=channel)
    if not include_private:
        shared = [item for item in shared if any(not share.channel_private for share in item.shares)]
    cards = story_cards(shared)
    label = channel_label or (f"<#{channel}>" if channel and team else (channel or "all channels"))
    return DigestView(
        channel_label=label,
        day=day or until.date(),
        cards=cards,
        since=since,
        until=until,
        timezone=timezone,
    )


def run_due_digests(services: Services, post: Poster, now: datetime) -> list[DueDigest]:
    """Post every digest due at ``now``; returns the ones this call posted."""
    with services.reading() as session:
        due = [d for s in repository.digest_subscriptions(session) if (d := due_digest(s, now))]
    posted = []
    for item in due:
        with services.transaction() as session:
            if not repository.claim_digest(
                session, team=item.team, channel=item.channel, local_date=item.local_date
            ):
                continue  # another process or an earlier run took this day
            view = digest_view(
                session,
                team=item.team,
                channel=item.channel,
                since=item.since,
                until=item.until,
                day=item.local_date,
                timezone=item.timezone,
            )
        claim_count = sum(card.total_claims for card in view.cards)
        ts = None
        if view.cards:
            ts = post(item.team, item.channel, digest_blocks(view), digest_fallback(view), digest_text(view))
            if ts is None:
                logger.error(
                    "digest for %s/%s on %s was not posted", item.team, item.channel, item.local_date
                )
            else:
                posted.append(item)
                attach_tracked_chart(services, post, item, view, ts)
        else:
            logger.info("nothing to digest for %s/%s on %s", item.team, item.channel, item.local_date)
        with services.transaction() as session:
            repository.mark_digest_posted(
                session,
                team=item.team,
                channel=item.channel,
                local_date=item.local_date,
                posted_ts=ts,
                claim_count=claim_count,
            )
    return posted


def attach_tracked_chart(
    services: Services, post: Poster, item: DueDigest, view: DigestView, ts: str
) -> None:
    """When a figure tracked in the channel changed that day (a running tally moved on, or a source's
    figure differs from another's), the digest's thread gets a chart of it. A chart that cannot be drawn
    or posted costs the digest nothing: it is logged and left out."""
    article_ids = [card.article_id for card in view.cards if card.article_id is not None]
    if not article_ids:
        return
    try:
        with services.reading() as session:
            claim_ids = repository.shown_claim_ids(session, article_ids)
            chart = tracked_chart(session, team=item.team, channel=item.channel, claim_ids=claim_ids)
        if chart is None:
            return
        png = render_png(chart.spec)
    except Exception:
        logger.exception(
            "tracked-figure chart for %s/%s on %s failed", item.team, item.channel, item.local_date
        )
        return
    comment = f"A figure tracked here changed today: {escape(chart.what)} ({chart.figures} figures, 30 days)"
    post.attach(
        item.team,
        item.channel,
        ts,
        filename="tracked-figure.png",
        title=f"Tracked: {chart.what}"[:250],
        content=png,
        comment=comment,
    )
