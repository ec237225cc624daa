"""The Slack manifest an admin pastes asks for exactly what the app uses."""

from pathlib import Path

import yaml

from bot.entry.app import BOT_SCOPES

MANIFEST = yaml.safe_load((Path(__file__).resolve().parents[1] / "manifest.yml").read_text())


def test_scopes_match_the_app() -> None:
    assert sorted(MANIFEST["oauth_config"]["scopes"]["bot"]) == sorted(BOT_SCOPES)


def test_events_command_interactivity_and_socket_mode() -> None:
    settings = MANIFEST["settings"]
    events = set(settings["event_subscriptions"]["bot_events"])
    assert {"message.channels", "message.groups", "app_mention", "app_home_opened"} <= events
    assert settings["interactivity"]["is_enabled"] is True
    assert settings["socket_mode_enabled"] is True
    (command,) = MANIFEST["features"]["slash_commands"]
    assert command["command"] == "/claims" and command["should_escape"] is True
    assert MANIFEST["features"]["app_home"]["home_tab_enabled"] is True
