"""A local stand-in for Slack: its Web API over real HTTP, and a sender of signed requests to the app.

Tests and ``claimbot demo`` run the real Bolt app against ``SlackStandin`` (point ``WebClient(base_url=
standin.base_url)`` at it) and drive it with ``SlackSender``, which posts events, commands and actions
signed as Slack signs them; ``SlackStandin.files`` shows what the app uploaded with ``files_upload_v2``.
``SlackStandin.add_app_token`` turns on Socket Mode: ``SocketModeStandin`` is Slack's WebSocket side,
sending envelopes to the real Socket Mode client and recording its acks. Only the stdlib, httpx and
slack_sdk are used, so the demo can ship it.
"""

import logging

from bot.slack_standin.sender import SlackSender
from bot.slack_standin.server import RecordedCall, SlackStandin, UploadedFile
from bot.slack_standin.socket_mode import ReceivedFrame, SentEnvelope, SocketConnection, SocketModeStandin

__all__ = [
    "ReceivedFrame",
    "RecordedCall",
    "SentEnvelope",
    "SlackSender",
    "SlackStandin",
    "SocketConnection",
    "SocketModeStandin",
    "UploadedFile",
]

logging.getLogger(__name__).addHandler(logging.NullHandler())
