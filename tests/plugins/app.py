"""The real app, end to end: Bolt over real HTTP (WSGI), the Slack stand-in, pages from a local server.

``slack`` starts a fresh database, the app in HTTP mode with two OAuth-installed workspaces, and hands
tests a sender that signs requests exactly as Slack does.
"""

from __future__ import annotations

import itertools
import logging
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import pytest
from slack_sdk.oauth.installation_store import Installation

from bot.config import Settings
from bot.entry.runtime import Runtime, build_runtime
from bot.entry.web import serve_in_thread
from bot.jobs.queue import InProcessQueue
from bot.jobs.scheduler import DigestScheduler, slack_poster
from bot.services import Services
from bot.slack_standin import SlackSender, SlackStandin

SIGNING_SECRET = "test-signing-secret"
CLIENT_ID = "111.222"
CLIENT_SECRET = "test-client-secret"

ACME, GLOBEX = "T0ACME", "T0GLOBEX"
NEWS, DESK, GENERAL = "C0NEWS", "G0DESK", "C0GLOBEX"  # DESK is a private channel of ACME
ALICE, BOB, CAROL = "U0ALICE", "U0BOB", "U0CAROL"  # CAROL is in GLOBEX

WORKSPACES = {
    ACME: {
        "team_name": "Acme News",
        "bot_token": "xoxb-acme-token",
        "bot_user_id": "U0ACMEBOT",
        "bot_id": "B0ACME",
    },
    GLOBEX: {
        "team_name": "Globex",
        "bot_token": "xoxb-globex-token",
        "bot_user_id": "U0GLXBOT",
        "bot_id": "B0GLX",
    },
}


# Message timestamps stay unique for the whole run: the stand-in keeps every channel's history.
_SESSION_TS = itertools.count(1)


@dataclass
class FakeClock:
    """A settable UTC clock for the digest job."""

    now: datetime = field(default_factory=lambda: datetime(2026, 3, 2, 12, 0, tzinfo=UTC))

    def __call__(self) -> datetime:
        return self.now


@dataclass
class SlackHarness:
    standin: SlackStandin
    sender: SlackSender
    runtime: Runtime
    app_url: str
    settings: Settings
    clock: FakeClock
    _ts: Iterator[int] = field(default_factory=lambda: _SESSION_TS)

    @property
    def services(self) -> Services:
        return self.runtime.services

    def next_ts(self) -> str:
        return f"{1772400000 + next(self._ts)}.000100"

    def share(
        self, text: str, *, team: str = ACME, channel: str = NEWS, user: str = ALICE, **kwargs: Any
    ) -> dict[str, Any]:
        """Deliver a message event as Slack would and return the event."""
        channel_type = "group" if channel.startswith("G") else "channel"
        event = self.sender.message_event(
            team,
            channel,
            user,
            text,
            ts=kwargs.pop("ts", None) or self.next_ts(),
            channel_type=channel_type,
            **kwargs,
        )
        self.standin.add_message(event)  # the user's message exists in Slack before the event arrives
        response = self.sender.event(team, event)
        assert response.status_code == 200, response.text
        return event

    def idle(self, timeout: float = 60) -> None:
        """Wait until queued share jobs are done."""
        queue = self.runtime.deps.queue
        assert isinstance(queue, InProcessQueue)
        queue.join(timeout)

    def scheduler(self) -> DigestScheduler:
        return DigestScheduler(
            self.services, slack_poster(self.runtime.deps.clients), interval=3600, clock=self.clock
        )

    def replies(self, channel: str, thread_ts: str) -> list[dict[str, Any]]:
        return [
            m
            for m in self.standin.messages(channel)
            if m.get("thread_ts") == thread_ts and m["ts"] != thread_ts
        ]


def install_workspaces(services: Services) -> None:
    """Installations as the OAuth flow saves them, straight into slack_sdk's SQLAlchemy store."""
    from bot.entry.app import installation_store

    store = installation_store(services)
    for team, ws in WORKSPACES.items():
        store.save(
            Installation(
                app_id="A0CLAIMBOT",
                team_id=team,
                team_name=ws["team_name"],
                bot_token=ws["bot_token"],
                bot_id=ws["bot_id"],
                bot_user_id=ws["bot_user_id"],
                bot_scopes=["chat:write", "commands"],
                user_id=ALICE if team == ACME else CAROL,
                installed_at=time.time(),
            )
        )


@pytest.fixture(scope="session")
def standin() -> Iterator[SlackStandin]:
    server = SlackStandin().start()
    for team, ws in WORKSPACES.items():
        server.add_workspace(team, **ws)
    server.add_user(ACME, ALICE, name="alice", tz="Europe/Paris")
    server.add_user(ACME, BOB, name="bob", tz="America/New_York")
    server.add_user(GLOBEX, CAROL, name="carol", tz="UTC")
    server.add_channel(ACME, NEWS, name="news")
    server.add_channel(ACME, DESK, name="desk", is_private=True)
    server.add_channel(GLOBEX, GENERAL, name="general")
    server.set_oauth_client(CLIENT_ID, CLIENT_SECRET)
    yield server
    server.stop()


def app_settings(database_url: str, standin: SlackStandin, **overrides: Any) -> Settings:
    values: dict[str, Any] = {
        "database_url": database_url,
        "slack_api_url": standin.base_url,
        "slack_signing_secret": SIGNING_SECRET,
        "slack_client_id": CLIENT_ID,
        "slack_client_secret": CLIENT_SECRET,
        "allow_private_urls": True,  # article pages come from 127.0.0.1 in tests
        "fetch_timeout": 5,
        "workers": 2,
    }
    values.update(overrides)
    return Settings(_env_file=None, **values)


@pytest.fixture
def slack(
    fresh_db_url: str, standin: SlackStandin, nlp: Any, request: pytest.FixtureRequest
) -> Iterator[SlackHarness]:
    marker = request.node.get_closest_marker("settings")
    settings = app_settings(fresh_db_url, standin, **(marker.kwargs if marker else {}))
    services = Services.create(settings, nlp=nlp)
    install_workspaces(services)
    clock = FakeClock()
    runtime = build_runtime(settings, services=services, run_scheduler=False, clock=clock)
    standin.reset_calls()
    standin.clear_faults()
    logging.getLogger("bot").setLevel(logging.INFO)
    try:
        with serve_in_thread(runtime) as app_url, SlackSender(app_url, SIGNING_SECRET) as sender:
            yield SlackHarness(standin, sender, runtime, app_url, settings, clock)
    finally:
        runtime.close()
