"""Daily digests: set from Slack, posted once per channel and local day, across restarts and DST."""

from __future__ import annotations

import json
import re
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select

from bot.jobs.digest import due_digest, scheduled_instant
from storage import models, repository
from tests.app.test_claims_command import run_command, share_and_wait
from tests.plugins.app import ACME, ALICE, BOB, DESK, NEWS, SlackHarness

PARIS = ZoneInfo("Europe/Paris")
NEW_YORK = ZoneInfo("America/New_York")


def digest_posts(slack: SlackHarness, channel: str) -> list:
    return [
        c
        for c in slack.standin.calls_to("chat.postMessage")
        if c.ok
        and c.params["channel"] == channel
        and c.params.get("metadata", {}).get("event_type") == "claimbot_digest"
    ]


def next_local(hour: int, tz: ZoneInfo, after: datetime) -> datetime:
    """The first ``hour``:00 local strictly after ``after``, as a UTC instant."""
    day = after.astimezone(tz).date()
    while (instant := scheduled_instant(day, hour, 0, tz)) <= after:
        day += timedelta(days=1)
    return instant


def test_digest_command_uses_the_users_slack_time_zone(slack: SlackHarness) -> None:
    reply = run_command(slack, "digest on 09:00", user=ALICE)
    assert "09:00" in reply["text"] and "Europe/Paris" in reply["text"]
    assert "Europe/Paris" in run_command(slack, "digest")["text"]
    assert "09:00" in run_command(slack, "digest on 9am", user=BOB)["text"]
    with slack.services.transaction() as session:
        setting = repository.channel_settings(session, ACME, NEWS)
        assert (setting.digest_enabled, setting.digest_hour, setting.timezone) == (
            True,
            9,
            "America/New_York",
        )
    assert "off" in run_command(slack, "digest off")["text"].lower()
    assert run_command(slack, "digest at noon")["text"].startswith(":warning:")


def test_digest_is_posted_once_at_the_local_hour_with_the_days_claims(
    slack: SlackHarness, page_server
) -> None:
    run_command(slack, "digest on 09:00", user=ALICE)
    share_and_wait(slack, page_server.url("seed-russian-losses.html"))
    due = next_local(9, PARIS, datetime.now(UTC))
    scheduler = slack.scheduler()
    slack.clock.now = due - timedelta(minutes=1)
    assert scheduler.tick() == 0
    slack.clock.now = due + timedelta(minutes=3)
    assert scheduler.tick() == 1
    assert scheduler.tick() == 0
    assert slack.scheduler().tick() == 0  # a restarted process finds the day taken
    posts = digest_posts(slack, NEWS)
    assert len(posts) == 1
    body = json.dumps(posts[0].params["blocks"], ensure_ascii=False)
    assert "Konashenkov" in body and re.search(r"\*\d[\d,]*\*", body)
    assert f"Shared in <#{NEWS}>" in body
    assert "thread_ts" not in posts[0].params or posts[0].params["thread_ts"] is None
    slack.clock.now = due + timedelta(days=1, minutes=3)  # nothing shared since: no message
    assert slack.scheduler().tick() == 0
    assert len(digest_posts(slack, NEWS)) == 1
    with slack.services.transaction() as session:
        days = session.scalars(select(models.Digest.local_date).order_by(models.Digest.local_date)).all()
    local_day = due.astimezone(PARIS).date()
    assert days == [local_day, local_day + timedelta(days=1)]


def test_two_schedulers_firing_together_post_once(slack: SlackHarness, page_server) -> None:
    run_command(slack, "digest on 09:00", user=ALICE)
    share_and_wait(slack, page_server.url("seed-russian-losses.html"))
    slack.clock.now = next_local(9, PARIS, datetime.now(UTC)) + timedelta(minutes=1)
    first, second = slack.scheduler(), slack.scheduler()
    assert first.tick() + second.tick() == 1
    assert len(digest_posts(slack, NEWS)) == 1


def test_no_day_skipped_or_repeated_across_dst_changes_and_restarts(slack: SlackHarness) -> None:
    """Tick every 20 minutes through both 2027 US clock changes, restarting the scheduler every few hours."""
    with slack.services.transaction() as session:
        repository.set_digest(
            session,
            team=ACME,
            channel=DESK,
            enabled=True,
            hour=9,
            minute=0,
            timezone="America/New_York",
            user=BOB,
        )
    for start in (datetime(2027, 3, 12, tzinfo=UTC), datetime(2027, 11, 5, tzinfo=UTC)):
        scheduler = slack.scheduler()
        first_seen: dict[date, datetime] = {}
        for step in range(4 * 24 * 3):
            slack.clock.now = start + timedelta(minutes=20 * step)
            if step % 10 == 0:
                scheduler = slack.scheduler()
            scheduler.tick()
            with slack.services.transaction() as session:
                for day in session.scalars(select(models.Digest.local_date)).all():
                    first_seen.setdefault(day, slack.clock.now)
        days = sorted(d for d in first_seen if d >= start.date())
        assert days == [start.date() + timedelta(days=i) for i in range(len(days))] and len(days) == 4
        for day in days:
            local = first_seen[day].astimezone(NEW_YORK)
            assert local.date() == day and (9, 0) <= (local.hour, local.minute) < (9, 20), (day, local)


def test_a_wall_time_skipped_by_dst_is_still_posted_that_day() -> None:
    """02:30 does not exist in Paris on 2027-03-28 (02:00 CET jumps to 03:00 CEST): posted at 03:30 CEST."""
    setting = models.ChannelSettings(
        team=ACME, channel=NEWS, digest_enabled=True, digest_hour=2, digest_minute=30, timezone="Europe/Paris"
    )
    setting.digest_set_at = datetime(2027, 1, 1, tzinfo=UTC)
    assert due_digest(setting, datetime(2027, 3, 28, 1, 29, tzinfo=UTC)) is None
    due = due_digest(setting, datetime(2027, 3, 28, 1, 31, tzinfo=UTC))
    assert due is not None and due.local_date == date(2027, 3, 28)
    assert due.until == datetime(2027, 3, 28, 1, 30, tzinfo=UTC)
    assert due.since == datetime(2027, 3, 27, 1, 30, tzinfo=UTC)


def test_turning_a_digest_on_after_todays_time_starts_tomorrow() -> None:
    setting = models.ChannelSettings(
        team=ACME, channel=NEWS, digest_enabled=True, digest_hour=9, digest_minute=0, timezone="UTC"
    )
    setting.digest_set_at = datetime(2027, 5, 1, 10, 0, tzinfo=UTC)
    assert due_digest(setting, datetime(2027, 5, 1, 10, 5, tzinfo=UTC)) is None
    assert due_digest(setting, datetime(2027, 5, 2, 9, 0, tzinfo=UTC)) is not None


def test_changing_other_settings_after_the_digest_time_does_not_skip_the_day() -> None:
    setting = models.ChannelSettings(
        team=ACME, channel=NEWS, digest_enabled=True, digest_hour=9, digest_minute=0, timezone="UTC"
    )
    setting.digest_set_at = datetime(2027, 1, 1, tzinfo=UTC)
    setting.updated_at = datetime(2027, 5, 1, 10, 0, tzinfo=UTC)  # e.g. `/claims watch off` at 10:00
    due = due_digest(setting, datetime(2027, 5, 1, 10, 5, tzinfo=UTC))
    assert due is not None and due.local_date == date(2027, 5, 1)
