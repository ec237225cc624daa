"""`/claims`: search, help, a source's card, and the channel's digest and link-watching settings.

The first word picks a route (`ROUTES`); any other text is a search. A new subcommand is one function
taking (deps, command) and one entry in `ROUTES`.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from slack_bolt import Respond
from slack_sdk import WebClient

from bot.features.channel_settings import ChannelCommandError, change_settings
from bot.features.chart import post_chart
from bot.features.export import post_export
from bot.features.search import search_page
from bot.features.sources import source_card
from bot.views import slack_limits
from bot.views.render import search_blocks, search_text
from bot.views.source_card import source_card_blocks, source_card_text
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


@dataclass(frozen=True, slots=True)
class Command:
    """One /claims invocation, parsed once for every route."""

    text: str  # the whole command text, stripped
    rest: str  # the text after the first word ("Konashenkov" of "who Konashenkov")
    team: str
    channel: str
    user: str
    respond: Respond
    client: WebClient

    def ephemeral(self, text: str, blocks: list[dict[str, Any]] | None = None) -> None:
        """Answer only the person who asked, as every /claims answer does."""
        if blocks is None:
            self.respond(text=text, response_type="ephemeral")
        else:
            self.respond(text=text, blocks=blocks, response_type="ephemeral")


def _usage(deps: AppDeps, cmd: Command) -> None:
    cmd.ephemeral(slack_limits.USAGE)


def _channel_settings(deps: AppDeps, cmd: Command) -> None:
    try:
        message = change_settings(
            deps.services, cmd.client, team=cmd.team, channel=cmd.channel, user=cmd.user, text=cmd.text
        )
    except ChannelCommandError as exc:
        message = f":warning: {exc}"
    cmd.ephemeral(message)


def _who(deps: AppDeps, cmd: Command) -> None:
    answer = source_card(deps.services, team=cmd.team, viewer_channel=cmd.channel, name=cmd.rest)
    text = source_card_text(answer)[: slack_limits.MAX_FALLBACK_TEXT]
    cmd.ephemeral(text, source_card_blocks(answer) if answer.card else None)


def _upload(post: Callable[..., str], usage: str) -> Route:
    """A route that posts a file in the conversation (a chart, an export) and tells the asker how it went."""

    def route(deps: AppDeps, cmd: Command) -> None:
        if not cmd.rest.strip():
            cmd.ephemeral(usage)
            return
        cmd.ephemeral(
            post(deps.services, cmd.client, team=cmd.team, channel=cmd.channel, user=cmd.user, query=cmd.rest)
        )

    return route


def _search(deps: AppDeps, cmd: Command) -> None:
    try:
        page = search_page(
            deps.services,
            team=cmd.team,
            viewer_channel=cmd.channel,
            query=cmd.text,
            page_size=deps.services.settings.search_page_size,
        )
    except QueryError as exc:
        logger.info("bad /claims query %r: %s", _short(cmd.text), exc)
        cmd.ephemeral(f":warning: {_short(str(exc))}. Try `/claims help`.")
        return
    cmd.ephemeral(search_text(page)[: slack_limits.MAX_FALLBACK_TEXT], search_blocks(page))


Route = Callable[["AppDeps", Command], None]

# First word (lower case) -> what answers it; anything else is a search query.
ROUTES: dict[str, Route] = {
    "": _usage,
    "help": _usage,
    "?": _usage,
    "-h": _usage,
    "--help": _usage,
    "digest": _channel_settings,
    "watch": _channel_settings,
    "who": _who,
    "chart": _upload(post_chart, slack_limits.CHART_USAGE),
    "export": _upload(post_export, slack_limits.EXPORT_USAGE),
}


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
        words = text.split(maxsplit=1)
        first, rest = (words[0].lower(), words[1] if len(words) > 1 else "") if words else ("", "")
        cmd = Command(
            text=text, rest=rest, team=team, channel=channel, user=user, respond=respond, client=client
        )
        ROUTES.get(first, _search)(deps, cmd)

    return run_claims
