"""`/claims export QUERY`: the claims a search finds, every field and its provenance, as a CSV file in the
conversation. The same visibility as `/claims`: the file goes to the channel the command came from, so it
holds what that channel's members may see (a private channel's claims only when asked inside it)."""

from __future__ import annotations

import datetime as dt
import logging
import re
import tempfile
from collections.abc import Iterator
from typing import Any

from slack_sdk import WebClient

from bot.services import Services
from bot.slack.ops import UploadRefused, upload_file
from bot.views.export_file import export_lines
from bot.views.render import clip, escape
from storage.export import FIELDS, export_records
from storage.search import QueryError

logger = logging.getLogger(__name__)

SPOOL_BYTES = 4 * 1024 * 1024  # kept in memory up to this size, then in a temporary file while it is built


def export_filename(query: str, today: dt.date) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", query.lower()).strip("-")[:40] or "all"
    return f"claims-{slug}-{today.isoformat()}.csv"


def post_export(
    services: Services,
    client: WebClient,
    *,
    team: str,
    channel: str,
    user: str,
    query: str,
) -> str:
    """Upload the CSV and return the asker's one-line (ephemeral) answer, a warning for a bad query or a
    file Slack would not take.

    At most CLAIMBOT_EXPORT_MAX_ROWS rows (10,000 rows are a few MB): a file people open in a
    spreadsheet; beyond it, the operator's `claimbot export` streams everything."""
    max_rows = services.settings.export_max_rows
    count = 0

    def capped(records: Iterator[dict[str, Any]]) -> Iterator[dict[str, Any]]:
        nonlocal count
        for record in records:
            count += 1
            if count > max_rows:  # one more than the cap was read: the file is not all
                return
            yield record

    with tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES) as spool:
        with services.reading() as session:
            try:
                records = export_records(
                    session, query, team=team, viewer_channel=channel, limit=max_rows + 1
                )
            except QueryError as exc:
                logger.info("bad export query %r: %s", clip(query, 200), exc)
                return f":warning: {escape(str(exc))}. Try `/claims help`."
            for line in export_lines(capped(records), FIELDS, "csv"):
                spool.write(line.encode())
        more = count > max_rows
        shown = min(count, max_rows)
        said = f"`{escape(clip(query, 100))}`"  # echoed, never a mention or a link of the user's making
        if shown == 0:
            return f"No claims match {said} here, so there is nothing to export."
        spool.seek(0)
        content = spool.read()
    rows = f"{shown:,} row" + ("" if shown == 1 else "s")
    comment = f"<@{user}> exported {rows} (one per claim and share) matching {said}" + (
        f": the newest {max_rows:,}; `claimbot export` on the server gives all" if more else ""
    )
    try:
        upload_file(
            client,
            channel,
            filename=export_filename(query, dt.datetime.now(dt.UTC).date()),
            title=f"Claims: {query}"[:250],
            content=content,
            initial_comment=comment,
        )
    except UploadRefused as exc:  # upload_file logged Slack's own error
        return f":warning: Could not post the export: {exc.reason}."
    logger.info("exported %d claim record(s) for %s in %s", shown, user, channel)
    return f"Exported {rows} matching {said} into this conversation" + (
        f" (the newest {max_rows:,} of more)." if more else "."
    )
