"""Uninstalls end to end: `app_uninstalled` and `tokens_revoked` signed as Slack sends them, over real HTTP
to the real Bolt app, mark the workspace (its data goes after CLAIMBOT_UNINSTALL_GRACE_DAYS); in OAuth mode
Bolt's own listeners delete its tokens at once; an OAuth reinstall lifts the mark.

Bolt runs event listeners after it acks, so a test waits for what a listener leaves in the database.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
import sqlalchemy as sa

from bot.jobs.retention import run_retention
from storage import retention
from storage.models import SearchEntry, Share, Workspace
from storage.slack_tables import bots, installations
from tests.app.test_claims_command import share_and_wait
from tests.plugins.app import ACME, ALICE, CAROL, GENERAL, GLOBEX, NEWS, WORKSPACES, SlackHarness
from tests.storage.factories import claim, new_article, shared

SEED = "seed-russian-losses.html"


def wait_until(check: Callable[[], Any], what: str, timeout: float = 10) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        assert time.monotonic() < deadline, what
        time.sleep(0.05)


def mark_of(slack: SlackHarness, team: str) -> tuple[datetime, str] | None:
    with slack.services.reading() as session:
        mark = retention.marked(session, team)
        return (mark.uninstalled_at, mark.reason) if mark else None


def token_rows(slack: SlackHarness, team: str) -> tuple[int, int]:
    """(installation rows, bot rows) slack_sdk's store keeps for the workspace."""
    with slack.services.reading() as session:
        return tuple(  # type: ignore[return-value]
            session.scalar(sa.select(sa.func.count()).select_from(t).where(t.c.team_id == team)) or 0
            for t in (installations, bots)
        )


def shares_of(slack: SlackHarness, team: str) -> int:
    with slack.services.reading() as session:
        return session.scalar(sa.select(sa.func.count(Share.id)).where(Share.team == team)) or 0


def uninstalled(slack: SlackHarness, team: str) -> httpx.Response:
    return slack.sender.event(team, {"type": "app_uninstalled", "event_ts": f"{time.time():.6f}"})


def tokens_revoked(slack: SlackHarness, team: str, *, oauth: list[str], bot: list[str]) -> httpx.Response:
    event = {
        "type": "tokens_revoked",
        "tokens": {"oauth": oauth, "bot": bot},
        "event_ts": f"{time.time():.6f}",
    }
    return slack.sender.event(team, event)


def oauth_install(slack: SlackHarness, code: str, team: str, token: str) -> None:
    """A workspace installing the app through the OAuth flow, as a browser does it."""
    slack.standin.add_oauth_code(
        code, team, team_name="Reinstall Co", bot_token=token, bot_user_id="U0REBOT", bot_id="B0RE"
    )
    base = slack.app_url.rsplit("/slack/events", 1)[0]
    with httpx.Client(base_url=base) as browser:
        page = browser.get("/slack/install")
        found = re.search(r'href="([^"]*oauth/v2/authorize[^"]*)"', page.text)
        assert found is not None, page.text
        state = parse_qs(urlsplit(found.group(1).replace("&amp;", "&")).query)["state"][0]
        cookie = page.headers["set-cookie"].split(";", 1)[0]
        done = browser.get(
            "/slack/oauth_redirect", params={"code": code, "state": state}, headers={"Cookie": cookie}
        )
        assert done.status_code == 200, done.text


def test_app_uninstalled_marks_the_workspace_and_bolt_forgets_its_tokens(
    slack: SlackHarness, page_server: Any
) -> None:
    share_and_wait(slack, page_server.url(SEED))
    assert shares_of(slack, ACME) == 1 and token_rows(slack, ACME) == (1, 1)

    body = json.dumps(slack.sender.event_envelope(ACME, {"type": "app_uninstalled"})).encode()
    forged = slack.sender.signed_post(body, "application/json", signature="v0=" + "0" * 64)
    assert forged.status_code == 401

    before = datetime.now(UTC)
    response = uninstalled(slack, ACME)
    assert response.status_code == 200, response.text
    wait_until(lambda: mark_of(slack, ACME) is not None, "app_uninstalled did not mark the workspace")
    wait_until(lambda: token_rows(slack, ACME) == (0, 0), "Bolt did not delete the workspace's tokens")

    at, reason = mark_of(slack, ACME) or (None, None)
    assert reason == "app_uninstalled"
    assert at is not None and before - timedelta(seconds=1) <= at <= datetime.now(UTC)
    assert shares_of(slack, ACME) == 1  # its data stays for the grace period
    assert token_rows(slack, GLOBEX) == (1, 1) and mark_of(slack, GLOBEX) is None


def test_tokens_revoked_marks_the_workspace_only_when_the_bot_token_goes(slack: SlackHarness) -> None:
    # a member revoking their own token: Bolt deletes that user's installation, after our listener looked
    response = tokens_revoked(slack, ACME, oauth=[ALICE], bot=[])
    assert response.status_code == 200, response.text
    wait_until(lambda: token_rows(slack, ACME)[0] == 0, "Bolt did not delete the user's installation")
    assert mark_of(slack, ACME) is None
    assert token_rows(slack, ACME)[1] == 1  # the bot still works

    response = tokens_revoked(slack, ACME, oauth=[], bot=[WORKSPACES[ACME]["bot_user_id"]])
    assert response.status_code == 200, response.text
    wait_until(lambda: mark_of(slack, ACME) is not None, "revoking the bot token did not mark the workspace")
    wait_until(lambda: token_rows(slack, ACME) == (0, 0), "Bolt did not delete the bot token")
    assert (mark_of(slack, ACME) or (None, None))[1] == "tokens_revoked"
    assert mark_of(slack, GLOBEX) is None


@pytest.mark.settings(
    slack_client_id=None, slack_client_secret=None, slack_bot_token=WORKSPACES[ACME]["bot_token"]
)
def test_uninstall_events_mark_the_workspace_in_single_workspace_mode(slack: SlackHarness) -> None:
    assert slack.runtime.deps.clients.installation_store is None  # SLACK_BOT_TOKEN, no OAuth
    response = tokens_revoked(slack, ACME, oauth=[ALICE], bot=[])
    assert response.status_code == 200, response.text
    time.sleep(0.5)  # no side effect to wait for here: the listener has long run
    assert mark_of(slack, ACME) is None

    response = tokens_revoked(slack, ACME, oauth=[], bot=[WORKSPACES[ACME]["bot_user_id"]])
    assert response.status_code == 200, response.text
    wait_until(lambda: mark_of(slack, ACME) is not None, "revoking the bot token did not mark the workspace")
    first = mark_of(slack, ACME)
    assert first is not None and first[1] == "tokens_revoked"

    response = uninstalled(slack, ACME)  # Slack sends both when a workspace removes the app
    assert response.status_code == 200, response.text
    time.sleep(0.5)
    assert mark_of(slack, ACME) == first  # the first event's time and reason are kept


@pytest.mark.settings(uninstall_grace_days=1, retention_interval_seconds=0.2)
def test_the_clock_purges_an_uninstalled_workspace_once_its_grace_period_has_passed(
    slack: SlackHarness, page_server: Any
) -> None:
    share_and_wait(slack, page_server.url(SEED))
    share_and_wait(slack, page_server.url(SEED), team=GLOBEX, channel=GENERAL, user=CAROL)
    with slack.services.reading() as session:
        globex_entries = set(session.scalars(sa.select(SearchEntry.id).where(SearchEntry.team == GLOBEX)))
    assert globex_entries

    assert uninstalled(slack, ACME).status_code == 200
    wait_until(lambda: mark_of(slack, ACME) is not None, "app_uninstalled did not mark the workspace")
    slack.clock.now = datetime.now(UTC) + timedelta(hours=12)  # within the grace period
    time.sleep(1)  # several rounds of the clock
    assert shares_of(slack, ACME) == 1 and mark_of(slack, ACME) is not None

    slack.clock.now = datetime.now(UTC) + timedelta(days=1, hours=1)
    wait_until(lambda: mark_of(slack, ACME) is None, "the workspace was not purged", timeout=20)
    assert shares_of(slack, ACME) == 0
    with slack.services.reading() as session:
        assert not session.scalars(sa.select(SearchEntry.id).where(SearchEntry.team == ACME)).all()
        # the same article, shared in Globex too, stays with everything Globex searches
        assert set(session.scalars(sa.select(SearchEntry.id).where(SearchEntry.team == GLOBEX))) == (
            globex_entries
        )
    assert shares_of(slack, GLOBEX) == 1
    assert token_rows(slack, GLOBEX) == (1, 1)


def test_a_reinstall_through_oauth_lifts_the_mark_and_keeps_the_data(slack: SlackHarness) -> None:
    team = "T0REINST"
    oauth_install(slack, "code-reinstall-1", team, "xoxb-reinstall-1")
    with slack.services.transaction() as session:
        shared(session, new_article(title="Kept"), [claim("the data stays")], team=team, channel=NEWS)
    assert uninstalled(slack, team).status_code == 200
    wait_until(lambda: mark_of(slack, team) is not None, "app_uninstalled did not mark the workspace")
    wait_until(lambda: token_rows(slack, team) == (0, 0), "Bolt did not delete the workspace's tokens")

    oauth_install(slack, "code-reinstall-2", team, "xoxb-reinstall-2")
    assert mark_of(slack, team) is None
    assert run_retention(slack.services, datetime.now(UTC) + timedelta(days=365)) == {}
    assert shares_of(slack, team) == 1
    with slack.services.reading() as session:
        assert session.scalar(sa.select(bots.c.bot_token).where(bots.c.team_id == team)) == "xoxb-reinstall-2"
        assert session.scalar(sa.select(sa.func.count(Workspace.id))) == 0
