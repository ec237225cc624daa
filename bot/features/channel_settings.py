"""`/claims digest ...` and `/claims watch ...`: a channel's settings, changed from the channel itself."""

from __future__ import annotations

from slack_sdk import WebClient

from bot.features.home import describe_digest
from bot.services import Services
from bot.slack.ops import user_timezone
from storage import repository


class ChannelCommandError(ValueError):
    """A settings command the user should retype; the message says how."""


TIME_FORMAT_HELP = "give a time like `09:00`, `9am` or `18:30`"


def parse_time(value: str) -> tuple[int, int]:
    """'09:00', '9:30', '9', '9am', '6:15pm' -> (hour, minute) on a 24-hour clock."""
    text = value.strip().lower().replace(".", ":")
    suffix = None
    if text.endswith(("am", "pm")):
        suffix, text = text[-2:], text[:-2].strip()
    hour_s, _, minute_s = text.partition(":")
    if not hour_s.isdigit() or (minute_s and not minute_s.isdigit()) or len(minute_s) not in (0, 2):
        raise ChannelCommandError(f"I can't read {value!r} as a time: {TIME_FORMAT_HELP}")
    hour, minute = int(hour_s), int(minute_s or 0)
    if suffix:
        if not 1 <= hour <= 12:
            raise ChannelCommandError(f"I can't read {value!r} as a time: {TIME_FORMAT_HELP}")
        hour = hour % 12 + (12 if suffix == "pm" else 0)
    if not (0 <= hour <= 23 and 0 <= minute <= 59):
        raise ChannelCommandError(f"{value!r} is not a time of day: {TIME_FORMAT_HELP}")
    return hour, minute


def parse_digest_args(args: list[str]) -> tuple[bool | None, int, int]:
    """`on [TIME]` / `off` / nothing (show the setting) -> (enabled or None, hour, minute)."""
    if not args:
        return None, 9, 0
    action = args[0].lower()
    if action == "off" and len(args) == 1:
        return False, 9, 0
    if action == "on" and len(args) <= 2:
        hour, minute = parse_time(args[1]) if len(args) == 2 else (9, 0)
        return True, hour, minute
    raise ChannelCommandError("use `/claims digest on 09:00`, `/claims digest off` or `/claims digest`")


def change_settings(
    services: Services, client: WebClient, *, team: str, channel: str, user: str, text: str
) -> str:
    """Apply a settings command and say, in one line, what the channel now does."""
    words = text.split()
    what, args = words[0].lower(), words[1:]
    if what == "watch":
        return _watch(services, team=team, channel=channel, user=user, args=args)
    enabled, hour, minute = parse_digest_args(args)
    with services.reading() as session:
        current = repository.channel_settings(session, team, channel)
        if enabled is None:
            if current is None or not current.digest_enabled:
                return "This channel has no daily digest. Turn it on with `/claims digest on 09:00`."
            when = describe_digest(True, current.digest_hour, current.digest_minute, current.timezone)
            return f"This channel gets a digest of its claims {when}."
    if not enabled:
        with services.transaction() as session:
            repository.set_digest(session, team=team, channel=channel, enabled=False, user=user)
        return "Daily digest off for this channel."
    timezone = user_timezone(client, user)
    with services.transaction() as session:
        repository.set_digest(
            session,
            team=team,
            channel=channel,
            enabled=True,
            hour=hour,
            minute=minute,
            timezone=timezone,
            user=user,
        )
    return (
        f"Daily digest on: every day at {hour:02d}:{minute:02d} ({timezone}, your Slack time zone), "
        "the claims shared here in the previous day."
    )


def _watch(services: Services, *, team: str, channel: str, user: str, args: list[str]) -> str:
    if len(args) != 1 or args[0].lower() not in ("on", "off"):
        raise ChannelCommandError("use `/claims watch on` or `/claims watch off`")
    on = args[0].lower() == "on"
    with services.transaction() as session:
        repository.set_watch(session, team=team, channel=channel, watch=on, user=user)
    if on:
        return "I'll summarise every article link shared in this channel."
    return "I'll stop summarising links here automatically; mention me with a link to get one."
