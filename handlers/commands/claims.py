"""`/claims`: search, help, and the channel's digest and link-watching settings."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from slack_bolt import Respond
from slack_sdk import WebClient

from bot.features.channel_settings import ChannelCommandError, change_settings
from bot.features.search import search_page
from bot.views import slack_limits
from bot.views.render import search_blocks, search_text
from storage.search import QueryError

if TYPE_CHECKING:
    from handlers.deps import AppDeps

logger = logging.getLogger(__name__)  # see handlers/events/guard.py for why not Bolt's listener logger

# A search query is a few words and filters; Slack allows ~4,000 characters of command text. Anything longer
# is refused before it reaches the parser or SQL (whose work grows with the number of terms).
FAILED = ":warning: Search failed on our side; the operator has the details. Try again in a moment."


def _short(text: str, limit: int = 200) -> str:
    """Enough of a user's text to recognise it in a log line or a warning, never 10,000 characters."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


def make_claims_command(deps: AppDeps) -> Callable[..., None]:
    def run_claims(body: dict[str, Any], respond: Respond, client: WebClient) -> None:
        """Any text gets an ephemeral answer: results, usage, or a one-line warning; never silence."""
        try:
            _run(body, respond, client)
        except Exception:
            # A lazy listener's exception reaches no one: the user would wait for an answer forever.
            logger.exception("/claims failed for %r", _short(str(body.get("text"))))
            respond(text=FAILED, response_type="ephemeral")

    def _run(body: dict[str, Any], respond: Respond, client: WebClient) -> None:
        raw = body.get("text")
        text = raw.strip() if isinstance(raw, str) else ""
        team, channel, user = (str(body.get(key) or "") for key in ("team_id", "channel_id", "user_id"))
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
            logger.info("bad /claims query %r: %s", _short(text), exc)
            respond(text=f":warning: {_short(str(exc))}. Try `/claims help`.", response_type="ephemeral")
            return
        respond(text=search_text(page)[:3000], blocks=search_blocks(page), response_type="ephemeral")

    return run_claims
