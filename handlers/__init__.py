"""Slack listeners: parse the payload, call bot/ and storage/ through bot/, respond. Thin by design."""

from __future__ import annotations

from typing import TYPE_CHECKING

from handlers import actions, commands, events

if TYPE_CHECKING:
    from slack_bolt import App

    from handlers.deps import AppDeps


def register(app: App, deps: AppDeps) -> None:
    events.register(app, deps)
    commands.register(app, deps)
    actions.register(app, deps)
