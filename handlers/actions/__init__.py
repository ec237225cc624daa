"""Block actions: paging through search results, and a thread's "Show all N claims"."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.views.render import SHOW_ALL_ACTION
from handlers.actions.article import make_article_claims_handler
from handlers.actions.paging import make_paging_handler

if TYPE_CHECKING:
    from slack_bolt import App

    from handlers.deps import AppDeps


def register(app: App, deps: AppDeps) -> None:
    handler = make_paging_handler(deps)
    app.action("claims_next")(handler)
    app.action("claims_prev")(handler)
    app.action(SHOW_ALL_ACTION)(make_article_claims_handler(deps))
