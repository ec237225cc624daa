"""A local stand-in for Slack's Web API over real HTTP, so the real Bolt app and WebClient can be tested.

``WebClient(base_url=standin.base_url)`` talks to it exactly as to https://slack.com/api/: form or JSON
bodies, ``Authorization: Bearer`` tokens, HTTP 200 with ``ok: false`` for errors, 429 + ``Retry-After``
when rate limited. Every request is recorded so tests can assert what the app asked Slack to do, and the
stand-in keeps each channel's messages so tests can read what users would see. Files go through Slack's
v2 flow (``files_upload_v2``): the upload URLs it hands out and the files' ``url_private`` are its own.
"""

from __future__ import annotations

import base64
import contextlib
import copy
import email.parser
import email.policy
import json
import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Literal
from urllib.parse import parse_qs, quote, unquote, urlsplit

from bot.slack_standin.files import receive_upload
from bot.slack_standin.methods import APP_TOKEN_METHODS, METHODS, NO_AUTH_METHODS
from bot.slack_standin.socket_mode import SocketModeStandin
from bot.slack_standin.state import ApiError, OAuthGrant, SlackState, StoredFile, Workspace, domain_for

__all__ = ["RecordedCall", "SlackStandin", "UploadedFile"]

logger = logging.getLogger(__name__)

# Form fields slack_sdk JSON-encodes into a string; recorded decoded so tests compare Python objects.
JSON_FORM_FIELDS = frozenset(
    {"blocks", "attachments", "metadata", "view", "unfurls", "user_auth_blocks", "files"}
)
# Fields an event carries that the stored message (as conversations.history shows it) does not.
_EVENT_ONLY_FIELDS = frozenset({"channel", "event_ts", "channel_type"})
DEFAULT_SCOPE = (
    "app_mentions:read,channels:history,chat:write,commands,groups:history,reactions:write,users:read"
)


@dataclass(frozen=True)
class RecordedCall:
    """One request the app made: to a Web API method, to a ``response_url`` (``response_url:<key>``), to
    an upload URL (``upload_url``) or to a file's ``url_private`` (``url_private``).

    Upload and download calls carry ``file_id`` (None for an unknown URL) and ``size`` in ``params``, and
    ``{"ok": ..., "text": ...}`` as ``response``; their bytes are in ``SlackStandin.files``.
    """

    method: str
    params: dict[str, Any]
    token: str | None
    at: float
    status: int = 200  # HTTP status answered; 0 when the connection was dropped on purpose
    response: dict[str, Any] | None = None

    @property
    def ok(self) -> bool:
        return bool(self.response and self.response.get("ok"))


@dataclass(frozen=True)
class UploadedFile:
    """A file the app uploaded and completed (``files_upload_v2``), with the bytes that arrived.

    ``channels`` lists where it was shared (empty: Slack keeps it private to the uploader) and
    ``shares`` the ts of the message carrying it in each (left out of ``==``, so a test can compare a
    whole file without knowing those ts); ``thread_ts`` is the thread it went to.
    """

    id: str
    team_id: str
    user: str
    filename: str
    title: str
    content: bytes
    mimetype: str
    filetype: str
    size: int
    channels: tuple[str, ...]
    thread_ts: str | None
    initial_comment: str | None
    alt_txt: str | None
    shares: dict[str, str] = field(default_factory=dict, compare=False)

    @property
    def channel(self) -> str | None:
        """The channel it was shared in: the first when there were several, None when private."""
        return self.channels[0] if self.channels else None

    @classmethod
    def of(cls, stored: StoredFile) -> UploadedFile:
        content = stored.content or b""
        return cls(
            id=stored.id,
            team_id=stored.team_id,
            user=stored.user,
            filename=stored.filename,
            title=stored.title,
            content=content,
            mimetype=stored.mimetype,
            filetype=stored.filetype,
            size=len(content),
            channels=tuple(stored.channels),
            thread_ts=stored.thread_ts,
            initial_comment=stored.initial_comment,
            alt_txt=stored.alt_txt,
            shares=dict(stored.shares),
        )


@dataclass
class _Fault:
    kind: Literal["ratelimited", "error", "server_error", "drop"]
    status: int
    retry_after: int
    error: str | None
    remaining: int


def _first_values(multi: dict[str, list[str]]) -> dict[str, Any]:
    return {key: values[-1] for key, values in multi.items()}


def _decode_json_fields(params: dict[str, Any]) -> dict[str, Any]:
    for key in JSON_FORM_FIELDS & params.keys():
        value = params[key]
        if isinstance(value, str) and value.lstrip()[:1] in ("[", "{"):
            # Undecodable JSON stays a string: Slack then answers invalid_blocks_format.
            with contextlib.suppress(json.JSONDecodeError):
                params[key] = json.loads(value)
    return params


def _decode_multipart(content_type: str, body: bytes) -> dict[str, Any]:
    message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(
        f"Content-Type: {content_type}\r\n\r\n".encode() + body
    )
    params: dict[str, Any] = {}
    for part in message.iter_parts():
        name = part.get_param("name", header="content-disposition")
        if not isinstance(name, str):
            continue
        payload = part.get_payload(decode=True) or b""
        params[name] = payload if part.get_filename() else payload.decode("utf-8", "replace")
    return params


def decode_body(content_type: str, body: bytes) -> dict[str, Any]:
    """Arguments from a request body the way Slack reads them. Raises ValueError for malformed JSON."""
    kind = content_type.split(";", 1)[0].strip().lower()
    if not body:
        return {}
    if kind == "application/json":
        data = json.loads(body)
        if not isinstance(data, dict):
            raise ValueError("JSON body is not an object")
        return data
    if kind == "multipart/form-data":
        return _decode_json_fields(_decode_multipart(content_type, body))
    return _decode_json_fields(_first_values(parse_qs(body.decode("utf-8"), keep_blank_values=True)))


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False
    standin: SlackStandin


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    server_version = "SlackStandin/1.0"

    def do_POST(self) -> None:
        self.server.standin._handle(self)

    do_GET = do_POST

    def log_message(self, format: str, *args: Any) -> None:
        logger.debug("%s " + format, self.address_string(), *args)


class SlackStandin:
    """Slack's Web API on 127.0.0.1: answers what claimbot calls, records every call, injects faults."""

    def __init__(self, *, host: str = "127.0.0.1", port: int = 0) -> None:
        self._host = host
        self._port = port
        self._cond = threading.Condition(threading.RLock())
        self._state = SlackState()
        self._calls: list[RecordedCall] = []
        self._faults: dict[str, list[_Fault]] = {}
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None
        self._socket_mode: SocketModeStandin | None = None

    # -- lifecycle -------------------------------------------------------------------------------------

    def start(self) -> SlackStandin:
        if self._server is not None:
            return self
        server = _Server((self._host, self._port), _Handler)
        server.standin = self
        self._server = server
        self._port = server.server_address[1]
        with self._cond:
            self._state.public_url = self.url
        self._thread = threading.Thread(
            target=server.serve_forever, kwargs={"poll_interval": 0.05}, name="slack-standin", daemon=True
        )
        self._thread.start()
        logger.debug("Slack stand-in listening on %s", self.base_url)
        return self

    def stop(self) -> None:
        socket_mode, self._socket_mode = self._socket_mode, None
        if socket_mode is not None:
            socket_mode.stop()
            with self._cond:
                self._state.socket_url = None
        server, self._server = self._server, None
        if server is None:
            return
        server.shutdown()
        server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)

    def __enter__(self) -> SlackStandin:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def url(self) -> str:
        """``http://HOST:PORT`` (no trailing slash)."""
        return f"http://{self._host}:{self._port}"

    @property
    def base_url(self) -> str:
        """What to pass as ``WebClient(base_url=...)``; ends with ``/api/`` like ``https://slack.com/api/``."""
        return f"{self.url}/api/"

    # -- setting up workspaces -------------------------------------------------------------------------

    def add_workspace(
        self,
        team_id: str,
        *,
        team_name: str,
        bot_token: str,
        bot_user_id: str,
        bot_id: str,
        app_id: str = "A0CLAIMBOT",
        enterprise_id: str | None = None,
        domain: str | None = None,
        bot_name: str = "claimbot",
    ) -> None:
        """Install the app in a workspace: ``bot_token`` becomes valid and the bot user exists."""
        ws = Workspace(
            team_id=team_id,
            team_name=team_name,
            domain=domain or domain_for(team_name),
            bot_token=bot_token,
            bot_user_id=bot_user_id,
            bot_id=bot_id,
            app_id=app_id,
            bot_name=bot_name,
            enterprise_id=enterprise_id,
        )
        with self._cond:
            self._state.add_workspace(ws)

    def revoke_token(self, token: str) -> None:
        """Uninstall (a bot token) or revoke an app-level token: it answers ``invalid_auth`` from now on
        (Slack's answer for a revoked token); links already open stay open, as on Slack."""
        with self._cond:
            self._state.tokens.pop(token, None)
            self._state.app_tokens.pop(token, None)

    # -- Socket Mode -----------------------------------------------------------------------------------

    def add_app_token(self, app_token: str, *, app_id: str = "A0CLAIMBOT") -> SocketModeStandin:
        """An app-level token (``xapp-...``, scope connections:write) for ``app_id``: Socket Mode on.

        ``apps.connections.open`` with it answers a ``ws://`` URL on the stand-in's WebSocket server
        (started here, once); returns that server, to send envelopes and break links with.
        """
        server = self.socket_mode
        with self._cond:
            self._state.app_tokens[app_token] = app_id
        return server

    @property
    def socket_mode(self) -> SocketModeStandin:
        """The Socket Mode side (``SocketModeStandin``), started on first use."""
        with self._cond:
            if self._socket_mode is None:
                self._socket_mode = SocketModeStandin(
                    self._redeem_socket_ticket, bot_user_of=self._bot_user_of, host=self._host
                ).start()
                self._state.socket_url = self._socket_mode.url
            return self._socket_mode

    def _redeem_socket_ticket(self, ticket: str) -> str | None:
        """The app a ticket from ``apps.connections.open`` was issued to; a ticket opens one link only."""
        with self._cond:
            grant = self._state.socket_tickets.pop(ticket, None)
        return grant.app_id if grant is not None else None

    def _bot_user_of(self, team_id: str) -> str | None:
        with self._cond:
            ws = self._state.workspaces.get(team_id)
        return ws.bot_user_id if ws is not None else None

    def add_user(
        self,
        team_id: str,
        user_id: str,
        *,
        name: str,
        tz: str = "UTC",
        tz_offset: int | None = None,
        is_bot: bool = False,
        real_name: str | None = None,
        tz_label: str | None = None,
    ) -> None:
        """A workspace member. ``tz_offset`` defaults to the zone's offset now, as Slack reports it."""
        with self._cond:
            self._state.add_user(
                team_id,
                user_id,
                name=name,
                real_name=real_name,
                tz=tz,
                tz_offset=tz_offset,
                tz_label=tz_label,
                is_bot=is_bot,
            )

    def add_channel(
        self,
        team_id: str,
        channel_id: str,
        *,
        name: str,
        is_private: bool = False,
        is_im: bool = False,
        is_member: bool = True,
    ) -> None:
        """A conversation. ``is_member=False``: posting answers ``not_in_channel`` until the bot joins."""
        with self._cond:
            self._state.add_channel(
                team_id, channel_id, name=name, is_private=is_private, is_im=is_im, is_member=is_member
            )

    def add_message(self, message: dict[str, Any], *, channel: str | None = None) -> None:
        """Put a user's message in a channel (e.g. the event dict ``SlackSender.message_event`` built).

        Slack knows every message users post; the stand-in only knows what it is told, so seed the
        messages the app reacts to, links to or threads under.
        """
        channel_id = channel or message["channel"]
        with self._cond:
            stored = {k: copy.deepcopy(v) for k, v in message.items() if k not in _EVENT_ONLY_FIELDS}
            self._state.insert_message(channel_id, stored)

    def add_oauth_code(
        self,
        code: str,
        team_id: str,
        *,
        team_name: str,
        bot_token: str,
        bot_user_id: str,
        bot_id: str,
        app_id: str = "A0CLAIMBOT",
        scope: str = DEFAULT_SCOPE,
        installer_user_id: str = "U0INSTALLER",
        enterprise_id: str | None = None,
        enterprise_name: str | None = None,
    ) -> None:
        """A code Slack would send to the OAuth redirect URL; ``oauth.v2.access`` redeems it once and
        installs the workspace (so the new bot token works)."""
        ws = Workspace(
            team_id=team_id,
            team_name=team_name,
            domain=domain_for(team_name),
            bot_token=bot_token,
            bot_user_id=bot_user_id,
            bot_id=bot_id,
            app_id=app_id,
            bot_name="claimbot",
            enterprise_id=enterprise_id,
        )
        with self._cond:
            self._state.oauth_codes[code] = OAuthGrant(
                code=code,
                workspace=ws,
                scope=scope,
                installer_user_id=installer_user_id,
                enterprise_name=enterprise_name,
            )

    def set_oauth_client(self, client_id: str, client_secret: str) -> None:
        """Make ``oauth.v2.access`` check client credentials (off by default)."""
        with self._cond:
            self._state.oauth_client = (client_id, client_secret)

    def response_url(self, key: str, *, channel: str | None = None, message_ts: str | None = None) -> str:
        """A ``response_url`` for a command or interaction payload; POSTs to it are recorded as
        ``response_url:<key>``. Given the channel (and the ts of the message the action came from),
        ``response_type: in_channel`` posts and ``replace_original``/``delete_original`` change
        ``messages(channel)`` as Slack would."""
        if channel is not None:
            with self._cond:
                self._state.response_targets[key] = (channel, message_ts)
        return f"{self.url}/response/{quote(key, safe='')}"

    # -- faults ----------------------------------------------------------------------------------------

    def fail_next(
        self,
        method: str,
        *,
        status: int = 429,
        retry_after: int = 1,
        error: str | None = None,
        times: int = 1,
    ) -> None:
        """Make the next ``times`` calls to ``method`` fail.

        - default: HTTP 429, ``Retry-After: retry_after``, body ``{"ok": false, "error": "ratelimited"}``;
        - ``status`` >= 500: that status with ``{"ok": false, "error": error or "internal_error"}``;
        - otherwise with ``error``: HTTP 200 ``{"ok": false, "error": error}``, how Slack reports app errors.
        """
        if status >= 500:
            fault = _Fault("server_error", status, retry_after, error or "internal_error", times)
        elif error is not None and error != "ratelimited":
            fault = _Fault("error", 200, retry_after, error, times)
        else:
            fault = _Fault("ratelimited", 429, retry_after, "ratelimited", times)
        with self._cond:
            self._faults.setdefault(method, []).append(fault)

    def drop_connection_next(self, method: str, times: int = 1) -> None:
        """Close the socket without answering the next ``times`` calls (a connection error for the client)."""
        with self._cond:
            self._faults.setdefault(method, []).append(_Fault("drop", 0, 0, None, times))

    def _take_fault(self, method: str) -> _Fault | None:
        queue = self._faults.get(method)
        if not queue:
            return None
        fault = queue[0]
        fault.remaining -= 1
        if fault.remaining <= 0:
            queue.pop(0)
        return fault

    # -- what happened ---------------------------------------------------------------------------------

    @property
    def calls(self) -> list[RecordedCall]:
        """Every recorded call so far, oldest first (a snapshot)."""
        with self._cond:
            return list(self._calls)

    def calls_to(self, method: str) -> list[RecordedCall]:
        with self._cond:
            return [call for call in self._calls if call.method == method]

    def reset_calls(self) -> None:
        with self._cond:
            self._calls.clear()

    def clear_faults(self) -> None:
        """Forget queued fail_next/drop_connection_next faults a test set up but did not use."""
        with self._cond:
            self._faults.clear()

    def wait_for(
        self,
        method: str,
        count: int = 1,
        timeout: float = 10.0,
        where: Callable[[RecordedCall], bool] | None = None,
    ) -> list[RecordedCall]:
        """Block until ``count`` calls to ``method`` (matching ``where``) arrive; return the first ``count``.

        Failed attempts (a 429 before the retry) count too: pass ``where=lambda c: c.ok`` to skip them.
        """
        deadline = time.monotonic() + timeout
        with self._cond:
            while True:
                matched = [c for c in self._calls if c.method == method and (where is None or where(c))]
                if len(matched) >= count:
                    return matched[:count]
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise AssertionError(self._timeout_report(method, count, timeout, len(matched)))
                self._cond.wait(remaining)

    def _timeout_report(self, method: str, count: int, timeout: float, got: int) -> str:
        lines = [f"waited {timeout:g}s for {count} matching call(s) to {method}, got {got}."]
        shown = self._calls[-40:]
        header = f"Calls recorded ({len(self._calls)}, last {len(shown)} shown):"
        lines.append(header if shown else "No calls.")
        start = self._calls[0].at if self._calls else 0.0
        for call in shown:
            answer = "ok" if call.ok else (call.response or {}).get("error", "no answer")
            params = json.dumps(call.params, default=str)
            params = params if len(params) <= 200 else params[:197] + "..."
            lines.append(f"  +{call.at - start:7.3f}s {call.method} [{call.status} {answer}] {params}")
        return "\n".join(lines)

    def messages(self, channel: str) -> list[dict[str, Any]]:
        """The channel as the stand-in holds it, in ts order: bot posts (as updated) and seeded messages."""
        with self._cond:
            return copy.deepcopy(self._state.messages.get(channel, []))

    def ephemeral_messages(self, channel: str, user: str | None = None) -> list[dict[str, Any]]:
        """Ephemeral posts in a channel (``user_shown_to`` says for whom); they never show in ``messages``."""
        with self._cond:
            found = self._state.ephemerals.get(channel, [])
            return copy.deepcopy([m for m in found if user is None or m["user_shown_to"] == user])

    def files(self, channel: str | None = None) -> list[UploadedFile]:
        """Files the app completed, in the order their uploads began; with ``channel``, those shared there.

        An upload never completed is not here: Slack discards it.
        """
        with self._cond:
            return [
                UploadedFile.of(stored)
                for stored in self._state.files.values()
                if stored.completed and (channel is None or channel in stored.channels)
            ]

    def home_view(self, team_id: str, user_id: str) -> dict[str, Any] | None:
        """The App Home last published for a user, as ``views.publish`` answered it."""
        with self._cond:
            view = self._state.views.get((team_id, user_id))
            return copy.deepcopy(view) if view is not None else None

    # -- HTTP ------------------------------------------------------------------------------------------

    def _record(
        self,
        method: str,
        params: dict[str, Any],
        token: str | None,
        status: int,
        response: dict[str, Any] | None,
    ) -> None:
        params, response = copy.deepcopy(params), copy.deepcopy(response)
        call = RecordedCall(method, params, token, time.time(), status, response)
        with self._cond:
            self._calls.append(call)
            self._cond.notify_all()

    def _handle(self, handler: _Handler) -> None:
        split = urlsplit(handler.path)
        length = int(handler.headers.get("Content-Length") or 0)
        body = handler.rfile.read(length) if length else b""
        if split.path.startswith("/api/"):
            self._handle_api(handler, split.path[len("/api/") :], split.query, body)
        elif split.path.startswith("/response/"):
            self._handle_response_url(handler, unquote(split.path[len("/response/") :]), body)
        elif split.path.startswith("/upload/v1/"):
            self._handle_upload(handler, split.path[len("/upload/v1/") :], body)
        elif split.path.startswith("/files-pri/"):
            self._handle_download(handler, split.path[len("/files-pri/") :])
        else:
            _send(handler, 404, {"ok": False, "error": "not_found"})

    def _apply_fault(self, handler: _Handler, method: str, params: dict[str, Any], token: str | None) -> bool:
        with self._cond:
            fault = self._take_fault(method)
        if fault is None:
            return False
        if fault.kind == "drop":
            self._record(method, params, token, 0, None)
            handler.close_connection = True  # the handler returns without a byte; the socket is closed
            return True
        answer = {"ok": False, "error": fault.error}
        headers = {"Retry-After": str(fault.retry_after)} if fault.kind == "ratelimited" else {}
        self._record(method, params, token, fault.status, answer)
        _send(handler, fault.status, answer, headers)
        return True

    def _handle_api(self, handler: _Handler, method: str, query: str, body: bytes) -> None:
        content_type = handler.headers.get("Content-Type", "")
        is_json = content_type.split(";", 1)[0].strip().lower() == "application/json"
        params: dict[str, Any] = _first_values(parse_qs(query, keep_blank_values=True))
        try:
            params.update(decode_body(content_type, body))
        except (ValueError, UnicodeDecodeError):
            answer = {"ok": False, "error": "invalid_json" if is_json else "invalid_form_data"}
            self._record(method, {"_raw": body.decode("utf-8", "replace")}, None, 200, answer)
            _send(handler, 200, answer)
            return
        body_token = params.pop("token", None)
        token, basic = _credentials(handler.headers.get("Authorization", ""))
        if token is None and not is_json:  # Slack ignores a token inside a JSON body
            token = body_token if isinstance(body_token, str) else None
        if self._apply_fault(handler, method, params, token):
            return
        answer = self._answer(method, params, token, basic)
        self._record(method, params, token, 200, answer)
        _send(handler, 200, answer)

    def _answer(
        self, method: str, params: dict[str, Any], token: str | None, basic: tuple[str, str] | None
    ) -> dict[str, Any]:
        if method in APP_TOKEN_METHODS:
            return self._answer_app_level(method, params, token)
        method_handler = METHODS.get(method)
        if method_handler is None:
            return {"ok": False, "error": "unknown_method", "req_method": method}
        with self._cond:
            try:
                if method in NO_AUTH_METHODS:
                    args = dict(params)
                    if basic is not None:
                        args.update({"client_id": basic[0], "client_secret": basic[1]})
                    return {"ok": True, **method_handler(self._state, None, args)}  # type: ignore[arg-type]
                if not token:
                    return {"ok": False, "error": "not_authed"}
                team_id = self._state.tokens.get(token)
                if team_id is None:
                    wrong_kind = token in self._state.app_tokens  # an app-level token on a bot method
                    return {"ok": False, "error": "not_allowed_token_type" if wrong_kind else "invalid_auth"}
                return {"ok": True, **method_handler(self._state, self._state.workspaces[team_id], params)}
            except ApiError as exc:
                return {"ok": False, "error": exc.error, **exc.extra}

    def _answer_app_level(self, method: str, params: dict[str, Any], token: str | None) -> dict[str, Any]:
        """Methods only an app-level token may call: a bot token is the wrong kind, an unknown one invalid."""
        with self._cond:
            if not token:
                return {"ok": False, "error": "not_authed"}
            app_id = self._state.app_tokens.get(token)
            if app_id is None:
                wrong_kind = token in self._state.tokens
                return {"ok": False, "error": "not_allowed_token_type" if wrong_kind else "invalid_auth"}
            try:
                return {"ok": True, **APP_TOKEN_METHODS[method](self._state, app_id, params)}
            except ApiError as exc:
                return {"ok": False, "error": exc.error, **exc.extra}

    def _handle_response_url(self, handler: _Handler, key: str, body: bytes) -> None:
        method = f"response_url:{key}"
        try:
            params = decode_body(handler.headers.get("Content-Type", "application/json"), body)
        except (ValueError, UnicodeDecodeError):
            self._record(method, {"_raw": body.decode("utf-8", "replace")}, None, 400, None)
            _send(handler, 400, {"ok": False, "error": "invalid_payload"})
            return
        if self._apply_fault(handler, method, params, None):
            return
        with self._cond:
            self._apply_response(key, params)
        answer = {"ok": True}
        self._record(method, params, None, 200, answer)
        _send(handler, 200, answer)

    def _handle_upload(self, handler: _Handler, key: str, body: bytes) -> None:
        """A file's bytes POSTed to the URL files.getUploadURLExternal gave; Slack answers in plain text."""
        method = "upload_url"
        with self._cond:
            file_id = self._state.upload_tickets.get(key)
        params: dict[str, Any] = {"file_id": file_id, "size": len(body)}
        if handler.command != "POST":
            self._record(method, params, None, 405, {"ok": False, "text": "Method Not Allowed"})
            _send_text(handler, 405, "Method Not Allowed")
            return
        if self._apply_fault(handler, method, params, None):
            return
        with self._cond:
            status, text, file_id = receive_upload(
                self._state, key, handler.headers.get("Content-Type", ""), body
            )
        params["file_id"] = file_id
        self._record(method, params, None, status, {"ok": status == 200, "text": text})
        _send_text(handler, status, text)

    def _handle_download(self, handler: _Handler, path: str) -> None:
        """A file's ``url_private``: its bytes for a bot token of its workspace, 404 for anyone else."""
        method = "url_private"
        team_and_id = path.split("/", 1)[0]
        file_id = team_and_id.partition("-")[2] or None
        token, _ = _credentials(handler.headers.get("Authorization", ""))
        params: dict[str, Any] = {"file_id": file_id}
        if self._apply_fault(handler, method, params, token):
            return
        with self._cond:
            stored = self._state.files.get(file_id or "")
            team_id = self._state.tokens.get(token or "")
            visible = (
                stored is not None
                and stored.completed
                and team_id == stored.team_id
                and team_and_id == f"{stored.team_id}-{stored.id}"
            )
            content = (stored.content or b"") if stored is not None and visible else None
            mimetype = stored.mimetype if stored is not None else ""
        if content is None:
            self._record(method, params, token, 404, {"ok": False, "text": "Not Found"})
            _send_text(handler, 404, "Not Found")
            return
        params["size"] = len(content)
        self._record(method, params, token, 200, {"ok": True, "text": f"{len(content)} bytes"})
        _send_bytes(handler, 200, content, mimetype or "application/octet-stream")

    def _apply_response(self, key: str, params: dict[str, Any]) -> None:
        """What a response_url message does to the channel: replace or delete the original, or post anew."""
        target = self._state.response_targets.get(key)
        if target is None:
            return
        channel, ts = target
        original = self._state.find_message(channel, ts) if ts else None
        if params.get("delete_original") in (True, "true") and original is not None:
            self._state.messages[channel].remove(original)
        elif params.get("replace_original") in (True, "true") and original is not None:
            for field_name in ("text", "blocks", "attachments"):
                if field_name in params:
                    original[field_name] = copy.deepcopy(params[field_name])
        elif params.get("response_type") == "in_channel":
            team_id = self._state.channel_team.get(channel)
            ws = self._state.workspaces.get(team_id or "")
            if ws is not None:
                post = {k: params[k] for k in ("text", "blocks", "attachments", "thread_ts") if k in params}
                try:
                    METHODS["chat.postMessage"](self._state, ws, {"channel": channel, **post})
                except ApiError as exc:
                    logger.warning("response_url %s: in_channel post refused: %s", key, exc.error)


def _credentials(authorization: str) -> tuple[str | None, tuple[str, str] | None]:
    """(bearer token, (client_id, client_secret) from HTTP Basic) from an Authorization header."""
    scheme, _, value = authorization.partition(" ")
    if scheme.lower() == "bearer" and value.strip():
        return value.strip(), None
    if scheme.lower() == "basic":
        try:
            client_id, _, secret = base64.b64decode(value.strip()).decode().partition(":")
        except (ValueError, UnicodeDecodeError):
            return None, None
        return None, (client_id, secret)
    return None, None


def _send(
    handler: _Handler, status: int, answer: dict[str, Any], headers: dict[str, str] | None = None
) -> None:
    payload = json.dumps(answer).encode()
    handler.send_response(status)
    handler.send_header("Content-Type", "application/json; charset=utf-8")
    handler.send_header("Content-Length", str(len(payload)))
    for name, value in (headers or {}).items():
        handler.send_header(name, value)
    handler.end_headers()
    handler.wfile.write(payload)


def _send_text(handler: _Handler, status: int, text: str) -> None:
    _send_bytes(handler, status, text.encode(), "text/plain; charset=utf-8")


def _send_bytes(handler: _Handler, status: int, payload: bytes, content_type: str) -> None:
    handler.send_response(status)
    handler.send_header("Content-Type", content_type)
    handler.send_header("Content-Length", str(len(payload)))
    handler.end_headers()
    handler.wfile.write(payload)
