"""app_uninstalled and tokens_revoked: the workspace's tokens go at once (Bolt's own listeners, in OAuth
mode) and its data after CLAIMBOT_UNINSTALL_GRACE_DAYS (bot/jobs/retention.py), unless it installs again."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from slack_bolt import BoltContext

from bot.jobs.retention import mark_uninstalled
from bot.jobs.scheduler import utc_now

if TYPE_CHECKING:
    from slack_bolt import App

    from handlers.deps import AppDeps

logger = logging.getLogger(__name__)  # see handlers/events/guard.py for why not Bolt's listener logger


def register_uninstall(app: App, deps: AppDeps) -> None:
    oauth = deps.clients.installation_store is not None
    forget_tokens = app.default_tokens_revoked_event_listener() if oauth else None
    forget_all = app.default_app_uninstalled_event_listener() if oauth else None

    def app_uninstalled(context: BoltContext) -> None:
        _mark(deps, context, "app_uninstalled")
        if forget_all is not None:
            forget_all(context=context)

    def tokens_revoked(event: dict[str, Any], context: BoltContext) -> None:
        # a user's own token revoked leaves the bot working: only the bot's token ends the install
        if (event.get("tokens") or {}).get("bot"):
            _mark(deps, context, "tokens_revoked")
        if forget_tokens is not None:
            forget_tokens(event=event, context=context)

    app.event("app_uninstalled")(app_uninstalled)
    app.event("tokens_revoked")(tokens_revoked)


def _mark(deps: AppDeps, context: BoltContext, reason: str) -> None:
    team = context.team_id
    if not team:
        logger.warning("%s without a team id: nothing to mark", reason)
        return
    mark_uninstalled(deps.services, team, reason, utc_now())
