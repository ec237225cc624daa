"""`/claims`: usage, search with paging, visibility across workspaces and private channels."""

from __future__ import annotations

import json
from typing import Any

from tests.plugins.app import ACME, ALICE, BOB, CAROL, DESK, GENERAL, GLOBEX, NEWS, SlackHarness

SEED = "seed-russian-losses.html"


def run_command(
    slack: SlackHarness, text: str, *, team: str = ACME, channel: str = NEWS, user: str = ALICE
) -> dict:
    key = f"cmd-{slack.next_ts()}"
    response = slack.sender.command(
        team, channel, user, "/claims", text, response_url=slack.standin.response_url(key, channel=channel)
    )
    assert response.status_code == 200
    return slack.standin.wait_for(f"response_url:{key}", timeout=20)[0].params


def rendered(message: dict[str, Any]) -> str:
    return json.dumps(message.get("blocks") or [], ensure_ascii=False) + message.get("text", "")


def share_and_wait(slack: SlackHarness, url: str, **kwargs: Any) -> None:
    before = len([c for c in slack.standin.calls_to("chat.postMessage") if c.ok])
    slack.share(url, **kwargs)
    slack.standin.wait_for("chat.postMessage", count=before + 1, where=lambda c: c.ok, timeout=30)
    slack.idle()


def test_help_and_empty_command_print_usage(slack: SlackHarness) -> None:
    for text in ("", "help"):
        message = run_command(slack, text)
        assert message["response_type"] == "ephemeral"
        assert "/claims digest on 09:00" in message["text"] and "source:" in message["text"]


def test_search_finds_claims_newest_first_with_thread_permalinks(slack: SlackHarness, page_server) -> None:
    share_and_wait(slack, page_server.url(SEED))
    message = run_command(slack, "mariupol")
    body = rendered(message)
    assert message["response_type"] == "ephemeral"
    assert "stated" in body and "stressed" in body
    assert "slack.com/archives/C0NEWS/p" in body
    corridor = rendered(run_command(slack, '"safe corridor"'))
    assert "explained" in corridor


def test_paging_through_results(slack: SlackHarness, page_server) -> None:
    for page in (SEED, "council-flood-defences.html", "northvale-layoffs.html"):
        share_and_wait(slack, page_server.url(page))
    first = run_command(slack, "since:1d")
    buttons = [b for b in first["blocks"] if b["type"] == "actions"]
    assert len(buttons) == 1, "three articles hold more than one page of claims"
    next_button = buttons[0]["elements"][-1]
    assert next_button["action_id"] == "claims_next"
    key = "page-2"
    slack.sender.block_action(
        ACME,
        NEWS,
        ALICE,
        "claims_next",
        next_button["value"],
        response_url=slack.standin.response_url(key, channel=NEWS),
    )
    second = slack.standin.wait_for(f"response_url:{key}", timeout=20)[0].params
    assert second["replace_original"] is True
    assert "11–" in rendered(second)
    buttons = [e["action_id"] for b in second["blocks"] if b["type"] == "actions" for e in b["elements"]]
    assert buttons[0] == "claims_prev"


def test_a_bad_query_gets_a_short_explanation(slack: SlackHarness) -> None:
    message = run_command(slack, "since:forever")
    assert message["text"].startswith(":warning:") and "/claims help" in message["text"]


def test_search_never_crosses_workspaces_or_leaks_private_channels(slack: SlackHarness, page_server) -> None:
    share_and_wait(slack, page_server.url("northvale-layoffs.html"), channel=DESK)  # ACME, private
    share_and_wait(
        slack, page_server.url("council-flood-defences.html"), team=GLOBEX, channel=GENERAL, user=CAROL
    )
    share_and_wait(slack, page_server.url(SEED))  # ACME, public

    def search(query: str, team: str = ACME, channel: str = NEWS, user: str = BOB) -> str:
        return rendered(run_command(slack, query, team=team, channel=channel, user=user))

    assert "Konashenkov" in search("konashenkov")
    assert "No claims match" in search("konashenkov", team=GLOBEX, channel=GENERAL, user=CAROL)
    assert "No claims match" in search("flood", channel=NEWS)
    assert "No claims match" in search("flood", channel=DESK)
    assert "flood" in search("flood", team=GLOBEX, channel=GENERAL, user=CAROL).lower()
    assert "No claims match" in search("northvale", channel=NEWS)
    assert "No claims match" in search("northvale", team=GLOBEX, channel=GENERAL, user=CAROL)
    assert "Northvale" in search("northvale", channel=DESK)


def thread_reply(slack: SlackHarness) -> dict[str, Any]:
    return [c for c in slack.standin.calls_to("chat.postMessage") if c.ok][-1].params


def click(
    slack: SlackHarness, value: str, *, team: str = ACME, channel: str = NEWS, user: str = BOB, **kw: Any
) -> dict[str, Any]:
    key = f"click-{slack.next_ts()}"
    slack.sender.block_action(
        team,
        channel,
        user,
        "claims_article",
        value,
        response_url=slack.standin.response_url(key, channel=channel),
        **kw,
    )
    return slack.standin.wait_for(f"response_url:{key}", timeout=20)[0].params


def test_show_all_lists_every_claim_the_thread_left_out(slack: SlackHarness, page_server) -> None:
    share_and_wait(slack, page_server.url(SEED))
    reply = thread_reply(slack)
    blocks = reply["blocks"] if isinstance(reply["blocks"], list) else json.loads(reply["blocks"])
    [button] = [e for b in blocks if b["type"] == "actions" for e in b["elements"]]
    total = int(button["text"]["text"].split()[2])
    assert button["action_id"] == "claims_article" and total > 6
    first = click(slack, button["value"])
    assert first["response_type"] == "ephemeral" and first["replace_original"] is False
    claims = [b for b in first["blocks"] if b["type"] == "section" and b["text"]["text"].startswith("•")]
    assert len(claims) == min(total, 10)
    assert f"claims 1–{len(claims)} of {total}" in rendered(first)
    if total > 10:
        [next_button] = [e for b in first["blocks"] if b["type"] == "actions" for e in b["elements"]]
        ephemeral = {"type": "message", "message_ts": "1.2", "channel_id": NEWS, "is_ephemeral": True}
        second = click(slack, next_button["value"], container=ephemeral)
        assert second["replace_original"] is True and f"claims 11–{total}" in rendered(second)


def test_show_all_follows_where_the_click_happened(slack: SlackHarness, page_server) -> None:
    share_and_wait(slack, page_server.url("northvale-layoffs.html"), channel=DESK)  # ACME, private
    reply = thread_reply(slack)
    blocks = reply["blocks"] if isinstance(reply["blocks"], list) else json.loads(reply["blocks"])
    values = [e["value"] for b in blocks if b["type"] == "actions" for e in b["elements"]]
    value = values[0] if values else json.dumps({"a": 1, "p": 0})
    assert "Northvale" in rendered(click(slack, value, channel=DESK))
    for team, channel, user in ((ACME, NEWS, BOB), (GLOBEX, GENERAL, CAROL)):
        refused = click(slack, value, team=team, channel=channel, user=user)
        assert refused["text"].startswith(":warning:") and "Northvale" not in rendered(refused)
    assert click(slack, "not json")["text"].startswith(":warning:")
