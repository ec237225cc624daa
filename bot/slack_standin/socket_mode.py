"""Slack's Socket Mode on 127.0.0.1, so the real Socket Mode client can be driven through a whole session.

slack_sdk's and Bolt's own test servers only answer after the client speaks, so they cannot send a
``hello``, push an envelope unasked, ask for a refresh or fail the way a real link fails. This one speaks
the protocol of https://api.slack.com/apis/socket-mode over RFC 6455 WebSockets (stdlib only, so each
failure is ours to shape byte by byte):

- a client opens ``apps.connections.open`` on ``SlackStandin`` with an app-level token, gets
  ``ws://127.0.0.1:PORT/link/?ticket=...&app_id=...`` and connects; the ticket is redeemed once;
- the stand-in sends ``hello`` (``num_connections``, ``debug_info``, ``connection_info.app_id``), then
  the envelopes a test sends (``events_api``, ``slash_commands``, ``interactive``) and records every
  frame the client sends (acks, pings, pongs, close) with its time;
- faults on demand: ``request_refresh`` (``disconnect`` / ``refresh_requested``), ``close_with_frame``,
  ``drop_tcp`` (no close frame), ``go_half_open`` (nothing read or answered, TCP kept open);
- Slack's redelivery when asked for: an envelope not acked within ``redeliver_after`` seconds is sent
  again with ``retry_attempt`` + 1.

Times are ``time.monotonic()`` seconds: compare them with each other, not with the wall clock.
"""

from __future__ import annotations

import base64
import contextlib
import copy
import hashlib
import json
import logging
import socket
import struct
import threading
import time
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import Any, Literal
from urllib.parse import parse_qs, urlsplit

from bot.slack_standin.sender import SlackSender

__all__ = ["ReceivedFrame", "SentEnvelope", "SocketConnection", "SocketModeStandin"]

logger = logging.getLogger(__name__)

WS_GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"  # RFC 6455 section 1.3
OP_CONTINUATION, OP_TEXT, OP_BINARY, OP_CLOSE, OP_PING, OP_PONG = 0x0, 0x1, 0x2, 0x8, 0x9, 0xA
OPCODE_NAMES = {
    OP_CONTINUATION: "continuation",
    OP_TEXT: "text",
    OP_BINARY: "binary",
    OP_CLOSE: "close",
    OP_PING: "ping",
    OP_PONG: "pong",
}
READ_TICK = 0.05  # how long a reader blocks before it looks at its link's flags again
HANDSHAKE_TIMEOUT = 5.0
MAX_HEAD = 16_384

EnvelopeType = Literal["events_api", "slash_commands", "interactive"]
ClosedBy = Literal["client_frame", "server_frame", "tcp_drop", "client_eof", "error", "stop"]
TicketRedeemer = Callable[[str], str | None]  # ticket -> app id, once
BotUserLookup = Callable[[str], str | None]  # team id -> the app's bot user there


@dataclass(frozen=True)
class ReceivedFrame:
    """One frame the client sent: ``opcode`` by name, its (unmasked) bytes, and the JSON of a text frame."""

    connection_id: int
    at: float
    opcode: str
    data: bytes
    message: dict[str, Any] | None = None

    @property
    def envelope_id(self) -> str | None:
        """Set when this frame is an ack (a JSON object naming an ``envelope_id``)."""
        value = (self.message or {}).get("envelope_id")
        return value if isinstance(value, str) else None


@dataclass
class SentEnvelope:
    """An envelope the stand-in sent, each delivery ``(connection id, time, retry_attempt, written)``, and
    its ack.

    ``written`` is False for a delivery into a half-open link: Slack believes it sent, the app never sees it.
    """

    envelope_id: str
    type: EnvelopeType
    payload: dict[str, Any]
    accepts_response_payload: bool
    created_at: float
    deliveries: list[tuple[int, float, int, bool]] = field(default_factory=list)
    ack: dict[str, Any] | None = None
    acked_at: float | None = None
    ack_connection: int | None = None

    @property
    def first_sent_at(self) -> float | None:
        return self.deliveries[0][1] if self.deliveries else None

    @property
    def ack_seconds(self) -> float | None:
        """From the first delivery (or creation, if it waited for a link) to the ack."""
        if self.acked_at is None:
            return None
        return self.acked_at - (self.first_sent_at if self.first_sent_at is not None else self.created_at)


@dataclass
class SocketConnection:
    """One WebSocket link as the stand-in sees it (a snapshot when returned to a test)."""

    id: int
    app_id: str
    peer: tuple[str, int]
    opened_at: float
    closed_at: float | None = None
    closed_by: ClosedBy | None = None
    close_code: int | None = None  # the code of the close frame that ended it, either side's
    client_answered_close: bool | None = None  # after the stand-in's close frame, did the client echo it?
    refreshing: bool = False  # sent ``refresh_requested``: no new envelopes go here
    half_open: bool = False

    @property
    def is_open(self) -> bool:
        return self.closed_at is None


@dataclass(frozen=True)
class Refusal:
    """A WebSocket handshake the stand-in refused (bad path, no or spent ticket)."""

    at: float
    peer: tuple[str, int]
    status: int
    reason: str
    path: str


# -- RFC 6455 framing -----------------------------------------------------------------------------------


def accept_key(key: str) -> str:
    """``Sec-WebSocket-Accept`` for a client's ``Sec-WebSocket-Key``."""
    return base64.b64encode(hashlib.sha1((key + WS_GUID).encode()).digest()).decode()


def encode_frame(opcode: int, payload: bytes) -> bytes:
    """A single unmasked, final frame: servers never mask (RFC 6455 section 5.1)."""
    head = bytes([0x80 | opcode])
    size = len(payload)
    if size <= 125:
        head += bytes([size])
    elif size <= 0xFFFF:
        head += struct.pack("!BH", 126, size)
    else:
        head += struct.pack("!BQ", 127, size)
    return head + payload


def close_payload(code: int, reason: str = "") -> bytes:
    return struct.pack("!H", code) + reason.encode()[:123]


def parse_frame(buffer: bytearray) -> tuple[bool, int, bytes] | None:
    """Take one whole frame off the front of ``buffer``: (fin, opcode, unmasked payload); None if partial."""
    if len(buffer) < 2:
        return None
    fin, opcode = bool(buffer[0] & 0x80), buffer[0] & 0x0F
    masked, size, offset = bool(buffer[1] & 0x80), buffer[1] & 0x7F, 2
    if size == 126:
        if len(buffer) < 4:
            return None
        size, offset = struct.unpack_from("!H", buffer, 2)[0], 4
    elif size == 127:
        if len(buffer) < 10:
            return None
        size, offset = struct.unpack_from("!Q", buffer, 2)[0], 10
    mask = b""
    if masked:
        if len(buffer) < offset + 4:
            return None
        mask, offset = bytes(buffer[offset : offset + 4]), offset + 4
    if len(buffer) < offset + size:
        return None
    data = bytes(buffer[offset : offset + size])
    del buffer[: offset + size]
    if masked:
        data = bytes(b ^ mask[i % 4] for i, b in enumerate(data))
    return fin, opcode, data


# -- one live link --------------------------------------------------------------------------------------


class _Link:
    """A connected client: its socket, a write lock, what the stand-in decided to do to it."""

    def __init__(self, sock: socket.socket, info: SocketConnection) -> None:
        self.sock = sock
        self.info = info
        self.write_lock = threading.Lock()
        self.buffer = bytearray()
        self.fragments: list[bytes] = []
        self.fragment_opcode = OP_TEXT
        self.close_sent_at: float | None = None
        self.refresh_sent_at: float | None = None

    def send(self, opcode: int, payload: bytes) -> bool:
        """Write one frame unless the link is dead or half-open; False when nothing was written."""
        if self.info.closed_at is not None or self.info.half_open:
            return False
        try:
            with self.write_lock:
                self.sock.sendall(encode_frame(opcode, payload))
        except OSError:
            return False
        return True

    def send_json(self, message: dict[str, Any]) -> bool:
        return self.send(OP_TEXT, json.dumps(message).encode())

    def shut(self) -> None:
        """Close the TCP connection without a close frame (FIN; the client's reads see end of stream)."""
        with contextlib.suppress(OSError):
            self.sock.shutdown(socket.SHUT_RDWR)
        with contextlib.suppress(OSError):
            self.sock.close()


# -- the server -----------------------------------------------------------------------------------------


class SocketModeStandin:
    """The WebSocket side of Socket Mode: accepts links with tickets, sends envelopes, records acks.

    ``SlackStandin.add_app_token`` starts one and ``SlackStandin.socket_mode`` returns it; the Web API
    side (``apps.connections.open``) issues the tickets this server redeems through ``redeem_ticket``.
    """

    def __init__(
        self,
        redeem_ticket: TicketRedeemer,
        *,
        bot_user_of: BotUserLookup | None = None,
        host: str = "127.0.0.1",
        port: int = 0,
        redeliver_after: float | None = None,
        max_retries: int = 3,
        refresh_grace: float | None = 10.0,
        close_timeout: float = 1.0,
        ping_interval: float | None = None,
        approximate_connection_time: int = 18060,
    ) -> None:
        self._redeem = redeem_ticket
        self._bot_user_of = bot_user_of or (lambda team_id: None)
        self._host, self._port = host, port
        self.redeliver_after = redeliver_after  # None: no redelivery (the default)
        self.max_retries = max_retries  # Slack retries an unacked event up to 3 times
        self.refresh_grace = refresh_grace  # after refresh_requested, the old link is closed this much later
        self.close_timeout = close_timeout  # after our close frame, the TCP close this much later at most
        self.ping_interval = ping_interval  # server pings (None: only answer the client's)
        self.approximate_connection_time = approximate_connection_time
        self._cond = threading.Condition(threading.RLock())
        self._links: dict[int, _Link] = {}
        self._envelopes: dict[str, SentEnvelope] = {}
        self._waiting: list[str] = []  # envelopes sent while no link was open, delivered on the next one
        self._frames: list[ReceivedFrame] = []
        self._refusals: list[Refusal] = []
        self._next_id = 1
        self._last_ping = 0.0
        self._listener: socket.socket | None = None
        self._threads: list[threading.Thread] = []
        self._running = False
        self.sender = SlackSender("socket-mode://standin", "socket-mode-has-no-signature")

    # -- lifecycle ---------------------------------------------------------------------------------------

    def start(self) -> SocketModeStandin:
        if self._running:
            return self
        listener = socket.create_server((self._host, self._port))
        listener.settimeout(READ_TICK)
        self._listener, self._port, self._running = listener, listener.getsockname()[1], True
        for name, target in (("accept", self._accept_loop), ("housekeeping", self._housekeeping_loop)):
            thread = threading.Thread(target=target, name=f"socket-standin-{name}", daemon=True)
            thread.start()
            self._threads.append(thread)
        return self

    def stop(self) -> None:
        """Close every link (no close frame: the server went away) and the listening socket."""
        if not self._running:
            return
        self._running = False
        with self._cond:
            links = list(self._links.values())
        for link in links:
            self._mark_closed(link, "stop")
            link.shut()
        if self._listener is not None:
            self._listener.close()
        for thread in self._threads:
            thread.join(timeout=2)
        self._threads.clear()
        self.sender.close()

    @property
    def url(self) -> str:
        """``ws://HOST:PORT/link/``: ``apps.connections.open`` adds ``?ticket=...&app_id=...``."""
        return f"ws://{self._host}:{self._port}/link/"

    # -- what a test sends -------------------------------------------------------------------------------

    def send_event(
        self,
        team_id: str,
        event: dict[str, Any],
        *,
        event_id: str | None = None,
        app_id: str | None = None,
        connection: int | None = None,
    ) -> str:
        """Wrap an event (e.g. ``sender.message_event(...)``) in the ``event_callback`` body the HTTP
        Events API posts, and that in an ``events_api`` envelope; returns the envelope id."""
        app = app_id or self._app_of(connection)
        bot_user = self._bot_user_of(team_id)
        authorizations = None
        if bot_user is not None:
            authorizations = [
                {
                    "enterprise_id": None,
                    "team_id": team_id,
                    "user_id": bot_user,
                    "is_bot": True,
                    "is_enterprise_install": False,
                }
            ]
        body = self.sender.event_envelope(
            team_id, event, event_id=event_id, api_app_id=app, authorizations=authorizations
        )
        return self.send_envelope("events_api", body, connection=connection)

    def send_command(
        self,
        team_id: str,
        channel_id: str,
        user_id: str,
        command: str,
        text: str,
        *,
        response_url: str,
        channel_name: str = "general",
        app_id: str | None = None,
        connection: int | None = None,
    ) -> str:
        """A slash command: the fields Slack would form-encode over HTTP, as a JSON object."""
        payload = self.sender.command_payload(
            team_id,
            channel_id,
            user_id,
            command,
            text,
            response_url=response_url,
            channel_name=channel_name,
            api_app_id=app_id or self._app_of(connection),
        )
        return self.send_envelope(
            "slash_commands", payload, accepts_response_payload=True, connection=connection
        )

    def send_interactive(
        self, payload: dict[str, Any], *, accepts_response_payload: bool = True, connection: int | None = None
    ) -> str:
        """An interaction (``block_actions``, ``view_submission``...): the JSON HTTP sends as ``payload=``."""
        return self.send_envelope(
            "interactive", payload, accepts_response_payload=accepts_response_payload, connection=connection
        )

    def send_envelope(
        self,
        type_: EnvelopeType,
        payload: dict[str, Any],
        *,
        accepts_response_payload: bool = False,
        connection: int | None = None,
    ) -> str:
        """Send any envelope to ``connection`` (default: the newest link not being refreshed). With no link
        open it waits and goes out on the next one, as Slack holds events while an app reconnects."""
        envelope = SentEnvelope(
            envelope_id=str(uuid.uuid4()),
            type=type_,
            payload=copy.deepcopy(payload),
            accepts_response_payload=accepts_response_payload,
            created_at=time.monotonic(),
        )
        with self._cond:
            self._envelopes[envelope.envelope_id] = envelope
            link = self._route(connection)
            if link is None:
                self._waiting.append(envelope.envelope_id)
                return envelope.envelope_id
        self._deliver(link, envelope, retry_attempt=0)
        return envelope.envelope_id

    # -- faults ------------------------------------------------------------------------------------------

    def request_refresh(self, connection: int | None = None) -> list[int]:
        """Send ``disconnect`` / ``refresh_requested`` on the open links (or one); new envelopes wait for
        the link the client opens next; the old one is closed ``refresh_grace`` seconds later."""
        return self.send_disconnect("refresh_requested", connection=connection)

    def send_disconnect(
        self,
        reason: Literal["refresh_requested", "link_disabled", "warning"],
        *,
        connection: int | None = None,
    ) -> list[int]:
        message = {"type": "disconnect", "reason": reason, "debug_info": {"host": self._host_name()}}
        targets = self._targets(connection)
        for link in targets:
            if reason != "warning":
                with self._cond:
                    link.info.refreshing = True
                    link.refresh_sent_at = time.monotonic()
            link.send_json(message)
        return [link.info.id for link in targets]

    def close_with_frame(
        self, code: int = 1001, reason: str = "", connection: int | None = None
    ) -> list[int]:
        """Send a close frame; the TCP connection follows when the client echoes it or after close_timeout."""
        targets = self._targets(connection)
        for link in targets:
            link.close_sent_at = time.monotonic()
            with self._cond:
                link.info.close_code = code
                link.info.client_answered_close = False
            link.send(OP_CLOSE, close_payload(code, reason))
        return [link.info.id for link in targets]

    def drop_tcp(self, connection: int | None = None) -> list[int]:
        """Close the TCP connection with no close frame, as a load balancer or a dead peer does."""
        targets = self._targets(connection)
        for link in targets:
            self._mark_closed(link, "tcp_drop")
            link.shut()
        return [link.info.id for link in targets]

    def go_half_open(self, connection: int | None = None) -> list[int]:
        """From now on read nothing, answer no ping, write nothing, but keep the TCP connection open: the
        client's pings vanish as on a link whose far end died without a FIN."""
        targets = self._targets(connection)
        with self._cond:
            for link in targets:
                link.info.half_open = True
        return [link.info.id for link in targets]

    # -- what happened -----------------------------------------------------------------------------------

    def connections(self, *, include_closed: bool = False) -> list[SocketConnection]:
        """Snapshots of the links, oldest first: the open ones (half-open ones count: Slack can't tell)."""
        with self._cond:
            return [
                replace(link.info) for link in self._links.values() if include_closed or link.info.is_open
            ]

    def frames(self, *, connection: int | None = None, opcode: str | None = None) -> list[ReceivedFrame]:
        """Every frame received, oldest first; of one link or one opcode (``"ping"``, ``"text"``) if asked."""
        with self._cond:
            return [
                f
                for f in self._frames
                if (connection is None or f.connection_id == connection)
                and (opcode is None or f.opcode == opcode)
            ]

    def acks(self) -> list[ReceivedFrame]:
        return [f for f in self.frames(opcode="text") if f.envelope_id is not None]

    def envelopes(self) -> list[SentEnvelope]:
        with self._cond:
            return [copy.deepcopy(e) for e in self._envelopes.values()]

    def envelope(self, envelope_id: str) -> SentEnvelope:
        with self._cond:
            return copy.deepcopy(self._envelopes[envelope_id])

    def refusals(self) -> list[Refusal]:
        with self._cond:
            return list(self._refusals)

    def wait_for_ack(self, envelope_id: str, timeout: float = 10.0) -> tuple[dict[str, Any], float]:
        """Block until the envelope is acked: (the ack message, seconds from its first delivery to ack)."""
        if self._wait(lambda: self._envelopes[envelope_id].acked_at is not None, timeout) is None:
            raise AssertionError(f"no ack for envelope {envelope_id} within {timeout:g}s; {self._report()}")
        found = self.envelope(envelope_id)
        assert found.ack is not None and found.ack_seconds is not None
        return found.ack, found.ack_seconds

    def wait_for_connection(self, count: int = 1, timeout: float = 10.0) -> SocketConnection:
        """Block until ``count`` links were opened since start (closed ones count); return the last one."""
        if self._wait(lambda: len(self._links) >= count, timeout) is None:
            raise AssertionError(f"waited {timeout:g}s for connection #{count}; {self._report()}")
        with self._cond:
            return replace(self._links[sorted(self._links)[count - 1]].info)

    def wait_until_closed(self, connection: int, timeout: float = 10.0) -> SocketConnection:
        if self._wait(lambda: not self._links[connection].info.is_open, timeout) is None:
            raise AssertionError(f"connection {connection} still open after {timeout:g}s; {self._report()}")
        with self._cond:
            return replace(self._links[connection].info)

    def opened_count(self) -> int:
        """How many links were ever opened: take it before a fault, then ``wait_for_connection(n + 1)``."""
        with self._cond:
            return len(self._links)

    # -- internals: routing and delivery ----------------------------------------------------------------

    def _route(self, connection: int | None) -> _Link | None:
        """The link for a new envelope: the one named, else the newest open one not being refreshed."""
        if connection is not None:
            return self._links[connection]
        live = [link for link in self._links.values() if link.info.is_open and not link.info.refreshing]
        return live[-1] if live else None

    def _targets(self, connection: int | None) -> list[_Link]:
        with self._cond:
            if connection is not None:
                return [self._links[connection]]
            return [link for link in self._links.values() if link.info.is_open]

    def _app_of(self, connection: int | None) -> str:
        with self._cond:
            link = self._route(connection) or next(reversed(self._links.values()), None)
            return link.info.app_id if link is not None else "A0CLAIMBOT"

    def _deliver(self, link: _Link, envelope: SentEnvelope, *, retry_attempt: int) -> None:
        message: dict[str, Any] = {
            "envelope_id": envelope.envelope_id,
            "payload": envelope.payload,
            "type": envelope.type,
            "accepts_response_payload": envelope.accepts_response_payload,
        }
        if envelope.type == "events_api":
            message.update(
                {"retry_attempt": retry_attempt, "retry_reason": "timeout" if retry_attempt else ""}
            )
        with self._cond:  # recorded before the write: the ack may come back before send_json returns
            envelope.deliveries.append((link.info.id, time.monotonic(), retry_attempt, True))
            index = len(envelope.deliveries) - 1
        if not link.send_json(message):
            with self._cond:
                envelope.deliveries[index] = (*envelope.deliveries[index][:3], False)
        with self._cond:
            self._cond.notify_all()

    def _deliver_waiting(self, link: _Link) -> None:
        with self._cond:
            waiting, self._waiting = [self._envelopes[e] for e in self._waiting], []
        for envelope in waiting:
            self._deliver(link, envelope, retry_attempt=0)

    # -- internals: accepting and reading ----------------------------------------------------------------

    def _accept_loop(self) -> None:
        assert self._listener is not None
        while self._running:
            try:
                sock, peer = self._listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            threading.Thread(
                target=self._serve, args=(sock, peer), name="socket-standin-link", daemon=True
            ).start()

    def _serve(self, sock: socket.socket, peer: tuple[str, int]) -> None:
        """Handshake, ``hello``, waiting envelopes, then read frames until the link ends."""
        sock.settimeout(HANDSHAKE_TIMEOUT)
        link = self._handshake(sock, peer)
        if link is None:
            with contextlib.suppress(OSError):
                sock.close()
            return
        sock.settimeout(READ_TICK)
        link.send_json(self._hello(link.info.app_id))
        self._deliver_waiting(link)
        try:
            self._read_until_closed(link)
        finally:
            if link.info.is_open:
                self._mark_closed(link, "error")
            link.shut()

    def _handshake(self, sock: socket.socket, peer: tuple[str, int]) -> _Link | None:
        head = _read_head(sock)
        if head is None:
            return None
        path, headers, rest = head
        split = urlsplit(path)
        ticket = (parse_qs(split.query).get("ticket") or [""])[0]
        key = headers.get("sec-websocket-key", "")
        if not split.path.startswith("/link") or headers.get("upgrade", "").lower() != "websocket" or not key:
            return self._refuse(sock, peer, path, 400, "not a WebSocket upgrade to /link/")
        app_id = self._redeem(ticket) if ticket else None
        if app_id is None:
            return self._refuse(sock, peer, path, 401, "no ticket, or one not issued or already used")
        answer = (
            "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
            f"Sec-WebSocket-Accept: {accept_key(key)}\r\n\r\n"
        )
        try:
            sock.sendall(answer.encode())
        except OSError:
            return None
        link = self._register(sock, peer, app_id)
        link.buffer.extend(rest)
        return link

    def _refuse(
        self, sock: socket.socket, peer: tuple[str, int], path: str, status: int, reason: str
    ) -> None:
        """Answer an HTTP error and close; recorded first, so a test that read the answer finds the record."""
        logger.debug("Socket Mode stand-in refused %s from %s: %s", path, peer, reason)
        with self._cond:
            self._refusals.append(Refusal(time.monotonic(), peer, status, reason, path))
            self._cond.notify_all()
        text = {400: "Bad Request", 401: "Unauthorized"}[status]
        with contextlib.suppress(OSError):
            sock.sendall(
                f"HTTP/1.1 {status} {text}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n".encode()
            )
        return None

    def _register(self, sock: socket.socket, peer: tuple[str, int], app_id: str) -> _Link:
        with self._cond:
            info = SocketConnection(id=self._next_id, app_id=app_id, peer=peer, opened_at=time.monotonic())
            self._next_id += 1
            link = _Link(sock, info)
            self._links[info.id] = link
            self._cond.notify_all()
        return link

    def _hello(self, app_id: str) -> dict[str, Any]:
        with self._cond:
            count = sum(
                1 for link in self._links.values() if link.info.is_open and link.info.app_id == app_id
            )
        started = datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")[:-3]
        return {
            "type": "hello",
            "num_connections": count,
            "debug_info": {
                "host": self._host_name(),
                "started": started,
                "build_number": 1,
                "approximate_connection_time": self.approximate_connection_time,
            },
            "connection_info": {"app_id": app_id},
        }

    def _host_name(self) -> str:
        return f"applink-standin-{self._port}"

    def _read_until_closed(self, link: _Link) -> None:
        while self._running and link.info.is_open:
            if link.info.half_open:
                time.sleep(READ_TICK)  # the bytes the client sends stay unread in the kernel's buffer
                continue
            try:
                chunk = link.sock.recv(65536)
            except TimeoutError:
                continue
            except OSError:
                self._mark_closed(link, "error")
                return
            if not chunk:
                self._mark_closed(link, "client_eof")
                return
            link.buffer.extend(chunk)
            self._take_frames(link)

    def _take_frames(self, link: _Link) -> None:
        while link.info.is_open and not link.info.half_open:
            frame = parse_frame(link.buffer)
            if frame is None:
                return
            fin, opcode, data = frame
            if opcode in (OP_TEXT, OP_BINARY, OP_CONTINUATION):
                whole = self._assemble(link, fin, opcode, data)
                if whole is not None:
                    self._on_data(link, *whole)
            else:
                self._on_control(link, opcode, data)

    def _assemble(self, link: _Link, fin: bool, opcode: int, data: bytes) -> tuple[int, bytes] | None:
        """A whole message from its fragments (slack_sdk never fragments; RFC clients may)."""
        if opcode != OP_CONTINUATION:
            link.fragments, link.fragment_opcode = [], opcode
        link.fragments.append(data)
        if not fin:
            return None
        whole, link.fragments = b"".join(link.fragments), []
        return link.fragment_opcode, whole

    def _on_data(self, link: _Link, opcode: int, data: bytes) -> None:
        message = None
        if opcode == OP_TEXT:
            with contextlib.suppress(ValueError):
                decoded = json.loads(data)
                message = decoded if isinstance(decoded, dict) else None
        frame = ReceivedFrame(link.info.id, time.monotonic(), OPCODE_NAMES[opcode], data, message)
        with self._cond:
            self._frames.append(frame)
            self._record_ack(frame)
            self._cond.notify_all()

    def _record_ack(self, frame: ReceivedFrame) -> None:
        """The first ack of a known envelope counts; later ones and unknown ids stay only in ``frames``."""
        envelope = self._envelopes.get(frame.envelope_id or "")
        if envelope is None or envelope.acked_at is not None:
            return
        envelope.ack, envelope.acked_at, envelope.ack_connection = (
            frame.message,
            frame.at,
            frame.connection_id,
        )

    def _on_control(self, link: _Link, opcode: int, data: bytes) -> None:
        frame = ReceivedFrame(link.info.id, time.monotonic(), OPCODE_NAMES.get(opcode, hex(opcode)), data)
        with self._cond:
            self._frames.append(frame)
            self._cond.notify_all()
        if opcode == OP_PING:
            link.send(OP_PONG, data)
        elif opcode == OP_CLOSE:
            self._on_close_frame(link, data)

    def _on_close_frame(self, link: _Link, data: bytes) -> None:
        """The client's close: an answer to ours ends the link; a close of its own is echoed first."""
        code = struct.unpack("!H", data[:2])[0] if len(data) >= 2 else 1005
        if link.close_sent_at is not None:
            with self._cond:
                link.info.client_answered_close = True
            self._mark_closed(link, "server_frame")
        else:
            link.send(OP_CLOSE, data[:2])
            with self._cond:
                link.info.close_code = code
            self._mark_closed(link, "client_frame")
        link.shut()

    def _mark_closed(self, link: _Link, closed_by: ClosedBy) -> None:
        with self._cond:
            if link.info.closed_at is None:
                link.info.closed_at, link.info.closed_by = time.monotonic(), closed_by
                logger.debug("Socket Mode link #%d closed (%s)", link.info.id, closed_by)
            self._cond.notify_all()

    # -- internals: the clock ----------------------------------------------------------------------------

    def _housekeeping_loop(self) -> None:
        """Redeliveries, the end of refreshed links, close frames never answered, server pings."""
        while self._running:
            now = time.monotonic()
            self._finish_closes(now)
            self._finish_refreshes(now)
            self._redeliver(now)
            self._ping(now)
            time.sleep(READ_TICK)

    def _finish_closes(self, now: float) -> None:
        for link in self._open_links():
            if link.close_sent_at is not None and now - link.close_sent_at >= self.close_timeout:
                self._mark_closed(link, "server_frame")
                link.shut()

    def _finish_refreshes(self, now: float) -> None:
        if self.refresh_grace is None:
            return
        for link in self._open_links():
            sent = link.refresh_sent_at
            if sent is not None and link.close_sent_at is None and now - sent >= self.refresh_grace:
                self.close_with_frame(1001, "refreshed", connection=link.info.id)

    def _redeliver(self, now: float) -> None:
        if self.redeliver_after is None:
            return
        with self._cond:
            due = [
                e
                for e in self._envelopes.values()
                if e.acked_at is None
                and e.deliveries
                and len(e.deliveries) <= self.max_retries
                and now - e.deliveries[-1][1] >= self.redeliver_after
            ]
        for envelope in due:
            with self._cond:
                link = self._route(None)
            if link is not None:
                self._deliver(link, envelope, retry_attempt=len(envelope.deliveries))

    def _ping(self, now: float) -> None:
        if self.ping_interval is None or now - self._last_ping < self.ping_interval:
            return
        self._last_ping = now
        for link in self._open_links():
            link.send(OP_PING, f"standin:{now}".encode())

    def _open_links(self) -> Iterable[_Link]:
        with self._cond:
            return [link for link in self._links.values() if link.info.is_open]

    # -- internals: waiting ------------------------------------------------------------------------------

    def _wait(self, done: Callable[[], bool], timeout: float) -> bool | None:
        deadline = time.monotonic() + timeout
        with self._cond:
            while not done():
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    return None
                self._cond.wait(remaining)
            return True

    def _report(self) -> str:
        """What the stand-in saw, for a failed wait's message."""
        with self._cond:
            links = [
                f"#{link.info.id} opened {link.info.opened_at:.3f} closed {link.info.closed_at} "
                f"by {link.info.closed_by}{' half-open' if link.info.half_open else ''}"
                for link in self._links.values()
            ]
            frames = [f"#{f.connection_id} {f.at:.3f} {f.opcode} {f.data[:80]!r}" for f in self._frames[-15:]]
            refused = [f"{r.status} {r.reason}" for r in self._refusals]
        return (
            f"now {time.monotonic():.3f}; links: {links or 'none'}; refused: {refused or 'none'}; "
            f"last frames: {frames or 'none'}"
        )


def _read_head(sock: socket.socket) -> tuple[str, dict[str, str], bytes] | None:
    """The request line's target, the headers (lower-case names) of an HTTP request and any bytes read
    past its end, or None."""
    data = b""
    try:
        while b"\r\n\r\n" not in data:
            chunk = sock.recv(1024)
            if not chunk or len(data) > MAX_HEAD:
                return None
            data += chunk
    except OSError:
        return None
    head, rest = data.split(b"\r\n\r\n", 1)
    lines = head.decode("latin-1").split("\r\n")
    parts = lines[0].split(" ")
    if len(parts) != 3 or parts[0] != "GET":
        return None
    headers = {}
    for line in lines[1:]:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    return parts[1], headers, rest
