"""The "Show all N claims" button under a thread summary, and its Previous/Next: an ephemeral list."""

from __future__ import annotations

from collections.abc import Callable
from logging import Logger
from typing import TYPE_CHECKING, Any

from slack_bolt import Ack, Respond

from bot.features.article_claims import article_claims_page
from bot.views.render import article_claims_blocks, article_claims_text
from handlers.actions.clicks import button_state, click_place

if TYPE_CHECKING:
    from handlers.deps import AppDeps

GONE = ":warning: I can't list those claims here any more; search them with `/claims`."


def make_article_claims_handler(deps: AppDeps) -> Callable[..., None]:
    def show_all(
        ack: Ack, body: dict[str, Any], action: dict[str, Any], respond: Respond, logger: Logger
    ) -> None:
        ack()
        try:
            state = button_state(action)
            article_id, page = int(state["a"]), int(state["p"])
        except (ValueError, KeyError, TypeError):
            logger.warning("show-all button with a bad value: %r", action.get("value"))
            respond(text=GONE, replace_original=False, response_type="ephemeral")
            return
        team, channel = click_place(body)
        result = article_claims_page(
            deps.services,
            article_id=article_id,
            team=team,
            viewer_channel=channel,
            page=page,
            page_size=deps.services.settings.search_page_size,
        )
        if result is None:
            logger.info("show-all for article %s refused in %s/%s", article_id, team, channel)
            respond(text=GONE, replace_original=False, response_type="ephemeral")
            return
        # The thread's button gets a new message for the clicker only; Previous/Next on it replace it.
        in_our_list = bool((body.get("container") or {}).get("is_ephemeral"))
        respond(
            text=article_claims_text(result)[:3000],
            blocks=article_claims_blocks(result),
            replace_original=in_our_list,
            response_type="ephemeral",
        )

    return show_all
