"""`@claimbot <url>` summarises a link anywhere, even where automatic watching is off."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from slack_bolt import BoltContext
from slack_sdk import WebClient

from bot.slack.links import article_links
from bot.views import slack_limits
from handlers.events.guard import text_field
from handlers.events.sharing import share_links

if TYPE_CHECKING:
    from handlers.deps import AppDeps

logger = logging.getLogger(__name__)  # see handlers/events/guard.py for why not Bolt's listener logger


def make_mention_handler(deps: AppDeps) -> Callable[..., None]:
    def handle_mention(
        event: dict[str, Any], body: dict[str, Any], context: BoltContext, client: WebClient
    ) -> None:
        ts, channel = text_field(event, "ts"), text_field(event, "channel")
        if channel is None or ts is None:
            logger.warning(
                "ignoring app_mention %s without a %s", body.get("event_id"), "channel" if ts else "ts"
            )
            return
        thread_ts = text_field(event, "thread_ts") or ts
        links = article_links(event.get("text"), event.get("blocks"), deps.services.settings.deny_domains)
        if not links:
            client.chat_postMessage(channel=channel, thread_ts=thread_ts, text=slack_limits.MENTION_HELP)
            return
        share_links(
            deps, client, body, context, event=event, message=event, channel=channel, ts=ts, links=links
        )

    return handle_mention
