"""App Home: the workspace's recent articles and claims, and each channel's digest setting."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from slack_bolt import BoltContext
from slack_sdk import WebClient

from bot.features.home import home_view
from handlers.events.guard import text_field

if TYPE_CHECKING:
    from handlers.deps import AppDeps

logger = logging.getLogger(__name__)  # see handlers/events/guard.py for why not Bolt's listener logger


def make_home_handler(deps: AppDeps) -> Callable[..., None]:
    def handle_home_opened(event: dict[str, Any], context: BoltContext, client: WebClient) -> None:
        if event.get("tab", "home") != "home":
            return
        user = text_field(event, "user")
        if user is None:
            logger.warning("ignoring app_home_opened without a user")
            return
        client.views_publish(user_id=user, view=home_view(deps.services, context.team_id or ""))

    return handle_home_opened
