"""Shared pieces of the fault tests: fast retry policies and the periodic sweep a runtime runs."""

from __future__ import annotations

import json
from typing import Any

from tests.plugins.app import ACME, SlackHarness

SEED = "seed-russian-losses.html"

# Second-scale leases, backoffs and sweeps, so a test sees several rounds (production: Settings' defaults).
FAST = {
    "share_lease_seconds": 1.0,
    "share_reply_retry_base_seconds": 0.2,
    "share_reply_retry_max_seconds": 1.0,
    "share_max_reply_attempts": 5,
    "resume_interval_seconds": 0.2,
    "resume_grace_seconds": 5,
}


def open_home(slack: SlackHarness, user: str, team: str = ACME) -> str:
    """Deliver app_home_opened as Slack does; returns the published view as JSON text."""
    before = len(slack.standin.calls_to("views.publish"))
    envelope = slack.sender.event_envelope(team, {"type": "app_home_opened", "user": user, "tab": "home"})
    assert slack.sender.signed_post(json.dumps(envelope).encode(), "application/json").status_code == 200
    call = slack.standin.wait_for("views.publish", count=before + 1)[-1]
    view: dict[str, Any] = call.params["view"]
    return json.dumps(view, ensure_ascii=False)
