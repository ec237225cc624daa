"""A local stand-in for Slack: its Web API over real HTTP, and a sender of signed requests to the app.

Tests and ``claimbot demo`` run the real Bolt app against ``SlackStandin`` (point ``WebClient(base_url=
standin.base_url)`` at it) and drive it with ``SlackSender``, which posts events, commands and actions
signed as Slack signs them. Only the stdlib, httpx and slack_sdk are used, so the demo can ship it.
"""

import logging

from bot.slack_standin.sender import SlackSender
from bot.slack_standin.server import RecordedCall, SlackStandin

__all__ = ["RecordedCall", "SlackSender", "SlackStandin"]

logging.getLogger(__name__).addHandler(logging.NullHandler())
