"""The Socket Mode stand-in must hold a real session with slack_sdk's own client, or the Socket Mode
bench and tests built on it measure nothing.

Every check drives ``slack_sdk.socket_mode.builtin.SocketModeClient`` (or Bolt's ``SocketModeHandler``)
over real sockets: ``apps.connections.open`` on the HTTP stand-in, the WebSocket handshake, ``hello``,
envelopes, acks, and each way a link ends. Client ping intervals are short so each test is quick.
"""

from __future__ import annotations

import logging
import socket
import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest
from slack_bolt import App
from slack_bolt.adapter.socket_mode import SocketModeHandler
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.socket_mode.builtin import SocketModeClient
from slack_sdk.socket_mode.request import SocketModeRequest
from slack_sdk.socket_mode.response import SocketModeResponse

from bot.slack_standin import SlackStandin, SocketModeStandin

TEAM = "T0ACME"
BOT_TOKEN = "xoxb-acme-1"
APP_TOKEN = "xapp-1-A0CLAIMBOT-1-secret"
APP_ID = "A0CLAIMBOT"
BOT_USER = "U0BOT"
CHANNEL = "C0NEWS"
USER = "U0ANN"
PING = 0.5  # the client's ping interval: a dead link is noticed within a few of these


class Recorder:
    """What the client's listeners saw: every message, and the requests it acked."""

    def __init__(self, *, ack: bool = True) -> None:
        self.ack = ack
        self.messages: list[dict[str, Any]] = []
        self.requests: list[SocketModeRequest] = []
        self.lock = threading.Lock()

    def on_message(self, client: Any, message: dict[str, Any], raw: str | None) -> None:
        with self.lock:
            self.messages.append(message)

    def on_request(self, client: SocketModeClient, request: SocketModeRequest) -> None:
        with self.lock:
            self.requests.append(request)
        if self.ack:
            client.send_socket_mode_response(SocketModeResponse(envelope_id=request.envelope_id))

    def types(self) -> list[str]:
        with self.lock:
            return [str(m.get("type")) for m in self.messages]


@pytest.fixture
def standin() -> Iterator[SlackStandin]:
    with SlackStandin() as server:
        server.add_workspace(
            TEAM, team_name="Acme News", bot_token=BOT_TOKEN, bot_user_id=BOT_USER, bot_id="B0"
        )
        server.add_channel(TEAM, CHANNEL, name="news")
        server.add_user(TEAM, USER, name="ann")
        server.add_app_token(APP_TOKEN, app_id=APP_ID)
        yield server


@pytest.fixture
def socket_mode(standin: SlackStandin) -> SocketModeStandin:
    return standin.socket_mode


def make_client(standin: SlackStandin, recorder: Recorder, token: str = APP_TOKEN) -> SocketModeClient:
    client = SocketModeClient(
        token,
        web_client=WebClient(base_url=standin.base_url, retry_handlers=[]),
        ping_interval=PING,
        logger=logging.getLogger("tests.socket_mode_client"),
    )
    client.message_listeners.append(recorder.on_message)
    client.socket_mode_request_listeners.append(recorder.on_request)
    return client


@pytest.fixture
def recorder() -> Recorder:
    return Recorder()


@pytest.fixture
def client(standin: SlackStandin, recorder: Recorder) -> Iterator[SocketModeClient]:
    sm_client = make_client(standin, recorder)
    sm_client.connect()
    yield sm_client
    sm_client.close()


def mention(text: str = "hello") -> dict[str, Any]:
    return {
        "type": "app_mention",
        "user": USER,
        "text": f"<@{BOT_USER}> {text}",
        "ts": f"{time.time():.6f}",
        "channel": CHANNEL,
        "event_ts": f"{time.time():.6f}",
    }


def wait_until(check: Any, timeout: float = 5.0) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError(f"not true within {timeout}s: {check}")
        time.sleep(0.02)


# -- apps.connections.open ----------------------------------------------------------------------------


def test_connections_open_answers_a_ws_url_with_a_ticket_for_the_app(standin: SlackStandin) -> None:
    answer = WebClient(base_url=standin.base_url).apps_connections_open(app_token=APP_TOKEN)
    url = answer["url"]
    assert url.startswith(standin.socket_mode.url + "?ticket=")
    assert url.endswith(f"&app_id={APP_ID}")


@pytest.mark.parametrize(
    ("token", "error"),
    [(BOT_TOKEN, "not_allowed_token_type"), ("xapp-1-unknown", "invalid_auth"), ("", "not_authed")],
)
def test_connections_open_refuses_what_slack_refuses(standin: SlackStandin, token: str, error: str) -> None:
    web = WebClient(base_url=standin.base_url, retry_handlers=[])
    with pytest.raises(SlackApiError) as caught:
        if token:
            web.apps_connections_open(app_token=token)
        else:
            web.api_call("apps.connections.open")
    assert caught.value.response["error"] == error


def test_a_revoked_app_token_is_invalid_and_an_app_token_cannot_post(standin: SlackStandin) -> None:
    web = WebClient(base_url=standin.base_url, retry_handlers=[])
    with pytest.raises(SlackApiError) as wrong_kind:
        WebClient(token=APP_TOKEN, base_url=standin.base_url).chat_postMessage(channel=CHANNEL, text="x")
    assert wrong_kind.value.response["error"] == "not_allowed_token_type"
    standin.revoke_token(APP_TOKEN)
    with pytest.raises(SlackApiError) as revoked:
        web.apps_connections_open(app_token=APP_TOKEN)
    assert revoked.value.response["error"] == "invalid_auth"


def test_a_ticket_opens_one_link_only(standin: SlackStandin, socket_mode: SocketModeStandin) -> None:
    url = WebClient(base_url=standin.base_url).apps_connections_open(app_token=APP_TOKEN)["url"]
    path = url.split(str(socket_mode.url.split("/link/")[0]), 1)[1]
    first, second = raw_handshake(socket_mode, path), raw_handshake(socket_mode, path)
    assert first.startswith("HTTP/1.1 101")
    assert second.startswith("HTTP/1.1 401")
    assert [r.status for r in socket_mode.refusals()] == [401]


def raw_handshake(socket_mode: SocketModeStandin, path: str) -> str:
    """The status line a bare WebSocket upgrade gets (the stand-in's rule, independent of any client)."""
    host, port = socket_mode.url.removeprefix("ws://").split("/")[0].split(":")
    with socket.create_connection((host, int(port)), timeout=5) as sock:
        request = (
            f"GET {path} HTTP/1.1\r\nHost: {host}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
            "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n"
        )
        sock.sendall(request.encode())
        answer = sock.recv(4096).decode("latin-1")
    if answer.startswith("HTTP/1.1 101"):
        assert "Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=" in answer  # RFC 6455's own example
    return answer


# -- a session with slack_sdk's client ----------------------------------------------------------------


def test_hello_then_an_event_is_delivered_and_acked(
    client: SocketModeClient, socket_mode: SocketModeStandin, recorder: Recorder
) -> None:
    link = socket_mode.wait_for_connection(1)
    assert link.app_id == APP_ID
    wait_until(lambda: "hello" in recorder.types())
    hello = recorder.messages[recorder.types().index("hello")]
    assert hello["num_connections"] == 1 and hello["connection_info"] == {"app_id": APP_ID}
    assert set(hello["debug_info"]) >= {"host", "build_number", "approximate_connection_time"}

    envelope_id = socket_mode.send_event(TEAM, mention())
    ack, seconds = socket_mode.wait_for_ack(envelope_id, timeout=5)
    assert ack == {"envelope_id": envelope_id}
    assert 0 <= seconds < 2
    request = recorder.requests[0]
    assert (request.type, request.retry_attempt, request.accepts_response_payload) == ("events_api", 0, False)
    assert request.payload["type"] == "event_callback"
    assert request.payload["event"]["type"] == "app_mention"
    assert request.payload["authorizations"][0]["user_id"] == BOT_USER
    assert socket_mode.frames(opcode="ping"), "the client's pings are recorded"


def test_commands_and_interactions_travel_as_their_http_payloads(
    client: SocketModeClient, socket_mode: SocketModeStandin, recorder: Recorder, standin: SlackStandin
) -> None:
    socket_mode.wait_for_connection(1)
    command = socket_mode.send_command(
        TEAM, CHANNEL, USER, "/claims", "tariffs", response_url=standin.response_url("cmd")
    )
    action = socket_mode.send_interactive({"type": "block_actions", "actions": [{"action_id": "next"}]})
    socket_mode.wait_for_ack(command, timeout=5)
    socket_mode.wait_for_ack(action, timeout=5)
    by_type = {r.type: r for r in recorder.requests}
    assert by_type["slash_commands"].payload["command"] == "/claims"
    assert by_type["slash_commands"].accepts_response_payload is True
    assert by_type["interactive"].payload["actions"][0]["action_id"] == "next"


def test_refresh_opens_a_new_link_and_the_next_envelope_is_still_acked(
    client: SocketModeClient, socket_mode: SocketModeStandin, standin: SlackStandin
) -> None:
    socket_mode.wait_for_connection(1)
    opened_before = len(standin.calls_to("apps.connections.open"))
    socket_mode.request_refresh()
    envelope_id = socket_mode.send_event(TEAM, mention("after refresh"))
    new_link = socket_mode.wait_for_connection(2, timeout=10)
    ack, _ = socket_mode.wait_for_ack(envelope_id, timeout=10)
    assert ack["envelope_id"] == envelope_id
    assert socket_mode.envelope(envelope_id).deliveries[0][0] == new_link.id  # not the refreshing link
    assert len(standin.calls_to("apps.connections.open")) == opened_before + 1


def test_a_dropped_tcp_connection_is_noticed_and_replaced(
    client: SocketModeClient, socket_mode: SocketModeStandin
) -> None:
    first = socket_mode.wait_for_connection(1)
    socket_mode.drop_tcp()
    assert socket_mode.connections(include_closed=True)[0].closed_by == "tcp_drop"
    socket_mode.wait_for_connection(2, timeout=12)
    envelope_id = socket_mode.send_event(TEAM, mention("after drop"))
    socket_mode.wait_for_ack(envelope_id, timeout=5)
    assert socket_mode.envelope(envelope_id).ack_connection != first.id


def test_a_close_frame_ends_the_link_and_the_client_reconnects(
    client: SocketModeClient, socket_mode: SocketModeStandin
) -> None:
    first = socket_mode.wait_for_connection(1)
    socket_mode.close_with_frame(1001, "going away")
    closed = socket_mode.wait_until_closed(first.id, timeout=5)
    assert closed.close_code == 1001
    # slack_sdk 3.48 closes the socket without echoing the close frame (RFC 6455 asks for the echo);
    # the stand-in records either way.
    assert closed.closed_by in ("client_eof", "server_frame")
    assert closed.client_answered_close is not None  # the stand-in noted whether the echo came
    socket_mode.wait_for_connection(2, timeout=10)


def test_a_half_open_link_is_noticed_by_the_clients_pings(
    client: SocketModeClient, socket_mode: SocketModeStandin
) -> None:
    first = socket_mode.wait_for_connection(1)
    socket_mode.go_half_open()
    pings_before = len(socket_mode.frames(connection=first.id, opcode="ping"))
    second = socket_mode.wait_for_connection(2, timeout=12)
    assert second.opened_at - first.opened_at > PING * 4  # the client's stale-link rule, not a close
    assert len(socket_mode.frames(connection=first.id, opcode="ping")) == pings_before  # nothing read


def test_an_envelope_sent_with_no_link_waits_for_the_next_one(
    standin: SlackStandin, socket_mode: SocketModeStandin, recorder: Recorder
) -> None:
    envelope_id = socket_mode.send_event(TEAM, mention("early"))
    sm_client = make_client(standin, recorder)
    try:
        sm_client.connect()
        socket_mode.wait_for_ack(envelope_id, timeout=5)
    finally:
        sm_client.close()


def test_an_unacked_event_is_redelivered_with_the_next_retry_attempt(
    standin: SlackStandin, socket_mode: SocketModeStandin
) -> None:
    socket_mode.redeliver_after = 0.3
    silent = Recorder(ack=False)
    sm_client = make_client(standin, silent)
    try:
        sm_client.connect()
        socket_mode.wait_for_connection(1)
        envelope_id = socket_mode.send_event(TEAM, mention("ignored"))
        wait_until(lambda: len(silent.requests) >= 2)
        silent.ack = True
        socket_mode.wait_for_ack(envelope_id, timeout=5)
    finally:
        sm_client.close()
    attempts = [r.retry_attempt for r in silent.requests]
    assert attempts[:2] == [0, 1]
    assert {r.payload["event_id"] for r in silent.requests} == {silent.requests[0].payload["event_id"]}
    assert silent.requests[1].retry_reason == "timeout"


# -- Bolt ---------------------------------------------------------------------------------------------


def test_a_bolt_app_behind_socket_mode_handler_gets_the_event_and_acks(
    standin: SlackStandin, socket_mode: SocketModeStandin
) -> None:
    app = App(client=WebClient(token=BOT_TOKEN, base_url=standin.base_url), signing_secret="")
    heard = threading.Event()

    @app.event("app_mention")
    def on_mention(event: dict[str, Any]) -> None:
        heard.set()

    handler = SocketModeHandler(app, APP_TOKEN, ping_interval=PING)
    handler.connect()
    try:
        socket_mode.wait_for_connection(1)
        envelope_id = socket_mode.send_event(TEAM, mention("bolt"))
        ack, _ = socket_mode.wait_for_ack(envelope_id, timeout=5)
        assert heard.wait(5)
        assert ack["envelope_id"] == envelope_id
    finally:
        handler.close()
