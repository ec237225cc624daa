"""Forgetting on schedule: retention (CLAIMBOT_RETENTION_DAYS), uninstalled workspaces after their grace
period, and the operator's `claimbot purge`.

Every step (storage/retention.py) is its own short transaction, retried alone if the database drops the
connection, with a short pause between steps: shares and searches coming in meanwhile wait for one step
at most, never for the whole purge. The embedded clock and Celery beat both call ``run_retention``.
"""

from __future__ import annotations

import logging
import time
from collections import Counter
from collections.abc import Callable
from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from bot.services import Services, with_db_retry
from storage import retention
from storage.retention import Scope

logger = logging.getLogger(__name__)

# Between steps, so a writer waiting meanwhile (a share, a lease renewal) goes first. SQLite's busy handler
# sleeps up to 100 ms between its tries: a shorter pause lets the purge take the lock again before a writer
# that has waited ~50 ms wakes, and that writer waits a second step (bench/purge.py). PostgreSQL queues.
SQLITE_PAUSE_SECONDS = 0.12
PAUSE_SECONDS = 0.02


def _pause(services: Services, pause: float | None) -> float:
    if pause is not None:
        return pause
    return SQLITE_PAUSE_SECONDS if services.engine.dialect.name == "sqlite" else PAUSE_SECONDS


def _step(services: Services, work: Callable[[Session], Counter[str]]) -> Counter[str]:
    def once() -> Counter[str]:
        with services.transaction() as session:
            return work(session)

    return with_db_retry(once, services.settings.share_db_attempts)


def _never() -> bool:
    return False


def _until_done(
    services: Services, work: Callable[[Session], Counter[str]], pause: float, stop: Callable[[], bool]
) -> Counter[str]:
    total: Counter[str] = Counter()
    while not stop():
        removed = _step(services, work)
        if not removed:
            return total
        total += removed
        time.sleep(pause)
    return total


def dry_run(services: Services, scope: Scope) -> Counter[str]:
    """What ``purge`` would remove now."""
    with services.reading() as session:
        return retention.scope_counts(session, scope)


def purge(
    services: Services,
    scope: Scope,
    *,
    forget_installation: bool = False,
    pause: float | None = None,
    stop: Callable[[], bool] = _never,
) -> Counter[str]:
    """Remove everything of a workspace (or a channel of it), step by step; with ``forget_installation``
    its tokens and uninstall mark go last (an uninstalled workspace leaves no row behind). ``stop`` is
    asked between steps (a process shutting down): what is left waits for the next run."""

    def step(session: Session) -> Counter[str]:
        return retention.purge_step(session, scope)

    removed = _until_done(services, step, _pause(services, pause), stop)
    if forget_installation and not stop():
        removed += _step(services, lambda s: retention.forget_installation(s, scope.team))
    return removed


def expire(
    services: Services, cutoff: datetime, *, pause: float | None = None, stop: Callable[[], bool] = _never
) -> Counter[str]:
    """Retention: what is older than ``cutoff`` and what nothing newer still needs."""
    pause = _pause(services, pause)
    removed = _until_done(services, lambda s: retention.expire_step(s, cutoff), pause, stop)
    after: int | None = 0
    while after is not None and not stop():
        step, after = with_db_retry(
            lambda start=after: _sweep(services, cutoff, start), services.settings.share_db_attempts
        )
        removed += step
        if step:
            time.sleep(pause)
    return removed


def _sweep(services: Services, cutoff: datetime, after: int) -> tuple[Counter[str], int | None]:
    with services.transaction() as session:
        return retention.stale_articles_step(session, cutoff, after)


def mark_uninstalled(services: Services, team: str, reason: str, now: datetime) -> bool:
    with services.transaction() as session:
        marked = retention.mark_uninstalled(session, team, reason, now)
    if marked:
        grace = services.settings.uninstall_grace_days
        logger.info(
            "workspace %s: %s; its data will be purged in %g day(s) unless it installs again",
            team,
            reason,
            grace,
        )
    return marked


def run_retention(services: Services, now: datetime, stop: Callable[[], bool] = _never) -> Counter[str]:
    """The periodic job: purge workspaces whose grace period has run out, then apply retention. ``stop``
    ends it between two steps (the embedded clock stopping with its process)."""
    settings = services.settings
    total: Counter[str] = Counter()
    with services.reading() as session:
        due = retention.due_for_purge(session, now - timedelta(days=settings.uninstall_grace_days))
    for team in due:
        if stop():
            break
        removed = purge(services, Scope(team), forget_installation=True, stop=stop)
        logger.info(
            "workspace %s purged %g day(s) after uninstalling: %s",
            team,
            settings.uninstall_grace_days,
            _counts(removed),
        )
        total += removed
    if settings.retention_days:
        removed = expire(services, now - timedelta(days=settings.retention_days), stop=stop)
        if removed:
            logger.info("retention (%d days): removed %s", settings.retention_days, _counts(removed))
        total += removed
    return total


def _counts(removed: Counter[str]) -> str:
    return ", ".join(f"{removed[t]} {t}" for t in retention.TABLES if removed[t]) or "nothing"
