"""`/claims`: search, help, and the channel's digest and link-watching settings."""

from __future__ import annotations

from collections.abc import Callable
from logging import Logger
from typing import TYPE_CHECKING, Any

from slack_bolt import Respond
from slack_sdk import WebClient

from bot import slack_limits
from bot.channel_settings import ChannelCommandError, change_settings
from bot.render import search_blocks, search_text
from bot.searching import search_page
from storage.search import QueryError

if TYPE_CHECKING:
    from bot.app import AppDeps


def make_claims_command(deps: AppDeps) -> Callable[..., None]:
    def run_claims(body: dict[str, Any], respond: Respond, client: WebClient, logger: Logger) -> None:
        text = (body.get("text") or "").strip()
        team, channel, user = body["team_id"], body["channel_id"], body["user_id"]
        first = text.split(maxsplit=1)[0].lower() if text else ""
        if first in ("", "help", "?", "-h", "--help"):
            respond(text=slack_limits.USAGE, response_type="ephemeral")
            return
        if first in ("digest", "watch"):
            try:
                message = change_settings(
                    deps.services, client, team=team, channel=channel, user=user, text=text
                )
            except ChannelCommandError as exc:
                message = f":warning: {exc}"
            respond(text=message, response_type="ephemeral")
            return
        try:
            page = search_page(
                deps.services,
                team=team,
                viewer_channel=channel,
                query=text,
                page_size=deps.services.settings.search_page_size,
            )
        except QueryError as exc:
            logger.info("bad /claims query %r: %s", text, exc)
            respond(text=f":warning: {exc}. Try `/claims help`.", response_type="ephemeral")
            return
        respond(text=search_text(page)[:3000], blocks=search_blocks(page), response_type="ephemeral")

    return run_claims
