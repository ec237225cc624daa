"""slack_sdk's built-in Socket Mode client with the four link events of `claimbot run` fixed.

`ClaimbotSocketModeClient` subclasses ``slack_sdk.socket_mode.builtin.SocketModeClient`` (and
`_Connection` its ``Connection``) and overrides only what the issue "The default mode holds" measured
(bench/socket_mode.py, slack_sdk 3.48.0). Each workaround names the upstream state it stands in for, so it
can go when slack_sdk fixes it (checked against python-slack-sdk's main branch and issue tracker):

1. Refresh (``disconnect`` / ``refresh_requested``) cost 3 s: ``connect`` closed the old session *before*
   making the new one current, and that close waited for the reader's 3 s ``recv`` timeout (it needs
   ``sock_receive_lock``); the single polling reader then picked the new link up 0.1 s later. Here each
   link gets its own reader thread started as soon as the link is current, the old link is closed in the
   background once the new one said ``hello``, and ``disconnect`` shuts the socket down first, which
   wakes a blocked ``recv`` at once (so ``close()`` no longer waits 3 s either, with no shorter receive
   timeout and its wake-ups). No upstream issue or fix found up to slack_sdk 3.48.0.
2. A TCP close without a close frame spun a core for ~55 s: ``recv`` returning ``b""`` at end of stream
   was read as "no bytes yet" (internals ``_fetch_messages``). Upstream tried raising on it
   (python-slack-sdk#1246), reverted it in #1269 / #1271 after reports of active links being cut, and
   left #1727 (the same busy loop under gevent) unmerged. Here end of stream raises `PeerClosed` inside
   the reader only, which ends that link and reconnects at once: a wrong guess costs one reconnect, not
   lost events.
3. A close frame waited for the next health check (up to ``ping_interval``): the close listener ran
   ``connect_to_new_endpoint()`` while the closing link still counted as connected, so it did nothing,
   and the frame was never echoed (RFC 6455 section 5.5.1). Here the frame is echoed, and the reader
   reconnects once the link is really closed. No upstream issue or fix found up to slack_sdk 3.48.0.
4. A half-open link went unnoticed for ``ping_interval * 4`` (python-slack-sdk#961's rule) on top of a
   10 s interval. Here a link is stale after ``missed_pongs`` ping intervals without a pong (defaults:
   3 s, 3), and a ping that fails with an ``OSError`` (broken pipe) ends the link at once instead of after
   five failed health checks.

Reconnecting at once (2, 3, 4) keeps one guard upstream's once-per-health-check pace gave for free: when
links keep ending right after they open, the next attempt waits a little (`_backoff`).

Wire behaviour is upstream's otherwise: acks go through the current link, ``hello`` and every other
message reach Bolt's listeners as before, and each link's bytes are read by exactly one thread, so no
envelope is read twice across an old and a new link.
"""

from __future__ import annotations

import contextlib
import json
import socket
import struct
import threading
import time
from typing import Any

from slack_sdk.socket_mode.builtin.client import SocketModeClient
from slack_sdk.socket_mode.builtin.connection import Connection, ConnectionState
from slack_sdk.socket_mode.builtin.frame_header import FrameHeader
from slack_sdk.socket_mode.builtin.internals import _build_data_frame_for_sending

HELLO_WAIT = 2.0  # after a refresh, how long the old link may keep reading while the new one says hello
QUICK_END = 2.0  # a link that ends younger than this, twice in a row, makes the next reconnect wait
NO_STATUS = 1005  # RFC 6455 section 7.4.1: "no status code", never sent in a frame


class PeerClosed(ConnectionError):
    """The peer closed the TCP connection (``recv`` gave end of stream) without a WebSocket close frame."""


class _EndOfStreamSocket:
    """The link's socket, except that ``recv`` raises `PeerClosed` at end of stream.

    slack_sdk's frame reader takes ``b""`` for "nothing yet" and calls again at once: at end of stream that
    is a busy loop. Raising an ``OSError`` sends the reader down its own "this connection no longer works"
    path (disconnect, end of the loop). A ``b""`` after our own shutdown is left alone: that is us closing.
    """

    def __init__(self, sock: socket.socket, connection: _Connection) -> None:
        self.raw = sock
        self._connection = connection

    def recv(self, size: int) -> bytes:
        data = self.raw.recv(size)
        if not data and size > 0 and not self._connection.closing:
            raise PeerClosed(f"end of stream from the server (session id: {self._connection.session_id})")
        return data

    def __getattr__(self, name: str) -> Any:
        return getattr(self.raw, name)


class _Connection(Connection):
    """One WebSocket link: closes without waiting for a blocked ``recv``, echoes close frames, notices
    end of stream and missed pongs sooner than slack_sdk's ``Connection``."""

    def __init__(self, *args: Any, missed_pongs: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.missed_pongs = missed_pongs
        self.closing = False  # set before we shut the socket down, so our own end of stream is no error
        self.hello = threading.Event()  # the server's hello arrived: the link is ready
        self.opened_at = time.time()
        self._state: ConnectionState | None = None
        self._client_on_message = self.on_message_listener
        self._client_on_close = self.on_close_listener
        self.on_message_listener = self._on_message
        self.on_close_listener = self._on_close_frame

    def connect(self) -> None:
        super().connect()  # on failure it logs, reports to on_error and leaves sock None
        self.opened_at = time.time()
        if self.sock is not None:
            self.sock = _EndOfStreamSocket(self.sock, self)  # type: ignore[assignment]

    def run_until_completion(self, state: ConnectionState) -> None:
        """Read this link until it ends; remembers ``state`` so ``disconnect`` can end the loop itself."""
        self._state = state
        if self.closing:
            state.terminated = True
        super().run_until_completion(state)

    def disconnect(self) -> None:
        """End the reader's loop and shut the socket down before taking the locks: the shutdown wakes a
        ``recv`` blocked in the reader (it holds ``sock_receive_lock`` for up to its 3 s timeout)."""
        self.closing = True
        if self._state is not None:
            self._state.terminated = True
        sock = self.sock
        if sock is None:
            return  # closed already (a reader and a retirement may both get here): nothing to log twice
        raw = sock.raw if isinstance(sock, _EndOfStreamSocket) else sock
        with contextlib.suppress(OSError):
            # socket.socket's own shutdown: on an SSLSocket too, it shuts the TCP connection down
            socket.socket.shutdown(raw, socket.SHUT_RDWR)
        super().disconnect()

    def close(self) -> None:
        """A close we chose (refresh done, SIGTERM): say so with a close frame (1000) first."""
        if not self.closing:
            self.closing = True  # first: the server's answer to this frame is no close of its own
            self._send_close(1000)
        self.disconnect()

    def check_state(self) -> None:
        """The watchdog, run every ``ping_interval``: ping; stale after ``missed_pongs`` intervals with no
        pong; a ping the kernel refuses (broken pipe, reset) means the link is gone now."""
        if self.sock is None or self.closing:
            return
        now = time.time()
        try:
            self.ping(f"{self.session_id}:{now}")
        except OSError as error:
            self.logger.info(f"Ping failed, closing the connection (session id: {self.session_id}): {error}")
            self.disconnect()
            return
        since = self.last_ping_pong_time if self.last_ping_pong_time is not None else self.opened_at
        if now - since > self.ping_interval * self.missed_pongs:
            self.logger.info(
                f"No pong for {now - since:.1f} s, the connection is stale; closing it "
                f"(session id: {self.session_id})"
            )
            self.disconnect()

    def _on_message(self, text: str) -> None:
        if not self.hello.is_set():  # only messages before hello are parsed here: usually just hello
            with contextlib.suppress(ValueError):
                message = json.loads(text)
                if isinstance(message, dict) and message.get("type") == "hello":
                    self.hello.set()
        if self._client_on_message is not None:
            self._client_on_message(text)

    def _on_close_frame(self, code: int, reason: str | None) -> None:
        """The server's close frame: echo it (RFC 6455 section 5.5.1), then tell the client. The reader
        disconnects right after this returns. A close frame that answers ours needs neither."""
        if self.closing:
            return
        self.logger.info(f"Received a close frame (code {code}, session id: {self.session_id})")
        self._send_close(code)
        self.closing = True
        if self._client_on_close is not None:
            self._client_on_close(code, reason)

    def _send_close(self, code: int) -> None:
        payload = b"" if code == NO_STATUS else struct.pack("!H", code)
        frame = _build_data_frame_for_sending(payload, FrameHeader.OPCODE_CLOSE)
        with self.sock_send_lock, contextlib.suppress(OSError):
            if self.sock is not None:
                self.sock.sendall(frame)


class ClaimbotSocketModeClient(SocketModeClient):
    """slack_sdk's built-in client with a reader thread per link and reconnection as soon as a link ends
    (end of stream, close frame, stale watchdog). The health check (``current_app_monitor``) stays as the
    retry loop when a reconnection fails, once per ``ping_interval``."""

    def __init__(self, app_token: str, *, missed_pongs: int = 3, **kwargs: Any) -> None:
        # Set before super().__init__, which starts threads that may call our overrides.
        self.missed_pongs = missed_pongs
        self._quick_ends = 0  # links in a row that ended within QUICK_END of opening
        self._retiring: set[_Connection] = set()
        self._retiring_lock = threading.Lock()
        super().__init__(app_token, **kwargs)
        # Upstream's single reader polls current_session every 0.1 s; each link has its own reader here.
        self.current_session_runner.shutdown()

    def _run_current_session(self) -> None:
        """Unused: replaced by `_read` (one thread per link, started by `connect`)."""

    def connect(self) -> None:
        """Open a new link and make it current at once, then retire the old one in the background.

        Upstream closes the old link first (waiting for its reader) and only then swaps. If the new link
        fails while the old one still works (a refresh), the old one is kept: Slack closes it later and its
        reader reconnects then.
        """
        if self.wss_uri is None:
            self.wss_uri = self.issue_new_wss_url()
        session = _Connection(
            url=self.wss_uri,
            logger=self.logger,
            ping_interval=self.ping_interval,
            missed_pongs=self.missed_pongs,
            trace_enabled=self.trace_enabled,
            all_message_trace_enabled=self.all_message_trace_enabled,
            ping_pong_trace_enabled=self.ping_pong_trace_enabled,
            receive_buffer_size=self.receive_buffer_size,
            proxy=self.proxy,
            proxy_headers=self.proxy_headers,
            on_message_listener=self._on_message,
            on_error_listener=self._on_error,
            on_close_listener=self._on_close,
            ssl_context=self.web_client.ssl,
        )
        session.connect()
        old = self.current_session
        if self.closed:
            session.close()
            return
        if not session.is_active() and old is not None and old.is_active():
            self.logger.warning("The new connection failed; keeping the current one until it ends")
            return
        state = ConnectionState()
        self.current_session, self.current_session_state = session, state
        self.auto_reconnect_enabled = self.default_auto_reconnect_enabled
        if session.is_active():
            threading.Thread(
                target=self._read, args=(session, state), name="socket-mode-reader", daemon=True
            ).start()
        if isinstance(old, _Connection):
            self._retire(old, session)
        if not self.current_app_monitor_started:
            self.current_app_monitor_started = True
            self.current_app_monitor.start()
        self.logger.info(f"A new session has been established (session id: {self.session_id()})")

    def close(self) -> None:
        super().close()
        with self._retiring_lock:
            retiring = list(self._retiring)
        for session in retiring:
            session.close()

    def _read(self, session: _Connection, state: ConnectionState) -> None:
        """A link's reader: read until the link ends, then, if it was still the current link and nobody
        closed the client, reconnect at once (upstream waited for the next health check)."""
        try:
            session.run_until_completion(state)
        except Exception as error:  # run_until_completion logs its own; anything else must not kill us
            self.logger.error(f"The reader stopped (session id: {session.session_id}): {error}")
            session.disconnect()
        if self.closed or not self.auto_reconnect_enabled or session is not self.current_session:
            return
        delay = self._backoff(session)
        self.logger.info(
            f"The connection ended; reconnecting in {delay:g} s (session id: {session.session_id})"
        )
        time.sleep(delay)
        if self.closed or not self.auto_reconnect_enabled:
            return
        try:
            self.connect_to_new_endpoint()
        except Exception as error:
            self.logger.error(f"Reconnecting failed ({error}); retrying in {self.ping_interval:g} s")

    def _backoff(self, session: _Connection) -> float:
        """Seconds to wait before reconnecting: none after a link that lived, nor after the first one in a
        row that ended at once; then 0.25 s doubling up to ``ping_interval``, so a server that drops every
        link is not hammered with ``apps.connections.open`` (upstream's pace was one try per health check).
        """
        if time.time() - session.opened_at >= QUICK_END:
            self._quick_ends = 0
            return 0.0
        self._quick_ends += 1
        if self._quick_ends == 1:
            return 0.0
        return float(min(self.ping_interval, 0.25 * 2 ** (self._quick_ends - 2)))

    def _retire(self, old: _Connection, new: _Connection) -> None:
        """Close the previous link once the new one said hello (or after `HELLO_WAIT`), off this thread:
        until then the old link's reader still takes what Slack sent on it."""
        with self._retiring_lock:
            self._retiring.add(old)

        def retire() -> None:
            new.hello.wait(HELLO_WAIT)
            old.close()
            with self._retiring_lock:
                self._retiring.discard(old)

        threading.Thread(target=retire, name="socket-mode-retire", daemon=True).start()

    def _on_close(self, code: int, reason: str | None = None) -> None:
        """A close frame: no reconnect from here (the link still counts as connected, so upstream's attempt
        did nothing); the link's reader reconnects once the link is closed."""
        for listener in self.on_close_listeners:
            listener(code, reason)

    def _on_error(self, error: Exception) -> None:
        if isinstance(error, PeerClosed):  # routine on a flaky network: no error-level log, we reconnect
            self.logger.info(f"The server closed the connection without a close frame: {error}")
            for listener in self.on_error_listeners:
                listener(error)
            return
        super()._on_error(error)
