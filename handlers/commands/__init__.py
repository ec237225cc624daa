"""Slash commands."""

from __future__ import annotations

from typing import TYPE_CHECKING

from slack_bolt import Ack

from handlers.commands.claims import make_claims_command

if TYPE_CHECKING:
    from slack_bolt import App

    from handlers.deps import AppDeps


def just_ack(ack: Ack) -> None:
    ack()


def register(app: App, deps: AppDeps) -> None:
    app.command("/claims")(ack=just_ack, lazy=[make_claims_command(deps)])
