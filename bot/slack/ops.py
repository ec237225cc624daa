"""Slack Web API calls the product makes outside a listener, with slack_sdk's retry handlers.

Workers and the digest job run outside any request, so they look up the workspace's bot token here:
the one configured token (single workspace) or the OAuth installation store (many workspaces).
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_handlers import ConnectionErrorRetryHandler, RateLimitErrorRetryHandler
from slack_sdk.oauth.installation_store import InstallationStore

from bot.config import Settings
from bot.errors import BotError
from bot.views.slack_limits import MAX_PLAIN_TEXT

logger = logging.getLogger(__name__)

PRIVATE_TYPES = {"group", "im", "mpim"}
BLOCK_ERRORS = {"invalid_blocks", "invalid_blocks_format", "msg_too_long", "msg_blocks_too_long"}


class NoInstallation(Exception):
    """The workspace has no bot token: the app was uninstalled or never installed there."""


def make_web_client(settings: Settings, token: str | None = None) -> WebClient:
    """A client on the configured base URL that retries rate limits (429) and dropped connections."""
    return WebClient(
        token=token,
        base_url=settings.slack_api_url,
        timeout=15,
        retry_handlers=[
            ConnectionErrorRetryHandler(max_retry_count=2),
            RateLimitErrorRetryHandler(max_retry_count=3),
        ],
    )


class SlackClients:
    """A WebClient per workspace, with the right bot token."""

    def __init__(self, settings: Settings, installation_store: InstallationStore | None = None) -> None:
        self.settings = settings
        self.installation_store = installation_store
        self._single_token = settings.slack_bot_token.get_secret_value() if settings.slack_bot_token else None
        self.channels = ChannelDirectory()

    def token_for(self, team: str, enterprise: str | None = None) -> str:
        if self.installation_store is not None:
            bot = self.installation_store.find_bot(enterprise_id=enterprise, team_id=team)
            if bot is not None and bot.bot_token:
                return bot.bot_token
        if self._single_token:
            return self._single_token
        raise NoInstallation(f"no bot token for workspace {team}")

    def client(self, team: str, enterprise: str | None = None) -> WebClient:
        return make_web_client(self.settings, self.token_for(team, enterprise))


def add_reaction(client: WebClient, channel: str, ts: str, name: str) -> None:
    """Best effort: a missing reaction must never stop the summary."""
    try:
        client.reactions_add(channel=channel, timestamp=ts, name=name)
    except SlackApiError as exc:
        if exc.response.get("error") != "already_reacted":
            logger.warning("reactions.add %s failed: %s", channel, exc.response.get("error"))


def remove_reaction(client: WebClient, channel: str, ts: str, name: str) -> None:
    try:
        client.reactions_remove(channel=channel, timestamp=ts, name=name)
    except SlackApiError as exc:
        if exc.response.get("error") != "no_reaction":
            logger.warning("reactions.remove %s failed: %s", channel, exc.response.get("error"))


def post_message(
    client: WebClient,
    channel: str,
    *,
    text: str,
    blocks: list[dict[str, Any]],
    thread_ts: str | None = None,
    metadata: dict[str, Any] | None = None,
    plain: str | None = None,
) -> str:
    """Post and return the message ts; link previews off, the summary is the preview.

    Should Slack refuse the blocks (a limit we did not foresee), ``plain`` (the same content as text)
    goes out instead, rather than nothing.
    """
    try:
        response = client.chat_postMessage(
            channel=channel,
            text=text,
            blocks=blocks,
            thread_ts=thread_ts,
            metadata=metadata,
            unfurl_links=False,
            unfurl_media=False,
        )
    except SlackApiError as exc:
        if exc.response.get("error") not in BLOCK_ERRORS:
            raise
        logger.warning(
            "chat.postMessage refused the blocks (%s); posting text only", exc.response.get("error")
        )
        response = client.chat_postMessage(
            channel=channel,
            text=(plain or text)[:MAX_PLAIN_TEXT],
            thread_ts=thread_ts,
            metadata=metadata,
            unfurl_links=False,
            unfurl_media=False,
        )
    return str(response["ts"])


class UploadRefused(BotError):
    """Slack would not take a file into the conversation; ``reason`` tells the user what to do."""


_REINSTALL = "I'm not allowed to upload files in this workspace yet: ask an admin to reinstall me"
# What a user can do about each refusal of an upload, in one line (anything else: try again later).
UPLOAD_REASONS = {
    "not_in_channel": "I'm not in this channel: invite me (`/invite @claimbot`) or ask me in a DM",
    "channel_not_found": "I can't post files here: invite me to this channel, or ask me in a DM",
    "is_archived": "this channel is archived",
    "missing_scope": _REINSTALL,
    "not_allowed_token_type": _REINSTALL,
    "restricted_action": "this workspace doesn't let apps post files here",
    "file_uploads_disabled": "file uploads are turned off in this workspace",
    "file_upload_size_restricted": "the file is larger than this workspace allows",
    "ratelimited": "Slack asked me to slow down: try again in a minute",
}


def upload_file(
    client: WebClient,
    channel: str,
    *,
    filename: str,
    title: str,
    content: bytes,
    initial_comment: str | None = None,
    thread_ts: str | None = None,
) -> None:
    """Share a file in a conversation (files_upload_v2: Slack's upload URL, then completeUploadExternal).

    Raises UploadRefused with a reason the user can act on; the operator's log line has Slack's error."""
    try:
        client.files_upload_v2(
            channel=channel,
            thread_ts=thread_ts,
            filename=filename,
            title=title,
            content=content,
            initial_comment=initial_comment,
        )
    except SlackApiError as exc:
        error = str(exc.response.get("error") or "unknown")
        logger.warning("uploading %s to %s failed: %s", filename, channel, error)
        raise UploadRefused(UPLOAD_REASONS.get(error, f"Slack refused the file ({error})")) from None
    except Exception as exc:  # the upload URL's POST, a dropped connection: not the user's doing
        logger.warning("uploading %s to %s failed: %s", filename, channel, type(exc).__name__, exc_info=True)
        raise UploadRefused("Slack could not be reached to upload the file; try again in a moment") from None


def permalink(client: WebClient, channel: str, ts: str) -> str | None:
    try:
        return str(client.chat_getPermalink(channel=channel, message_ts=ts)["permalink"])
    except SlackApiError as exc:
        logger.warning("chat.getPermalink %s failed: %s", channel, exc.response.get("error"))
        return None


def user_timezone(client: WebClient, user: str) -> str:
    """Slack keeps time zones per user: the digest hour is read in the zone of whoever set it."""
    try:
        info = client.users_info(user=user)
    except SlackApiError as exc:
        logger.warning("users.info %s failed: %s", user, exc.response.get("error"))
        return "UTC"
    return str(info["user"].get("tz") or "UTC")


@dataclass(frozen=True, slots=True)
class ChannelInfo:
    private: bool
    name: str | None


class ChannelDirectory:
    """What a channel is called and whether it is private, from conversations.info, cached a while.

    Names make `/claims in:#news` work; privacy decides who may find the channel's claims. When Slack
    cannot say, the event's channel_type decides, and without one the channel counts as private.
    """

    def __init__(self, ttl_seconds: float = 600.0) -> None:
        self._ttl = ttl_seconds
        self._lock = threading.Lock()
        self._cache: dict[tuple[str | None, str], tuple[float, ChannelInfo]] = {}

    def info(self, client: WebClient, channel: str, channel_type: str | None = None) -> ChannelInfo:
        key = (client.token, channel)
        with self._lock:
            cached = self._cache.get(key)
        if cached and time.monotonic() - cached[0] < self._ttl:
            return cached[1]
        try:
            data = client.conversations_info(channel=channel)["channel"]
        except SlackApiError as exc:
            logger.warning("conversations.info %s failed: %s", channel, exc.response.get("error"))
            private = channel_type in PRIVATE_TYPES if channel_type else True
            return ChannelInfo(private=private, name=None)
        info = ChannelInfo(
            private=bool(data.get("is_private") or data.get("is_im") or data.get("is_mpim")),
            name=data.get("name") if isinstance(data.get("name"), str) else None,
        )
        with self._lock:
            self._cache[key] = (time.monotonic(), info)
        return info
