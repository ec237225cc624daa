"""The stand-in must take files as Slack does, or the app's uploads are proven against nothing.

Every check drives slack_sdk's own ``WebClient.files_upload_v2`` (or its two Web API halves) over real
HTTP: ``files.getUploadURLExternal``, a POST of the bytes to the URL it answered, then
``files.completeUploadExternal``. Errors are the ones Slack's method pages list.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any
from urllib.error import HTTPError

import httpx
import pytest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_handlers import ServerErrorRetryHandler
from slack_sdk.http_retry.builtin_interval_calculators import FixedValueRetryIntervalCalculator

from bot.slack_standin import SlackStandin, UploadedFile

TEAM = "T0ACME"
TOKEN = "xoxb-acme-1"
BOT_USER = "U0BOT"
BOT_ID = "B0BOT"
CHANNEL = "C0NEWS"
USER = "U0ANN"

CSV = b'claim,verdict\nThe sea is rising,supported\n"Quoted, with comma",disputed\n'
# A PNG signature and chunk bytes: not UTF-8, with NUL and CR/LF that a text path would mangle.
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06" + bytes(range(256))


@pytest.fixture
def standin() -> Iterator[SlackStandin]:
    with SlackStandin() as server:
        server.add_workspace(
            TEAM, team_name="Acme News", bot_token=TOKEN, bot_user_id=BOT_USER, bot_id=BOT_ID
        )
        server.add_channel(TEAM, CHANNEL, name="news")
        server.add_user(TEAM, USER, name="ann")
        yield server


@pytest.fixture
def client(standin: SlackStandin) -> WebClient:
    return WebClient(token=TOKEN, base_url=standin.base_url, retry_handlers=[])


def api_error(call: Any) -> SlackApiError:
    with pytest.raises(SlackApiError) as caught:
        call()
    return caught.value


def announced(client: WebClient, content: bytes, filename: str = "claims.csv") -> tuple[str, str]:
    """Step 1 alone: (file id, upload URL) for ``content``."""
    answer = client.files_getUploadURLExternal(filename=filename, length=len(content))
    return answer["file_id"], answer["upload_url"]


# -- the whole flow --------------------------------------------------------------------------------------


def test_csv_shared_in_a_channel_arrives_byte_for_byte(standin: SlackStandin, client: WebClient) -> None:
    answer = client.files_upload_v2(
        channel=CHANNEL,
        filename="claims.csv",
        title="Claims this week",
        content=CSV.decode(),
        initial_comment="Here are the claims",
    )

    file = answer["file"]
    assert re.fullmatch(r"F[A-Z0-9]{10}", file["id"])
    assert (file["name"], file["title"], file["mimetype"], file["filetype"], file["size"]) == (
        "claims.csv",
        "Claims this week",
        "text/csv",
        "csv",
        len(CSV),
    )
    assert (file["user"], file["channels"], file["is_public"]) == (BOT_USER, [CHANNEL], True)

    (shared,) = standin.files(CHANNEL)
    assert shared == UploadedFile(
        id=file["id"],
        team_id=TEAM,
        user=BOT_USER,
        filename="claims.csv",
        title="Claims this week",
        content=CSV,
        mimetype="text/csv",
        filetype="csv",
        size=len(CSV),
        channels=(CHANNEL,),
        thread_ts=None,
        initial_comment="Here are the claims",
        alt_txt=None,
    )
    assert shared.channel == CHANNEL

    (message,) = standin.messages(CHANNEL)
    assert (message["subtype"], message["text"], message["user"], message["bot_id"]) == (
        "file_share",
        "Here are the claims",
        BOT_USER,
        BOT_ID,
    )
    assert [f["id"] for f in message["files"]] == [file["id"]] and "thread_ts" not in message
    assert shared.shares == {CHANNEL: message["ts"]}
    assert file["shares"]["public"][CHANNEL][0]["ts"] == message["ts"]


def test_the_three_steps_are_recorded_and_the_url_is_the_standins(
    standin: SlackStandin, client: WebClient
) -> None:
    client.files_upload_v2(channel=CHANNEL, filename="claims.csv", content=CSV)

    assert [c.method for c in standin.calls] == [
        "files.getUploadURLExternal",
        "upload_url",
        "files.completeUploadExternal",
    ]
    asked, upload, completed = standin.calls
    assert asked.params == {"filename": "claims.csv", "length": str(len(CSV))}
    assert asked.response is not None
    assert asked.response["upload_url"].startswith(standin.url + "/upload/v1/")
    file_id = asked.response["file_id"]
    assert (upload.status, upload.params) == (200, {"file_id": file_id, "size": len(CSV)})
    assert upload.response == {"ok": True, "text": f"OK - {len(CSV)}"}
    assert completed.params["files"] == [{"id": file_id, "title": "claims.csv"}]  # decoded from the form
    assert completed.params["channel_id"] == CHANNEL and completed.token == TOKEN


def test_png_shared_in_a_thread_arrives_byte_for_byte(standin: SlackStandin, client: WebClient) -> None:
    parent = client.chat_postMessage(channel=CHANNEL, text="3 claims in this article")
    answer = client.files_upload_v2(
        channel=CHANNEL,
        thread_ts=parent["ts"],
        filename="chart.png",
        title="Verdicts",
        content=PNG,
        initial_comment="As a chart",
    )

    (shared,) = standin.files(CHANNEL)
    assert (shared.content, shared.title, shared.initial_comment, shared.thread_ts) == (
        PNG,
        "Verdicts",
        "As a chart",
        parent["ts"],
    )
    assert (shared.mimetype, shared.filetype, shared.size) == ("image/png", "png", len(PNG))
    top, reply = standin.messages(CHANNEL)
    assert (top["ts"], top["reply_count"], top["latest_reply"]) == (parent["ts"], 1, reply["ts"])
    assert (reply["thread_ts"], reply["text"], reply["files"][0]["id"]) == (
        parent["ts"],
        "As a chart",
        answer["file"]["id"],
    )


def test_files_info_and_url_private_give_back_the_bytes(standin: SlackStandin, client: WebClient) -> None:
    file_id = client.files_upload_v2(channel=CHANNEL, filename="chart.png", content=PNG)["file"]["id"]

    info = client.files_info(file=file_id)
    assert (info["file"]["id"], info["file"]["size"], info["comments"]) == (file_id, len(PNG), [])
    url = info["file"]["url_private"]
    got = httpx.get(url, headers={"Authorization": f"Bearer {TOKEN}"})
    assert (got.status_code, got.content, got.headers["content-type"]) == (200, PNG, "image/png")
    assert httpx.get(url).status_code == 404  # no token: not the workspace's to read

    assert api_error(lambda: client.files_info(file="F0NOSUCH00")).response["error"] == "file_not_found"


def test_without_a_channel_the_file_stays_private(standin: SlackStandin, client: WebClient) -> None:
    answer = client.files_upload_v2(filename="draft.csv", content=CSV)

    assert (answer["file"]["channels"], answer["file"]["is_public"], answer["file"]["shares"]) == (
        [],
        False,
        {},
    )
    assert standin.files(CHANNEL) == [] and standin.messages(CHANNEL) == []
    (kept,) = standin.files()
    assert (kept.content, kept.channel) == (CSV, None)


def test_a_user_id_in_channels_shares_in_the_dm(standin: SlackStandin, client: WebClient) -> None:
    client.files_upload_v2(channels=[USER], filename="for-ann.csv", content=CSV)

    dm = "D" + USER[1:]
    assert [f.channels for f in standin.files()] == [(dm,)]
    assert standin.messages(dm)[0]["files"][0]["name"] == "for-ann.csv"


# -- refusals when sharing -------------------------------------------------------------------------------


def test_a_channel_the_bot_is_not_in_is_refused_until_it_joins(
    standin: SlackStandin, client: WebClient
) -> None:
    standin.add_channel(TEAM, "C0OUTSIDE", name="outside", is_member=False)
    file_id, url = announced(client, CSV)
    assert httpx.post(url, content=CSV).status_code == 200

    refused = api_error(
        lambda: client.files_completeUploadExternal(files=[{"id": file_id}], channel_id="C0OUTSIDE")
    )
    assert refused.response["error"] == "not_in_channel"
    assert standin.files() == [] and standin.messages("C0OUTSIDE") == []

    client.conversations_join(channel="C0OUTSIDE")  # a refusal changed nothing: the same file completes
    client.files_completeUploadExternal(files=[{"id": file_id}], channel_id="C0OUTSIDE")
    assert [f.content for f in standin.files("C0OUTSIDE")] == [CSV]


def test_unknown_channels_are_refused_by_the_argument_that_named_them(client: WebClient) -> None:
    by_id = api_error(lambda: client.files_upload_v2(channel="C0NOPE", filename="a.csv", content=CSV))
    assert by_id.response["error"] == "channel_not_found"
    listed = api_error(lambda: client.files_upload_v2(channels=["C0NOPE"], filename="a.csv", content=CSV))
    assert listed.response["error"] == "invalid_channel"
    by_name = api_error(lambda: client.files_upload_v2(channel="#news", filename="a.csv", content=CSV))
    assert by_name.response["error"] == "channel_not_found"  # Slack wants the channel's ID
    many = [f"C{n:09d}" for n in range(101)]
    too_many = api_error(lambda: client.files_upload_v2(channels=many, filename="a.csv", content=CSV))
    assert too_many.response["error"] == "channels_limit_exceeded"


def test_a_thread_needs_exactly_one_channel(standin: SlackStandin, client: WebClient) -> None:
    refused = api_error(lambda: client.files_upload_v2(thread_ts="1.000001", filename="a.csv", content=CSV))
    assert refused.response["error"] == "invalid_arguments"
    assert standin.files() == []


def test_unknown_unuploaded_or_already_completed_files_are_not_found(
    standin: SlackStandin, client: WebClient
) -> None:
    unknown = api_error(lambda: client.files_completeUploadExternal(files=[{"id": "F0NOSUCH00"}]))
    assert unknown.response["error"] == "file_not_found"

    file_id, url = announced(client, CSV)
    never_sent = api_error(lambda: client.files_completeUploadExternal(files=[{"id": file_id}]))
    assert never_sent.response["error"] == "file_not_found"

    httpx.post(url, content=CSV)
    client.files_completeUploadExternal(files=[{"id": file_id}], channel_id=CHANNEL)
    twice = api_error(
        lambda: client.files_completeUploadExternal(files=[{"id": file_id}], channel_id=CHANNEL)
    )
    assert twice.response["error"] == "file_not_found"  # "This method can only be called once"
    assert len(standin.messages(CHANNEL)) == 1

    missing = api_error(lambda: client.api_call("files.completeUploadExternal", params={}))
    assert missing.response["error"] == "invalid_arguments"


def test_another_workspaces_file_is_not_the_callers(standin: SlackStandin, client: WebClient) -> None:
    standin.add_workspace(
        "T0OTHER", team_name="Other", bot_token="xoxb-other", bot_user_id="U0B2", bot_id="B0B2"
    )
    other = WebClient(token="xoxb-other", base_url=standin.base_url, retry_handlers=[])
    file_id, url = announced(client, CSV)
    httpx.post(url, content=CSV)

    refused = api_error(lambda: other.files_completeUploadExternal(files=[{"id": file_id}]))
    assert refused.response["error"] == "access_denied"


# -- refusals when asking for a URL ----------------------------------------------------------------------


def test_upload_url_arguments_are_checked(client: WebClient) -> None:
    zero = api_error(lambda: client.files_getUploadURLExternal(filename="a.csv", length=0))
    assert zero.response["error"] == "missing_argument"  # Slack's docs: "when the length provided is 0"
    no_length = api_error(lambda: client.api_call("files.getUploadURLExternal", params={"filename": "a.csv"}))
    assert no_length.response["error"] == "invalid_arguments"
    assert no_length.response["response_metadata"]["messages"] == ["[ERROR] missing required field: length"]
    no_name = api_error(lambda: client.files_getUploadURLExternal(filename="", length=3))
    assert no_name.response["error"] == "invalid_arguments"
    wordy = api_error(
        lambda: client.files_getUploadURLExternal(filename="a.png", length=3, alt_txt="x" * 1001)
    )
    assert wordy.response["error"] == "alt_txt_too_large"


# -- the upload URL --------------------------------------------------------------------------------------


def test_the_upload_url_refuses_an_unknown_or_spent_address(standin: SlackStandin, client: WebClient) -> None:
    stranger = httpx.post(standin.url + "/upload/v1/not-a-ticket", content=CSV)
    assert stranger.status_code == 404

    _, url = announced(client, CSV)
    first = httpx.post(url, content=CSV)
    assert (first.status_code, first.text) == (200, f"OK - {len(CSV)}")
    assert httpx.post(url, content=CSV).status_code == 404  # one upload per URL
    statuses = [(c.status, c.params["file_id"]) for c in standin.calls_to("upload_url")]
    assert statuses[0] == (404, None) and statuses[2][0] == 404


def test_bytes_of_another_length_than_declared_are_refused_and_not_kept(
    standin: SlackStandin, client: WebClient
) -> None:
    file_id, url = announced(client, CSV)

    short = httpx.post(url, content=CSV[:-1])
    assert short.status_code == 400 and "declared" in short.text
    refused = api_error(lambda: client.files_completeUploadExternal(files=[{"id": file_id}]))
    assert refused.response["error"] == "file_not_found"

    assert httpx.post(url, content=CSV).status_code == 200  # the URL is still good for the right bytes
    client.files_completeUploadExternal(files=[{"id": file_id}], channel_id=CHANNEL)
    assert [f.content for f in standin.files(CHANNEL)] == [CSV]


def test_a_multipart_form_upload_keeps_the_file_part(standin: SlackStandin, client: WebClient) -> None:
    file_id, url = announced(client, PNG, filename="chart.png")

    sent = httpx.post(url, files={"filename": ("chart.png", PNG, "image/png")})
    assert (sent.status_code, sent.text) == (200, f"OK - {len(PNG)}")
    client.files_completeUploadExternal(files=[{"id": file_id, "title": "Chart"}], channel_id=CHANNEL)
    assert [(f.content, f.title) for f in standin.files(CHANNEL)] == [(PNG, "Chart")]


# -- faults ----------------------------------------------------------------------------------------------


def test_injected_errors_on_each_step(standin: SlackStandin, client: WebClient) -> None:
    standin.fail_next("files.getUploadURLExternal", error="storage_limit_reached")
    limited = api_error(lambda: client.files_upload_v2(channel=CHANNEL, filename="a.csv", content=CSV))
    assert limited.response["error"] == "storage_limit_reached"

    standin.fail_next("upload_url", status=500)
    with pytest.raises(HTTPError) as caught:
        client.files_upload_v2(channel=CHANNEL, filename="a.csv", content=CSV)
    assert caught.value.code == 500

    standin.fail_next("files.completeUploadExternal")
    throttled = api_error(lambda: client.files_upload_v2(channel=CHANNEL, filename="a.csv", content=CSV))
    assert (throttled.response.status_code, throttled.response["error"]) == (429, "ratelimited")

    assert standin.files() == [] and standin.messages(CHANNEL) == []
    assert [c.status for c in standin.calls_to("upload_url")] == [500, 200]


def test_a_completion_retried_after_a_server_error_shares_once(standin: SlackStandin) -> None:
    handler = ServerErrorRetryHandler(
        max_retry_count=1, interval_calculator=FixedValueRetryIntervalCalculator(0.01)
    )
    client = WebClient(token=TOKEN, base_url=standin.base_url, retry_handlers=[handler])
    standin.fail_next("files.completeUploadExternal", status=503)

    client.files_upload_v2(channel=CHANNEL, filename="a.csv", content=CSV)

    failed, passed = standin.calls_to("files.completeUploadExternal")
    assert (failed.status, passed.ok) == (503, True)
    assert len(standin.files(CHANNEL)) == 1 and len(standin.messages(CHANNEL)) == 1
