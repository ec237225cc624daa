"""`/claims chart QUERY` end to end: a signed command to the real Bolt app, a PNG in the conversation."""

from __future__ import annotations

import struct

from tests.app.test_claims_command import SEED, run_command, share_and_wait
from tests.plugins.app import ALICE, NEWS, SlackHarness


def png_size(content: bytes) -> tuple[int, int]:
    assert content[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", content[16:24])  # the IHDR chunk comes first
    return width, height


def test_chart_posts_a_png_of_the_figures_in_the_channel(slack: SlackHarness, page_server) -> None:
    share_and_wait(slack, page_server.url(SEED))
    before = len(slack.standin.files(NEWS))

    answer = run_command(slack, "chart since:1d", user=ALICE)

    assert answer["response_type"] == "ephemeral"
    assert answer["text"].startswith(":bar_chart: Charted "), answer["text"]
    files = slack.standin.files(NEWS)
    assert len(files) == before + 1
    chart = files[-1]
    assert (chart.filename, chart.mimetype) == ("claims-chart.png", "image/png")
    assert png_size(chart.content) == (1200, 700)
    assert f"<@{ALICE}>" in (chart.initial_comment or "")


def test_chart_usage_and_nothing_to_chart(slack: SlackHarness) -> None:
    before = len(slack.standin.files(NEWS))
    assert "/claims chart QUERY" in run_command(slack, "chart")["text"]
    nothing = run_command(slack, "chart zeppelin")
    assert "nothing to chart" in nothing["text"]
    assert len(slack.standin.files(NEWS)) == before
