"""The Socket Mode connection of `claimbot run`: slack_sdk's built-in client under Bolt's handler.

Measured against the stand-in (bench/socket_mode.py) for Slack's refreshes, close frames, TCP closes
without a close frame and half-open links.
"""

from __future__ import annotations

from slack_bolt import App
from slack_bolt.adapter.socket_mode import SocketModeHandler

from bot.config import Settings


def socket_mode_handler(app: App, settings: Settings) -> SocketModeHandler:
    assert settings.slack_app_token is not None
    token = settings.slack_app_token.get_secret_value()
    return SocketModeHandler(app, token, ping_interval=settings.socket_mode_ping_interval)
