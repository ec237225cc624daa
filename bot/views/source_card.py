"""`/claims who NAME`: a source's card, as Block Kit and as plain text. Pure, like `render`.

A card says who the source is (name, roles seen, other names it went by), how much the asker may see of
it (claims, first and last seen, channels) and its latest claims with their threads. Every text that came
from an article (names, roles, mentions, claims, titles) is escaped by `render`'s helpers.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from bot.views import slack_limits as limits
from bot.views.render import (
    SearchLine,
    channel_mrkdwn,
    claim_mrkdwn,
    claim_text,
    clip,
    context_block,
    escape,
    fit_blocks,
    plural,
    section_block,
    where_mrkdwn,
    where_text,
)

MAX_ROLES = 6
MAX_NAMES = 10
MAX_CHANNELS = 8
MAX_ALSO = 5
CLAIM_CHARS = 600  # five claims and their links stay far below Slack's size limit


@dataclass(frozen=True, slots=True)
class ChannelLine:
    channel: str
    name: str | None
    claims: int

    @property
    def label(self) -> str:
        return f"#{self.name}" if self.name else self.channel


@dataclass(frozen=True, slots=True)
class SourceCardView:
    """One source as the asker may see it: counts and lists over their visible claims only."""

    name: str
    claims: int
    first_seen: datetime
    last_seen: datetime
    roles: Sequence[str] = ()
    names: Sequence[str] = ()  # aliases and the mentions resolved to the source
    channels: Sequence[ChannelLine] = ()
    latest: Sequence[SearchLine] = ()


@dataclass(frozen=True, slots=True)
class SourceAnswer:
    """What `/claims who NAME` answers: a card, or (card None) why there is none."""

    query: str
    card: SourceCardView | None = None
    also: Sequence[str] = ()  # the other matching sources, most claims first
    many: bool = False  # NAME matched more sources than were ranked: there are more than `also`


def _more(shown: int, total: int) -> str:
    return f" and {total - shown} more" if total > shown else ""


def _also_line(answer: SourceAnswer) -> str | None:
    names = list(answer.also[:MAX_ALSO])
    if not names:
        return None
    if answer.many:
        return ", ".join(names) + " and many more"
    return ", ".join(names) + _more(len(names), len(answer.also))


def _seen(card: SourceCardView) -> str:
    first, last = f"{card.first_seen:%Y-%m-%d}", f"{card.last_seen:%Y-%m-%d}"
    when = f"seen {first}" if first == last else f"first seen {first} · last seen {last}"
    return f"{plural(card.claims, 'claim')} · {when}"


def no_source_text(answer: SourceAnswer) -> str:
    """The one line for an empty NAME or a NAME no visible source matches."""
    if not answer.query:
        return limits.WHO_USAGE
    return f"No source matching “{clip(answer.query, 100)}” in the claims you can see here."


def source_card_blocks(answer: SourceAnswer) -> list[dict[str, Any]]:
    card = answer.card
    if card is None:
        return [section_block(escape(no_source_text(answer)))]
    facts = [f"*{escape(_seen(card))}*"]
    if card.roles:
        roles = ", ".join(escape(clip(r, 200)) for r in card.roles[:MAX_ROLES])
        facts.append(f"*Roles:* {roles}{_more(MAX_ROLES, len(card.roles))}")
    if card.names:
        names = ", ".join(escape(clip(n, 200)) for n in card.names[:MAX_NAMES])
        facts.append(f"*Also named:* {names}{_more(MAX_NAMES, len(card.names))}")
    if card.channels:
        channels = ", ".join(
            f"{channel_mrkdwn(c.channel, c.name)} ({c.claims})" for c in card.channels[:MAX_CHANNELS]
        )
        facts.append(f"*Channels:* {channels}{_more(MAX_CHANNELS, len(card.channels))}")
    blocks: list[dict[str, Any]] = [
        {"type": "header", "text": {"type": "plain_text", "text": clip(card.name, limits.MAX_HEADER_TEXT)}},
        section_block("\n".join(facts)),
    ]
    if card.latest:
        blocks.append(context_block(f"Latest {plural(len(card.latest), 'claim')}, newest first"))
    for line in card.latest:
        claim = claim_mrkdwn(line.claim, CLAIM_CHARS, with_source=False)
        blocks.append(section_block(f"• {claim}\n{where_mrkdwn(line, channel=True)}"))
    also = _also_line(answer)
    if also:
        blocks.append(context_block(f"Also matching: {escape(also)} — `/claims who` one of these names"))
    return fit_blocks(blocks)


def source_card_text(answer: SourceAnswer) -> str:
    """The card as plain text: the message's fallback text, and what tests and the CLI can read."""
    card = answer.card
    if card is None:
        return no_source_text(answer)
    lines = [card.name, _seen(card)]
    if card.roles:
        lines.append(f"Roles: {', '.join(card.roles[:MAX_ROLES])}{_more(MAX_ROLES, len(card.roles))}")
    if card.names:
        lines.append(f"Also named: {', '.join(card.names[:MAX_NAMES])}{_more(MAX_NAMES, len(card.names))}")
    if card.channels:
        channels = ", ".join(f"{c.label} ({c.claims})" for c in card.channels[:MAX_CHANNELS])
        lines.append(f"Channels: {channels}{_more(MAX_CHANNELS, len(card.channels))}")
    if card.latest:
        lines.append("Latest claims:")
    labels = {c.channel: c.label for c in card.channels}
    for line in card.latest:
        lines.append(f"• {claim_text(line.claim, with_source=False)}")
        label = labels.get(line.channel or "") or (f"#{line.channel_name}" if line.channel_name else None)
        lines.append(f"    {where_text(line, channel=label)}")
    also = _also_line(answer)
    if also:
        lines.append(f"Also matching: {also}")
    return clip("\n".join(lines), limits.MAX_PLAIN_TEXT)
