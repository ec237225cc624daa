"""Next/Previous on an ephemeral search result: re-run the query for that page, as the clicker."""

from __future__ import annotations

from collections.abc import Callable
from logging import Logger
from typing import TYPE_CHECKING, Any

from slack_bolt import Ack, Respond

from bot.features.search import search_page
from bot.views.render import search_blocks, search_text
from handlers.actions.clicks import button_state, click_place
from storage.search import QueryError

if TYPE_CHECKING:
    from handlers.deps import AppDeps


def make_paging_handler(deps: AppDeps) -> Callable[..., None]:
    def turn_page(
        ack: Ack, body: dict[str, Any], action: dict[str, Any], respond: Respond, logger: Logger
    ) -> None:
        ack()
        try:
            state = button_state(action)
            query, page = str(state["q"]), int(state["p"])
        except (ValueError, KeyError, TypeError):
            logger.warning("paging button with a bad value: %r", action.get("value"))
            respond(text=":warning: That button has expired; run `/claims` again.", replace_original=False)
            return
        team, channel = click_place(body)
        try:
            result = search_page(
                deps.services,
                team=team,
                viewer_channel=channel,
                query=query,
                page=page,
                page_size=deps.services.settings.search_page_size,
            )
        except QueryError as exc:
            respond(text=f":warning: {exc}", replace_original=False)
            return
        respond(
            text=search_text(result)[:3000],
            blocks=search_blocks(result),
            replace_original=True,
            response_type="ephemeral",
        )

    return turn_page
