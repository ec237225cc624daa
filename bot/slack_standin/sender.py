"""Deliver events, slash commands and interactions to the app's HTTP endpoint exactly as Slack does.

Slack signs every request: ``X-Slack-Signature: v0=HMAC-SHA256(signing_secret, "v0:{ts}:{body}")`` with
``X-Slack-Request-Timestamp: {ts}``; a redelivery adds ``X-Slack-Retry-Num``/``X-Slack-Retry-Reason``.
Events are JSON envelopes, commands are form-encoded, interactions are a form field ``payload=<json>``.
"""

from __future__ import annotations

import json
import time
import uuid
from typing import Any
from urllib.parse import urlencode

import httpx
from slack_sdk.signature import SignatureVerifier

from bot.slack_standin.ids import new_id, next_ts
from bot.slack_standin.richtext import rich_text_block, slack_text

__all__ = ["SlackSender"]

USER_AGENT = "Slackbot 1.0 (+https://api.slack.com/robots)"
FORM = "application/x-www-form-urlencoded"


class SlackSender:
    """Signs and POSTs Slack's requests to one app URL (e.g. ``http://127.0.0.1:3000/slack/events``)."""

    def __init__(
        self,
        app_url: str,
        signing_secret: str,
        *,
        client: httpx.Client | None = None,
        bot_user_id: str = "U0CLAIMBOT",
        verification_token: str = "legacy-verification-token",
    ) -> None:
        self.app_url = app_url
        self.verifier = SignatureVerifier(signing_secret)
        self.bot_user_id = bot_user_id  # the app's bot user, named in each event's ``authorizations``
        self.verification_token = verification_token  # deprecated by Slack, still sent in every payload
        self._own_client = client is None
        self.client = client or httpx.Client(timeout=10.0)

    def close(self) -> None:
        if self._own_client:
            self.client.close()

    def __enter__(self) -> SlackSender:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- low level -------------------------------------------------------------------------------------

    def sign(self, body: bytes, timestamp: int) -> str:
        """The ``X-Slack-Signature`` Slack would send for this body at this time."""
        signature = self.verifier.generate_signature(timestamp=str(timestamp), body=body)
        assert signature is not None
        return signature

    def signed_post(
        self,
        body: bytes,
        content_type: str,
        *,
        timestamp: int | None = None,
        extra_headers: dict[str, str] | None = None,
        signature: str | None = None,
    ) -> httpx.Response:
        """POST ``body`` signed as Slack signs it; ``timestamp``/``signature`` let tests send stale or bad."""
        ts = int(time.time()) if timestamp is None else timestamp
        headers = {
            "Content-Type": content_type,
            "User-Agent": USER_AGENT,
            "X-Slack-Request-Timestamp": str(ts),
            "X-Slack-Signature": signature if signature is not None else self.sign(body, ts),
            **(extra_headers or {}),
        }
        return self.client.post(self.app_url, content=body, headers=headers)

    # -- events ----------------------------------------------------------------------------------------

    def event(
        self,
        team_id: str,
        event: dict[str, Any],
        *,
        event_id: str | None = None,
        event_time: int | None = None,
        retry_num: int | None = None,
        retry_reason: str = "http_timeout",
        api_app_id: str = "A0CLAIMBOT",
        authorizations: list[dict[str, Any]] | None = None,
    ) -> httpx.Response:
        """Deliver an Events API ``event_callback``. Resend with the same ``event_id`` and a ``retry_num``
        to imitate Slack's redelivery of an event it saw no timely 200 for."""
        envelope = self.event_envelope(
            team_id,
            event,
            event_id=event_id,
            event_time=event_time,
            api_app_id=api_app_id,
            authorizations=authorizations,
        )
        headers = None
        if retry_num is not None:
            headers = {"X-Slack-Retry-Num": str(retry_num), "X-Slack-Retry-Reason": retry_reason}
        return self.signed_post(json.dumps(envelope).encode(), "application/json", extra_headers=headers)

    def event_envelope(
        self,
        team_id: str,
        event: dict[str, Any],
        *,
        event_id: str | None = None,
        event_time: int | None = None,
        api_app_id: str = "A0CLAIMBOT",
        authorizations: list[dict[str, Any]] | None = None,
    ) -> dict[str, Any]:
        """The JSON body of an ``event_callback`` (what ``event`` sends)."""
        return {
            "token": self.verification_token,
            "team_id": team_id,
            "context_team_id": team_id,
            "context_enterprise_id": None,
            "api_app_id": api_app_id,
            "event": event,
            "type": "event_callback",
            "event_id": event_id or new_id("Ev"),
            "event_time": int(time.time()) if event_time is None else event_time,
            "authorizations": authorizations
            or [
                {
                    "enterprise_id": None,
                    "team_id": team_id,
                    "user_id": self.bot_user_id,
                    "is_bot": True,
                    "is_enterprise_install": False,
                }
            ],
            "is_ext_shared_channel": False,
            "event_context": "4-" + new_id("", 40),
        }

    def message_event(
        self,
        team_id: str,
        channel: str,
        user: str,
        text: str,
        *,
        ts: str | None = None,
        thread_ts: str | None = None,
        channel_type: str = "channel",
        subtype: str | None = None,
        bot_id: str | None = None,
        extra: dict[str, Any] | None = None,
    ) -> dict[str, Any]:
        """A ``message`` event as Slack builds it from what ``user`` typed (not sent).

        ``text`` is what the user typed: bare URLs come out wrapped (``<https://example.com/a>``) and
        ``&<>`` escaped in ``text``, and as ``link`` elements in a ``rich_text`` block. Markup already in
        Slack's form (``<@U123>``, ``<https://x|label>``) is kept.
        """
        escaped = slack_text(text)
        message_ts = ts or next_ts()
        event: dict[str, Any] = {"type": "message"}
        if subtype:
            event["subtype"] = subtype
        event.update({"text": escaped, "user": user, "ts": message_ts})
        if bot_id:
            event.update({"bot_id": bot_id, "app_id": "A0CLAIMBOT"})
        elif not subtype:
            event["client_msg_id"] = str(uuid.uuid4())
        event.update({"blocks": [rich_text_block(escaped)], "team": team_id})
        if thread_ts:
            event["thread_ts"] = thread_ts
        event.update({"channel": channel, "event_ts": message_ts, "channel_type": channel_type})
        event.update(extra or {})
        return event

    def app_mention_event(
        self,
        team_id: str,
        channel: str,
        user: str,
        text: str,
        *,
        ts: str | None = None,
        thread_ts: str | None = None,
    ) -> dict[str, Any]:
        """An ``app_mention`` event: ``text`` should hold ``<@BOT_USER_ID>`` as Slack writes a mention."""
        event = self.message_event(team_id, channel, user, text, ts=ts, thread_ts=thread_ts)
        event["type"] = "app_mention"
        event.pop("channel_type")
        return event

    def message_changed_event(
        self,
        original: dict[str, Any],
        *,
        text: str | None = None,
        attachments: list[dict[str, Any]] | None = None,
    ) -> dict[str, Any]:
        """The ``message_changed`` Slack sends when a message is edited or gains a link preview."""
        now = next_ts()
        inner = {k: v for k, v in original.items() if k not in ("channel", "event_ts", "channel_type")}
        previous = dict(inner)
        if text is not None:
            escaped = slack_text(text)
            inner.update({"text": escaped, "blocks": [rich_text_block(escaped)]})
            inner["edited"] = {"user": original.get("user"), "ts": now}
        if attachments is not None:
            inner["attachments"] = attachments
        return {
            "type": "message",
            "subtype": "message_changed",
            "message": inner,
            "previous_message": previous,
            "channel": original["channel"],
            "hidden": True,
            "ts": now,
            "event_ts": now,
            "channel_type": original.get("channel_type", "channel"),
        }

    def url_verification(self, challenge: str) -> httpx.Response:
        """The handshake Slack sends when the Request URL is set; the app must echo ``challenge``."""
        body = {"token": self.verification_token, "challenge": challenge, "type": "url_verification"}
        return self.signed_post(json.dumps(body).encode(), "application/json")

    # -- commands and interactions ---------------------------------------------------------------------

    def command(
        self,
        team_id: str,
        channel_id: str,
        user_id: str,
        command: str,
        text: str,
        *,
        response_url: str,
        channel_name: str = "general",
        trigger_id: str | None = None,
        team_domain: str | None = None,
        user_name: str | None = None,
        api_app_id: str = "A0CLAIMBOT",
    ) -> httpx.Response:
        """A slash command, form-encoded as Slack posts it."""
        form = self.command_payload(
            team_id,
            channel_id,
            user_id,
            command,
            text,
            response_url=response_url,
            channel_name=channel_name,
            trigger_id=trigger_id,
            team_domain=team_domain,
            user_name=user_name,
            api_app_id=api_app_id,
        )
        return self.signed_post(urlencode(form).encode(), FORM)

    def command_payload(
        self,
        team_id: str,
        channel_id: str,
        user_id: str,
        command: str,
        text: str,
        *,
        response_url: str,
        channel_name: str = "general",
        trigger_id: str | None = None,
        team_domain: str | None = None,
        user_name: str | None = None,
        api_app_id: str = "A0CLAIMBOT",
    ) -> dict[str, str]:
        """A slash command's fields: form-encoded over HTTP, a JSON object in a Socket Mode envelope."""
        return {
            "token": self.verification_token,
            "team_id": team_id,
            "team_domain": team_domain or team_id.lower(),
            "channel_id": channel_id,
            "channel_name": channel_name,
            "user_id": user_id,
            "user_name": user_name or user_id.lower(),
            "command": command,
            "text": text,
            "api_app_id": api_app_id,
            "is_enterprise_install": "false",
            "response_url": response_url,
            "trigger_id": trigger_id or _trigger_id(),
        }

    def block_action(
        self,
        team_id: str,
        channel_id: str,
        user_id: str,
        action_id: str,
        value: str,
        *,
        response_url: str,
        container: dict[str, Any] | None = None,
        message: dict[str, Any] | None = None,
        block_id: str = "b",
        channel_name: str = "general",
        user_name: str | None = None,
        api_app_id: str = "A0CLAIMBOT",
    ) -> httpx.Response:
        """A button click (``block_actions``) posted as the form field ``payload=<json>``.

        ``message`` is the message the button sits on (omit for an ephemeral one and say so in
        ``container``: ``{"type": "message", "message_ts": ..., "channel_id": ..., "is_ephemeral": True}``).
        """
        message_ts = (message or {}).get("ts") or next_ts()
        name = user_name or user_id.lower()
        payload: dict[str, Any] = {
            "type": "block_actions",
            "user": {"id": user_id, "username": name, "name": name, "team_id": team_id},
            "api_app_id": api_app_id,
            "token": self.verification_token,
            "container": container
            or {"type": "message", "message_ts": message_ts, "channel_id": channel_id, "is_ephemeral": False},
            "trigger_id": _trigger_id(),
            "team": {"id": team_id, "domain": team_id.lower()},
            "enterprise": None,
            "is_enterprise_install": False,
            "channel": {"id": channel_id, "name": channel_name},
            "state": {"values": {}},
            "response_url": response_url,
            "actions": [
                {
                    "action_id": action_id,
                    "block_id": block_id,
                    "text": {"type": "plain_text", "text": value, "emoji": True},
                    "value": value,
                    "type": "button",
                    "action_ts": f"{time.time():.6f}",
                }
            ],
        }
        if message is not None:
            payload["message"] = message
        return self.signed_post(urlencode({"payload": json.dumps(payload)}).encode(), FORM)


def _trigger_id() -> str:
    return f"{int(time.time() * 1000)}.{new_id('', 12)}.{uuid.uuid4().hex}"
