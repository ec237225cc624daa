"""The Web API methods the stand-in answers, each as Slack does: same fields, same error names.

Every handler takes the calling workspace (from the bearer token) and the decoded arguments, and returns
the answer without ``ok``; a Slack error is raised as ``ApiError``. Callers hold the state lock.
"""

from __future__ import annotations

import copy
import hashlib
import secrets
import time
from collections.abc import Callable
from typing import Any

from bot.slack_standin import limits
from bot.slack_standin.files import MAX_ALT_TXT, MAX_SNIPPET, file_object, guess_type, upload_url
from bot.slack_standin.ids import new_id, next_ts, ts_to_permalink_part
from bot.slack_standin.state import ApiError, SlackState, SocketTicket, StoredFile, Workspace

__all__ = ["APP_TOKEN_METHODS", "METHODS", "NO_AUTH_METHODS", "AppHandler", "Handler"]

Handler = Callable[[SlackState, Workspace, dict[str, Any]], dict[str, Any]]
AppHandler = Callable[[SlackState, str, dict[str, Any]], dict[str, Any]]


def _truthy(value: Any) -> bool:
    """slack_sdk sends booleans as ``"1"``/``"0"`` in forms and as JSON booleans in JSON bodies."""
    return value is True or (isinstance(value, str) and value.lower() in ("1", "true"))


def _require(params: dict[str, Any], *names: str) -> None:
    """Slack's answer to a missing required argument (a missing ``channel`` is ``channel_not_found``)."""
    missing = [name for name in names if params.get(name) in (None, "")]
    if missing:
        messages = [f"[ERROR] missing required field: {name}" for name in missing]
        raise ApiError("invalid_arguments", response_metadata={"messages": messages})


def _channel(state: SlackState, ws: Workspace, params: dict[str, Any], key: str = "channel") -> str:
    """Resolve a channel argument (ID, ``#name``, or a user ID meaning the DM) to a channel ID."""
    raw = params.get(key)
    if not isinstance(raw, str) or not raw:
        raise ApiError("channel_not_found")
    if raw in state.channels and state.channel_team.get(raw) == ws.team_id:
        return raw
    name = raw.removeprefix("#")
    for cid, channel in state.channels.items():
        if state.channel_team.get(cid) == ws.team_id and channel.get("name") == name:
            return cid
    if (ws.team_id, raw) in state.users:  # posting to a user ID opens (or reuses) the DM with them
        dm = "D" + raw[1:]
        if dm not in state.channels:
            state.add_channel(ws.team_id, dm, name=raw, is_im=True, user=raw)
        return dm
    raise ApiError("channel_not_found")


def _check_content(params: dict[str, Any], *, max_blocks: int = limits.MAX_BLOCKS_MESSAGE) -> None:
    text = params.get("text")
    if isinstance(text, str) and len(text) > limits.MAX_TEXT:
        raise ApiError("msg_too_long")
    if "blocks" in params and params["blocks"] not in (None, ""):
        errors = limits.check_blocks(params["blocks"], max_blocks=max_blocks)
        if errors:
            kind = "invalid_blocks_format" if not isinstance(params["blocks"], list) else "invalid_blocks"
            raise ApiError(
                kind, errors=errors, response_metadata={"messages": [f"[ERROR] {e}" for e in errors]}
            )
    if params.get("metadata") not in (None, ""):
        error = limits.check_metadata(params["metadata"])
        if error:
            raise ApiError(error)


def _bot_profile(ws: Workspace) -> dict[str, Any]:
    return {
        "id": ws.bot_id,
        "app_id": ws.app_id,
        "name": ws.bot_name,
        "icons": {"image_36": "", "image_48": "", "image_72": ""},
        "deleted": False,
        "updated": int(time.time()),
        "team_id": ws.team_id,
    }


def _bot_message(ws: Workspace, params: dict[str, Any], ts: str) -> dict[str, Any]:
    message: dict[str, Any] = {
        "user": ws.bot_user_id,
        "type": "message",
        "ts": ts,
        "bot_id": ws.bot_id,
        "app_id": ws.app_id,
        "text": params.get("text") or "",
        "team": ws.team_id,
        "bot_profile": _bot_profile(ws),
    }
    for key in ("blocks", "attachments", "metadata"):
        if params.get(key) not in (None, ""):
            message[key] = copy.deepcopy(params[key])
    if params.get("thread_ts"):
        message["thread_ts"] = str(params["thread_ts"])
    return message


def auth_test(state: SlackState, ws: Workspace, params: dict[str, Any]) -> dict[str, Any]:
    answer: dict[str, Any] = {
        "url": f"https://{ws.domain}.slack.com/",
        "team": ws.team_name,
        "user": ws.bot_name,
        "team_id": ws.team_id,
        "user_id": ws.bot_user_id,
        "bot_id": ws.bot_id,
        "is_enterprise_install": False,
    }
    if ws.enterprise_id:
        answer["enterprise_id"] = ws.enterprise_id
    return answer


def chat_post_message(state: SlackState, ws: Workspace, params: dict[str, Any]) -> dict[str, Any]:
    channel_id = _channel(state, ws, params)
    if not params.get("text") and not params.get("blocks") and not params.get("attachments"):
        raise ApiError("no_text")
    if not state.channels[channel_id].get("is_member", True):
        raise ApiError("not_in_channel")
    _check_content(params)
    ts = next_ts()
    message = _bot_message(ws, params, ts)
    state.insert_message(channel_id, message)
    return {"channel": channel_id, "ts": ts, "message": copy.deepcopy(message)}


def chat_post_ephemeral(state: SlackState, ws: Workspace, params: dict[str, Any]) -> dict[str, Any]:
    channel_id = _channel(state, ws, params)
    _require(params, "user")
    user = params.get("user")
    if (ws.team_id, user) not in state.users:
        raise ApiError("user_not_in_channel")
    if not params.get("text") and not params.get("blocks") and not params.get("attachments"):
        raise ApiError("no_text")
    _check_content(params)
    ts = next_ts()
    message = _bot_message(ws, params, ts)
    message["user_shown_to"] = user  # stand-in bookkeeping: whose screen alone shows this message
    state.ephemerals.setdefault(channel_id, []).append(message)
    return {"message_ts": ts}


def chat_update(state: SlackState, ws: Workspace, params: dict[str, Any]) -> dict[str, Any]:
    channel_id = _channel(state, ws, params)
    _require(params, "ts")
    ts = params.get("ts")
    message = state.find_message(channel_id, str(ts)) if ts else None
    if message is None:
        raise ApiError("message_not_found")
    if message.get("bot_id") != ws.bot_id:
        raise ApiError("cant_update_message")
    if not params.get("text") and not params.get("blocks") and not params.get("attachments"):
        raise ApiError("no_text")
    _check_content(params)
    if "text" in params:
        message["text"] = params["text"] or ""
    for key in ("blocks", "attachments", "metadata"):  # omitted -> kept, as Slack does
        if key in params and params[key] not in (None, ""):
            message[key] = copy.deepcopy(params[key])
    message["edited"] = {"user": ws.bot_user_id, "ts": next_ts()}
    shown = {k: v for k, v in message.items() if k not in ("reactions",)}
    return {
        "channel": channel_id,
        "ts": message["ts"],
        "text": message["text"],
        "message": copy.deepcopy(shown),
    }


def chat_get_permalink(state: SlackState, ws: Workspace, params: dict[str, Any]) -> dict[str, Any]:
    channel_id = _channel(state, ws, params)
    _require(params, "message_ts")
    ts = params.get("message_ts")
    message = state.find_message(channel_id, str(ts)) if ts else None
    if message is None:
        raise ApiError("message_not_found")
    link = f"https://{ws.domain}.slack.com/archives/{channel_id}/{ts_to_permalink_part(message['ts'])}"
    thread_ts = message.get("thread_ts")
    if thread_ts and thread_ts != message["ts"]:
        link += f"?thread_ts={thread_ts}&cid={channel_id}"
    return {"channel": channel_id, "permalink": link}


def _reaction_target(state: SlackState, ws: Workspace, params: dict[str, Any]) -> tuple[dict[str, Any], str]:
    channel_id = _channel(state, ws, params)
    _require(params, "timestamp", "name")
    name = str(params["name"]).strip(":")
    if not name:
        raise ApiError("invalid_name")
    ts = params.get("timestamp")
    message = state.find_message(channel_id, str(ts)) if ts else None
    if message is None:
        raise ApiError("message_not_found")
    return message, name


def reactions_add(state: SlackState, ws: Workspace, params: dict[str, Any]) -> dict[str, Any]:
    message, name = _reaction_target(state, ws, params)
    reactions = message.setdefault("reactions", [])
    for reaction in reactions:
        if reaction["name"] == name:
            if ws.bot_user_id in reaction["users"]:
                raise ApiError("already_reacted")
            reaction["users"].append(ws.bot_user_id)
            reaction["count"] += 1
            return {}
    reactions.append({"name": name, "users": [ws.bot_user_id], "count": 1})
    return {}


def reactions_remove(state: SlackState, ws: Workspace, params: dict[str, Any]) -> dict[str, Any]:
    message, name = _reaction_target(state, ws, params)
    for reaction in message.get("reactions", []):
        if reaction["name"] == name and ws.bot_user_id in reaction["users"]:
            reaction["users"].remove(ws.bot_user_id)
            reaction["count"] -= 1
            if not reaction["users"]:
                message["reactions"].remove(reaction)
            if not message["reactions"]:
                del message["reactions"]
            return {}
    raise ApiError("no_reaction")


def conversations_info(state: SlackState, ws: Workspace, params: dict[str, Any]) -> dict[str, Any]:
    channel_id = _channel(state, ws, params)
    return {"channel": copy.deepcopy(state.channels[channel_id])}


def conversations_join(state: SlackState, ws: Workspace, params: dict[str, Any]) -> dict[str, Any]:
    channel_id = _channel(state, ws, params)
    channel = state.channels[channel_id]
    if channel.get("is_im") or channel.get("is_private"):
        raise ApiError("method_not_supported_for_channel_type")
    answer: dict[str, Any] = {}
    if channel.get("is_member"):
        answer = {"warning": "already_in_channel", "response_metadata": {"warnings": ["already_in_channel"]}}
    channel["is_member"] = True
    answer["channel"] = copy.deepcopy(channel)
    return answer


def users_info(state: SlackState, ws: Workspace, params: dict[str, Any]) -> dict[str, Any]:
    _require(params, "user")
    user = state.users.get((ws.team_id, str(params.get("user") or "")))
    if user is None:
        raise ApiError("user_not_found")
    return {"user": copy.deepcopy(user)}


def bots_info(state: SlackState, ws: Workspace, params: dict[str, Any]) -> dict[str, Any]:
    wanted = params.get("bot")
    for other in state.workspaces.values():
        if other.bot_id == wanted and other.team_id == ws.team_id:
            profile = _bot_profile(other)
            return {"bot": {**profile, "user_id": other.bot_user_id}}
    raise ApiError("bot_not_found")


def team_info(state: SlackState, ws: Workspace, params: dict[str, Any]) -> dict[str, Any]:
    wanted = params.get("team")
    if wanted and wanted != ws.team_id:
        raise ApiError("team_not_found")
    team: dict[str, Any] = {
        "id": ws.team_id,
        "name": ws.team_name,
        "domain": ws.domain,
        "email_domain": "",
        "url": f"https://{ws.domain}.slack.com/",
        "icon": {"image_default": True},
        "is_verified": False,
    }
    if ws.enterprise_id:
        team["enterprise_id"] = ws.enterprise_id
    return {"team": team}


def views_publish(state: SlackState, ws: Workspace, params: dict[str, Any]) -> dict[str, Any]:
    _require(params, "user_id", "view")
    user_id = params.get("user_id")
    view = params.get("view")
    if not isinstance(view, dict) or view.get("type") != "home":
        raise ApiError("invalid_arguments")
    if not user_id or (ws.team_id, user_id) not in state.users:
        raise ApiError("user_not_found")
    errors = limits.check_blocks(view.get("blocks", []), max_blocks=limits.MAX_BLOCKS_VIEW)
    if errors:
        raise ApiError("invalid_blocks", errors=errors)
    previous = state.views.get((ws.team_id, user_id))
    if params.get("hash") and previous is not None and params["hash"] != previous["hash"]:
        raise ApiError("hash_conflict")
    view_id = previous["id"] if previous else new_id("V")
    stored = {
        "id": view_id,
        "team_id": ws.team_id,
        "type": "home",
        "blocks": copy.deepcopy(view.get("blocks", [])),
        "private_metadata": view.get("private_metadata", ""),
        "callback_id": view.get("callback_id", ""),
        "state": {"values": {}},
        "hash": hashlib.sha1(f"{view_id}{time.time_ns()}".encode()).hexdigest()[:20],
        "title": {"type": "plain_text", "text": "View Title", "emoji": True},
        "clear_on_close": False,
        "notify_on_close": False,
        "close": None,
        "submit": None,
        "previous_view_id": None,
        "root_view_id": view_id,
        "app_id": ws.app_id,
        "external_id": view.get("external_id", ""),
        "app_installed_team_id": ws.team_id,
        "bot_id": ws.bot_id,
    }
    state.views[(ws.team_id, user_id)] = stored
    return {"view": copy.deepcopy(stored)}


MAX_SHARE_CHANNELS = 100  # files.completeUploadExternal: channels_limit_exceeded past this many


def _invalid(message: str) -> ApiError:
    return ApiError("invalid_arguments", response_metadata={"messages": [f"[ERROR] {message}"]})


def files_get_upload_url_external(state: SlackState, ws: Workspace, params: dict[str, Any]) -> dict[str, Any]:
    """Announce a file: its id and a one-time URL on the stand-in that takes exactly ``length`` bytes."""
    _require(params, "filename", "length")
    try:
        length = int(str(params["length"]))
    except ValueError:
        raise _invalid("invalid type for field: length") from None
    if length < 0:
        raise _invalid("length must be a positive integer")
    if length == 0:  # Slack's docs: missing_argument "typically only occurs when the length provided is 0"
        raise ApiError("missing_argument")
    alt_txt = params.get("alt_txt") or None
    if isinstance(alt_txt, str) and len(alt_txt) > MAX_ALT_TXT:
        raise ApiError("alt_txt_too_large")
    snippet_type = params.get("snippet_type") or None
    if snippet_type and length > MAX_SNIPPET:
        raise ApiError("snippet_too_large")
    if state.public_url is None:  # not listening: no URL could take the bytes
        raise ApiError("internal_error")
    stored = StoredFile(
        id=new_id("F"),
        team_id=ws.team_id,
        user=ws.bot_user_id,
        filename=str(params["filename"]),
        length=length,
        created=int(time.time()),
        alt_txt=alt_txt,
        snippet_type=snippet_type,
    )
    key = secrets.token_urlsafe(24)
    state.files[stored.id] = stored
    state.upload_tickets[key] = stored.id
    return {"upload_url": upload_url(state, key), "file_id": stored.id}


def _files_to_complete(state: SlackState, ws: Workspace, items: Any) -> list[tuple[StoredFile, str | None]]:
    """The announced files named by ``files``, each with the title asked for; refused as Slack refuses."""
    if not isinstance(items, list) or not items:
        raise _invalid("files must be a non-empty array of objects with an id")
    found: list[tuple[StoredFile, str | None]] = []
    for item in items:
        if not isinstance(item, dict) or not isinstance(item.get("id"), str) or not item["id"]:
            raise _invalid("files must be a non-empty array of objects with an id")
        stored = state.files.get(item["id"])
        if stored is None:
            raise ApiError("file_not_found")
        if stored.team_id != ws.team_id:  # "User is not the owner of the file"
            raise ApiError("access_denied")
        # Never uploaded (or refused for its length), or already completed: "This method can only be
        # called once", and either way there is no file behind the upload ticket.
        if stored.content is None or stored.completed:
            raise ApiError("file_not_found")
        if all(stored is not seen for seen, _ in found):
            title = item.get("title")
            found.append((stored, title if isinstance(title, str) and title else None))
    return found


def _share_targets(state: SlackState, ws: Workspace, params: dict[str, Any]) -> tuple[list[str], list[str]]:
    """Where to share, and the users whose DM must be opened for it; nothing is changed here.

    ``channel_id`` that is not a channel of the workspace is ``channel_not_found``, an entry of ``channels``
    that is neither a channel nor a user ``invalid_channel`` (Slack's docs name both). Unlike
    chat.postMessage, names are not accepted: the docs ask for IDs. The bot must be a member, as
    chat.postMessage requires (``not_in_channel``).
    """
    raw = params.get("channels")
    entries = raw.split(",") if isinstance(raw, str) else raw if isinstance(raw, list) else []
    listed = [str(entry).strip() for entry in entries if str(entry).strip()]
    if len(listed) > MAX_SHARE_CHANNELS:
        raise ApiError("channels_limit_exceeded")
    targets: list[str] = []
    new_dms: list[str] = []
    channel_id = params.get("channel_id")
    if channel_id not in (None, ""):
        if not isinstance(channel_id, str) or state.channel_team.get(channel_id) != ws.team_id:
            raise ApiError("channel_not_found")
        targets.append(channel_id)
    for entry in listed:
        if entry in state.channels and state.channel_team.get(entry) == ws.team_id:
            targets.append(entry)
        elif (ws.team_id, entry) in state.users:  # a user ID: the DM with them, opened if need be
            dm = "D" + entry[1:]
            if dm not in state.channels and entry not in new_dms:
                new_dms.append(entry)
            targets.append(dm)
        else:
            raise ApiError("invalid_channel")
    for target in targets:
        if target in state.channels and not state.channels[target].get("is_member", True):
            raise ApiError("not_in_channel")
    return list(dict.fromkeys(targets)), new_dms


def files_complete_upload_external(
    state: SlackState, ws: Workspace, params: dict[str, Any]
) -> dict[str, Any]:
    """Finish uploads: name them, and share them in one message per channel (in the thread if asked).

    Nothing changes when any check fails, so the app can retry the same file ids, e.g. after joining.
    """
    _require(params, "files")
    to_complete = _files_to_complete(state, ws, params["files"])
    targets, new_dms = _share_targets(state, ws, params)
    thread_ts = str(params["thread_ts"]) if params.get("thread_ts") else None
    if thread_ts and len(targets) != 1:  # Slack's docs: "provide only one channel when using thread_ts"
        raise _invalid("thread_ts needs exactly one channel")
    comment = params.get("initial_comment") or None
    # Slack's docs: "If the initial_comment field is provided, the blocks field is ignored".
    blocks = params.get("blocks") if not comment else None
    if blocks not in (None, ""):
        errors = limits.check_blocks(blocks)
        if errors:
            raise ApiError("invalid_blocks", errors=errors)
    else:
        blocks = None
    for user in new_dms:
        state.add_channel(ws.team_id, "D" + user[1:], name=user, is_im=True, user=user)
    completed: list[StoredFile] = []
    for stored, title in to_complete:
        content = stored.content or b""
        stored.mimetype, stored.filetype, stored.pretty_type = guess_type(stored.filename, content)
        if stored.snippet_type:
            stored.filetype = stored.snippet_type
        stored.title = title or stored.filename
        stored.completed = True
        stored.thread_ts = thread_ts
        stored.initial_comment = comment
        completed.append(stored)
    for channel_id in targets:
        ts = next_ts()
        message = _bot_message(ws, {"text": comment, "blocks": blocks, "thread_ts": thread_ts}, ts)
        message.update(
            {
                "subtype": "file_share",
                "files": [file_object(state, stored, in_message=True) for stored in completed],
                "upload": True,
                "display_as_bot": False,
            }
        )
        state.insert_message(channel_id, message)
        for stored in completed:
            stored.channels.append(channel_id)
            stored.shares[channel_id] = ts
    return {"files": [file_object(state, stored) for stored in completed]}


def files_info(state: SlackState, ws: Workspace, params: dict[str, Any]) -> dict[str, Any]:
    """A completed file of the caller's workspace; an unfinished upload is not a file yet."""
    _require(params, "file")
    stored = state.files.get(str(params["file"]))
    if stored is None or not stored.completed or stored.team_id != ws.team_id:
        raise ApiError("file_not_found")
    return {"file": file_object(state, stored), "comments": [], "response_metadata": {"next_cursor": ""}}


def apps_connections_open(state: SlackState, app_id: str, params: dict[str, Any]) -> dict[str, Any]:
    """A one-time WebSocket URL for the app whose app-level token called (Socket Mode).

    Slack's URL is ``wss://wss-primary.slack.com/link/?ticket=...&app_id=...``; the stand-in's is
    ``ws://`` on 127.0.0.1 (slack_sdk's built-in client speaks plain TCP to any port but 443). The ticket
    is redeemed by the first WebSocket handshake that presents it, so a client that reconnects with an
    old URL is refused as it would be by Slack once the ticket expired.
    """
    if state.socket_url is None:  # the stand-in's WebSocket server was stopped: nothing to hand out
        raise ApiError("internal_error")
    ticket = secrets.token_hex(16)
    state.socket_tickets[ticket] = SocketTicket(ticket=ticket, app_id=app_id, issued_at=time.time())
    return {"url": f"{state.socket_url}?ticket={ticket}&app_id={app_id}"}


def oauth_v2_access(state: SlackState, ws: Workspace | None, params: dict[str, Any]) -> dict[str, Any]:
    client_id, client_secret = params.get("client_id"), params.get("client_secret")
    if state.oauth_client is not None:
        if client_id != state.oauth_client[0]:
            raise ApiError("invalid_client_id")
        if client_secret != state.oauth_client[1]:
            raise ApiError("bad_client_secret")
    _require(params, "code")
    grant = state.oauth_codes.pop(str(params.get("code") or ""), None)
    if grant is None:
        raise ApiError("invalid_code")
    installed = grant.workspace
    state.add_workspace(installed)
    enterprise = (
        {"id": installed.enterprise_id, "name": grant.enterprise_name or installed.enterprise_id}
        if installed.enterprise_id
        else None
    )
    return {
        "app_id": installed.app_id,
        "authed_user": {"id": grant.installer_user_id},
        "scope": grant.scope,
        "token_type": "bot",
        "access_token": installed.bot_token,
        "bot_user_id": installed.bot_user_id,
        "team": {"id": installed.team_id, "name": installed.team_name},
        "enterprise": enterprise,
        "is_enterprise_install": False,
    }


METHODS: dict[str, Handler] = {
    "auth.test": auth_test,
    "chat.postMessage": chat_post_message,
    "chat.postEphemeral": chat_post_ephemeral,
    "chat.update": chat_update,
    "chat.getPermalink": chat_get_permalink,
    "reactions.add": reactions_add,
    "reactions.remove": reactions_remove,
    "conversations.info": conversations_info,
    "conversations.join": conversations_join,
    "users.info": users_info,
    "bots.info": bots_info,
    "team.info": team_info,
    "views.publish": views_publish,
    "files.getUploadURLExternal": files_get_upload_url_external,
    "files.completeUploadExternal": files_complete_upload_external,
    "files.info": files_info,
    "oauth.v2.access": oauth_v2_access,  # type: ignore[dict-item]
}

# Authenticated by client credentials, not by a bearer token.
NO_AUTH_METHODS = frozenset({"oauth.v2.access"})

# Called with an app-level (xapp-) token; the handler gets the app's id instead of a workspace.
APP_TOKEN_METHODS: dict[str, AppHandler] = {"apps.connections.open": apps_connections_open}
