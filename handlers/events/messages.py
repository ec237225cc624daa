"""A message with article links gets a summary in its thread."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from slack_bolt import BoltContext
from slack_sdk import WebClient

from bot.jobs.intake import channel_watched
from bot.slack.links import article_links, new_links
from handlers.events.guard import text_field
from handlers.events.sharing import share_links

if TYPE_CHECKING:
    from handlers.deps import AppDeps

logger = logging.getLogger(__name__)  # see handlers/events/guard.py for why not Bolt's listener logger

# Subtypes that are still a person sharing something; every other subtype (joins, bot posts, deletions,
# topic changes...) is ignored.
PERSON_SUBTYPES = {None, "thread_broadcast", "file_share", "me_message"}


def shared_links(event: dict[str, Any], deny_domains: list[str]) -> tuple[dict[str, Any], list[str]] | None:
    """The message and the links to summarise, or None when the event is not a person sharing links."""
    subtype = event.get("subtype")
    if subtype == "message_changed":
        message = event.get("message")
        if not isinstance(message, dict):
            logger.info("ignoring message_changed without a message object")
            return None
        if message.get("bot_id") or message.get("subtype") not in PERSON_SUBTYPES:
            logger.info("ignoring an edit of a message that is not a person's")
            return None
        previous = event.get("previous_message")
        previous = previous if isinstance(previous, dict) else {}
        links = new_links(
            article_links(message.get("text"), message.get("blocks"), deny_domains),
            article_links(previous.get("text"), previous.get("blocks"), deny_domains),
        )
        return message, links
    if subtype not in PERSON_SUBTYPES:
        logger.info("ignoring message of subtype %r", subtype)
        return None
    if event.get("bot_id"):
        logger.info("ignoring a bot's message")
        return None
    text, blocks = event.get("text"), event.get("blocks")
    if not isinstance(text, str) and not blocks:
        logger.info("ignoring message %s without text or blocks", event.get("ts"))
        return None
    if blocks is not None and not (isinstance(blocks, list) and all(isinstance(b, dict) for b in blocks)):
        logger.info("message %s has blocks of an unexpected shape; reading its text only", event.get("ts"))
        blocks = None
    return event, article_links(text, blocks, deny_domains)


def make_message_handler(deps: AppDeps) -> Callable[..., None]:
    def handle_message(
        event: dict[str, Any], body: dict[str, Any], context: BoltContext, client: WebClient
    ) -> None:
        found = shared_links(event, deps.services.settings.deny_domains)
        if found is None:
            return
        message, links = found
        if not links:
            logger.debug("message without article links; nothing to do")
            return
        team = context.team_id or body.get("team_id") or ""
        channel = text_field(event, "channel")
        ts = text_field(message, "ts")
        if channel is None or ts is None:
            logger.warning(
                "ignoring message event %s without a %s", body.get("event_id"), "channel" if ts else "ts"
            )
            return
        if not channel_watched(deps.services, team, channel):
            logger.info("channel %s does not watch links; ignoring", channel)
            return
        share_links(
            deps, client, body, context, event=event, message=message, channel=channel, ts=ts, links=links
        )

    return handle_message
