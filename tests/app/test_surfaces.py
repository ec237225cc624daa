"""Signatures, mentions, link watching, App Home and OAuth installs, end to end."""

from __future__ import annotations

import json
import re
import time
from urllib.parse import parse_qs, urlsplit

import httpx
from sqlalchemy import func, select

from bot.slack.ops import SlackClients
from storage import models
from tests.app.test_claims_command import run_command, share_and_wait
from tests.plugins.app import ACME, ALICE, BOB, DESK, NEWS, WORKSPACES, SlackHarness

SEED = "seed-russian-losses.html"


def test_bad_or_stale_signatures_get_401_and_no_work(slack: SlackHarness, page_server) -> None:
    event = slack.sender.message_event(ACME, NEWS, ALICE, page_server.url(SEED), ts=slack.next_ts())
    body = json.dumps(slack.sender.event_envelope(ACME, event)).encode()
    forged = slack.sender.signed_post(body, "application/json", signature="v0=" + "0" * 64)
    stale = slack.sender.signed_post(body, "application/json", timestamp=int(time.time()) - 3600)
    unsigned = httpx.post(slack.app_url, content=body, headers={"Content-Type": "application/json"})
    assert [r.status_code for r in (forged, stale, unsigned)] == [401, 401, 401]
    time.sleep(0.3)
    slack.idle()
    assert slack.standin.calls == []
    with slack.services.transaction() as session:
        assert session.scalar(select(func.count()).select_from(models.Share)) == 0
        assert session.scalar(select(func.count()).select_from(models.SlackEvent)) == 0


def test_url_verification_handshake(slack: SlackHarness) -> None:
    response = slack.sender.url_verification("challenge-123")
    assert response.status_code == 200 and "challenge-123" in response.text


def test_mention_help_and_mention_with_link_where_watching_is_off(slack: SlackHarness, page_server) -> None:
    bot = WORKSPACES[ACME]["bot_user_id"]
    assert "summarising links here" in run_command(slack, "watch off")["text"]
    slack.share(page_server.url(SEED))  # not watched: ignored
    slack.idle()
    assert slack.standin.calls_to("chat.postMessage") == []
    help_event = slack.sender.app_mention_event(ACME, NEWS, BOB, f"<@{bot}> help", ts=slack.next_ts())
    slack.standin.add_message(help_event)
    slack.sender.event(ACME, help_event)
    help_reply = slack.standin.wait_for("chat.postMessage", where=lambda c: c.ok)[0]
    assert help_reply.params["thread_ts"] == help_event["ts"] and "/claims" in help_reply.params["text"]
    mention = slack.sender.app_mention_event(
        ACME, NEWS, BOB, f"<@{bot}> {page_server.url(SEED)}", ts=slack.next_ts()
    )
    slack.standin.add_message(mention)
    slack.sender.event(ACME, mention)
    summary = slack.standin.wait_for("chat.postMessage", count=2, where=lambda c: c.ok, timeout=30)[1]
    slack.idle()
    assert summary.params["thread_ts"] == mention["ts"] and "Konashenkov" in json.dumps(
        summary.params["blocks"]
    )


def test_app_home_shows_recent_public_claims_and_digest_settings(slack: SlackHarness, page_server) -> None:
    share_and_wait(slack, page_server.url(SEED))
    share_and_wait(slack, page_server.url("northvale-layoffs.html"), channel=DESK)
    run_command(slack, "digest on 08:30", user=ALICE)
    home = slack.sender.event_envelope(
        ACME, {"type": "app_home_opened", "user": BOB, "channel": "D0BOB", "tab": "home"}
    )
    response = slack.sender.signed_post(json.dumps(home).encode(), "application/json")
    assert response.status_code == 200
    call = slack.standin.wait_for("views.publish")[0]
    assert call.params["user_id"] == BOB
    view = json.dumps(call.params["view"], ensure_ascii=False)
    assert "Konashenkov" in view
    assert "Northvale" not in view  # shared in a private channel
    assert f"<#{NEWS}>: daily at 08:30 (Europe/Paris)" in view


def test_oauth_install_adds_a_workspace_the_app_then_serves(slack: SlackHarness, page_server) -> None:
    base = slack.app_url.rsplit("/slack/events", 1)[0]
    slack.standin.add_oauth_code(
        "code-initech",
        "T0INITECH",
        team_name="Initech",
        bot_token="xoxb-initech",
        bot_user_id="U0INIBOT",
        bot_id="B0INI",
    )
    slack.standin.add_user("T0INITECH", "U0PETER", name="peter")
    slack.standin.add_channel("T0INITECH", "C0INI", name="tps")
    with httpx.Client(base_url=base) as browser:
        page = browser.get("/slack/install")
        assert page.status_code == 200
        authorize_url = (
            re.search(r'href="([^"]*oauth/v2/authorize[^"]*)"', page.text).group(1).replace("&amp;", "&")
        )
        state = parse_qs(urlsplit(authorize_url).query)["state"][0]
        # Bolt marks its state cookie Secure (Slack requires https); a browser on https sends it back.
        cookie = page.headers["set-cookie"].split(";", 1)[0]
        done = browser.get(
            "/slack/oauth_redirect",
            params={"code": "code-initech", "state": state},
            headers={"Cookie": cookie},
        )
        assert done.status_code == 200, done.text
    assert slack.standin.calls_to("oauth.v2.access")
    assert SlackClients(slack.settings, slack.runtime.deps.clients.installation_store).token_for(
        "T0INITECH"
    ) == ("xoxb-initech")
    event = slack.sender.message_event(
        "T0INITECH", "C0INI", "U0PETER", page_server.url(SEED), ts=slack.next_ts()
    )
    slack.standin.add_message(event)
    slack.sender.event("T0INITECH", event)
    reply = slack.standin.wait_for("chat.postMessage", where=lambda c: c.ok, timeout=30)[0]
    slack.idle()
    assert reply.token == "xoxb-initech" and reply.params["channel"] == "C0INI"
