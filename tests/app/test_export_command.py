"""`/claims export QUERY` end to end: the real Bolt app uploads a CSV into the conversation through the
stand-in's files_upload_v2 flow; the file holds what the channel's members may see, nothing more."""

from __future__ import annotations

import csv
import io

import pytest

from storage.export import FIELDS
from tests.app.test_claims_command import SEED, run_command, share_and_wait
from tests.plugins.app import ACME, ALICE, BOB, DESK, NEWS, SlackHarness

OUTSIDE = "C0OUTSIDE"  # a public channel of ACME the bot was never invited to


def uploads(slack: SlackHarness, channel: str) -> int:
    return len(slack.standin.files(channel))


def rows_of(content: bytes) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(content.decode("utf-8"))))


def test_export_uploads_a_csv_of_the_searchers_claims(slack: SlackHarness, page_server) -> None:
    share_and_wait(slack, page_server.url(SEED))
    share_and_wait(slack, page_server.url("northvale-layoffs.html"), channel=DESK)  # private
    before = uploads(slack, NEWS)

    answer = run_command(slack, "export since:1d", user=BOB)

    assert answer["response_type"] == "ephemeral"
    assert answer["text"].startswith("Exported ") and "into this conversation" in answer["text"]
    files = slack.standin.files(NEWS)
    assert len(files) == before + 1
    upload = files[-1]
    assert upload.filename.startswith("claims-since-1d-") and upload.filename.endswith(".csv")
    assert upload.mimetype == "text/csv"
    assert upload.initial_comment is not None and upload.initial_comment.startswith(f"<@{BOB}> exported ")
    rows = rows_of(upload.content)
    assert list(rows[0]) == list(FIELDS)
    assert f"Exported {len(rows)} rows" in answer["text"]
    assert {r["channel"] for r in rows} == {NEWS}, "a private channel's claims never reach a public file"
    assert {r["team"] for r in rows} == {ACME}
    assert all(r["thread_link"].startswith("https://") for r in rows)
    assert any("Konashenkov" in r["source"] for r in rows)

    inside = slack.standin.files(DESK)
    count_inside = len(inside)
    run_command(slack, "export since:1d", channel=DESK, user=ALICE)
    desk_rows = rows_of(slack.standin.files(DESK)[count_inside].content)
    assert {r["channel"] for r in desk_rows} == {NEWS, DESK}  # inside the private channel: its claims too


@pytest.mark.settings(export_max_rows=3)
def test_an_export_over_the_cap_says_so(slack: SlackHarness, page_server) -> None:
    share_and_wait(slack, page_server.url(SEED))
    answer = run_command(slack, "export since:1d")
    assert (
        answer["text"] == "Exported 3 rows matching `since:1d` into this conversation (the newest 3 of more)."
    )
    upload = slack.standin.files(NEWS)[-1]
    assert len(rows_of(upload.content)) == 3
    assert "`claimbot export` on the server gives all" in (upload.initial_comment or "")


def test_nothing_to_export_uploads_nothing(slack: SlackHarness) -> None:
    before = uploads(slack, NEWS)
    answer = run_command(slack, "export zeppelin")
    assert answer["text"] == "No claims match `zeppelin` here, so there is nothing to export."
    assert uploads(slack, NEWS) == before
    assert not slack.standin.calls_to("files.getUploadURLExternal")


def test_usage_bad_query_and_a_channel_the_bot_is_not_in(slack: SlackHarness, page_server) -> None:
    usage = run_command(slack, "export")
    assert "/claims export" in usage["text"]
    bad = run_command(slack, 'export "unclosed')
    assert bad["text"].startswith(":warning:") and "unclosed quote" in bad["text"]

    share_and_wait(slack, page_server.url(SEED))
    slack.standin.add_channel(ACME, OUTSIDE, name="outside", is_member=False)
    refused = run_command(slack, "export since:1d", channel=OUTSIDE)
    assert refused["text"].startswith(":warning:") and "/invite @claimbot" in refused["text"]
    assert uploads(slack, OUTSIDE) == 0
