"""The Socket Mode connection of `claimbot run`: Bolt's handler over our `ClaimbotSocketModeClient`.

Bolt's ``SocketModeHandler`` builds slack_sdk's built-in client itself; that client took 3 s to switch
links on Slack's routine refresh, spun a core after a TCP close, waited a health-check tick after a close
frame and took 40 s to notice a half-open link (bench/socket_mode.py). The handler is kept (its ``handle``
runs the Bolt app and sends the ack) and its client replaced with ours: see bot/entry/socket_client.py for
each fix and the upstream issue it stands in for.
"""

from __future__ import annotations

import threading

from slack_bolt import App
from slack_bolt.adapter.socket_mode import SocketModeHandler

from bot.config import Settings
from bot.entry.socket_client import ClaimbotSocketModeClient


def socket_mode_handler(app: App, settings: Settings) -> SocketModeHandler:
    """Bolt's handler with our client, built from the same arguments Bolt gives its own."""
    assert settings.slack_app_token is not None
    token = settings.slack_app_token.get_secret_value()
    handler = SocketModeHandler(app, token, ping_interval=settings.socket_mode_ping_interval)
    client = ClaimbotSocketModeClient(
        token,
        missed_pongs=settings.socket_mode_missed_pongs,
        logger=app.logger,
        web_client=app.client,
        proxy=app.client.proxy,
        ping_interval=settings.socket_mode_ping_interval,
    )
    client.socket_mode_request_listeners.append(handler.handle)  # type: ignore[arg-type]
    unused, handler.client = handler.client, client
    # Bolt's own client never connected but runs a message thread that notices close() within 1 s:
    # stop it off the start-up path.
    threading.Thread(target=unused.close, name="socket-mode-unused-client", daemon=True).start()
    return handler
