"""Accepting shared links: the only work done right after Slack's ack, and kept fast.

Writes the Share rows (and the event id) in one transaction before any slow work, then hands their ids
to the queue. Slack retries and duplicate deliveries hit the unique keys and stop here.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass

from bot.jobs.queue import JobQueue
from bot.services import Services
from storage import repository

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class SharedMessage:
    team: str
    channel: str
    message_ts: str
    thread_ts: str
    user: str | None
    links: Sequence[str]
    channel_private: bool
    channel_name: str | None = None
    event_id: str | None = None


def accept(services: Services, queue: JobQueue, message: SharedMessage) -> list[int]:
    """Record the message's links and queue them; returns the new share ids (empty for a duplicate)."""
    with services.transaction() as session:
        if message.event_id and not repository.remember_event(session, message.team, message.event_id):
            logger.info(
                "event %s already received",
                message.event_id,
                extra={"event_id": message.event_id, "team": message.team, "channel": message.channel},
            )
            return []
        created = []
        for url in message.links:
            share, is_new = repository.record_share(
                session,
                team=message.team,
                channel=message.channel,
                message_ts=message.message_ts,
                url=url,
                thread_ts=message.thread_ts,
                user=message.user,
                channel_name=message.channel_name,
                channel_private=message.channel_private,
            )
            if is_new:
                created.append(share.id)
    if created:
        logger.info(
            "shares %s recorded for %s/%s",
            created,
            message.team,
            message.channel,
            extra={
                "share_ids": created,
                "team": message.team,
                "channel": message.channel,
                "event_id": message.event_id,
            },
        )
        queue.submit(created)
    else:
        logger.info("links of %s/%s already shared", message.channel, message.message_ts)
    return created


def channel_watched(services: Services, team: str, channel: str) -> bool:
    """Channels summarise links automatically unless someone turned it off with `/claims watch off`."""
    with services.reading() as session:
        setting = repository.channel_settings(session, team, channel)
        return setting is None or setting.watch_links
