"""Shared pieces of the fault tests: fast retry policies and the periodic sweep a runtime runs."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest

from bot import shares
from bot.queue import ResumeLoop
from tests.plugins.app import ACME, SlackHarness

SEED = "seed-russian-losses.html"

FAST = shares.JobPolicy(
    lease_seconds=1.0, reply_retry_base_seconds=0.2, reply_retry_max_seconds=1.0, max_reply_attempts=5
)


def use_policy(monkeypatch: pytest.MonkeyPatch, policy: shares.JobPolicy = FAST) -> None:
    """Second-scale leases and backoffs, so a test sees several rounds (production: DEFAULT_POLICY)."""
    monkeypatch.setattr(shares, "DEFAULT_POLICY", policy)


@contextmanager
def sweeping(slack: SlackHarness, interval: float = 0.2) -> Iterator[ResumeLoop]:
    """The periodic resume the runtime should run (see bot.queue.ResumeLoop)."""
    loop = ResumeLoop(
        slack.services, slack.runtime.deps.queue, interval=interval, unclaimed_grace_seconds=5
    ).start()
    try:
        yield loop
    finally:
        loop.stop()


def open_home(slack: SlackHarness, user: str, team: str = ACME) -> str:
    """Deliver app_home_opened as Slack does; returns the published view as JSON text."""
    before = len(slack.standin.calls_to("views.publish"))
    envelope = slack.sender.event_envelope(team, {"type": "app_home_opened", "user": user, "tab": "home"})
    assert slack.sender.signed_post(json.dumps(envelope).encode(), "application/json").status_code == 200
    call = slack.standin.wait_for("views.publish", count=before + 1)[-1]
    view: dict[str, Any] = call.params["view"]
    return json.dumps(view, ensure_ascii=False)
