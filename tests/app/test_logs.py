"""Tokens and secrets never reach the logs, even at DEBUG, across a share, a command and an OAuth install."""

from __future__ import annotations

import logging
import re
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from tests.app.test_claims_command import run_command, share_and_wait
from tests.plugins.app import CLIENT_SECRET, SIGNING_SECRET, WORKSPACES, SlackHarness


def test_no_secret_in_debug_logs(slack: SlackHarness, page_server, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    for name in ("bot", "handlers", "storage", "slack_bolt", "slack_sdk"):
        logging.getLogger(name).setLevel(logging.DEBUG)
    share_and_wait(slack, page_server.url("seed-russian-losses.html"))
    run_command(slack, "mariupol")
    base = slack.app_url.rsplit("/slack/events", 1)[0]
    slack.standin.add_oauth_code(
        "code-logs", "T0LOGS", team_name="Logs", bot_token="xoxb-logs-secret", bot_user_id="U0L", bot_id="B0L"
    )
    with httpx.Client(base_url=base) as browser:
        page = browser.get("/slack/install")
        url = re.search(r'href="([^"]*oauth/v2/authorize[^"]*)"', page.text).group(1).replace("&amp;", "&")
        state = parse_qs(urlsplit(url).query)["state"][0]
        cookie = page.headers["set-cookie"].split(";", 1)[0]
        done = browser.get(
            "/slack/oauth_redirect", params={"code": "code-logs", "state": state}, headers={"Cookie": cookie}
        )
        assert done.status_code == 200
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert "Sending a request" in logged, "DEBUG logging of Web API calls was on"
    secrets = [ws["bot_token"] for ws in WORKSPACES.values()] + [
        "xoxb-logs-secret",
        CLIENT_SECRET,
        SIGNING_SECRET,
        state,
        "code-logs",
    ]
    for secret in secrets:
        assert secret not in logged, f"{secret[:6]}… leaked into the logs"
