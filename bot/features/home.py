"""What App Home shows: recent public shares of the workspace, the week's most quoted sources, the links it
could not read, and each channel's digest setting."""

from __future__ import annotations

import datetime as dt
from typing import Any

from bot.errors import shown_reason
from bot.services import Services
from bot.views.cards import story_cards
from bot.views.render import Failure, TopSource, home_blocks
from storage import repository
from storage.sources import top_sources

QUOTED_WINDOW = dt.timedelta(days=7)


def describe_digest(enabled: bool, hour: int, minute: int, timezone: str) -> str:
    return f"daily at {hour:02d}:{minute:02d} ({timezone})" if enabled else "off"


def home_view(
    services: Services,
    team: str,
    limit: int = 8,
    failed_limit: int = 5,
    quoted_limit: int = 5,
    *,
    now: dt.datetime | None = None,
) -> dict[str, Any]:
    """Private channels are left out: App Home is seen by everyone in the workspace."""
    since = (now or dt.datetime.now(dt.UTC)) - QUOTED_WINDOW
    with services.reading() as session:
        shared = repository.recent_articles(session, team, limit=limit, include_private=False)
        cards = story_cards(shared)
        failed = [
            (s.channel, Failure(s.url, shown_reason(s.error)))
            for s in repository.failed_shares(session, team, limit=failed_limit, include_private=False)
        ]
        channels = [
            (s.channel, describe_digest(s.digest_enabled, s.digest_hour, s.digest_minute, s.timezone))
            for s in repository.team_channel_settings(session, team)
        ]
        quoted = [
            TopSource(name=q.name, claims=q.claims, role=q.role)
            for q in top_sources(session, team, since, limit=quoted_limit)
        ]
    return {"type": "home", "blocks": home_blocks(cards, channels, failed, quoted)}
