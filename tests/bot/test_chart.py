"""`/claims chart`: the picture itself (size, not blank, its texts), the series built from stored claims on
both databases, what a searcher may see, and the upload reaching the stand-in Slack."""

from __future__ import annotations

import datetime as dt
import io
import logging
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import numpy as np
import pytest
from matplotlib.figure import Figure as MplFigure
from matplotlib.text import Text
from PIL import Image
from slack_sdk import WebClient
from sqlalchemy.orm import Session

from bot.features import chart as chart_feature
from bot.features.chart import (
    UNATTRIBUTED_LABEL,
    ChartData,
    Figure,
    chart_data,
    chosen_quantities,
    post_chart,
    query_terms,
    shape_chart,
)
from bot.services import Services
from bot.slack_standin import SlackStandin
from bot.views import chart as chart_view
from bot.views.chart import (
    BOUND_LABELS,
    BOUNDS_HEADING,
    HEIGHT_PX,
    WIDTH_PX,
    X_LABEL,
    ChartPoint,
    ChartSeries,
    ChartSpec,
    chart_figure,
    figure_png,
    render_png,
)
from storage.records import NewSource
from storage.search import parse_query
from tests.plugins.app import ACME, DESK, GLOBEX, NEWS, WORKSPACES, app_settings
from tests.storage.factories import KONASHENKOV, ZELENSKY, claim, new_article, shared

UTC = dt.UTC
D = dt.date
GENERAL_STAFF = NewSource(
    "General Staff of the Armed Forces of Ukraine", "organization", aliases=("General Staff",)
)
OFFICIALS = NewSource("officials", "unnamed")


def q(value: float, counted: str, bound: str = "exact", text: str | None = None) -> dict[str, Any]:
    """A stored quantity as the pipeline writes it."""
    return {"value": value, "text": text or f"{value:,.0f}", "counted": counted, "bound": bound}


def texts_of(fig: MplFigure) -> list[str]:
    """Every visible, non-empty text object of a drawn figure."""
    return [t.get_text() for t in fig.findobj(Text) if t.get_visible() and t.get_text()]


def image_of(png: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(png))
    image.load()
    return image


def assert_not_blank(png: bytes) -> None:
    pixels = np.asarray(image_of(png).convert("L"), dtype=float)
    assert pixels.std() > 10  # a white page (or one flat colour) has none
    assert (pixels < 200).mean() > 0.01  # at least 1% of the pixels are ink: lines, markers, text


SPEC = ChartSpec(
    title="Figures for “killed”",
    y_label="servicemen",
    series=[
        ChartSeries(
            "Igor Konashenkov",
            [ChartPoint(D(2022, 3, 2), 498), ChartPoint(D(2022, 3, 6), 1351, "about")],
        ),
        ChartSeries(
            "General Staff of Ukraine",
            [ChartPoint(D(2022, 3, 1), 9000, "about"), ChartPoint(D(2022, 3, 9), 12000, "at_least")],
        ),
        ChartSeries(
            UNATTRIBUTED_LABEL,
            [ChartPoint(D(2022, 3, 3), 3000), ChartPoint(D(2022, 3, 8), 2500, "at_most")],
            False,
        ),
    ],
    note="Left out: 2 percentages.",
)


# --- the picture -------------------------------------------------------------------------------------


def test_chart_is_a_bounded_png_with_axis_labels_and_series_names() -> None:
    fig = chart_figure(SPEC)
    png = figure_png(fig)

    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    image = image_of(png)
    assert image.format == "PNG"
    assert image.size == (WIDTH_PX, HEIGHT_PX) == (1200, 700)
    assert_not_blank(png)

    texts = texts_of(fig)
    ax = fig.axes[0]
    assert ax.get_xlabel() == X_LABEL in texts
    assert ax.get_ylabel() == "servicemen" in texts
    assert "Figures for “killed”" in texts
    for name in ("Igor Konashenkov", "General Staff of Ukraine", UNATTRIBUTED_LABEL):
        assert name in texts
    # the legend explains the markers of the bounds present, and the note says what was left out
    assert BOUNDS_HEADING in texts
    for bound in ("exact", "about", "at_least", "at_most"):
        assert BOUND_LABELS[bound] in texts
    assert "Left out: 2 percentages." in texts
    assert any("Mar" in t for t in texts)  # dates formatted as dates on the x axis


def test_only_exact_figures_need_no_key_and_counts_start_at_zero() -> None:
    spec = ChartSpec(
        title="t",
        y_label="troops",
        series=[ChartSeries("A", [ChartPoint(D(2024, 1, 1), 100), ChartPoint(D(2024, 1, 5), 150)])],
    )
    fig = chart_figure(spec)
    figure_png(fig)
    texts = texts_of(fig)
    assert BOUNDS_HEADING not in texts and BOUND_LABELS["exact"] not in texts
    assert fig.axes[0].get_ylim()[0] == 0
    assert fig.axes[0].get_yscale() == "linear"


def test_counts_three_orders_apart_go_on_a_log_axis() -> None:
    spec = ChartSpec(
        title="t",
        y_label="people",
        series=[ChartSeries("A", [ChartPoint(D(2024, 1, 1), 40), ChartPoint(D(2024, 1, 9), 2_500_000)])],
    )
    fig = chart_figure(spec)
    assert_not_blank(figure_png(fig))
    assert fig.axes[0].get_yscale() == "log"
    assert "people (log scale)" in texts_of(fig)


def test_one_day_of_figures_still_draws() -> None:
    spec = ChartSpec(
        title="t",
        y_label="percent",
        percent=True,
        series=[ChartSeries("A", [ChartPoint(D(2024, 5, 1), 40), ChartPoint(D(2024, 5, 1), 45, "about")])],
    )
    fig = chart_figure(spec)
    assert image_of(figure_png(fig)).size == (1200, 700)
    assert any(t.endswith("%") for t in texts_of(fig))
    assert "01 May 2024" in texts_of(fig)


def test_a_few_days_get_one_tick_a_day_and_never_an_hour() -> None:
    spec = ChartSpec(
        title="t",
        y_label="servicemen",
        series=[ChartSeries("A", [ChartPoint(D(2022, 3, 1), 5840, "about")]),
                ChartSeries("B", [ChartPoint(D(2022, 3, 2), 498)])],
    )  # fmt: skip
    fig = chart_figure(spec)
    figure_png(fig)  # draws, so the tick labels exist
    ticks = [t.get_text() for t in fig.axes[0].get_xticklabels() if t.get_text()]
    assert ticks == ["01 Mar", "02 Mar"]


def test_every_text_uses_the_bundled_font_and_a_dollar_stays_a_dollar() -> None:
    spec = ChartSpec(
        title="Figures for “$5 billion $”",  # two $ would start mathtext if math parsing were on
        y_label="amount in $",
        series=[ChartSeries("Fund $ A $", [ChartPoint(D(2024, 1, 1), 5e9), ChartPoint(D(2024, 2, 1), 6e9)])],
    )
    fig = chart_figure(spec)
    figure_png(fig)
    texts = [t for t in fig.findobj(Text) if t.get_visible() and t.get_text()]
    assert {t.get_fontproperties().get_file() for t in texts} == {chart_view.font_file()}
    assert chart_view.font_file().endswith("mpl-data/fonts/ttf/DejaVuSans.ttf")
    assert {"Figures for “$5 billion $”", "Fund $ A $"} <= {t.get_text() for t in texts}
    assert any(t.get_text() == "5B" for t in texts)  # compact tick labels


def test_the_same_chart_is_the_same_png_in_concurrent_threads() -> None:
    """No pyplot, no global state: charts drawn at once in a web process's threads do not mix."""
    expected = render_png(SPEC)
    with ThreadPoolExecutor(max_workers=4) as pool:
        drawn = list(pool.map(lambda _: render_png(SPEC), range(8)))
    assert all(png == expected for png in drawn)


# --- which figures, which series ---------------------------------------------------------------------


def test_a_claim_gives_only_the_figures_counting_what_the_query_names() -> None:
    quantities = [q(498, "servicemen killed"), q(1597, "wounded")]
    assert chosen_quantities(quantities, query_terms(parse_query("wounded"))) == [quantities[1]]
    assert chosen_quantities(quantities, query_terms(parse_query("servicemen"))) == [quantities[0]]
    assert chosen_quantities(quantities, query_terms(parse_query("kill*"))) == [quantities[0]]
    assert chosen_quantities(quantities, query_terms(parse_query('"troops killed" OR wound'))) == quantities
    # nothing counted matches the query's words: every figure of a claim whose own words say what the
    # query names, told apart by series; none of a claim that matched only through its article's headline
    ministry = query_terms(parse_query("ministry source:Konashenkov"))
    said = "the ministry said 498 servicemen were killed and 1,597 wounded"
    assert chosen_quantities(quantities, ministry, said) == quantities
    assert chosen_quantities(quantities, ministry, "498 servicemen were killed and 1,597 wounded") == []
    assert chosen_quantities(quantities, query_terms(parse_query("source:Konashenkov"))) == quantities
    assert chosen_quantities(
        [q(5, "x"), {"value": "n/a"}, {"value": None}], query_terms(parse_query("a")), "a claim"
    ) == [q(5, "x")]


def fig(
    source: str, counted: str, day: dt.date, value: float, bound: str = "exact", unit: str = "count"
) -> Figure:
    return Figure(source=source, counted=counted, unit=unit, day=day, value=value, bound=bound)


def test_figures_counting_different_things_get_a_series_per_source_and_thing() -> None:
    data = shape_chart(
        "killed",
        [
            fig("Igor Konashenkov", "servicemen", D(2022, 3, 2), 498),
            fig("Igor Konashenkov", "wounded", D(2022, 3, 2), 1597),
            fig("Igor Konashenkov", "Servicemen", D(2022, 3, 9), 1351, "about"),  # same thing, other case
            fig("General Staff", "Russian troops", D(2022, 3, 1), 9000, "about"),
        ],
    )
    assert data.spec is not None
    names = [s.name for s in data.spec.series]
    assert names == [
        "Igor Konashenkov — servicemen",
        "General Staff — Russian troops",
        "Igor Konashenkov — wounded",
    ]
    assert data.spec.legend_title == "source — what it counts"
    assert data.spec.y_label.startswith("number")
    assert (data.figures, data.sources, data.first, data.last) == (4, 2, D(2022, 3, 1), D(2022, 3, 9))
    assert data.summary() == "4 figures from 2 sources, 1 Mar–9 Mar"


def test_percentages_and_counts_never_share_an_axis() -> None:
    figures = [
        fig("A", "troops", D(2024, 1, 1), 100),
        fig("B", "troops", D(2024, 1, 2), 120),
        fig("A", "percent", D(2024, 1, 3), 40, unit="percent"),
        fig("A", "", D(2024, 1, 3), 5e9, unit="$"),
    ]
    data = shape_chart("troops", figures)
    assert data.spec is not None and not data.spec.percent
    assert data.spec.y_label == "troops"
    assert [s.name for s in data.spec.series] == ["A", "B"]
    assert data.left_out == ["1 percentage", "1 sum in $"]
    assert data.spec.note == "Left out: 1 percentage, 1 sum in $."
    assert data.summary() == "2 figures from 2 sources, 1 Jan–2 Jan; left out: 1 percentage, 1 sum in $"

    shares = shape_chart("turnout", [*figures[2:3], fig("B", "percent", D(2024, 1, 4), 45, unit="percent")])
    assert shares.spec is not None and shares.spec.percent and shares.spec.y_label == "percent"


def test_unattributed_figures_form_one_unjoined_group() -> None:
    data = shape_chart(
        "x",
        [
            fig(chart_feature.UNATTRIBUTED, "t", D(2024, 1, 1), 1),
            fig(chart_feature.UNATTRIBUTED, "t", D(2024, 1, 2), 2),
            fig("A", "t", D(2024, 1, 3), 3),
        ],
    )
    assert data.spec is not None
    assert [(s.name, s.connected) for s in data.spec.series] == [(UNATTRIBUTED_LABEL, False), ("A", True)]
    assert data.summary() == "3 figures from 1 source and unnamed ones, 1 Jan–3 Jan"


def test_too_many_sources_keeps_the_largest_series_and_says_so() -> None:
    figures = [
        fig(f"S{i}", "t", D(2024, 1, 1 + j), i * 10 + j) for i in range(10) for j in range(1 + (i < 8))
    ]
    data = shape_chart("t", figures)
    assert data.spec is not None and len(data.spec.series) == chart_feature.MAX_SERIES
    assert data.left_out == ["2 smaller series (2 figures)"]


def test_nothing_to_chart_is_one_clear_line() -> None:
    assert shape_chart("ceasefire", [], claims=0).reason == "No claims match “ceasefire”: nothing to chart."
    assert (
        shape_chart("ceasefire", [], claims=3).reason
        == "None of the 3 claims matching “ceasefire” gives a figure to chart."
    )
    one = shape_chart("killed", [fig("Igor Konashenkov", "servicemen", D(2022, 3, 2), 498)], claims=1)
    assert one.spec is None
    assert (
        one.reason
        == "Only one figure matches “killed” (Igor Konashenkov, 498 servicemen, 2 Mar): a chart needs two."
    )
    escaped = shape_chart("<!channel>", [], claims=0).reason
    assert escaped == "No claims match “&lt;!channel&gt;”: nothing to chart."


# --- from stored claims, on both databases -----------------------------------------------------------


def at(day: int, hour: int = 12) -> dt.datetime:
    return dt.datetime(2022, 3, day, hour, tzinfo=UTC)


@pytest.fixture
def story(session: Session) -> Session:
    """A running story in team T1: two named sources, one unnamed, one article without a published date;
    plus figures the searcher of #news (C1) must never see."""
    shared(
        session,
        new_article(title="Ministry reports losses", published=D(2022, 3, 2)),
        [
            claim(
                "498 servicemen were killed and 1,597 wounded",
                KONASHENKOV,
                quantities=[q(498, "servicemen"), q(1597, "wounded")],
            ),
            claim("the operation is going according to plan", KONASHENKOV),
        ],
        at=at(3),
    )
    shared(
        session,
        new_article(title="Ministry updates losses", published=D(2022, 3, 9)),
        [claim("1,351 servicemen were killed", KONASHENKOV, quantities=[q(1351, "servicemen", "about")])],
        at=at(9),
    )
    shared(
        session,
        new_article(title="Kyiv's count", published=None),  # no published date: the day it was shared
        [
            claim(
                "about 9,000 Russian troops were killed",
                GENERAL_STAFF,
                quantities=[q(9000, "Russian troops", "about", "about 9,000")],
            )
        ],
        at=at(5),
    )
    shared(
        session,
        new_article(title="Unnamed officials", published=D(2022, 3, 7)),
        [claim("more than 2,000 troops were killed", OFFICIALS, quantities=[q(2000, "troops", "at_least")])],
        at=at(7),
    )
    # Never visible from T1's #news: another workspace, a private channel, a hidden claim.
    shared(
        session,
        new_article(title="Other workspace", published=D(2022, 3, 4)),
        [claim("7,777 soldiers were killed", ZELENSKY, quantities=[q(7777, "soldiers")])],
        team="T2",
        channel="C1",
        at=at(4),
    )
    shared(
        session,
        new_article(title="Private memo", published=D(2022, 3, 6)),
        [claim("6,666 soldiers were killed", ZELENSKY, quantities=[q(6666, "soldiers")])],
        channel="P1",
        channel_name="leaks",
        private=True,
        at=at(6),
    )
    shared(
        session,
        new_article(title="A belief", published=D(2022, 3, 8)),
        [
            claim(
                "5,555 soldiers were killed",
                ZELENSKY,
                quantities=[q(5555, "soldiers")],
                shown=False,
                act="belief",
            )
        ],
        at=at(8),
    )
    return session


def points_of(data: ChartData) -> dict[str, list[tuple[dt.date, float, str]]]:
    assert data.spec is not None, data.reason
    return {s.name: sorted((p.day, p.value, p.bound) for p in s.points) for s in data.spec.series}


def test_series_from_stored_claims(story: Session) -> None:
    data = chart_data(story, "killed", team="T1", viewer_channel="C1")
    assert points_of(data) == {
        # both figures of the claim: none counts "killed", and they count different things
        "Igor Konashenkov — servicemen": [(D(2022, 3, 2), 498, "exact"), (D(2022, 3, 9), 1351, "about")],
        "Igor Konashenkov — wounded": [(D(2022, 3, 2), 1597, "exact")],
        "General Staff of the Armed Forces of Ukraine — Russian troops": [(D(2022, 3, 5), 9000, "about")],
        f"{UNATTRIBUTED_LABEL} — troops": [(D(2022, 3, 7), 2000, "at_least")],
    }
    assert data.claims == 4 and not data.capped
    assert data.summary() == "5 figures from 2 sources and unnamed ones, 2 Mar–9 Mar"
    assert data.spec is not None
    unattributed = [s for s in data.spec.series if s.name.startswith(UNATTRIBUTED_LABEL)]
    assert [s.connected for s in unattributed] == [False]

    wounded = chart_data(story, "wounded OR servicemen", team="T1", viewer_channel="C1")
    assert points_of(wounded) == {
        "Igor Konashenkov — servicemen": [(D(2022, 3, 2), 498, "exact"), (D(2022, 3, 9), 1351, "about")],
        "Igor Konashenkov — wounded": [(D(2022, 3, 2), 1597, "exact")],
    }
    servicemen = chart_data(story, "servicemen", team="T1", viewer_channel="C1")
    assert points_of(servicemen) == {
        "Igor Konashenkov": [(D(2022, 3, 2), 498, "exact"), (D(2022, 3, 9), 1351, "about")],
    }
    assert (
        servicemen.spec is not None and servicemen.spec.y_label == "servicemen"
    )  # one thing: the axis says it


def test_never_charts_another_workspace_a_private_channel_or_hidden_claims(story: Session) -> None:
    def values(data: ChartData) -> set[float]:
        return {value for pts in points_of(data).values() for _, value, _ in pts}

    public = values(chart_data(story, "killed", team="T1", viewer_channel="C1"))
    assert not public & {7777, 6666, 5555}
    inside = values(chart_data(story, "killed", team="T1", viewer_channel="P1"))
    assert 6666 in inside and not inside & {7777, 5555}  # the private channel's, from inside it only
    assert values(chart_data(story, "killed include:hidden", team="T1", viewer_channel="C1")) >= {5555}
    plan = chart_data(story, "plan", team="T1", viewer_channel="C1")
    assert plan.reason == "The one claim matching “plan” gives no figure to chart."
    other = chart_data(story, "killed", team="T2", viewer_channel="C1")
    assert other.spec is None  # T2 has one figure only, and none of T1's
    assert other.reason is not None and "7,777 soldiers" in other.reason


def test_reads_the_newest_claims_page_by_page_up_to_the_cap(
    session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(chart_feature, "MAX_LIMIT", 2)  # pages of 2, so three claims take two pages
    monkeypatch.setattr(chart_feature, "MAX_CLAIMS", 3)
    for day in range(1, 6):
        shared(
            session,
            new_article(published=D(2022, 3, day)),
            [claim(f"{day * 100} soldiers were killed", KONASHENKOV, quantities=[q(day * 100, "soldiers")])],
            at=at(day),
        )
    data = chart_data(session, "soldiers", team="T1", viewer_channel="C1")
    assert points_of(data) == {"Igor Konashenkov": [(D(2022, 3, d), d * 100, "exact") for d in (3, 4, 5)]}
    assert (
        data.capped
        and data.summary() == "3 figures from 1 source, 3 Mar–5 Mar (the newest 3 matching claims)"
    )


# --- the upload, through the stand-in Slack ----------------------------------------------------------

OUTSIDE = "C0CHARTOUT"  # a channel of ACME the bot is not a member of


@pytest.fixture
def chart_services(fresh_db_url: str, standin: SlackStandin) -> Iterator[Services]:
    """A database with a story shared in ACME's #news, and a figure in its private #desk."""
    services = Services.create(app_settings(fresh_db_url, standin))
    with services.transaction() as session:
        shared(
            session,
            new_article(published=D(2022, 3, 2)),
            [claim("498 servicemen were killed", KONASHENKOV, quantities=[q(498, "servicemen")])],
            team=ACME,
            channel=NEWS,
            at=at(2),
        )
        shared(
            session,
            new_article(published=D(2022, 3, 9)),
            [claim("1,351 servicemen were killed", KONASHENKOV, quantities=[q(1351, "servicemen", "about")])],
            team=ACME,
            channel=NEWS,
            at=at(9),
        )
        shared(
            session,
            new_article(published=D(2022, 3, 5)),
            [claim("about 9,000 servicemen were killed", GENERAL_STAFF, quantities=[q(9000, "servicemen")])],
            team=ACME,
            channel=NEWS,
            at=at(5),
        )
        shared(
            session,
            new_article(published=D(2022, 3, 6)),
            [claim("6,666 servicemen were killed", ZELENSKY, quantities=[q(6666, "servicemen")])],
            team=ACME,
            channel=DESK,
            channel_name="desk",
            private=True,
            at=at(6),
        )
    standin.add_channel(ACME, OUTSIDE, name="chart-out", is_member=False)  # again: it only sets it
    try:
        yield services
    finally:
        services.close()


def acme_client(standin: SlackStandin) -> WebClient:
    return WebClient(token=WORKSPACES[ACME]["bot_token"], base_url=standin.base_url)


def test_post_chart_uploads_the_png_into_the_conversation(
    chart_services: Services, standin: SlackStandin
) -> None:
    before = {f.id for f in standin.files()}
    thread = "1772400000.000100"
    answer = post_chart(
        chart_services,
        acme_client(standin),
        team=ACME,
        channel=NEWS,
        user="U0ALICE",
        query="servicemen killed",
        thread_ts=thread,
    )
    assert answer == ":bar_chart: Charted 3 figures from 2 sources, 2 Mar–9 Mar."

    uploaded = [f for f in standin.files(NEWS) if f.id not in before]
    assert len(uploaded) == 1
    file = uploaded[0]
    assert (file.team_id, file.filename, file.mimetype, file.filetype) == (
        ACME,
        "claims-chart.png",
        "image/png",
        "png",
    )
    assert file.title == "Claims chart: servicemen killed"
    assert file.channels == (NEWS,) and file.thread_ts == thread
    assert file.initial_comment == (
        "Figures for “servicemen killed”, charted for <@U0ALICE>: 3 figures from 2 sources, 2 Mar–9 Mar."
    )
    assert image_of(file.content).size == (1200, 700)
    assert_not_blank(file.content)
    # what reached Slack is the chart of what #news may see: rendered again here, byte for byte
    with chart_services.reading() as session:
        data = chart_data(session, "servicemen killed", team=ACME, viewer_channel=NEWS)
    assert data.spec is not None and file.content == render_png(data.spec)
    assert 6666 not in {p.value for s in data.spec.series for p in s.points}  # #desk is private


@pytest.mark.parametrize(
    ("channel", "fault", "reason"),
    [
        (OUTSIDE, None, "I'm not in this channel: invite me (`/invite @claimbot`) or ask me in a DM"),
        (
            NEWS,
            "missing_scope",
            "I'm not allowed to upload files in this workspace yet: ask an admin to reinstall me",
        ),
        (NEWS, "channel_not_found", "I can't post files here: invite me to this channel, or ask me in a DM"),
    ],
)
def test_a_refused_upload_is_one_clear_line_and_a_log_line(
    chart_services: Services,
    standin: SlackStandin,
    caplog: pytest.LogCaptureFixture,
    channel: str,
    fault: str | None,
    reason: str,
) -> None:
    if fault:
        standin.fail_next("files.getUploadURLExternal", error=fault)
    before = {f.id for f in standin.files()}
    with caplog.at_level(logging.WARNING, logger="bot.slack.ops"):
        answer = post_chart(
            chart_services,
            acme_client(standin),
            team=ACME,
            channel=channel,
            user="U0ALICE",
            query="servicemen",
        )
    assert answer == f":warning: Could not post the chart: {reason}."
    assert [f for f in standin.files() if f.id not in before] == []
    error = fault or "not_in_channel"
    assert any(r.name == "bot.slack.ops" and error in r.getMessage() for r in caplog.records)


def test_nothing_to_chart_uploads_nothing(chart_services: Services, standin: SlackStandin) -> None:
    asked = len(standin.calls_to("files.getUploadURLExternal"))
    client = acme_client(standin)
    say = {
        "ceasefire": "No claims match “ceasefire”: nothing to chart.",
        "6,666": "No claims match “6,666”: nothing to chart.",  # only in the private #desk
        "": ":warning: Say what to chart, e.g. `/claims chart killed source:Konashenkov`.",
        '"unclosed': ':warning: unclosed quote: add the closing " (a "phrase" is between two quotes). '
        "Try `/claims help`.",
    }
    for query, expected in say.items():
        assert (
            post_chart(chart_services, client, team=ACME, channel=NEWS, user="U0ALICE", query=query)
            == expected
        )
    one = post_chart(
        chart_services, client, team=GLOBEX, channel="C0GLOBEX", user="U0CAROL", query="servicemen"
    )
    assert one == "No claims match “servicemen”: nothing to chart."  # another workspace sees none of ACME's
    assert len(standin.calls_to("files.getUploadURLExternal")) == asked
