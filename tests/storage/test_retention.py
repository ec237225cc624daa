"""Retention, purge and uninstalls (storage/retention.py, bot/jobs/retention.py) on both databases.

The drivers run as the app runs them, each step its own committed transaction, on a fresh migrated
database per test; rows are built with the storage factories (no spaCy). What a test checks is which rows
are left, compared row by row with what was there before, and what searches still return.
"""

from __future__ import annotations

import datetime as dt
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
import sqlalchemy as sa
from slack_sdk.oauth.installation_store import Installation
from sqlalchemy.orm import Session

from bot.config import Settings
from bot.jobs import retention as jobs
from bot.services import Services
from bot.slack.installations import ClaimbotInstallationStore
from storage import repository as repo
from storage import retention
from storage.models import Article, Base, Claim, Digest, SearchEntry, Share, SlackEvent, Source
from storage.records import NewSource
from storage.retention import TABLES, Scope
from storage.search import search
from storage.slack_tables import bots, installations
from tests.storage.factories import KONASHENKOV, ROGAN, ZELENSKY, claim, new_article, shared

UTC = dt.UTC
DAY = dt.timedelta(days=1)
T1, T2 = "T1", "T2"

ONLY_A = NewSource("Anna Only", "person", "a witness")
SPOKESWOMAN = NewSource("Maria Zakharova", "person", "Foreign Ministry spokeswoman")

# Every table a workspace leaves rows in, with the column naming the workspace.
TEAM_COLUMNS = {
    "share": "team",
    "search_entry": "team",
    "digest": "team",
    "channel_settings": "team",
    "slack_event": "team",
    "workspace": "team",
    "slack_installations": "team_id",
    "slack_bots": "team_id",
}
Rows = dict[str, dict[int, tuple[Any, ...]]]


def utcnow() -> dt.datetime:
    return dt.datetime.now(UTC)


def table(name: str) -> sa.Table:
    slack = {"slack_installations": installations, "slack_bots": bots}
    return slack[name] if name in slack else Base.metadata.tables[name]


@pytest.fixture
def make_services(fresh_db_url: str) -> Iterator[Callable[..., Services]]:
    """Services on a fresh migrated database, with the retention settings a test asks for."""
    made: list[Services] = []

    def make(**overrides: Any) -> Services:
        values: dict[str, Any] = {"database_url": fresh_db_url, "retention_days": None, **overrides}
        services = Services.create(Settings(_env_file=None, **values))
        made.append(services)
        return services

    yield make
    for services in made:
        services.close()


@pytest.fixture
def services(make_services: Callable[..., Services]) -> Services:
    return make_services()


# --- what is in the database --------------------------------------------------------------------------------


def team_rows(session: Session, team: str) -> Rows:
    """Every row of ``team``, whole: its own rows, and the articles, claims and sources its shares use."""
    rows: Rows = {}
    for name, column in TEAM_COLUMNS.items():
        t = table(name)
        rows[name] = {r.id: tuple(r) for r in session.execute(sa.select(t).where(t.c[column] == team))}
    articles = sa.select(Share.article_id).where(Share.team == team, Share.article_id.is_not(None))
    claims = sa.select(Claim.id).where(Claim.article_id.in_(articles))
    sources = sa.select(Claim.source_id).where(Claim.article_id.in_(articles), Claim.source_id.is_not(None))
    for name, ids in (("article", articles), ("claim", claims), ("source", sources)):
        t = table(name)
        rows[name] = {r.id: tuple(r) for r in session.execute(sa.select(t).where(t.c.id.in_(ids)))}
    return rows


def counts(session: Session) -> Counter[str]:
    """Rows per table, named as the purge counts them (slack_installation: both slack_sdk tables)."""
    out: Counter[str] = Counter()
    for name in ("search_entry", "share", "article", "claim", "source", "digest", "channel_settings"):
        out[name] = session.scalar(sa.select(sa.func.count()).select_from(table(name))) or 0
    out["slack_event"] = session.scalar(sa.select(sa.func.count()).select_from(SlackEvent)) or 0
    out["slack_installation"] = sum(
        session.scalar(sa.select(sa.func.count()).select_from(t)) or 0 for t in (installations, bots)
    )
    return out


def ids(session: Session, model: Any) -> set[int]:
    return set(session.scalars(sa.select(model.id)))


def assert_nothing_dangles(session: Session) -> None:
    """What retention promises about what it leaves: no source without a claim, no article nobody shares
    (but one stored and never shared, the operator's), no search entry of a share that is gone."""
    assert not list(
        session.scalars(sa.select(Source.name).where(~sa.exists().where(Claim.source_id == Source.id)))
    )
    orphans = sa.select(Article.title).where(
        ~sa.exists().where(Share.article_id == Article.id),
        ~sa.exists().where(SearchEntry.article_id == Article.id, SearchEntry.share_id.is_(None)),
    )
    assert not list(session.scalars(orphans))
    assert not list(
        session.scalars(
            sa.select(SearchEntry.id).where(
                SearchEntry.share_id.is_not(None), ~sa.exists().where(Share.id == SearchEntry.share_id)
            )
        )
    )


def found(session: Session, query: str = "troops", **where: Any) -> list[str]:
    """Contents of the claims a search finds (the operator's view unless a team is given)."""
    hits = search(session, query, team=where.pop("team", None), limit=200, **where)
    return sorted(h.content for h in hits)


# --- a non-trivial world ------------------------------------------------------------------------------------


@dataclass
class World:
    """Two workspaces: T1 with public channels C1 and C2 and a private P1, T2 with D1.

    A is shared twice in T1/C1; B in T1/C1 and T2/D1; C in T1/C1 and T1/C2; D only in T2; E only in T1/P1;
    eleven more articles in T1/C2 (more shares than one step takes); F was stored and never shared.
    Konashenkov speaks in A and D, Zelensky in B and F; Anna Only only in A, the spokeswoman only in T1.
    """

    articles: dict[str, int] = field(default_factory=dict)
    bulk: list[int] = field(default_factory=list)


def build_world(session: Session) -> World:
    world = World()
    a = new_article(title="A")
    a_claims = [
        claim("troops crossed the river", KONASHENKOV),
        claim("troops destroyed the bridge", ONLY_A),
        claim("troops will stay", None),
    ]
    world.articles["A"] = shared(session, a, a_claims, team=T1, channel="C1")[0].id
    shared(session, a, [], team=T1, channel="C1")  # the same article in a second message
    b = new_article(title="B")
    world.articles["B"] = shared(session, b, [claim("troops were seen near Kyiv", ZELENSKY)], team=T1)[0].id
    shared(session, b, [], team=T2, channel="D1", channel_name="general")
    c = new_article(title="C")
    c_claims = [claim("troops left the town", SPOKESWOMAN), claim("troops shelled the port", None)]
    world.articles["C"] = shared(session, c, c_claims, team=T1, channel="C1")[0].id
    shared(session, c, [], team=T1, channel="C2", channel_name="world")
    d = new_article(title="D")
    d_claims = [claim("troops advanced in the east", KONASHENKOV)]
    world.articles["D"] = shared(session, d, d_claims, team=T2, channel="D1", channel_name="general")[0].id
    e = new_article(title="E")
    e_claims = [claim("troops massed at the border", ROGAN)]
    world.articles["E"] = shared(
        session, e, e_claims, team=T1, channel="P1", channel_name="desk", private=True
    )[0].id
    for i in range(11):
        g = new_article(title=f"G{i}")
        g_claims = [claim(f"troops bulk report {i}", SPOKESWOMAN)]
        world.bulk.append(shared(session, g, g_claims, team=T1, channel="C2", channel_name="world")[0].id)
    f, _ = repo.store_article(session, new_article(title="F"), [claim("troops never shared", ZELENSKY)])
    world.articles["F"] = f.id
    # links that were never read: one failed, one still pending, in each workspace
    for team, channel in ((T1, "C2"), (T2, "D1")):
        failed, _ = repo.record_share(
            session, team=team, channel=channel, message_ts="9.1", url="https://gone.example/x"
        )
        repo.fail_share(session, failed, "the page is gone")
    repo.record_share(session, team=T1, channel="C1", message_ts="9.2", url="https://slow.example/y")
    for team, channel, day in ((T1, "C1", 1), (T1, "C1", 2), (T1, "C2", 1), (T2, "D1", 1)):
        repo.claim_digest(session, team=team, channel=channel, local_date=dt.date(2026, 3, day))
    repo.set_digest(session, team=T1, channel="C1", enabled=True)
    repo.set_watch(session, team=T1, channel="P1", watch=False)
    repo.set_digest(session, team=T2, channel="D1", enabled=True)
    for team, n in ((T1, 3), (T2, 2)):
        for i in range(n):
            repo.remember_event(session, team, f"Ev{team}{i}")
    return world


def install(services: Services, team: str, token: str | None = None) -> None:
    """An OAuth (re)install as Bolt saves it."""
    ClaimbotInstallationStore(services).save(
        Installation(
            app_id="A0CLAIMBOT",
            team_id=team,
            team_name=f"Team {team}",
            bot_token=token or f"xoxb-{team.lower()}",
            bot_id=f"B{team}",
            bot_user_id=f"U{team}BOT",
            bot_scopes=["chat:write"],
            user_id=f"U{team}ADMIN",
            installed_at=time.time(),
        )
    )


@pytest.fixture
def world(services: Services) -> World:
    with services.transaction() as session:
        built = build_world(session)
    install(services, T1)
    install(services, T2)
    return built


# --- retention ----------------------------------------------------------------------------------------------


def test_retention_removes_what_is_older_than_the_limit_and_keeps_what_a_newer_share_needs(
    make_services: Callable[..., Services],
) -> None:
    services = make_services(retention_days=30)
    now = utcnow()
    old, recent = now - 400 * DAY, now - DAY
    with services.transaction() as session:
        # X: shared long ago in C1 and again recently in C2; Y: only long ago; Z: only recently
        x = new_article(title="X")
        x_claims = [claim("troops crossed the river", KONASHENKOV), claim("troops dug in", ONLY_A)]
        x_row, x_old = shared(session, x, x_claims, channel="C1", at=old)
        _, x_new = shared(session, x, [], channel="C2", channel_name="world", at=recent)
        y_claims = [claim("troops burned the depot", ROGAN), claim("troops moved north", KONASHENKOV)]
        y_row, _ = shared(session, new_article(title="Y"), y_claims, channel="C1", at=old)
        z_row, z_share = shared(
            session, new_article(title="Z"), [claim("troops rested", ZELENSKY)], at=recent
        )
        # stored, never shared (the operator's CLI ingest): one fetched long ago, one just now
        stale, _ = repo.store_article(session, new_article(title="stale"), [claim("troops stale", None)])
        fresh, _ = repo.store_article(session, new_article(title="fresh"), [claim("troops fresh", None)])
        # articles are fetched when first shared: X and Y long ago
        for row in (x_row, y_row, stale):
            row.fetched_at = old
        repo.claim_digest(session, team=T1, channel="C1", local_date=dt.date(2025, 1, 1))
        repo.claim_digest(session, team=T1, channel="C1", local_date=dt.date(2026, 12, 1))
        repo.set_digest(session, team=T1, channel="C1", enabled=True)
        repo.remember_event(session, T1, "EvOld")
        repo.remember_event(session, T1, "EvNew")
        session.flush()
        session.execute(
            sa.update(Digest).where(Digest.local_date == dt.date(2025, 1, 1)).values(created_at=old)
        )
        session.execute(sa.update(SlackEvent).where(SlackEvent.event_id == "EvOld").values(received_at=old))
        x_old_id, x_new_id, z_share_id = x_old.id, x_new.id, z_share.id
        x_id, z_id, fresh_id = x_row.id, z_row.id, fresh.id
        x_claim_ids = {c.id for c in repo.article_claims(session, x_id, include_hidden=True)}
        x_new_entries = set(
            session.scalars(sa.select(SearchEntry.id).where(SearchEntry.share_id == x_new_id))
        )

    removed = jobs.run_retention(services, now)

    with services.reading() as session:
        assert ids(session, Share) == {x_new_id, z_share_id}
        assert ids(session, Article) == {x_id, z_id, fresh_id}  # Y and the stale unshared one went
        assert {c.id for c in repo.article_claims(session, x_id, include_hidden=True)} == x_claim_ids
        # the old share's entries went; the new share's are those left for X
        x_entries = set(session.scalars(sa.select(SearchEntry.id).where(SearchEntry.article_id == x_id)))
        assert x_entries == x_new_entries
        assert not list(session.scalars(sa.select(SearchEntry.id).where(SearchEntry.share_id == x_old_id)))
        # Rogan spoke only in Y; Konashenkov still speaks in X
        assert set(session.scalars(sa.select(Source.name))) == {
            "Igor Konashenkov",
            "Anna Only",
            "Volodymyr Zelensky",
        }
        assert [d.local_date for d in session.scalars(sa.select(Digest))] == [dt.date(2026, 12, 1)]
        assert list(session.scalars(sa.select(SlackEvent.event_id))) == ["EvNew"]
        assert repo.channel_settings(session, T1, "C1") is not None  # settings are not history
        assert_nothing_dangles(session)
        # searches: what is left, from where it is still shared
        assert found(session) == [
            "troops crossed the river",
            "troops dug in",
            "troops fresh",
            "troops rested",
        ]
        hits = search(session, "troops crossed", team=T1)
        assert [(h.content, h.channel) for h in hits] == [("troops crossed the river", "C2")]
        assert found(session, "troops in:C1", team=T1) == ["troops rested"]  # X is not there any more
        assert found(session, "source:Rogan") == []
    assert removed == Counter(
        {
            "share": 2,  # X's old share, Y's share
            "search_entry": 2 + 2 + 1,  # X's old share's, Y's, the stale article's
            "article": 2,
            "claim": 2 + 1,
            "source": 1,
            "digest": 1,
            "slack_event": 1,
        }
    )


def test_retention_off_keeps_everything(services: Services, world: World) -> None:
    with services.reading() as session:
        before = counts(session)
    assert jobs.run_retention(services, utcnow() + 3650 * DAY) == Counter()
    with services.reading() as session:
        assert counts(session) == before


def test_expire_steps_through_more_shares_than_one_step_takes(
    make_services: Callable[..., Services],
) -> None:
    services = make_services(retention_days=7)
    now = utcnow()
    n = retention.SHARES_PER_STEP * 2 + 3
    with services.transaction() as session:
        for i in range(n):
            shared(
                session,
                new_article(title=f"old {i}"),
                [claim(f"troops old {i}", SPOKESWOMAN)],
                at=now - 30 * DAY,
            )
        shared(session, new_article(title="new"), [claim("troops new", SPOKESWOMAN)], at=now - DAY)
    removed = jobs.expire(services, now - 7 * DAY, pause=0)
    assert removed == Counter({"share": n, "article": n, "claim": n, "search_entry": n})
    with services.reading() as session:
        assert found(session) == ["troops new"]
        assert set(session.scalars(sa.select(Source.name))) == {"Maria Zakharova"}


def test_stale_articles_go_a_few_a_step_between_ones_still_shared(
    make_services: Callable[..., Services],
) -> None:
    """Articles no share refers to, more than one step takes, interleaved with old articles a recent
    share still needs: every unreferenced one goes, every referenced one stays."""
    services = make_services(retention_days=7)
    now = utcnow()
    n = retention.SHARES_PER_STEP * 2 + 1
    with services.transaction() as session:
        kept, stale = [], []
        for i in range(n):
            row, _ = repo.store_article(
                session, new_article(title=f"stale {i}"), [claim(f"troops s{i}", None)]
            )
            stale.append(row)
            row2, _ = shared(session, new_article(title=f"kept {i}"), [claim(f"troops k{i}", ROGAN)], at=now)
            kept.append(row2)
        for row in (*stale, *kept):
            row.fetched_at = now - 30 * DAY
        session.flush()
        kept_ids = {r.id for r in kept}
    with services.transaction() as session:  # one step deletes a bounded number of articles
        first, after = retention.stale_articles_step(session, now - 7 * DAY, 0)
    assert first["article"] == retention.SHARES_PER_STEP and after is not None
    removed = first + jobs.expire(services, now - 7 * DAY, pause=0)
    assert removed == Counter({"article": n, "claim": n, "search_entry": n})
    with services.reading() as session:
        assert ids(session, Article) == kept_ids


# --- purging a workspace ------------------------------------------------------------------------------------


def test_purging_a_workspace_leaves_no_row_of_it_and_every_row_of_the_other(
    services: Services, world: World
) -> None:
    with services.transaction() as session:
        retention.mark_uninstalled(session, T1, "app_uninstalled", utcnow())
        retention.mark_uninstalled(session, T2, "app_uninstalled", utcnow())
        retention.unmark_uninstalled(session, T2)  # T2 installed again: its rows are what it had
    with services.reading() as session:
        t2_before = team_rows(session, T2)
        unshared = session.get(Article, world.articles["F"])
        assert unshared is not None
        assert all(t2_before[name] for name in TEAM_COLUMNS if name != "workspace")

    removed = jobs.purge(services, Scope(T1), forget_installation=True, pause=0)

    with services.reading() as session:
        left = team_rows(session, T1)
        assert {name: rows for name, rows in left.items() if rows} == {}
        assert team_rows(session, T2) == t2_before
        only_t1 = {world.articles[k] for k in "ACE"} | set(world.bulk)
        assert ids(session, Article) == {world.articles[k] for k in "BDF"}
        assert not only_t1 & ids(session, Article)
        assert set(session.scalars(sa.select(Source.name))) == {"Igor Konashenkov", "Volodymyr Zelensky"}
        assert_nothing_dangles(session)
        # searches: nothing of T1 for anyone, T2's claims as before
        assert search(session, "troops", team=T1, limit=200) == []
        assert {h.team for h in search(session, "troops", team=None, limit=200)} == {T2, None}
        assert found(session, team=T2) == ["troops advanced in the east", "troops were seen near Kyiv"]
    assert removed["slack_installation"] == 2  # its installation and its bot


def test_a_shared_article_stays_until_neither_workspace_refers_to_it(
    services: Services, world: World
) -> None:
    b = world.articles["B"]
    jobs.purge(services, Scope(T1), pause=0)
    with services.reading() as session:
        assert b in ids(session, Article)
        assert found(session, "Kyiv", team=T2) == ["troops were seen near Kyiv"]
    removed = jobs.purge(services, Scope(T2), pause=0)
    with services.reading() as session:
        assert ids(session, Article) == {world.articles["F"]}  # only the never-shared one is left
        # Konashenkov's last claims went with D; Zelensky still speaks in F
        assert set(session.scalars(sa.select(Source.name))) == {"Volodymyr Zelensky"}
        assert found(session) == ["troops never shared"]
        assert_nothing_dangles(session)
    assert removed["article"] == 2 and removed["source"] == 1  # B and D; Konashenkov


def test_a_channel_purge_touches_only_that_channel(services: Services, world: World) -> None:
    def rows_outside(session: Session) -> Rows:
        rows = team_rows(session, T1)
        for name in ("share", "search_entry", "digest", "channel_settings"):
            rows[name] = {k: v for k, v in rows[name].items() if "C1" not in v}
        return {name: rows[name] for name in TEAM_COLUMNS}  # the workspace's own rows, not articles

    with services.reading() as session:
        others = rows_outside(session)
        t2_before = team_rows(session, T2)
        c_claims = {c.id for c in repo.article_claims(session, world.articles["C"], include_hidden=True)}

    removed = jobs.purge(services, Scope(T1, "C1"), pause=0)

    with services.reading() as session:
        share = table("share")
        assert not list(session.execute(sa.select(share).where(share.c.team == T1, share.c.channel == "C1")))
        assert rows_outside(session) == others  # C2, P1, event ids, tokens, all as they were
        assert team_rows(session, T2) == t2_before
        # C is also shared in C2: it stays with its claims; A was only in C1: it went
        assert {
            c.id for c in repo.article_claims(session, world.articles["C"], include_hidden=True)
        } == c_claims
        assert world.articles["A"] not in ids(session, Article)
        assert found(session, "troops in:C1", team=T1) == []
        assert "troops left the town" in found(session, team=T1)  # from C2 now
        assert_nothing_dangles(session)
    assert "slack_event" not in removed


# --- dry run ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "scope",
    [Scope(T1), Scope(T1, "C1"), Scope(T1, "C2"), Scope(T1, "P1"), Scope(T2), Scope(T2, "D1"), Scope("T9")],
    ids=lambda s: f"{s.team}-{s.channel or 'all'}",
)
def test_dry_run_counts_what_the_purge_then_removes_table_by_table(
    services: Services, world: World, scope: Scope
) -> None:
    with services.reading() as session:
        before = counts(session)
    predicted = jobs.dry_run(services, scope)
    with services.reading() as session:
        assert counts(session) == before  # a dry run removes nothing
    removed = jobs.purge(services, scope, pause=0)
    with services.reading() as session:
        after = counts(session)
    assert removed == predicted
    assert before - after == predicted  # and the rows that went are those counted
    assert set(predicted) <= set(TABLES)


def test_dry_run_counts_a_workspace_by_hand(services: Services, world: World) -> None:
    assert jobs.dry_run(services, Scope(T1)) == Counter(
        {
            "share": 2 + 1 + 2 + 1 + 11 + 2,  # A twice, B, C twice, E, the bulk, the failed and the pending
            "search_entry": 3 + 3 + 1 + 2 + 2 + 1 + 11,
            "article": 3 + 11,  # A, C, E and the bulk; B stays for T2
            "claim": 3 + 2 + 1 + 11,
            "source": 3,  # Anna Only, the spokeswoman, Rogan
            "digest": 3,
            "channel_settings": 2,
            "slack_event": 3,
        }
    )
    assert jobs.dry_run(services, Scope(T1, "C1")) == Counter(
        {"share": 5, "search_entry": 3 + 3 + 1 + 2, "article": 1, "claim": 3, "source": 1, "digest": 2}
        | {"channel_settings": 1}
    )


# --- uninstalls ---------------------------------------------------------------------------------------------


def test_marking_twice_keeps_the_first_time(services: Services) -> None:
    first = utcnow() - 3 * DAY
    assert jobs.mark_uninstalled(services, T1, "tokens_revoked", first) is True
    assert jobs.mark_uninstalled(services, T1, "app_uninstalled", first + DAY) is False
    with services.reading() as session:
        mark = retention.marked(session, T1)
        assert mark is not None
        assert (mark.uninstalled_at, mark.reason) == (first, "tokens_revoked")
        assert retention.due_for_purge(session, first + DAY) == [T1]
        assert retention.due_for_purge(session, first - dt.timedelta(seconds=1)) == []


def test_an_uninstalled_workspace_is_purged_once_its_grace_period_has_passed(
    make_services: Callable[..., Services],
) -> None:
    services = make_services(uninstall_grace_days=30)
    with services.transaction() as session:
        build_world(session)
    install(services, T1)
    install(services, T2)
    uninstalled = utcnow()
    assert jobs.mark_uninstalled(services, T1, "app_uninstalled", uninstalled)
    with services.reading() as session:
        t1_before, t2_before = team_rows(session, T1), team_rows(session, T2)
        predicted = retention.scope_counts(session, Scope(T1))

    assert jobs.run_retention(services, uninstalled + 30 * DAY - dt.timedelta(minutes=1)) == Counter()
    with services.reading() as session:
        assert team_rows(session, T1) == t1_before  # still within the grace period

    removed = jobs.run_retention(services, uninstalled + 30 * DAY + dt.timedelta(minutes=1))
    with services.reading() as session:
        assert {name: rows for name, rows in team_rows(session, T1).items() if rows} == {}
        assert retention.marked(session, T1) is None
        assert team_rows(session, T2) == t2_before
        assert_nothing_dangles(session)
    assert removed == predicted + Counter({"slack_installation": 2})
    assert jobs.run_retention(services, uninstalled + 60 * DAY) == Counter()  # nothing twice


def test_a_reinstall_within_the_grace_period_keeps_everything(
    make_services: Callable[..., Services],
) -> None:
    services = make_services(uninstall_grace_days=30)
    with services.transaction() as session:
        build_world(session)
    install(services, T1)
    uninstalled = utcnow()
    jobs.mark_uninstalled(services, T1, "app_uninstalled", uninstalled)
    install(services, T2)  # another workspace installing lifts nothing of T1's
    with services.reading() as session:
        assert retention.marked(session, T1) is not None
    install(services, T1, token="xoxb-t1-again")  # Bolt's OAuth flow saving the new installation
    with services.reading() as session:
        assert retention.marked(session, T1) is None
        before = {k: v for k, v in team_rows(session, T1).items() if not k.startswith("slack_")}

    assert jobs.run_retention(services, uninstalled + 365 * DAY) == Counter()
    with services.reading() as session:
        assert {k: v for k, v in team_rows(session, T1).items() if not k.startswith("slack_")} == before
        tokens = session.scalars(sa.select(bots.c.bot_token).where(bots.c.team_id == T1)).all()
        assert "xoxb-t1-again" in tokens

    # uninstalling again later counts from then
    again = uninstalled + 100 * DAY
    assert jobs.mark_uninstalled(services, T1, "app_uninstalled", again)
    assert jobs.run_retention(services, again + 29 * DAY) == Counter()
    assert jobs.run_retention(services, again + 31 * DAY)["share"] == 19


def test_unmark_says_whether_the_workspace_was_marked(services: Services) -> None:
    with services.transaction() as session:
        assert retention.unmark_uninstalled(session, T1) is False
        assert retention.mark_uninstalled(session, T1, "app_uninstalled", utcnow())
    with services.transaction() as session:
        assert retention.unmark_uninstalled(session, T1) is True
        assert retention.unmark_uninstalled(session, T1) is False
        assert retention.due_for_purge(session, utcnow() + 365 * DAY) == []


def test_forgetting_an_installation_takes_only_that_workspace_s_tokens(services: Services) -> None:
    install(services, T1)
    install(services, T2)
    with services.transaction() as session:
        retention.mark_uninstalled(session, T1, "app_uninstalled", utcnow())
        assert retention.forget_installation(session, T1) == Counter({"slack_installation": 2})
    with services.reading() as session:
        assert retention.marked(session, T1) is None
        assert session.scalars(sa.select(installations.c.team_id)).all() == [T2]
        assert session.scalars(sa.select(bots.c.team_id)).all() == [T2]


# --- what the operator sees ---------------------------------------------------------------------------------


def test_workspace_stats(services: Services, world: World) -> None:
    marked_at = utcnow()
    with services.transaction() as session:
        retention.mark_uninstalled(session, "T0GONE", "app_uninstalled", marked_at)
    with services.reading() as session:
        stats = {s.team: s for s in retention.workspace_stats(session)}
        assert retention.database_bytes(session) > 0
    assert set(stats) == {T1, T2, "T0GONE"}
    t1, t2, gone = stats[T1], stats[T2], stats["T0GONE"]
    assert (t1.shares, t1.articles, t1.claims, t1.uninstalled_at) == (19, 15, 18, None)
    assert (t2.shares, t2.articles, t2.claims) == (3, 2, 2)
    assert t1.oldest is not None and t1.newest is not None and t1.oldest <= t1.newest
    assert (gone.shares, gone.articles, gone.oldest, gone.uninstalled_at) == (0, 0, None, marked_at)


def test_a_purge_stops_between_steps_when_its_process_stops(services: Services, world: World) -> None:
    """The embedded clock's purge asks between steps; a stopping process leaves the rest to the next run."""
    asked: list[int] = []

    def stop() -> bool:
        asked.append(1)
        return len(asked) > 2  # two steps, then the process stops

    first = jobs.purge(services, Scope(T1), forget_installation=True, pause=0, stop=stop)
    assert first["share"] == 2 * retention.SHARES_PER_STEP
    assert "slack_installation" not in first  # the tokens go last, after everything else
    with services.reading() as session:
        assert session.scalar(sa.select(sa.func.count()).select_from(Share).where(Share.team == T1))
    rest = jobs.purge(services, Scope(T1), pause=0)
    assert rest["share"] > 0
