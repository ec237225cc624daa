"""What listeners need, passed explicitly (no globals): built by the app factory (bot/entry/app.py)."""

from __future__ import annotations

from dataclasses import dataclass

from bot.jobs.queue import JobQueue
from bot.services import Services
from bot.slack.ops import SlackClients


@dataclass
class AppDeps:
    services: Services
    clients: SlackClients
    queue: JobQueue
