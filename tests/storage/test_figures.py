"""Claims' figures stored by measure and day, and the earlier figures a new claim's thread may show
(storage/figures.py), on both databases. Figures are measured from the claims' words by the real rules
(bot/claims/measures.py, through the pipeline's `figure_records`), stored next to their claims, and looked
up with search's visibility: workspace, private channels from inside, shown claims only."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterator
from dataclasses import replace

import pytest
import sqlalchemy as sa
from spacy.language import Language
from sqlalchemy.orm import Session

from bot.claims.figure_relations import relate
from bot.config import Settings
from bot.pipeline import figure_records, ingest
from bot.services import Services
from bot.views.figure_context import figure_line, figure_line_text, figure_text
from storage import repository as repo
from storage import retention
from storage.figures import EarlierFigure, StoredFigure, earlier_figures, figures_of, store_figures
from storage.models import Article, Claim, ClaimFigure, Share
from storage.records import NewClaim, NewSource
from storage.retention import Scope
from tests.plugins.web import PageServer
from tests.storage.factories import claim, new_article, shared

GENERAL_STAFF = NewSource("Ukraine's General Staff", "organization", None)
MINISTRY = NewSource("Russian Defense Ministry", "organization", None)
REUTERS = NewSource("Reuters", "organization", None)
UN = NewSource("United Nations human rights office", "organization", None)


def day(n: int) -> dt.date:
    return dt.date(2022, 3, n)


def killed(
    text: str, value: float, bound: str = "exact", *, source: NewSource = GENERAL_STAFF, **kw: object
) -> NewClaim:
    """A claim that `text` Russian servicemen were killed, with its quantity as the extractor stores it."""
    content = f"{text} Russian servicemen were killed since the invasion began"
    quantity = {"value": value, "text": text, "counted": "Russian servicemen", "bound": bound}
    return claim(content, source, quantities=[quantity], **kw)


def store(
    session: Session,
    claims: list[NewClaim],
    *,
    published: dt.date,
    team: str = "T1",
    channel: str = "C1",
    channel_name: str = "news",
    private: bool = False,
) -> tuple[Article, list[int]]:
    """Store and share an article as the pipeline does (figures measured from the stored records), and
    return it with its claims' ids by rank."""
    article = new_article(published=published)
    stored, share = shared(
        session, article, claims, team=team, channel=channel, channel_name=channel_name, private=private
    )
    share.permalink = f"https://slack.example/archives/{channel}/p{stored.id}"
    store_figures(session, stored, figure_records(article, claims))
    session.flush()
    ids = [c.id for c in sorted(stored.claims, key=lambda c: c.rank)]
    return stored, ids


def lookup(session: Session, claim_ids: list[int], **kw: object) -> dict[int, list[EarlierFigure]]:
    args: dict[str, object] = {"team": "T1", "viewer_channel": "C1", "relate": relate, **kw}
    return earlier_figures(session, claim_ids=claim_ids, **args)  # type: ignore[arg-type]


def described(lines: list[EarlierFigure]) -> list[tuple[str, str | None, str, dt.date]]:
    return [(line.relation, line.source, line.figure.text, line.figure.day) for line in lines]


# --- storing ---------------------------------------------------------------------------------------------


def test_figures_are_stored_with_their_claims_measure_and_day(session: Session) -> None:
    article, (claim_id,) = store(session, [killed("about 5,840", 5840, "about")], published=day(1))
    (row,) = session.scalars(sa.select(ClaimFigure).where(ClaimFigure.article_id == article.id))
    assert (row.claim_id, row.measure, row.detail, row.day) == (
        claim_id,
        "count/deaths/military/russia",
        "cause=war;period=total",
        day(1),
    )
    assert (row.value, row.low, row.high, row.bound) == (
        5840,
        pytest.approx(5256),
        pytest.approx(6424),
        "about",
    )
    assert (row.text, row.label) == ("about 5,840", "about 5,840 Russian servicemen killed")
    assert row.source_id == session.scalar(sa.select(Claim.source_id).where(Claim.id == claim_id))
    assert [f.id for f in figures_of(session, [claim_id])] == [row.id]


def test_the_day_is_the_fetch_date_without_a_published_date(session: Session) -> None:
    article = new_article(published=None)
    stored, _ = repo.store_article(session, article, [killed("498", 498, source=MINISTRY)])
    assert store_figures(session, stored, figure_records(article, [killed("498", 498, source=MINISTRY)])) == 1
    row = session.scalar(sa.select(ClaimFigure).where(ClaimFigure.article_id == stored.id))
    assert row is not None and row.day == stored.fetched_at.date()


def test_only_shown_claims_with_measured_figures_get_rows(session: Session) -> None:
    claims = [
        killed("498", 498, source=MINISTRY),
        killed("1,351", 1351, source=MINISTRY, shown=False, act="belief"),
        claim(
            "tanks were destroyed", MINISTRY, quantities=[{"value": 198, "text": "198", "counted": "tanks"}]
        ),
    ]
    figures = figure_records(new_article(), claims)
    assert [(f.rank, f.text) for f in figures] == [(1, "498")]
    assert store_figures(session, repo.store_article(session, new_article(), [])[0], []) == 0


# --- looking up ------------------------------------------------------------------------------------------


def test_the_issues_example_differs_and_earlier(session: Session) -> None:
    """Ukraine's General Staff's "about 9,000" (1 Mar) and the ministry's "498" (2 Mar): a reader of the
    ministry's claim sees that the figures differ; Reuters's "about 9,000" on 3 Mar sees both."""
    store(session, [killed("about 9,000", 9000, "about")], published=day(1))
    _, (ministry,) = store(session, [killed("498", 498, source=MINISTRY)], published=day(2))
    found = lookup(session, [ministry])
    assert described(found[ministry]) == [("differs", "Ukraine's General Staff", "about 9,000", day(1))]
    line = found[ministry][0]
    assert (line.channel, line.channel_name) == ("C1", "news")
    assert line.permalink is not None and line.permalink.startswith("https://slack.example/archives/C1/")
    _, (reuters,) = store(session, [killed("9,000", 9000, source=REUTERS)], published=day(3))
    assert described(lookup(session, [reuters])[reuters]) == [
        ("differs", "Russian Defense Ministry", "498", day(2)),
        ("same", "Ukraine's General Staff", "about 9,000", day(1)),
    ]


def test_the_context_lines_read_as_the_issue_says(session: Session) -> None:
    store(
        session, [killed("about 9,000", 9000, "about")], published=day(1), channel="C1", channel_name="news"
    )
    store(session, [killed("498", 498, source=MINISTRY)], published=day(2), channel="C2", channel_name="war")
    _, (reuters,) = store(session, [killed("9,000", 9000, source=REUTERS)], published=day(3))
    lines = lookup(session, [reuters], viewer_channel="C1")[reuters]
    today = dt.date(2022, 3, 3)
    assert figure_line_text(lines[0], today=today).startswith(
        "Differs from Russian Defense Ministry — 498 (2 Mar, #war) https://slack.example/archives/C2/"
    )
    assert figure_line_text(lines[1], today=today).startswith(
        "Earlier: Ukraine's General Staff — about 9,000 Russian servicemen killed (1 Mar, #news)"
    )
    mrkdwn = figure_line(lines[1], today=today)
    assert mrkdwn.startswith("Earlier: Ukraine's General Staff — <https://slack.example/archives/C1/")
    assert mrkdwn.endswith("|about 9,000 Russian servicemen killed> (1 Mar, <#C1>)")
    assert figure_text(lines, today=today).count("\n") == 1
    assert figure_line(lines[1], today=dt.date(2023, 1, 1)).endswith("(1 Mar 2022, <#C1>)")


def test_only_the_viewers_workspace_and_private_channels_from_inside(session: Session) -> None:
    store(session, [killed("about 9,000", 9000, "about")], published=day(1), team="T2")
    store(
        session,
        [killed("about 8,000", 8000, "about", source=UN)],
        published=day(1),
        channel="C9",
        private=True,
    )
    _, (ministry,) = store(session, [killed("498", 498, source=MINISTRY)], published=day(2))
    assert lookup(session, [ministry]) == {}
    inside = lookup(session, [ministry], viewer_channel="C9")[ministry]
    assert described(inside) == [("differs", "United Nations human rights office", "about 8,000", day(1))]
    assert inside[0].channel == "C9"
    everything = lookup(session, [ministry], team=None, viewer_channel=None)[ministry]  # the operator's view
    assert {line.source for line in everything} == {
        "Ukraine's General Staff",
        "United Nations human rights office",
    }


def test_hidden_claims_are_not_earlier_figures(session: Session) -> None:
    article = new_article(published=day(1))
    hidden = killed("about 9,000", 9000, "about", shown=False, act="belief")
    stored, _ = shared(session, article, [hidden])
    rank_one = figure_records(article, [killed("about 9,000", 9000, "about")])  # measured as if shown
    store_figures(session, stored, rank_one)
    _, (ministry,) = store(session, [killed("498", 498, source=MINISTRY)], published=day(2))
    assert lookup(session, [ministry]) == {}


def test_the_window_of_days(session: Session) -> None:
    store(session, [killed("about 9,000", 9000, "about")], published=day(1))
    _, (late,) = store(session, [killed("12,000", 12000, source=REUTERS)], published=day(20))
    assert lookup(session, [late]) == {}
    assert described(lookup(session, [late], window_days=30)[late]) == [
        ("update", "Ukraine's General Staff", "about 9,000", day(1))
    ]


def test_the_claims_own_article_is_not_earlier(session: Session) -> None:
    _, (first, second) = store(
        session, [killed("about 9,000", 9000, "about"), killed("498", 498, source=MINISTRY)], published=day(2)
    )
    assert lookup(session, [first, second]) == {}


def test_newest_first_at_most_two_and_a_differing_figure_kept(session: Session) -> None:
    store(session, [killed("498", 498, source=MINISTRY)], published=day(3))  # differs from all the others
    for n, source in ((2, REUTERS), (4, UN), (5, GENERAL_STAFF)):
        store(session, [killed("about 9,000", 9000, "about", source=source)], published=day(n))
    _, (new,) = store(session, [killed("9,100", 9100, source=REUTERS)], published=day(5))
    lines = lookup(session, [new])[new]
    assert described(lines) == [
        ("same", "Ukraine's General Staff", "about 9,000", day(5)),
        ("differs", "Russian Defense Ministry", "498", day(3)),
    ]
    assert described(lookup(session, [new], limit=1)[new]) == [
        ("differs", "Russian Defense Ministry", "498", day(3))
    ]
    assert len(lookup(session, [new], limit=5)[new]) == 4


def test_one_line_per_figure_as_given(session: Session) -> None:
    """The same wire figure republished by three outlets is one line, the newest."""
    for n in (1, 2, 3):
        store(session, [killed("about 9,000", 9000, "about")], published=day(n))
    _, (new,) = store(session, [killed("9,200", 9200, source=REUTERS)], published=day(3))
    assert described(lookup(session, [new])[new]) == [
        ("same", "Ukraine's General Staff", "about 9,000", day(3))
    ]


def test_other_measures_and_claims_without_figures_give_nothing(session: Session) -> None:
    wounded = claim(
        "1,597 Russian servicemen were wounded",
        MINISTRY,
        quantities=[{"value": 1597, "text": "1,597", "counted": "Russian servicemen", "bound": "exact"}],
    )
    store(session, [wounded], published=day(1))
    _, (new, plain) = store(
        session, [killed("498", 498, source=MINISTRY), claim("talks will resume", REUTERS)], published=day(2)
    )
    assert lookup(session, [new, plain]) == {}
    assert lookup(session, []) == {}


# --- retention -------------------------------------------------------------------------------------------


def test_retention_removes_figures_with_their_claims_and_counts_them(session: Session) -> None:
    kept, _ = store(session, [killed("about 9,000", 9000, "about")], published=day(1), team="T2")
    gone, _ = store(session, [killed("498", 498, source=MINISTRY)], published=day(2))
    assert retention.scope_counts(session, Scope("T1"))["claim_figure"] == 1
    share_ids = list(session.scalars(sa.select(Share.id).where(Share.team == "T1")))
    removed = retention.remove_shares(session, share_ids)
    assert removed["claim_figure"] == 1 and removed["claim"] == 1
    left = session.scalars(sa.select(ClaimFigure.article_id)).all()
    assert left == [kept.id] and gone.id not in left
    assert Counter(removed) == Counter(
        {"share": 1, "search_entry": 1, "article": 1, "claim": 1, "claim_figure": 1, "source": 1}
    )


def test_deleting_a_claim_deletes_its_figures(session: Session) -> None:
    article, (claim_id,) = store(session, [killed("498", 498, source=MINISTRY)], published=day(2))
    session.execute(sa.delete(Claim).where(Claim.id == claim_id))
    assert session.scalars(sa.select(ClaimFigure).where(ClaimFigure.article_id == article.id)).all() == []


# --- through the pipeline --------------------------------------------------------------------------------


@pytest.fixture
def services(fresh_db_url: str, nlp: Language) -> Iterator[Services]:
    settings = Settings(_env_file=None, database_url=fresh_db_url, allow_private_urls=True)
    services = Services.create(settings, nlp=nlp)
    yield services
    services.close()


def test_ingest_stores_the_figures_in_its_store_transaction(
    services: Services, page_server: PageServer
) -> None:
    first = ingest(services, page_server.url("kyiv-general-staff-losses.html"))
    with services.reading() as session:
        rows = session.scalars(sa.select(ClaimFigure).where(ClaimFigure.article_id == first.article_id)).all()
        assert ("count/deaths/military/russia", "about 5,840") in {(r.measure, r.text) for r in rows}
    again = ingest(services, page_server.url("kyiv-general-staff-losses.html"))
    assert not again.created
    with services.reading() as session:
        count = session.scalar(
            sa.select(sa.func.count())
            .select_from(ClaimFigure)
            .where(ClaimFigure.article_id == first.article_id)
        )
        assert count == len(rows)


def test_a_line_is_escaped_and_needs_no_link_channel_or_source() -> None:
    figure = StoredFigure(
        id=1,
        claim_id=1,
        article_id=1,
        measure="count/deaths/military/russia",
        detail="",
        value=498.0,
        low=497.5,
        high=498.5,
        bound="exact",
        text="498",
        label="498 <servicemen> & |officers| killed",
        day=day(2),
        source=None,
    )
    line = EarlierFigure(
        claim_id=2,
        figure=figure,
        new_figure=figure,
        relation="update",
        source="A <b>&</b> C",
        channel=None,
        channel_name=None,
        permalink=None,
        article_url="https://news.example/1",
        article_title="Losses",
    )
    assert figure_line(line, today=day(3)) == (
        "Earlier: A &lt;b&gt;&amp;&lt;/b&gt; C — 498 &lt;servicemen&gt; &amp; ¦officers¦ killed (2 Mar)"
    )
    linked = replace(
        line, source=None, permalink="https://slack.example/p1", channel="C1", channel_name="news"
    )
    assert figure_line(linked, today=day(3)) == (
        "Earlier: <https://slack.example/p1|498 &lt;servicemen&gt; &amp; ¦officers¦ killed> (2 Mar, <#C1>)"
    )
    differs = replace(line, relation="differs", source=None)
    assert figure_line_text(differs, today=day(3)) == "Differs from another source — 498 (2 Mar)"


def test_a_measures_visible_figures_for_a_digests_chart(session: Session) -> None:
    from storage.figures import visible_figures

    _, (kyiv,) = store(session, [killed("about 9,000", 9000, "about")], published=day(1))
    store(session, [killed("498", 498, source=MINISTRY)], published=day(2))
    store(session, [killed("about 8,000", 8000, "about", source=UN)], published=day(2), team="T2")
    store(session, [killed("1,351", 1351, source=MINISTRY)], published=day(25))  # outside the window
    [figure] = figures_of(session, [kyiv])

    rows = visible_figures(
        session, measure=figure.measure, team="T1", viewer_channel="C1", first=day(1), last=day(10)
    )
    assert sorted((f.text, source, f.day) for f, source in rows) == [
        ("498", "Russian Defense Ministry", day(2)),
        ("about 9,000", "Ukraine's General Staff", day(1)),
    ]


def test_excluded_articles_are_never_earlier_and_free_their_place(session: Session) -> None:
    first, _ = store(session, [killed("about 9,000", 9000, "about")], published=day(1))
    copy, _ = store(session, [killed("about 9,000", 9000, "about", source=UN)], published=day(1))
    _, (ministry,) = store(session, [killed("498", 498, source=MINISTRY)], published=day(2))
    every = {line.figure.article_id for line in lookup(session, [ministry])[ministry]}
    assert every == {first.id, copy.id}
    kept = lookup(session, [ministry], exclude_articles=[copy.id])[ministry]
    assert [line.figure.article_id for line in kept] == [first.id]
