"""Block actions: paging through search results."""

from __future__ import annotations

from typing import TYPE_CHECKING

from handlers.actions.paging import make_paging_handler

if TYPE_CHECKING:
    from slack_bolt import App

    from handlers.deps import AppDeps


def register(app: App, deps: AppDeps) -> None:
    handler = make_paging_handler(deps)
    app.action("claims_next")(handler)
    app.action("claims_prev")(handler)
