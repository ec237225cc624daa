"""The Slack manifest an admin pastes is valid and asks for exactly what the app uses: the scopes follow
from the Web API methods the code calls and the events the manifest subscribes to."""

import json
import re
from pathlib import Path

import jsonschema
import yaml

from bot.entry.app import BOT_SCOPES

ROOT = Path(__file__).resolve().parents[1]
MANIFEST = yaml.safe_load((ROOT / "manifest.yml").read_text())
SCHEMA = json.loads((ROOT / "tests/fixtures/slack-manifest.schema.1.0.0.json").read_text())

# Bot scopes each Web API method needs (api.slack.com/methods), for the methods this app may call.
METHOD_SCOPES: dict[str, set[str]] = {
    "chat.postMessage": {"chat:write"},
    "chat.getPermalink": set(),
    "reactions.add": {"reactions:write"},
    "reactions.remove": {"reactions:write"},
    # channels, private channels, DMs and group DMs: the app hears messages in all four
    "conversations.info": {"channels:read", "groups:read", "im:read", "mpim:read"},
    "users.info": {"users:read"},
    "views.publish": set(),
    "auth.test": set(),
    # files.getUploadURLExternal then files.completeUploadExternal: /claims chart and export
    "files.upload_v2": {"files:write"},
}
EVENT_SCOPES: dict[str, set[str]] = {
    "app_home_opened": set(),
    "app_mention": {"app_mentions:read"},
    "message.channels": {"channels:history"},
    "message.groups": {"groups:history"},
    "message.im": {"im:history"},
    "message.mpim": {"mpim:history"},
    "app_uninstalled": set(),
    "tokens_revoked": set(),
}
CALL = re.compile(r"\.(chat|conversations|reactions|users|views|auth|team|bots|files)_([A-Za-z]+(?:_v2)?)\(")


def called_methods() -> set[str]:
    sources = [
        p for pkg in ("bot", "handlers") for p in (ROOT / pkg).rglob("*.py") if "slack_standin" not in p.parts
    ]
    return {
        f"{m.group(1)}.{m.group(2)}" for p in sources for m in CALL.finditer(p.read_text(encoding="utf-8"))
    }


def test_the_manifest_is_valid_by_slacks_schema() -> None:
    jsonschema.Draft7Validator(SCHEMA).validate(MANIFEST)


def test_scopes_follow_from_the_calls_and_events() -> None:
    methods = called_methods()
    assert methods <= set(METHOD_SCOPES), f"scopes unknown for {methods - set(METHOD_SCOPES)}"
    events = set(MANIFEST["settings"]["event_subscriptions"]["bot_events"])
    needed = set().union(*(METHOD_SCOPES[m] for m in methods), *(EVENT_SCOPES[e] for e in events))
    needed.add("commands")  # the /claims slash command
    assert sorted(MANIFEST["oauth_config"]["scopes"]["bot"]) == sorted(needed)
    assert sorted(BOT_SCOPES) == sorted(needed)


def test_direct_messages_have_a_messages_tab() -> None:
    """The app subscribes to message.im: users must be able to write to it."""
    home = MANIFEST["features"]["app_home"]
    assert "message.im" in MANIFEST["settings"]["event_subscriptions"]["bot_events"]
    assert home["messages_tab_enabled"] is True and home["messages_tab_read_only_enabled"] is False


def test_events_command_interactivity_and_socket_mode() -> None:
    settings = MANIFEST["settings"]
    events = set(settings["event_subscriptions"]["bot_events"])
    assert {"message.channels", "message.groups", "app_mention", "app_home_opened"} <= events
    assert settings["interactivity"]["is_enabled"] is True
    assert settings["socket_mode_enabled"] is True
    (command,) = MANIFEST["features"]["slash_commands"]
    assert command["command"] == "/claims" and command["should_escape"] is True
    assert MANIFEST["features"]["app_home"]["home_tab_enabled"] is True
