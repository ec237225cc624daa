"""The worker's job for one shared message: read its links, store their claims, reply in the thread.

A job names Share rows, not an event: the rows were written before Slack got its ack, so a crash or a
restart loses nothing (pending rows are resumed) and a job that runs twice finds nothing left to do.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass

from bot import slack_limits
from bot.pipeline import USER_ERRORS, ingest_url, reason_of
from bot.render import ArticleCard, Failure, card_text, summary_blocks, summary_fallback
from bot.services import Services
from bot.slack_ops import SlackClients, add_reaction, permalink, post_message, remove_reaction
from storage import repository

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class ShareOutcome:
    share_id: int
    card: ArticleCard | None
    failure: Failure | None


def summarise_share(services: Services, share_id: int, url: str) -> ShareOutcome:
    """Ingest one link and mark its Share; a failure is kept with the reason the user saw."""
    try:
        result = ingest_url(services, url)
    except Exception as exc:
        reason = reason_of(exc)
        if isinstance(exc, USER_ERRORS):
            logger.info("share %s (%s) failed: %s", share_id, url, reason)
        else:
            logger.exception("share %s (%s) failed unexpectedly", share_id, url)
        with services.transaction() as session:
            stored = reason if isinstance(exc, USER_ERRORS) else f"internal error: {type(exc).__name__}"
            repository.fail_share(session, repository.get_share(session, share_id), stored)
        return ShareOutcome(share_id, None, Failure(url, reason))
    with services.transaction() as session:
        share = repository.get_share(session, share_id)
        repository.complete_share(session, share, repository.get_article(session, result.article_id))
    return ShareOutcome(share_id, result.card, None)


def process_shares(services: Services, clients: SlackClients, share_ids: Sequence[int]) -> str | None:
    """Summarise the shares of one message and post one threaded reply; returns the reply's ts."""
    with services.transaction() as session:
        shares = repository.claim_shares(session, share_ids)
        work = [(s.id, s.url, s.team, s.channel, s.message_ts, s.thread_ts) for s in shares]
    if not work:
        logger.info("shares %s already handled", list(share_ids))
        return None
    _, _, team, channel, message_ts, thread_ts = work[0]
    client = clients.client(team)
    add_reaction(client, channel, message_ts, slack_limits.WORKING_REACTION)
    outcomes = [summarise_share(services, share_id, url) for share_id, url, *_ in work]
    cards = [o.card for o in outcomes if o.card is not None]
    failures = [o.failure for o in outcomes if o.failure is not None]
    settings = services.settings
    plain = "\n\n".join(
        [card_text(c, settings.summary_max_claims) for c in cards]
        + [f"I couldn't read {f.url}: {f.reason}" for f in failures]
    )
    try:
        reply_ts = post_message(
            client,
            channel,
            text=summary_fallback(cards, failures),
            blocks=summary_blocks(
                cards,
                failures,
                max_articles=settings.summary_max_articles,
                max_claims=settings.summary_max_claims,
            ),
            thread_ts=thread_ts or message_ts,
            metadata={
                "event_type": "claimbot_summary",
                "event_payload": {"share_ids": [o.share_id for o in outcomes]},
            },
            plain=plain,
        )
    finally:
        remove_reaction(client, channel, message_ts, slack_limits.WORKING_REACTION)
    link = permalink(client, channel, reply_ts)
    with services.transaction() as session:
        repository.set_share_reply(session, [o.share_id for o in outcomes], reply_ts=reply_ts, permalink=link)
    return reply_ts
