"""Who may see what: every surface tries to cross a workspace or a private channel, and must not.

Setup for each test: ACME shares the seed article in public #news and the Northvale article in the
private #desk; GLOBEX shares the council article in its #general.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from typer.testing import CliRunner

from bot.entry.cli import app as cli_app
from storage import repository
from tests.app.test_claims_command import rendered, run_command, share_and_wait
from tests.plugins.app import ACME, BOB, CAROL, DESK, GENERAL, GLOBEX, NEWS, SlackHarness

SEED, NORTHVALE, COUNCIL = "seed-russian-losses.html", "northvale-layoffs.html", "council-flood-defences.html"


@pytest.fixture
def shared(slack: SlackHarness, page_server: Any) -> SlackHarness:
    share_and_wait(slack, page_server.url(SEED))
    share_and_wait(slack, page_server.url(NORTHVALE), channel=DESK)
    share_and_wait(slack, page_server.url(COUNCIL), team=GLOBEX, channel=GENERAL, user=CAROL)
    return slack


def test_claims_command_in_filter_cannot_reach_a_private_channel(shared: SlackHarness) -> None:
    for query in (f"in:<#{DESK}|desk> northvale", "in:#desk northvale", f"in:{DESK}"):
        assert "Northvale" not in rendered(run_command(shared, query, channel=NEWS, user=BOB)), query
    for query in (f"in:<#{DESK}|desk> northvale", "in:#desk northvale"):
        inside = run_command(shared, query, channel=DESK, user=BOB)
        assert "Northvale" in rendered(inside), query


def test_claims_command_from_another_workspace_sees_nothing_of_acme(shared: SlackHarness) -> None:
    for query in ("konashenkov", "northvale", f"in:{NEWS}", "since:1d"):
        body = rendered(run_command(shared, query, team=GLOBEX, channel=GENERAL, user=CAROL))
        assert "Konashenkov" not in body and "Northvale" not in body, query


def test_a_paging_button_replayed_from_another_workspace_or_channel_stays_in_its_own(
    shared: SlackHarness,
) -> None:
    """A button's value names only query and page; visibility comes from the signed clicker's context."""
    forged = json.dumps({"q": "northvale", "p": 0})
    for team, channel, user, key in (
        (GLOBEX, GENERAL, CAROL, "forged-globex"),
        (ACME, NEWS, BOB, "forged-news"),
    ):
        shared.sender.block_action(
            team,
            channel,
            user,
            "claims_next",
            forged,
            response_url=shared.standin.response_url(key, channel=channel),
        )
        page = shared.standin.wait_for(f"response_url:{key}", timeout=20)[0].params
        assert "Northvale" not in rendered(page)


def test_digests_hold_only_their_channels_claims(shared: SlackHarness) -> None:
    channels = ((ACME, NEWS, BOB), (ACME, DESK, BOB), (GLOBEX, GENERAL, CAROL))
    for team, channel, user in channels:
        run_command(shared, "digest on 00:00", team=team, channel=channel, user=user)
    with shared.services.transaction() as session:
        zones = {(s.team, s.channel): ZoneInfo(s.timezone) for s in repository.digest_subscriptions(session)}
    # Each channel's digest falls half a day from now in its user's zone, whatever the hour the suite runs:
    # the shares sit mid-window, never across a local midnight from the digest that should hold them.
    due = (datetime.now(UTC) + timedelta(hours=12)).replace(second=0, microsecond=0)
    for team, channel, user in channels:
        local = due.astimezone(zones[team, channel])
        run_command(shared, f"digest on {local:%H:%M}", team=team, channel=channel, user=user)
    shared.clock.now = due + timedelta(seconds=30)
    shared.scheduler().tick()
    digests = {
        c.params["channel"]: rendered(c.params)
        for c in shared.standin.calls_to("chat.postMessage")
        if c.ok and (c.params.get("metadata") or {}).get("event_type") == "claimbot_digest"
    }
    assert set(digests) == {NEWS, DESK, GENERAL}
    assert (
        "Konashenkov" in digests[NEWS] and "Northvale" not in digests[NEWS] and "Harwick" not in digests[NEWS]
    )
    assert "Northvale" in digests[DESK] and "Konashenkov" not in digests[DESK]
    assert "Harwick" in digests[GENERAL] and "Konashenkov" not in digests[GENERAL]
    assert "Northvale" not in digests[GENERAL]


def test_app_home_shows_only_the_workspaces_public_claims(shared: SlackHarness) -> None:
    views = {}
    for team, user in ((ACME, BOB), (GLOBEX, CAROL)):
        home = shared.sender.event_envelope(team, {"type": "app_home_opened", "user": user, "tab": "home"})
        assert shared.sender.signed_post(json.dumps(home).encode(), "application/json").status_code == 200
        call = shared.standin.wait_for("views.publish", where=lambda c, u=user: c.params.get("user_id") == u)[
            0
        ]
        views[team] = json.dumps(call.params["view"], ensure_ascii=False)
    acme, globex = views[ACME], views[GLOBEX]
    assert "Igor Konashenkov" in acme and "Northvale" not in acme and "Harwick" not in acme
    assert "Harwick" in globex and "Igor Konashenkov" not in globex and "Northvale" not in globex


def test_cli_team_filter_is_a_workspace_members_view(shared: SlackHarness) -> None:
    runner = CliRunner()
    env = {"DATABASE_URL": shared.settings.database_url}

    def cli(*args: str) -> str:
        result = runner.invoke(cli_app, list(args), env=env, catch_exceptions=False)
        assert result.exit_code == 0, result.stderr
        return result.stdout

    operator = cli("search", "since:1d", "--json", "--limit", "200")
    assert {json.loads(line)["team"] for line in operator.splitlines()} == {ACME, GLOBEX}
    acme = [
        json.loads(line)
        for line in cli("search", "since:1d", "--json", "--limit", "200", "--team", ACME).splitlines()
    ]
    assert acme and {h["team"] for h in acme} == {ACME} and {h["channel"] for h in acme} == {NEWS}
    globex = cli("search", "northvale", "--team", GLOBEX)
    assert "Northvale" not in globex
    assert "Northvale" not in cli("digest", "--since", "1d", "--team", ACME)
    assert "Northvale" in cli("digest", "--since", "1d", "--team", ACME, "--channel", DESK)
    assert "Harwick" not in cli("digest", "--since", "1d", "--team", ACME)
