"""The worker's job for one shared message: read its links, store their claims, reply in the thread.

A job names Share rows, not an event: the rows were written before Slack got its ack, so a crash or a
restart loses nothing and a job that runs twice finds nothing left to do.

Faults, and what survives them:

- The worker dies mid-work: its claim is a lease the job renews while it works (a heartbeat), so a claim
  whose lease ran out belonged to a dead worker; the queue's sweep (``bot.jobs.queue.resume_pending``) hands
  the share to a live one. A live worker never loses its shares, however slow the page.
- Slack is down or rate-limits us past slack_sdk's own retries: the link stays read (no second fetch or
  NLP run) and its reply stays owed (``reply_status='pending'``) with its attempt count and a backoff;
  the sweep re-drives it until Slack answers. A refusal that will not change (channel gone, app
  uninstalled), or too many attempts, marks the share failed with the reason (App Home lists it).
- The database drops the connection: the transaction rolls back and is run again on a fresh connection;
  if the database stays away, the job gives up without touching the shares and the sweep retries them.

Only the lease holder posts, and it checks that it still holds the lease just before posting. The one
window left is a crash between Slack accepting the reply and our recording it: that reply may be posted
again by whoever resumes the share.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import socket
import uuid
from collections.abc import Sequence
from dataclasses import dataclass

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackClientError
from sqlalchemy.exc import DBAPIError

from bot.config import Settings
from bot.errors import BotError, reason_of, shown_reason, stored_error
from bot.features.cards import reply_card
from bot.jobs.periodic import Periodic
from bot.pipeline import ingest
from bot.services import Services, is_transient_db_error, with_db_retry
from bot.slack.ops import NoInstallation, SlackClients, add_reaction, permalink, post_message, remove_reaction
from bot.views import slack_limits
from bot.views.render import ArticleCard, Failure, card_text, summary_blocks, summary_fallback
from storage import repository
from storage.types import utcnow

logger = logging.getLogger(__name__)

# Slack's answers that mean "not now" rather than "never" (besides HTTP 429 and 5xx).
TRANSIENT_SLACK_ERRORS = frozenset(
    {"ratelimited", "internal_error", "fatal_error", "service_unavailable", "request_timeout"}
)


@dataclass(frozen=True, slots=True)
class JobPolicy:
    """How long a claim lasts without a heartbeat, and how a reply Slack refused is retried.

    Built from Settings (``share_*``); with the defaults, an owed reply is tried for about 45 minutes.
    """

    lease_seconds: float
    reply_retry_base_seconds: float
    reply_retry_max_seconds: float
    max_reply_attempts: int
    db_attempts: int

    def reply_delay(self, attempts: int) -> float:
        """Exponential backoff after `attempts` failed attempts."""
        return min(self.reply_retry_base_seconds * 2 ** max(attempts - 1, 0), self.reply_retry_max_seconds)


def policy_for(settings: Settings) -> JobPolicy:
    return JobPolicy(
        lease_seconds=settings.share_lease_seconds,
        reply_retry_base_seconds=settings.share_reply_retry_base_seconds,
        reply_retry_max_seconds=settings.share_reply_retry_max_seconds,
        max_reply_attempts=settings.share_max_reply_attempts,
        db_attempts=settings.share_db_attempts,
    )


OWNER_PID: int | None = None  # a Celery pool process sets its worker's pid: the worker gives back for it


def process_owner() -> str:
    """The prefix of every lease holder id of this process (its host and pid; after fork, the child's)."""
    return f"{socket.gethostname()[:30]}:{OWNER_PID or os.getpid()}:"


def new_owner() -> str:
    """A lease holder id unique to this job run; host and pid make logs and the table readable."""
    return f"{process_owner()}{uuid.uuid4().hex[:12]}"


def release_this_process(services: Services) -> int:
    """On the way out: free the shares this process's unfinished jobs hold, for another process's sweep
    to take at once rather than one lease later."""
    with services.transaction() as session:
        return repository.release_held_by(session, process_owner())


class Lease:
    """Renews the job's lease in the background while it works, so nobody takes its shares.

    A heartbeat rather than one long claim: a slow page or a long NLP run is not mistaken for a dead
    worker, and a dead worker's shares are free again within one lease, not after a fixed long timeout.
    """

    def __init__(self, services: Services, share_ids: Sequence[int], owner: str, seconds: float) -> None:
        self._services = services
        self._ids = list(share_ids)
        self.owner = owner
        self._seconds = seconds
        # Three beats a lease: a failed renewal (a blip) leaves slack for the next one.
        self._heartbeat = Periodic("claimbot-lease", seconds / 3, self.renew)

    def __enter__(self) -> Lease:
        self._heartbeat.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._heartbeat.stop()

    def renew(self) -> bool:
        """Extend the lease now; False if another worker holds any of the shares (ours ran out)."""
        with self._services.transaction() as session:
            held = repository.renew_lease(session, self._ids, owner=self.owner, lease_seconds=self._seconds)
        return held == len(self._ids)


@dataclass(frozen=True, slots=True)
class ShareOutcome:
    share_id: int
    card: ArticleCard | None
    failure: Failure | None


def summarise_share(services: Services, share_id: int, url: str, policy: JobPolicy | None = None) -> None:
    """Ingest one link, mark its Share read and its reply owed; a failure is kept with the user's reason.

    The reply is built later, from the stored rows (`reply_outcomes`). A database that stays away is not
    the link's fault: the error propagates (after retries) and leaves the share unread, to be retried,
    instead of telling the user "something went wrong".
    """
    policy = policy or policy_for(services.settings)
    try:
        article_id = ingest(services, url, attempts=policy.db_attempts).article_id
    except Exception as exc:
        if is_transient_db_error(exc):
            raise
        reason = reason_of(exc)
        if isinstance(exc, BotError):
            logger.info(
                "share %s (%s) failed: %s", share_id, url, reason, extra={"share_id": share_id, "url": url}
            )
        else:
            logger.exception(
                "share %s (%s) failed unexpectedly", share_id, url, extra={"share_id": share_id, "url": url}
            )
        stored = stored_error(exc)

        def mark_failed() -> None:
            with services.transaction() as session:
                share = repository.get_share(session, share_id)
                repository.fail_share(session, share, stored)
                repository.await_reply(session, share)

        with_db_retry(mark_failed, policy.db_attempts)
        return

    def mark_done() -> None:
        with services.transaction() as session:
            share = repository.get_share(session, share_id)
            repository.complete_share(session, share, repository.get_article(session, article_id))
            repository.await_reply(session, share)

    with_db_retry(mark_done, policy.db_attempts)


def reply_outcomes(services: Services, share_ids: Sequence[int]) -> list[ShareOutcome]:
    """The reply's content from what is stored, so a retried reply shows what the first attempt would."""
    with services.reading() as session:
        outcomes = []
        for share in repository.get_shares(session, share_ids):
            if share.article_id is not None and share.status == "done":
                article = repository.get_article(session, share.article_id)
                outcomes.append(ShareOutcome(share.id, reply_card(session, article, share), None))
            else:
                outcomes.append(ShareOutcome(share.id, None, Failure(share.url, shown_reason(share.error))))
        return outcomes


def is_transient_slack_error(exc: Exception) -> bool:
    """Slack busy, down or unreachable: the same reply may well go through later."""
    if isinstance(exc, SlackApiError):
        status = getattr(exc.response, "status_code", 200)
        return status == 429 or status >= 500 or exc.response.get("error") in TRANSIENT_SLACK_ERRORS
    return not isinstance(exc, NoInstallation)  # connection refused or dropped, timeouts, our own bugs


def describe_slack_error(exc: Exception) -> str:
    if isinstance(exc, SlackApiError):
        status = getattr(exc.response, "status_code", 200)
        error = exc.response.get("error") or "unknown error"
        return f"Slack answered {error}" + (f" (HTTP {status})" if status != 200 else "")
    if isinstance(exc, NoInstallation):
        return "the app is not installed in this workspace any more"
    if isinstance(exc, DBAPIError):  # ours, not Slack's: a conflict or a bad row while building the reply
        return f"the database failed while building the reply ({type(exc.orig).__name__})"
    if isinstance(exc, OSError | SlackClientError):
        return f"Slack could not be reached ({type(exc).__name__})"
    return f"internal error while replying ({type(exc).__name__})"


def process_shares(
    services: Services, clients: SlackClients, share_ids: Sequence[int], *, policy: JobPolicy | None = None
) -> str | None:
    """Read the unread links of one message and post its one threaded reply; returns the reply's ts.

    Runs again on the same ids are harmless: only the lease holder works, read links are not read
    again, and a posted reply is never posted twice.
    """
    policy = policy or policy_for(services.settings)
    owner = new_owner()
    with services.transaction() as session:
        shares = repository.claim_shares(session, share_ids, owner=owner, lease_seconds=policy.lease_seconds)
        work = [(s.id, s.url, s.status, s.team, s.channel, s.message_ts, s.thread_ts) for s in shares]
    if not work:
        logger.info("shares %s already handled or in other hands", list(share_ids))
        return None
    ids = [w[0] for w in work]
    _, _, _, team, channel, message_ts, thread_ts = work[0]
    with Lease(services, ids, owner, policy.lease_seconds) as lease:
        try:
            client = clients.client(team)
        except NoInstallation as exc:
            _reply_failed(services, ids, owner, exc, policy)
            return None
        unread = [(share_id, url) for share_id, url, status, *_ in work if status == "pending"]
        if unread:
            add_reaction(client, channel, message_ts, slack_limits.WORKING_REACTION)
        try:
            for share_id, url in unread:
                summarise_share(services, share_id, url, policy)
            if not lease.renew():  # our lease ran out and someone else took over: theirs to post
                logger.warning("lost the lease of shares %s before replying; leaving them to the holder", ids)
                return None
            reply_ts = _post_reply(services, client, ids, channel, thread_ts or message_ts)
        except Exception as exc:
            if is_transient_db_error(exc):  # the database is away: the sweep retries the shares
                _release(services, ids, owner)
                raise
            _reply_failed(services, ids, owner, exc, policy)
            return None
        finally:
            if unread:
                remove_reaction(client, channel, message_ts, slack_limits.WORKING_REACTION)

        def posted() -> None:
            with services.transaction() as session:
                repository.reply_posted(session, ids, reply_ts=reply_ts, permalink=None)

        # Recorded before anything else can fail: a reply Slack has must not be posted again.
        with_db_retry(posted, policy.db_attempts + 2)
    logger.info(
        "replied to shares %s in %s/%s",
        ids,
        team,
        channel,
        extra={"share_ids": ids, "team": team, "channel": channel},
    )
    _record_permalink(services, client, ids, channel, reply_ts)
    return reply_ts


def _release(services: Services, share_ids: Sequence[int], owner: str) -> None:
    """Best effort: free the shares at once, so the next sweep takes them rather than one lease later."""
    try:
        with services.transaction() as session:
            repository.release_shares(session, share_ids, owner=owner)
    except Exception:
        logger.warning("could not release shares %s; their lease will run out", share_ids, exc_info=True)


def _post_reply(
    services: Services, client: WebClient, share_ids: Sequence[int], channel: str, thread_ts: str
) -> str:
    outcomes = with_db_retry(lambda: reply_outcomes(services, share_ids), services.settings.share_db_attempts)
    cards = [o.card for o in outcomes if o.card is not None]
    failures = [o.failure for o in outcomes if o.failure is not None]
    settings = services.settings
    plain = "\n\n".join(
        [card_text(c, settings.summary_max_claims) for c in cards]
        + [f"I couldn't read {f.url}: {f.reason}" for f in failures]
    )
    return post_message(
        client,
        channel,
        text=summary_fallback(cards, failures),
        blocks=summary_blocks(
            cards,
            failures,
            max_articles=settings.summary_max_articles,
            max_claims=settings.summary_max_claims,
        ),
        thread_ts=thread_ts,
        metadata={
            "event_type": "claimbot_summary",
            "event_payload": {"share_ids": [o.share_id for o in outcomes]},
        },
        plain=plain,
    )


def _reply_failed(
    services: Services, share_ids: Sequence[int], owner: str, exc: Exception, policy: JobPolicy
) -> None:
    """Keep the reply owed with a backoff, or give up on it for good (the shares become failed)."""
    reason = describe_slack_error(exc)
    with services.transaction() as session:
        attempts = max((s.reply_attempts for s in repository.get_shares(session, share_ids)), default=0)
        retry = is_transient_slack_error(exc) and attempts + 1 < policy.max_reply_attempts
        retry_at = utcnow() + dt.timedelta(seconds=policy.reply_delay(attempts + 1)) if retry else None
        repository.reply_failed(session, share_ids, owner=owner, error=reason, retry_at=retry_at)
    if retry_at is not None:
        logger.warning(
            "reply for shares %s not posted (%s); attempt %d, retrying at %s",
            share_ids,
            reason,
            attempts + 1,
            retry_at.isoformat(timespec="seconds"),
        )
    else:
        logger.error(
            "reply for shares %s given up after %d attempt(s): %s",
            share_ids,
            attempts + 1,
            reason,
            exc_info=not isinstance(exc, SlackApiError | NoInstallation),
        )


def _record_permalink(
    services: Services, client: WebClient, share_ids: Sequence[int], channel: str, reply_ts: str
) -> None:
    """Best effort: search results link to the reply; a reply without a permalink is still a reply."""
    try:
        link = permalink(client, channel, reply_ts)
        if link is not None:
            with services.transaction() as session:
                repository.set_share_reply(session, share_ids, reply_ts=reply_ts, permalink=link)
    except Exception:
        logger.warning("could not record the permalink of reply %s", reply_ts, exc_info=True)
