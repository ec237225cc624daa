"""The embedded mode's digest clock: one thread that runs the due-digest job every few minutes."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import UTC, datetime

from slack_sdk.errors import SlackApiError

from bot.jobs.digest import Poster, run_due_digests
from bot.jobs.periodic import Periodic
from bot.services import Services
from bot.slack.ops import NoInstallation, SlackClients, UploadRefused, post_message, upload_file

logger = logging.getLogger(__name__)

Clock = Callable[[], datetime]


def utc_now() -> datetime:
    return datetime.now(UTC)


class SlackPoster:
    """Digests with the workspace's token; a failure is logged and reported as None or False."""

    def __init__(self, clients: SlackClients) -> None:
        self.clients = clients

    def __call__(self, team: str, channel: str, blocks: list[dict], text: str, plain: str) -> str | None:
        try:
            return post_message(
                self.clients.client(team),
                channel,
                text=text,
                blocks=blocks,
                metadata={"event_type": "claimbot_digest", "event_payload": {"channel": channel}},
                plain=plain,
            )
        except (SlackApiError, NoInstallation) as exc:
            logger.error("digest post to %s/%s failed: %s", team, channel, exc)
            return None

    def attach(
        self,
        team: str,
        channel: str,
        thread_ts: str,
        *,
        filename: str,
        title: str,
        content: bytes,
        comment: str,
    ) -> bool:
        try:
            upload_file(
                self.clients.client(team),
                channel,
                filename=filename,
                title=title,
                content=content,
                initial_comment=comment,
                thread_ts=thread_ts,
            )
        except (UploadRefused, NoInstallation) as exc:
            logger.error("digest attachment to %s/%s failed: %s", team, channel, exc)
            return False
        return True


def slack_poster(clients: SlackClients) -> Poster:
    return SlackPoster(clients)


class DigestScheduler:
    """Wakes every ``interval`` seconds; the Digest table, not this thread, decides what is posted."""

    def __init__(
        self, services: Services, poster: Poster, *, interval: float, clock: Clock = utc_now
    ) -> None:
        self.services = services
        self.poster = poster
        self.clock = clock
        self._periodic = Periodic("claimbot-digests", interval, self.tick, immediately=True)

    def start(self) -> DigestScheduler:
        self._periodic.start()
        return self

    def tick(self) -> int:
        try:
            return len(run_due_digests(self.services, self.poster, self.clock()))
        except Exception:
            logger.exception("digest run failed")
            return 0

    def stop(self) -> None:
        self._periodic.stop()
