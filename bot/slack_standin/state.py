"""What the stand-in knows about its workspaces: teams, users, channels, messages, views, OAuth codes, files.

Plain data, guarded by the owner's lock; ``bot.slack_standin.methods`` reads and changes it.
"""

from __future__ import annotations

import re
import time
import zoneinfo
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

__all__ = ["ApiError", "OAuthGrant", "SlackState", "SocketTicket", "StoredFile", "Workspace"]


class ApiError(Exception):
    """A Slack ``ok: false`` answer: ``error`` plus any extra top-level fields (``errors``, ``warning``)."""

    def __init__(self, error: str, **extra: Any) -> None:
        super().__init__(error)
        self.error = error
        self.extra = extra


@dataclass
class Workspace:
    team_id: str
    team_name: str
    domain: str
    bot_token: str
    bot_user_id: str
    bot_id: str
    app_id: str
    bot_name: str
    enterprise_id: str | None = None


@dataclass
class OAuthGrant:
    """An OAuth ``code`` Slack would hand the app's redirect URL, and the install it stands for."""

    code: str
    workspace: Workspace
    scope: str
    installer_user_id: str
    enterprise_name: str | None = None


@dataclass(frozen=True)
class SocketTicket:
    """What ``apps.connections.open`` hands out: one WebSocket connection for one app, redeemed once."""

    ticket: str
    app_id: str
    issued_at: float


@dataclass
class StoredFile:
    """A file from ``files.getUploadURLExternal`` on: announced, then its bytes, then completed (shared).

    Slack discards a file that is never completed, so only completed files count as the workspace's.
    """

    id: str
    team_id: str
    user: str  # the uploader (the bot user of the token that asked for the URL)
    filename: str
    length: int  # bytes declared to files.getUploadURLExternal; the upload must match it
    created: int
    alt_txt: str | None = None
    snippet_type: str | None = None
    content: bytes | None = None  # None until the upload URL received the declared bytes
    completed: bool = False
    title: str = ""
    mimetype: str = ""
    filetype: str = ""
    pretty_type: str = ""
    channels: list[str] = field(default_factory=list)  # where it was shared, in the order asked
    shares: dict[str, str] = field(default_factory=dict)  # channel id -> ts of the message carrying it
    thread_ts: str | None = None
    initial_comment: str | None = None


def domain_for(team_name: str) -> str:
    """Slack's subdomain for a workspace name: lower case, runs of other characters become dashes."""
    return re.sub(r"[^a-z0-9]+", "-", team_name.lower()).strip("-") or "workspace"


def _now_in(tz: str) -> datetime | None:
    try:
        return datetime.now(zoneinfo.ZoneInfo(tz))
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return None


def _tz_offset(tz: str) -> int:
    """Slack reports the zone's current offset in seconds (it changes with daylight saving)."""
    now = _now_in(tz)
    delta = now.utcoffset() if now is not None else None
    return int(delta.total_seconds()) if delta is not None else 0


def _tz_label(tz: str) -> str:
    now = _now_in(tz)
    return (now.tzname() if now is not None else None) or tz


@dataclass
class SlackState:
    workspaces: dict[str, Workspace] = field(default_factory=dict)
    tokens: dict[str, str] = field(default_factory=dict)  # bot token -> team id
    users: dict[tuple[str, str], dict[str, Any]] = field(default_factory=dict)  # (team, user) -> user
    channels: dict[str, dict[str, Any]] = field(default_factory=dict)  # channel id -> channel object
    channel_team: dict[str, str] = field(default_factory=dict)
    messages: dict[str, list[dict[str, Any]]] = field(default_factory=dict)  # channel id -> by ts
    ephemerals: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    views: dict[tuple[str, str], dict[str, Any]] = field(default_factory=dict)  # (team, user) -> home view
    oauth_codes: dict[str, OAuthGrant] = field(default_factory=dict)
    oauth_client: tuple[str, str] | None = None
    response_targets: dict[str, tuple[str, str | None]] = field(default_factory=dict)  # key -> (channel, ts)
    app_tokens: dict[str, str] = field(default_factory=dict)  # app-level (xapp-) token -> app id
    socket_url: str | None = None  # ws://HOST:PORT/link/ while the Socket Mode stand-in listens
    socket_tickets: dict[str, SocketTicket] = field(default_factory=dict)  # ticket -> its grant
    public_url: str | None = None  # http://HOST:PORT of the running stand-in: upload and download URLs
    files: dict[str, StoredFile] = field(default_factory=dict)  # file id -> file, in creation order
    upload_tickets: dict[str, str] = field(default_factory=dict)  # opaque upload-URL key -> file id

    def add_workspace(self, ws: Workspace) -> None:
        old = self.workspaces.get(ws.team_id)
        if old is not None:
            self.tokens.pop(old.bot_token, None)
        self.workspaces[ws.team_id] = ws
        self.tokens[ws.bot_token] = ws.team_id
        self.add_user(ws.team_id, ws.bot_user_id, name=ws.bot_name, is_bot=True, bot_id=ws.bot_id)

    def add_user(
        self,
        team_id: str,
        user_id: str,
        *,
        name: str,
        real_name: str | None = None,
        tz: str = "UTC",
        tz_offset: int | None = None,
        tz_label: str | None = None,
        is_bot: bool = False,
        bot_id: str | None = None,
    ) -> None:
        real = real_name or name
        offset = _tz_offset(tz) if tz_offset is None else tz_offset
        profile: dict[str, Any] = {
            "real_name": real,
            "display_name": name,
            "real_name_normalized": real,
            "display_name_normalized": name,
            "team": team_id,
        }
        if bot_id:
            profile["bot_id"] = bot_id
        self.users[(team_id, user_id)] = {
            "id": user_id,
            "team_id": team_id,
            "name": name,
            "deleted": False,
            "real_name": real,
            "tz": tz,
            "tz_label": tz_label or _tz_label(tz),
            "tz_offset": offset,
            "profile": profile,
            "is_admin": False,
            "is_owner": False,
            "is_bot": is_bot,
            "is_app_user": False,
            "updated": int(time.time()),
        }

    def add_channel(
        self,
        team_id: str,
        channel_id: str,
        *,
        name: str,
        is_private: bool = False,
        is_im: bool = False,
        is_member: bool = True,
        user: str | None = None,
    ) -> None:
        now = int(time.time())
        channel: dict[str, Any] = {
            "id": channel_id,
            "created": now,
            "is_archived": False,
            "is_im": is_im,
            "is_org_shared": False,
            "context_team_id": team_id,
            "updated": now * 1000,
            "is_member": is_member,
        }
        if is_im:
            channel.update({"user": user or name, "is_user_deleted": False, "priority": 0})
        else:
            channel.update(
                {
                    "name": name,
                    "name_normalized": name,
                    "is_channel": not is_private,
                    "is_group": is_private,
                    "is_mpim": False,
                    "is_private": is_private,
                    "is_general": name == "general",
                    "is_shared": False,
                    "is_ext_shared": False,
                    "creator": "",
                    "topic": {"value": "", "creator": "", "last_set": 0},
                    "purpose": {"value": "", "creator": "", "last_set": 0},
                }
            )
        self.channels[channel_id] = channel
        self.channel_team[channel_id] = team_id
        self.messages.setdefault(channel_id, [])

    def find_message(self, channel_id: str, ts: str) -> dict[str, Any] | None:
        for message in self.messages.get(channel_id, []):
            if message["ts"] == ts:
                return message
        return None

    def insert_message(self, channel_id: str, message: dict[str, Any]) -> None:
        """Keep a channel's messages in ts order, whoever wrote them; count thread replies on the parent."""
        msgs = self.messages.setdefault(channel_id, [])
        msgs.append(message)
        msgs.sort(key=lambda m: float(m["ts"]))
        parent_ts = message.get("thread_ts")
        if parent_ts and parent_ts != message["ts"]:
            parent = self.find_message(channel_id, parent_ts)
            if parent is not None:
                if parent.get("user"):
                    message["parent_user_id"] = parent["user"]
                parent["thread_ts"] = parent_ts
                parent["reply_count"] = parent.get("reply_count", 0) + 1
                users = parent.setdefault("reply_users", [])
                author = message.get("user") or message.get("bot_id")
                if author and author not in users:
                    users.append(author)
                parent["reply_users_count"] = len(users)
                parent["latest_reply"] = message["ts"]
