"""Slack's files as the v2 upload flow makes them: the upload URL's side, types, and file objects.

``files.getUploadURLExternal`` announces a file and hands out a one-time URL; the bytes are POSTed there
(raw or as a multipart form, Slack's docs allow both); ``files.completeUploadExternal`` shares it. The
Web API halves live in ``methods``; this module holds what they and the HTTP server share. Callers hold
the state lock.
"""

from __future__ import annotations

import email.parser
import email.policy
from typing import Any
from urllib.parse import quote

from bot.slack_standin.state import SlackState, StoredFile

__all__ = ["MAX_ALT_TXT", "MAX_SNIPPET", "file_object", "guess_type", "receive_upload", "upload_url"]

MAX_ALT_TXT = 1_000  # files.getUploadURLExternal: alt_txt_too_large past this many characters
MAX_SNIPPET = 1_024 * 1_024  # snippet_too_large: snippets are limited to 1MB

# extension -> (mimetype, Slack's filetype, Slack's pretty_type). A fixed table, not the ``mimetypes``
# module, so answers do not depend on the machine's /etc/mime.types.
_TYPES: dict[str, tuple[str, str, str]] = {
    "txt": ("text/plain", "text", "Plain Text"),
    "csv": ("text/csv", "csv", "CSV"),
    "tsv": ("text/tab-separated-values", "tsv", "TSV"),
    "json": ("application/json", "json", "JSON"),
    "md": ("text/markdown", "markdown", "Markdown (raw)"),
    "html": ("text/html", "html", "HTML"),
    "py": ("text/x-python", "python", "Python"),
    "png": ("image/png", "png", "PNG"),
    "jpg": ("image/jpeg", "jpg", "JPEG"),
    "jpeg": ("image/jpeg", "jpg", "JPEG"),
    "gif": ("image/gif", "gif", "GIF"),
    "webp": ("image/webp", "webp", "WebP"),
    "svg": ("image/svg+xml", "svg", "SVG"),
    "pdf": ("application/pdf", "pdf", "PDF"),
    "zip": ("application/zip", "zip", "Zip"),
}
_TEXT = _TYPES["txt"]
_BINARY = ("application/octet-stream", "binary", "Binary")


def guess_type(filename: str, content: bytes) -> tuple[str, str, str]:
    """(mimetype, filetype, pretty_type) from the name's extension, else from whether the bytes are text."""
    _, dot, ext = filename.rpartition(".")
    known = _TYPES.get(ext.lower()) if dot else None
    if known is not None:
        return known
    try:
        content.decode("utf-8")
    except UnicodeDecodeError:
        return _BINARY
    return _TEXT


def upload_url(state: SlackState, key: str) -> str:
    """Where the stand-in takes a file's bytes: its own address, shaped like Slack's ``/upload/v1/...``."""
    return f"{state.public_url}/upload/v1/{key}"


def _upload_bytes(content_type: str, body: bytes) -> bytes:
    """The file's bytes from an upload: the body itself, or the file part of a multipart form.

    slack_sdk POSTs the raw bytes (urllib labels them form-urlencoded, so that label means nothing here);
    curl ``-F filename=@x`` sends a form whose one file part is the file.
    """
    if content_type.split(";", 1)[0].strip().lower() != "multipart/form-data":
        return body
    message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(
        f"Content-Type: {content_type}\r\n\r\n".encode() + body
    )
    if not message.is_multipart():
        raise ValueError("multipart body without parts")
    parts = list(message.iter_parts())
    if not parts:
        raise ValueError("multipart body without parts")
    chosen = next((p for p in parts if p.get_filename()), parts[0])
    payload = chosen.get_payload(decode=True)
    return payload if isinstance(payload, bytes) else b""


def receive_upload(
    state: SlackState, key: str, content_type: str, body: bytes
) -> tuple[int, str, str | None]:
    """Take a POST to an upload URL: (HTTP status, text body, file id or None).

    Slack answers ``200 "OK - <bytes>"`` and documents only that any other status is a failure. The
    stand-in refuses, with 400, bytes that differ in length from what ``files.getUploadURLExternal`` was
    told, and keeps nothing, so ``files.completeUploadExternal`` then answers ``file_not_found``: an app
    that miscounts learns it here rather than sharing a truncated file. A URL takes one good upload; an
    unknown or spent one is 404.
    """
    file_id = state.upload_tickets.get(key)
    stored = state.files.get(file_id) if file_id else None
    if stored is None:
        return 404, "Not Found", None
    try:
        content = _upload_bytes(content_type, body)
    except ValueError:
        return 400, "malformed multipart body", stored.id
    if len(content) != stored.length:
        return 400, f"length mismatch: declared {stored.length} bytes, received {len(content)}", stored.id
    stored.content = content
    del state.upload_tickets[key]
    return 200, f"OK - {len(content)}", stored.id


def _share_entry(state: SlackState, stored: StoredFile, channel_id: str, ts: str) -> dict[str, Any]:
    channel = state.channels.get(channel_id, {})
    entry: dict[str, Any] = {
        "reply_users": [],
        "reply_users_count": 0,
        "reply_count": 0,
        "ts": ts,
        "channel_name": channel.get("name", channel_id),
        "team_id": stored.team_id,
        "share_user_id": stored.user,
        "source": "UNKNOWN",
        "is_silent_share": False,
    }
    if stored.thread_ts:
        entry["thread_ts"] = stored.thread_ts
    return entry


def file_object(state: SlackState, stored: StoredFile, *, in_message: bool = False) -> dict[str, Any]:
    """The file as Slack describes it; ``in_message`` leaves out where it is shared, as messages do.

    ``url_private`` points at the stand-in, which serves the bytes to a bot token of the file's workspace.
    """
    ws = state.workspaces[stored.team_id]
    name = quote(stored.filename, safe="")
    private = f"{state.public_url}/files-pri/{stored.team_id}-{stored.id}/{name}"
    answer: dict[str, Any] = {
        "id": stored.id,
        "created": stored.created,
        "timestamp": stored.created,
        "name": stored.filename,
        "title": stored.title,
        "mimetype": stored.mimetype,
        "filetype": stored.filetype,
        "pretty_type": stored.pretty_type,
        "user": stored.user,
        "user_team": stored.team_id,
        "editable": stored.snippet_type is not None,
        "size": len(stored.content or b""),
        "mode": "snippet" if stored.snippet_type else "hosted",
        "is_external": False,
        "external_type": "",
        "is_public": False,
        "public_url_shared": False,
        "display_as_bot": False,
        "username": "",
        "url_private": private,
        "url_private_download": f"{state.public_url}/files-pri/{stored.team_id}-{stored.id}/download/{name}",
        "permalink": f"https://{ws.domain}.slack.com/files/{stored.user}/{stored.id}/{name}",
        "permalink_public": f"https://slack-files.com/{stored.team_id}-{stored.id}-0000000000",
        "comments_count": 0,
        "is_starred": False,
        "has_rich_preview": False,
        "file_access": "visible",
    }
    if stored.alt_txt:
        answer["alt_txt"] = stored.alt_txt
    if in_message:
        return answer
    public: dict[str, list[dict[str, Any]]] = {}
    private_shares: dict[str, list[dict[str, Any]]] = {}
    channels: list[str] = []
    groups: list[str] = []
    ims: list[str] = []
    for channel_id, ts in stored.shares.items():
        channel = state.channels.get(channel_id, {})
        entry = [_share_entry(state, stored, channel_id, ts)]
        if channel.get("is_im"):
            ims.append(channel_id)
            private_shares[channel_id] = entry
        elif channel.get("is_private"):
            groups.append(channel_id)
            private_shares[channel_id] = entry
        else:
            channels.append(channel_id)
            public[channel_id] = entry
    shares: dict[str, Any] = {}
    if public:
        shares["public"] = public
    if private_shares:
        shares["private"] = private_shares
    answer.update(
        {
            "is_public": bool(public),
            "shares": shares,
            "channels": channels,
            "groups": groups,
            "ims": ims,
            "has_more_shares": False,
        }
    )
    return answer
