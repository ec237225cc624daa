"""`/claims who NAME`: the card of the source NAME names, as the asker may see it from where they ask."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable

from bot.claims.lexicon import load_lexicon
from bot.features.search import search_line
from bot.services import Services
from bot.views.source_card import ChannelLine, SourceAnswer, SourceCardView
from storage.sources import MAX_MATCHES, SourceCard, describe_source, find_sources

MAX_NAME = 400  # the longest name a source row holds: a longer NAME matches nothing
_QUOTES = "\"'“”‘’"


def source_card(services: Services, *, team: str, viewer_channel: str, name: str) -> SourceAnswer:
    """The best matching source's card (an exact name or alias first, then the most claims the asker
    may see) and the other matches by name. Quotes around NAME are dropped: `/claims who "Igor
    Konashenkov"` reads as `source:"Igor Konashenkov"` does."""
    query = " ".join(name.split()).strip(_QUOTES).strip()
    if not query:
        return SourceAnswer(query="")
    if len(query) > MAX_NAME:
        return SourceAnswer(query=query)
    with services.reading() as session:
        matches = find_sources(session, query, team=team, viewer_channel=viewer_channel)
        card = (
            describe_source(session, matches[0].id, team=team, viewer_channel=viewer_channel)
            if matches
            else None
        )
    if card is None:
        return SourceAnswer(query=query)
    return SourceAnswer(
        query=query,
        card=card_view(card),
        also=[m.name for m in matches[1:]],
        many=len(matches) >= MAX_MATCHES,
    )


def card_view(card: SourceCard) -> SourceCardView:
    """A stored card as a reader sees it: aliases, then the other words claims used for the source,
    without pronouns ("he", "they"), which name no one on a card."""
    return SourceCardView(
        name=card.name,
        claims=card.claims,
        first_seen=card.first_seen,
        last_seen=card.last_seen,
        roles=card.roles,
        names=_other_names(card.name, [*card.aliases, *card.mentions]),
        channels=[ChannelLine(c.channel, c.name, c.claims) for c in card.channels],
        latest=[dataclasses.replace(search_line(hit), channel_name=hit.channel_name) for hit in card.latest],
    )


def _other_names(name: str, names: Iterable[str]) -> list[str]:
    pronouns = load_lexicon().pronouns
    seen = {name.casefold()}
    kept = []
    for other in names:
        key = other.casefold()
        if key in seen or key in pronouns:
            continue
        seen.add(key)
        kept.append(other)
    return kept
