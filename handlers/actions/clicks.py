"""What every button click carries that a handler may trust: where it happened, and its own value."""

from __future__ import annotations

import json
from typing import Any


def click_place(body: dict[str, Any]) -> tuple[str, str]:
    """(team, channel) of the click: visibility follows where it happened, never what the button says."""
    team = (body.get("team") or {}).get("id") or ""
    channel = (body.get("channel") or {}).get("id") or (body.get("container") or {}).get("channel_id") or ""
    return team, channel


def button_state(action: dict[str, Any]) -> dict[str, Any]:
    """The JSON a button of ours carries; ValueError for anything else (an old or forged button)."""
    state = json.loads(action.get("value") or "{}")
    if not isinstance(state, dict):
        raise ValueError("not an object")
    return state
