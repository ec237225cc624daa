"""A message with article links gets a summary in its thread."""

from __future__ import annotations

from collections.abc import Callable
from logging import Logger
from typing import TYPE_CHECKING, Any

from slack_bolt import BoltContext
from slack_sdk import WebClient

from bot.intake import SharedMessage, accept, channel_watched
from bot.links import article_links, new_links
from bot.slack_ops import channel_is_private

if TYPE_CHECKING:
    from bot.app import AppDeps

# Subtypes that are still a person sharing something; every other subtype (joins, bot posts, deletions,
# topic changes...) is ignored.
PERSON_SUBTYPES = {None, "thread_broadcast", "file_share", "me_message"}


def shared_links(event: dict[str, Any], deny_domains: list[str]) -> tuple[dict[str, Any], list[str]] | None:
    """The message and the links to summarise, or None when the event is not a person sharing links."""
    subtype = event.get("subtype")
    if subtype == "message_changed":
        message = event.get("message") or {}
        if message.get("bot_id") or message.get("subtype") not in PERSON_SUBTYPES:
            return None
        previous = event.get("previous_message") or {}
        links = new_links(
            article_links(message.get("text"), message.get("blocks"), deny_domains),
            article_links(previous.get("text"), previous.get("blocks"), deny_domains),
        )
        return message, links
    if subtype not in PERSON_SUBTYPES or event.get("bot_id"):
        return None
    return event, article_links(event.get("text"), event.get("blocks"), deny_domains)


def make_message_handler(deps: AppDeps) -> Callable[..., None]:
    def handle_message(
        event: dict[str, Any], body: dict[str, Any], context: BoltContext, client: WebClient, logger: Logger
    ) -> None:
        found = shared_links(event, deps.services.settings.deny_domains)
        if found is None:
            return
        message, links = found
        if not links:
            return
        team = context.team_id or body.get("team_id") or ""
        channel = event.get("channel") or context.channel_id or ""
        if not channel_watched(deps.services, team, channel):
            logger.info("channel %s does not watch links; ignoring", channel)
            return
        ts = message["ts"]
        accept(
            deps.services,
            deps.queue,
            SharedMessage(
                team=team,
                channel=channel,
                message_ts=ts,
                thread_ts=message.get("thread_ts") or ts,
                user=message.get("user"),
                links=links,
                channel_private=channel_is_private(client, channel, event.get("channel_type")),
                event_id=body.get("event_id"),
            ),
        )

    return handle_message
