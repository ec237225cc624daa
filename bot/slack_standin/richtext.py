"""What Slack makes of the text a user types: escaped mrkdwn ``text`` plus a ``rich_text`` block.

A pasted URL reaches an app twice: as ``<https://example.com/a>`` inside ``text`` (with ``&`` escaped as
``&amp;``) and as a ``link`` element inside the ``rich_text`` block (unescaped). Handlers must cope with
both, so the sender builds both the way Slack does.
"""

from __future__ import annotations

import html
import re
from typing import Any

from bot.slack_standin.ids import new_id

__all__ = ["escape", "rich_text_block", "slack_text"]

# Markup a caller already wrote the Slack way: links, mentions, channels, broadcasts.
_MARKUP = re.compile(r"<(?:https?://|mailto:|@|#|!)[^<>\s]*(?:\|[^<>]*)?>")
_BARE_URL = re.compile(r"https?://[^\s<>]+")
_TRAILING_PUNCT = ".,;:!?)'\""


def escape(text: str) -> str:
    """Slack's three control-character escapes, which it applies to every message ``text``."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _wrap_bare_urls(plain: str) -> str:
    out: list[str] = []
    pos = 0
    for match in _BARE_URL.finditer(plain):
        url = match.group(0)
        stripped = url.rstrip(_TRAILING_PUNCT)
        out.append(escape(plain[pos : match.start()]))
        out.append(f"<{escape(stripped)}>")
        out.append(escape(url[len(stripped) :]))
        pos = match.end()
    out.append(escape(plain[pos:]))
    return "".join(out)


def slack_text(typed: str) -> str:
    """Turn what a user typed into the ``text`` Slack delivers: bare URLs wrapped in ``<>``, the rest escaped.

    Markup the caller already wrote (``<@U123>``, ``<https://x|label>``) is kept as is.
    """
    out: list[str] = []
    pos = 0
    for match in _MARKUP.finditer(typed):
        out.append(_wrap_bare_urls(typed[pos : match.start()]))
        out.append(match.group(0))
        pos = match.end()
    out.append(_wrap_bare_urls(typed[pos:]))
    return "".join(out)


def _element(markup: str) -> dict[str, Any]:
    inner = markup[1:-1]
    target, _, label = inner.partition("|")
    if target.startswith("@"):
        return {"type": "user", "user_id": target[1:]}
    if target.startswith("#"):
        return {"type": "channel", "channel_id": target[1:]}
    if target.startswith("!"):
        return {"type": "broadcast", "range": target[1:]}
    element: dict[str, Any] = {"type": "link", "url": html.unescape(target)}
    if label:
        element["text"] = html.unescape(label)
    return element


def rich_text_block(text: str) -> dict[str, Any]:
    """The ``rich_text`` block Slack attaches to a typed message whose escaped ``text`` is given."""
    elements: list[dict[str, Any]] = []
    pos = 0
    for match in re.finditer(r"<[^<>]+>", text):
        if match.start() > pos:
            elements.append({"type": "text", "text": html.unescape(text[pos : match.start()])})
        elements.append(_element(match.group(0)))
        pos = match.end()
    if pos < len(text):
        elements.append({"type": "text", "text": html.unescape(text[pos:])})
    return {
        "type": "rich_text",
        "block_id": new_id("", 5),
        "elements": [{"type": "rich_text_section", "elements": elements}],
    }
