"""The stand-in must answer as Slack does, or tests against it prove nothing about the real app.

Every Web API check goes through a real ``slack_sdk.WebClient`` over HTTP; every sender check goes
through a real HTTP receiver and slack_sdk's own ``SignatureVerifier``.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.error import URLError
from urllib.parse import parse_qs
from wsgiref.simple_server import WSGIRequestHandler, make_server

import httpx
import pytest
from slack_bolt import App, Say
from slack_bolt.adapter.wsgi import SlackRequestHandler
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry import ConnectionErrorRetryHandler, RateLimitErrorRetryHandler
from slack_sdk.http_retry.builtin_interval_calculators import FixedValueRetryIntervalCalculator
from slack_sdk.signature import SignatureVerifier

from bot.slack_standin import RecordedCall, SlackSender, SlackStandin

TEAM = "T0ACME"
TOKEN = "xoxb-acme-1"
BOT_USER = "U0BOT"
BOT_ID = "B0BOT"
CHANNEL = "C0NEWS"
USER = "U0ANN"
SECRET = "test-signing-secret"


def section(text: str) -> dict[str, Any]:
    return {"type": "section", "text": {"type": "mrkdwn", "text": text}}


@pytest.fixture
def standin() -> Iterator[SlackStandin]:
    with SlackStandin() as server:
        server.add_workspace(
            TEAM, team_name="Acme News", bot_token=TOKEN, bot_user_id=BOT_USER, bot_id=BOT_ID
        )
        server.add_channel(TEAM, CHANNEL, name="news")
        server.add_user(TEAM, USER, name="ann", tz="America/New_York")
        yield server


@pytest.fixture
def client(standin: SlackStandin) -> WebClient:
    return WebClient(token=TOKEN, base_url=standin.base_url, retry_handlers=[])


def api_error(call: Any) -> SlackApiError:
    with pytest.raises(SlackApiError) as caught:
        call()
    return caught.value


# -- answers ---------------------------------------------------------------------------------------------


def test_base_url_ends_like_slacks(standin: SlackStandin) -> None:
    assert standin.base_url.startswith("http://127.0.0.1:")
    assert standin.base_url.endswith("/api/")


def test_auth_test_describes_the_bot(client: WebClient) -> None:
    answer = client.auth_test().data
    assert answer == {
        "ok": True,
        "url": "https://acme-news.slack.com/",
        "team": "Acme News",
        "user": "claimbot",
        "team_id": TEAM,
        "user_id": BOT_USER,
        "bot_id": BOT_ID,
        "is_enterprise_install": False,
    }


def test_missing_or_unknown_token_is_refused(standin: SlackStandin) -> None:
    no_token = WebClient(base_url=standin.base_url, retry_handlers=[])
    assert api_error(no_token.auth_test).response["error"] == "not_authed"
    wrong = WebClient(token="xoxb-wrong", base_url=standin.base_url, retry_handlers=[])
    assert api_error(wrong.auth_test).response["error"] == "invalid_auth"
    standin.revoke_token(TOKEN)
    mine = WebClient(token=TOKEN, base_url=standin.base_url, retry_handlers=[])
    assert api_error(mine.auth_test).response["error"] == "invalid_auth"


def test_token_as_form_field_works_but_not_inside_json(standin: SlackStandin) -> None:
    form = httpx.post(standin.base_url + "auth.test", data={"token": TOKEN})
    assert form.json()["ok"] is True
    as_json = httpx.post(standin.base_url + "auth.test", json={"token": TOKEN})
    assert as_json.json() == {"ok": False, "error": "not_authed"}


def test_post_message_answers_and_records_decoded_blocks(standin: SlackStandin, client: WebClient) -> None:
    blocks = [section("*3 claims*")]
    metadata = {"event_type": "claimbot_summary", "event_payload": {"share_id": 7}}
    answer = client.chat_postMessage(channel=CHANNEL, text="3 claims", blocks=blocks, metadata=metadata)
    assert answer["channel"] == CHANNEL
    message = answer["message"]
    assert (message["text"], message["blocks"], message["metadata"]) == ("3 claims", blocks, metadata)
    assert (message["bot_id"], message["user"], message["ts"]) == (BOT_ID, BOT_USER, answer["ts"])

    # slack_sdk sends chat.postMessage as JSON; api_call(params=...) sends a form with JSON-encoded fields.
    client.api_call("chat.postMessage", params={"channel": CHANNEL, "blocks": json.dumps(blocks)})
    first, second = standin.calls_to("chat.postMessage")
    assert first.params == {"channel": CHANNEL, "text": "3 claims", "blocks": blocks, "metadata": metadata}
    assert second.params == {"channel": CHANNEL, "blocks": blocks}
    assert first.token == TOKEN and first.ok and first.status == 200


def test_message_ts_are_unique_and_increasing(client: WebClient) -> None:
    stamps = [client.chat_postMessage(channel=CHANNEL, text=str(i))["ts"] for i in range(20)]
    assert len(set(stamps)) == 20
    assert stamps == sorted(stamps, key=float)
    assert all(len(ts.split(".")[1]) == 6 for ts in stamps)


@pytest.mark.filterwarnings("ignore:The top-level `text` argument is missing")
def test_post_message_errors(standin: SlackStandin, client: WebClient) -> None:
    assert api_error(lambda: client.chat_postMessage(channel="C0NOPE", text="x")).response["error"] == (
        "channel_not_found"
    )
    assert api_error(lambda: client.chat_postMessage(channel=CHANNEL)).response["error"] == "no_text"
    standin.add_channel(TEAM, "C0OUTSIDE", name="outside", is_member=False)
    refused = api_error(lambda: client.chat_postMessage(channel="C0OUTSIDE", text="x"))
    assert refused.response["error"] == "not_in_channel"
    assert client.conversations_join(channel="C0OUTSIDE")["channel"]["is_member"] is True
    assert client.chat_postMessage(channel="C0OUTSIDE", text="x")["ok"]
    assert client.conversations_join(channel="C0OUTSIDE")["warning"] == "already_in_channel"


def test_thread_replies_and_messages_view(standin: SlackStandin, client: WebClient) -> None:
    parent = client.chat_postMessage(channel=CHANNEL, text="parent")
    reply = client.chat_postMessage(channel=CHANNEL, text="reply", thread_ts=parent["ts"])
    assert reply["message"]["thread_ts"] == parent["ts"]
    shown = standin.messages(CHANNEL)
    assert [m["text"] for m in shown] == ["parent", "reply"]
    assert shown[0]["reply_count"] == 1 and shown[0]["latest_reply"] == reply["ts"]


@pytest.mark.filterwarnings("ignore:The top-level `text` argument is missing")
def test_limits_are_enforced(client: WebClient) -> None:
    fifty = [section(f"claim {i}") for i in range(50)]
    assert client.chat_postMessage(channel=CHANNEL, text="ok", blocks=fifty)["ok"]
    too_many = api_error(
        lambda: client.chat_postMessage(channel=CHANNEL, text="x", blocks=[*fifty, section("51")])
    )
    assert too_many.response["error"] == "invalid_blocks"
    assert too_many.response["errors"] == ["no more than 50 items allowed [json-pointer:/blocks]"]

    assert client.chat_postMessage(channel=CHANNEL, text="ok", blocks=[section("a" * 3000)])["ok"]
    long_section = api_error(lambda: client.chat_postMessage(channel=CHANNEL, blocks=[section("a" * 3001)]))
    assert long_section.response["error"] == "invalid_blocks"
    assert "[json-pointer:/blocks/0/text/text]" in long_section.response["errors"][0]

    assert client.chat_postMessage(channel=CHANNEL, text="a" * 40_000)["ok"]
    too_long = api_error(lambda: client.chat_postMessage(channel=CHANNEL, text="a" * 40_001))
    assert too_long.response["error"] == "msg_too_long"
    bad_meta = api_error(
        lambda: client.chat_postMessage(channel=CHANNEL, text="x", metadata={"event_type": "a"})
    )
    assert bad_meta.response["error"] == "invalid_metadata_format"


def test_update_changes_what_the_channel_shows(standin: SlackStandin, client: WebClient) -> None:
    posted = client.chat_postMessage(channel=CHANNEL, text="Reading the article…")
    updated = client.chat_update(channel=CHANNEL, ts=posted["ts"], text="3 claims", blocks=[section("done")])
    assert (updated["channel"], updated["ts"], updated["text"]) == (CHANNEL, posted["ts"], "3 claims")
    [shown] = standin.messages(CHANNEL)
    assert shown["text"] == "3 claims" and shown["blocks"] == [section("done")] and "edited" in shown
    missing = api_error(lambda: client.chat_update(channel=CHANNEL, ts="1.000001", text="x"))
    assert missing.response["error"] == "message_not_found"


def test_permalink_format(standin: SlackStandin, client: WebClient) -> None:
    parent = client.chat_postMessage(channel=CHANNEL, text="parent")
    reply = client.chat_postMessage(channel=CHANNEL, text="reply", thread_ts=parent["ts"])
    top = client.chat_getPermalink(channel=CHANNEL, message_ts=parent["ts"])
    assert (
        top["permalink"] == f"https://acme-news.slack.com/archives/{CHANNEL}/p{parent['ts'].replace('.', '')}"
    )
    threaded = client.chat_getPermalink(channel=CHANNEL, message_ts=reply["ts"])["permalink"]
    assert threaded == (
        f"https://acme-news.slack.com/archives/{CHANNEL}/p{reply['ts'].replace('.', '')}"
        f"?thread_ts={parent['ts']}&cid={CHANNEL}"
    )
    gone = api_error(lambda: client.chat_getPermalink(channel=CHANNEL, message_ts="1.000001"))
    assert gone.response["error"] == "message_not_found"


def test_reactions_on_a_seeded_user_message(standin: SlackStandin, client: WebClient) -> None:
    shared = SlackSender("http://unused", SECRET).message_event(TEAM, CHANNEL, USER, "https://example.com/a")
    standin.add_message(shared)
    client.reactions_add(channel=CHANNEL, timestamp=shared["ts"], name="eyes")
    assert (
        api_error(
            lambda: client.reactions_add(channel=CHANNEL, timestamp=shared["ts"], name="eyes")
        ).response["error"]
        == "already_reacted"
    )
    [shown] = standin.messages(CHANNEL)
    assert shown["reactions"] == [{"name": "eyes", "users": [BOT_USER], "count": 1}]
    client.reactions_remove(channel=CHANNEL, timestamp=shared["ts"], name="eyes")
    assert "reactions" not in standin.messages(CHANNEL)[0]
    again = api_error(lambda: client.reactions_remove(channel=CHANNEL, timestamp=shared["ts"], name="eyes"))
    assert again.response["error"] == "no_reaction"


def test_info_methods(standin: SlackStandin, client: WebClient) -> None:
    standin.add_channel(TEAM, "G0SECRET", name="secret", is_private=True)
    channel = client.conversations_info(channel="G0SECRET")["channel"]
    assert {k: channel[k] for k in ("id", "name", "is_private", "is_channel", "is_im")} == {
        "id": "G0SECRET", "name": "secret", "is_private": True, "is_channel": False, "is_im": False,
    }  # fmt: skip
    user = client.users_info(user=USER)["user"]
    assert (user["id"], user["name"], user["tz"], user["is_bot"]) == (USER, "ann", "America/New_York", False)
    assert user["tz_offset"] in (-5 * 3600, -4 * 3600) and user["tz_label"] in ("EST", "EDT")
    assert api_error(lambda: client.users_info(user="U0NOBODY")).response["error"] == "user_not_found"
    missing = api_error(lambda: client.api_call("users.info", params={})).response
    assert missing["error"] == "invalid_arguments"
    assert missing["response_metadata"] == {"messages": ["[ERROR] missing required field: user"]}
    bot = client.bots_info(bot=BOT_ID)["bot"]
    assert (bot["id"], bot["user_id"], bot["app_id"]) == (BOT_ID, BOT_USER, "A0CLAIMBOT")
    team = client.team_info()["team"]
    assert (team["id"], team["name"], team["domain"]) == (TEAM, "Acme News", "acme-news")
    ephemeral = client.chat_postEphemeral(channel=CHANNEL, user=USER, text="only you")
    assert ephemeral["message_ts"] and standin.messages(CHANNEL) == []
    assert [m["text"] for m in standin.ephemeral_messages(CHANNEL, USER)] == ["only you"]


def test_views_publish_echoes_the_home_view(standin: SlackStandin, client: WebClient) -> None:
    view = {"type": "home", "blocks": [section("Recent claims")]}
    first = client.views_publish(user_id=USER, view=view)["view"]
    assert first["id"].startswith("V") and first["type"] == "home" and first["blocks"] == view["blocks"]
    second = client.views_publish(user_id=USER, view=view, hash=first["hash"])["view"]
    assert second["id"] == first["id"]
    stale = api_error(lambda: client.views_publish(user_id=USER, view=view, hash=first["hash"]))
    assert stale.response["error"] == "hash_conflict"
    assert standin.home_view(TEAM, USER) == second


def test_unknown_method_is_answered_and_recorded(standin: SlackStandin, client: WebClient) -> None:
    error = api_error(lambda: client.api_call("chat.frobnicate", params={"x": "1"}))
    assert error.response["error"] == "unknown_method"
    [call] = standin.calls_to("chat.frobnicate")
    assert call.params == {"x": "1"}


def test_socket_mode_is_not_simulated(client: WebClient) -> None:
    assert (
        api_error(lambda: client.apps_connections_open(app_token=TOKEN)).response["error"]
        == "not_allowed_token_type"
    )


def test_oauth_install_then_the_new_token_works(standin: SlackStandin) -> None:
    standin.set_oauth_client("123.456", "shh")
    standin.add_oauth_code("code-1", "T0NEW", team_name="New Co", bot_token="xoxb-new", bot_user_id="U0B2",
                           bot_id="B0B2", installer_user_id="U0BOSS")  # fmt: skip
    anonymous = WebClient(base_url=standin.base_url, retry_handlers=[])
    bad = api_error(
        lambda: anonymous.oauth_v2_access(client_id="123.456", client_secret="nope", code="code-1")
    )
    assert bad.response["error"] == "bad_client_secret"
    answer = anonymous.oauth_v2_access(client_id="123.456", client_secret="shh", code="code-1").data
    assert answer["access_token"] == "xoxb-new" and answer["token_type"] == "bot"
    assert (answer["bot_user_id"], answer["app_id"], answer["enterprise"]) == ("U0B2", "A0CLAIMBOT", None)
    assert answer["team"] == {"id": "T0NEW", "name": "New Co"} and answer["authed_user"] == {"id": "U0BOSS"}
    assert "chat:write" in answer["scope"].split(",")
    reused = api_error(
        lambda: anonymous.oauth_v2_access(client_id="123.456", client_secret="shh", code="code-1")
    )
    assert reused.response["error"] == "invalid_code"
    new = WebClient(token="xoxb-new", base_url=standin.base_url)
    assert new.auth_test()["bot_id"] == "B0B2"


# -- faults ----------------------------------------------------------------------------------------------


def test_rate_limit_is_retried_after_retry_after(standin: SlackStandin) -> None:
    handler = RateLimitErrorRetryHandler(max_retry_count=1)
    client = WebClient(token=TOKEN, base_url=standin.base_url, retry_handlers=[handler])
    standin.fail_next("chat.postMessage", retry_after=1)
    started = time.monotonic()
    assert client.chat_postMessage(channel=CHANNEL, text="hi")["ok"]
    assert time.monotonic() - started >= 1.0
    limited, passed = standin.calls_to("chat.postMessage")
    assert (limited.status, limited.response) == (429, {"ok": False, "error": "ratelimited"})
    assert passed.ok and len(standin.messages(CHANNEL)) == 1


def test_rate_limit_without_handler_surfaces_429_and_retry_after(
    standin: SlackStandin, client: WebClient
) -> None:
    standin.fail_next("chat.postMessage", retry_after=7)
    error = api_error(lambda: client.chat_postMessage(channel=CHANNEL, text="hi"))
    assert error.response.status_code == 429 and error.response["error"] == "ratelimited"
    assert error.response.headers["Retry-After"] == "7"


def test_injected_app_error_and_server_error(standin: SlackStandin, client: WebClient) -> None:
    standin.fail_next("chat.update", error="message_not_found", times=2)
    standin.fail_next("users.info", status=503)
    for _ in range(2):
        error = api_error(lambda: client.chat_update(channel=CHANNEL, ts="1.1", text="x"))
        assert (error.response.status_code, error.response["error"]) == (200, "message_not_found")
    assert api_error(lambda: client.users_info(user=USER)).response.status_code == 503
    assert client.users_info(user=USER)["ok"]


def test_dropped_connection_is_retried_by_connection_handler(standin: SlackStandin) -> None:
    handler = ConnectionErrorRetryHandler(
        max_retry_count=1, interval_calculator=FixedValueRetryIntervalCalculator(0.01)
    )
    client = WebClient(token=TOKEN, base_url=standin.base_url, retry_handlers=[handler])
    standin.drop_connection_next("chat.postMessage")
    assert client.chat_postMessage(channel=CHANNEL, text="hi")["ok"]
    dropped, passed = standin.calls_to("chat.postMessage")
    assert (dropped.status, dropped.response, passed.ok) == (0, None, True)


def test_dropped_connection_without_handler_is_a_connection_error(
    standin: SlackStandin, client: WebClient
) -> None:
    standin.drop_connection_next("auth.test")
    with pytest.raises((URLError, ConnectionError)):
        client.auth_test()


# -- waiting and response_url ----------------------------------------------------------------------------


def test_wait_for_returns_once_calls_arrive(standin: SlackStandin, client: WebClient) -> None:
    def later() -> None:
        time.sleep(0.1)
        client.chat_postMessage(channel=CHANNEL, text="one")
        client.chat_postMessage(channel=CHANNEL, text="two")

    threading.Thread(target=later).start()
    calls = standin.wait_for("chat.postMessage", count=2, timeout=5)
    assert [c.params["text"] for c in calls] == ["one", "two"]
    [two] = standin.wait_for("chat.postMessage", where=lambda c: c.params["text"] == "two")
    assert isinstance(two, RecordedCall)


def test_wait_for_timeout_lists_what_was_seen(standin: SlackStandin, client: WebClient) -> None:
    client.auth_test()
    with pytest.raises(AssertionError) as caught:
        standin.wait_for("chat.postMessage", timeout=0.2)
    assert "chat.postMessage" in str(caught.value) and "auth.test [200 ok]" in str(caught.value)
    standin.reset_calls()
    assert standin.calls == []


def test_response_url_is_recorded_and_replaces_the_original(standin: SlackStandin, client: WebClient) -> None:
    posted = client.chat_postMessage(channel=CHANNEL, text="page 1")
    url = standin.response_url("page", channel=CHANNEL, message_ts=posted["ts"])
    assert url.endswith("/response/page")
    reply = httpx.post(url, json={"replace_original": True, "text": "page 2", "blocks": [section("2")]})
    assert reply.status_code == 200
    [call] = standin.wait_for("response_url:page")
    assert call.params == {"replace_original": True, "text": "page 2", "blocks": [section("2")]}
    assert [m["text"] for m in standin.messages(CHANNEL)] == ["page 2"]
    httpx.post(
        standin.response_url("cmd", channel=CHANNEL), json={"response_type": "in_channel", "text": "hi"}
    )
    assert [m["text"] for m in standin.messages(CHANNEL)] == ["page 2", "hi"]


# -- the sender ------------------------------------------------------------------------------------------


class _Receiver:
    """A tiny app endpoint that keeps each request's raw body and headers, answering 200."""

    def __init__(self) -> None:
        self.requests: list[tuple[dict[str, str], bytes]] = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"]))
                receiver.requests.append((dict(self.headers.items()), body))
                self.send_response(200)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/slack/events"
        threading.Thread(
            target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        ).start()


@pytest.fixture
def receiver() -> Iterator[_Receiver]:
    r = _Receiver()
    yield r
    r.server.shutdown()
    r.server.server_close()


@pytest.fixture
def sender(receiver: _Receiver) -> Iterator[SlackSender]:
    with SlackSender(receiver.url, SECRET, bot_user_id=BOT_USER) as s:
        yield s


def test_every_kind_of_request_verifies(
    sender: SlackSender, receiver: _Receiver, standin: SlackStandin
) -> None:
    event = sender.message_event(TEAM, CHANNEL, USER, "look https://example.com/a")
    sender.event(TEAM, event)
    sender.command(TEAM, CHANNEL, USER, "/claims", "konashenkov", response_url=standin.response_url("c"))
    sender.block_action(TEAM, CHANNEL, USER, "page_next", "2", response_url=standin.response_url("a"))
    sender.url_verification("abc")
    verifier = SignatureVerifier(SECRET)
    assert len(receiver.requests) == 4
    for headers, body in receiver.requests:
        assert verifier.is_valid_request(body, headers)
        assert headers["X-Slack-Signature"].startswith("v0=")


def test_tampered_body_or_stale_timestamp_does_not_verify(sender: SlackSender, receiver: _Receiver) -> None:
    verifier = SignatureVerifier(SECRET)
    sender.event(TEAM, sender.message_event(TEAM, CHANNEL, USER, "hi"))
    headers, body = receiver.requests[-1]
    assert not verifier.is_valid_request(body.replace(b"hi", b"ho"), headers)
    sender.signed_post(b"{}", "application/json", timestamp=int(time.time()) - 600)
    assert not verifier.is_valid_request(receiver.requests[-1][1], receiver.requests[-1][0])
    sender.signed_post(b"{}", "application/json", signature="v0=" + "0" * 64)
    assert not verifier.is_valid_request(receiver.requests[-1][1], receiver.requests[-1][0])
    assert not SignatureVerifier("other-secret").is_valid_request(body, headers)


def test_event_envelope_and_retry_headers(sender: SlackSender, receiver: _Receiver) -> None:
    event = sender.message_event(TEAM, CHANNEL, USER, "hi")
    sender.event(TEAM, event, event_id="Ev0001", event_time=1732540000)
    sender.event(TEAM, event, event_id="Ev0001", retry_num=1)
    (first_headers, first_body), (retry_headers, retry_body) = receiver.requests
    envelope = json.loads(first_body)
    assert envelope["type"] == "event_callback" and envelope["event"] == event
    assert (envelope["team_id"], envelope["api_app_id"], envelope["event_id"]) == (
        TEAM,
        "A0CLAIMBOT",
        "Ev0001",
    )
    assert envelope["event_time"] == 1732540000 and envelope["is_ext_shared_channel"] is False
    assert envelope["authorizations"] == [
        {
            "enterprise_id": None,
            "team_id": TEAM,
            "user_id": BOT_USER,
            "is_bot": True,
            "is_enterprise_install": False,
        }
    ]
    assert "X-Slack-Retry-Num" not in first_headers
    assert (retry_headers["X-Slack-Retry-Num"], retry_headers["X-Slack-Retry-Reason"]) == (
        "1",
        "http_timeout",
    )
    assert json.loads(retry_body)["event_id"] == "Ev0001"


def test_command_and_block_action_bodies(sender: SlackSender, receiver: _Receiver) -> None:
    sender.command(TEAM, CHANNEL, USER, "/claims", "source:Konashenkov since:7d", response_url="http://r/1")
    headers, body = receiver.requests[-1]
    assert headers["Content-Type"] == "application/x-www-form-urlencoded"
    form = {k: v[0] for k, v in parse_qs(body.decode()).items()}
    assert (form["command"], form["text"], form["response_url"]) == (
        "/claims",
        "source:Konashenkov since:7d",
        "http://r/1",
    )
    assert (form["team_id"], form["channel_id"], form["user_id"]) == (TEAM, CHANNEL, USER)
    assert form["trigger_id"]

    message = {"type": "message", "ts": "1732540000.000100", "text": "results"}
    sender.block_action(TEAM, CHANNEL, USER, "page_next", "2", response_url="http://r/2", message=message)
    payload = json.loads(parse_qs(receiver.requests[-1][1].decode())["payload"][0])
    assert payload["type"] == "block_actions" and payload["message"] == message
    assert payload["container"] == {
        "type": "message", "message_ts": "1732540000.000100", "channel_id": CHANNEL, "is_ephemeral": False,
    }  # fmt: skip
    [action] = payload["actions"]
    assert (action["action_id"], action["value"], action["block_id"]) == ("page_next", "2", "b")


def test_message_event_looks_like_a_pasted_link(sender: SlackSender) -> None:
    event = sender.message_event(
        TEAM, CHANNEL, USER, "read https://example.com/a?x=1&y=2. now", thread_ts="1.2"
    )
    assert event["text"] == "read <https://example.com/a?x=1&amp;y=2>. now"
    [block] = event["blocks"]
    elements = block["elements"][0]["elements"]
    assert elements == [
        {"type": "text", "text": "read "},
        {"type": "link", "url": "https://example.com/a?x=1&y=2"},
        {"type": "text", "text": ". now"},
    ]
    assert (event["type"], event["channel"], event["user"], event["thread_ts"]) == (
        "message",
        CHANNEL,
        USER,
        "1.2",
    )
    assert event["ts"] == event["event_ts"] and "client_msg_id" in event and "subtype" not in event
    bot = sender.message_event(TEAM, CHANNEL, BOT_USER, "3 claims", bot_id=BOT_ID)
    assert bot["bot_id"] == BOT_ID and "client_msg_id" not in bot


# -- the real Bolt app, end to end -----------------------------------------------------------------------


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


def test_bolt_app_verifies_sender_and_replies_through_standin(standin: SlackStandin) -> None:
    """Signed event in, threaded reply out: the two halves fit the real Bolt app."""
    app = App(signing_secret=SECRET, client=WebClient(token=TOKEN, base_url=standin.base_url))

    @app.event("message")
    def reply(event: dict[str, Any], say: Say) -> None:
        say(text="seen", thread_ts=event.get("thread_ts") or event["ts"])

    server = make_server("127.0.0.1", 0, SlackRequestHandler(app), handler_class=_QuietHandler)
    threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
    try:
        url = f"http://127.0.0.1:{server.server_port}/slack/events"
        with SlackSender(url, SECRET, bot_user_id=BOT_USER) as sender:
            event = sender.message_event(TEAM, CHANNEL, USER, "https://example.com/a")
            assert sender.event(TEAM, event).status_code == 200
            assert sender.url_verification("xyz").json() == {"challenge": "xyz"}
            with SlackSender(url, "wrong-secret") as forger:
                assert forger.event(TEAM, event).status_code == 401
        [call] = standin.wait_for("chat.postMessage", timeout=5)
        assert call.params | {"team_id": TEAM} == {
            "channel": CHANNEL, "text": "seen", "thread_ts": event["ts"], "team_id": TEAM,
        }  # fmt: skip
    finally:
        server.shutdown()
        server.server_close()
