"""Which article links a Slack message carries.

Slack sends a pasted URL twice: as ``<https://…|label>`` in ``text`` and as a ``link`` element in the
rich-text ``blocks``; both are read so a message from any client is understood, and each link counts once.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from typing import Any
from urllib.parse import urlsplit

from bot.reading.urls import normalize_url

SLACK_LINK = re.compile(r"<(https?://[^>|\s]+)(?:\|[^>]*)?>", re.IGNORECASE)
BARE_LINK = re.compile(r"(?<![<|\w])(https?://[^\s<>|]+[^\s<>|.,;:!?)\]'\"])", re.IGNORECASE)
IGNORED_HOSTS = ("slack.com", "slack-edge.com", "slack-files.com")


def _walk_blocks(root: Any) -> Iterator[str]:
    """URLs of ``link`` elements anywhere in ``blocks``, in document order; any other shape yields nothing.

    Iterative, so blocks nested absurdly deep cannot exhaust the stack.
    """
    stack: list[Any] = [root]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            if node.get("type") == "link" and isinstance(node.get("url"), str):
                yield node["url"]
            stack.extend(reversed([v for v in node.values() if isinstance(v, (dict, list))]))
        elif isinstance(node, list):
            stack.extend(reversed(node))


def host_matches(host: str, domains: Iterable[str]) -> bool:
    """True when ``host`` is one of ``domains`` or a subdomain of one."""
    host = host.lower().rstrip(".")
    return any(host == d or host.endswith("." + d) for d in (d.lower().lstrip(".") for d in domains) if d)


def message_links(text: str | None, blocks: Sequence[Any] | None = None) -> list[str]:
    """Every http(s) link in a message, in order of appearance, once each."""
    found: list[str] = []
    text = text if isinstance(text, str) else ""  # a malformed event may carry anything here
    found.extend(m.group(1) for m in SLACK_LINK.finditer(text))
    found.extend(m.group(1) for m in BARE_LINK.finditer(SLACK_LINK.sub(" ", text)))
    found.extend(_walk_blocks(blocks or []))
    seen: set[str] = set()
    links = []
    for url in found:
        url = url.replace("&amp;", "&")
        try:
            key = normalize_url(url)
        except ValueError:  # "http://[oops": not a URL the fetcher could read either
            continue
        if key not in seen:
            seen.add(key)
            links.append(url)
    return links


def article_links(
    text: str | None, blocks: Sequence[Any] | None = None, deny_domains: Iterable[str] = ()
) -> list[str]:
    """Links worth summarising: not Slack's own, not on the team's deny list."""
    deny = tuple(deny_domains)
    out = []
    for url in message_links(text, blocks):
        try:
            host = urlsplit(url).hostname or ""
        except ValueError:
            continue
        if not host or host_matches(host, IGNORED_HOSTS) or host_matches(host, deny):
            continue
        out.append(url)
    return out


def new_links(current: list[str], previous: list[str]) -> list[str]:
    """Links an edit added (an edit that only fixes a typo adds none)."""
    before = {normalize_url(u) for u in previous}  # both lists come from message_links: they normalize
    return [u for u in current if normalize_url(u) not in before]
