"""Hand a message's links to bot.jobs.intake: the one step messages and mentions share."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from slack_bolt import BoltContext
from slack_sdk import WebClient

from bot.jobs.intake import SharedMessage, accept
from handlers.events.guard import text_field

if TYPE_CHECKING:
    from handlers.deps import AppDeps


def share_links(
    deps: AppDeps,
    client: WebClient,
    body: dict[str, Any],
    context: BoltContext,
    *,
    event: dict[str, Any],
    message: dict[str, Any],
    channel: str,
    ts: str,
    links: list[str],
) -> None:
    """``message`` is the message itself (for an edit, the edited one inside ``event``)."""
    where = deps.clients.channels.info(client, channel, text_field(event, "channel_type"))
    accept(
        deps.services,
        deps.queue,
        SharedMessage(
            team=context.team_id or body.get("team_id") or "",
            channel=channel,
            message_ts=ts,
            thread_ts=text_field(message, "thread_ts") or ts,
            user=text_field(message, "user"),
            links=links,
            channel_private=where.private,
            channel_name=where.name,
            event_id=text_field(body, "event_id"),
        ),
    )
