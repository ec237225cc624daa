"""Claims' figures by measure and day, and the earlier figures of the same measure a new claim's thread may
show ("Earlier: Russian Defense Ministry — 498 servicemen killed (2 Mar, #news)").

What a figure measures and how two relate are the rules of bot/claims/measures.py and figure_relations.py;
this module stores the rows and finds candidates. `earlier_figures` takes those rules as its `relate` argument
(storage imports nothing of ours), so what "same", "differs" and "update" mean is said in one place.

Visibility is search's, to the letter (`storage.search._conditions`): an earlier figure shows only when its
claim has a search entry the viewer may see: the viewer's workspace, a private channel only from inside it,
shown claims only. Figures of the new claim's own article never count as earlier.

Speed: one statement per measure among the new claims' figures, reading the (measure, day, id) index range
of the window newest first, each candidate checked for a visible entry through search_entry's claim_id
index, at most CANDIDATES rows; then one statement for the chosen rows' source names and one for their
newest visible share. bench/figures.py times it at 1M claims.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable, Hashable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from storage.models import Article, Claim, ClaimFigure, SearchEntry, Share, Source
from storage.search import _conditions, _Shape

__all__ = [
    "CANDIDATES",
    "PER_CLAIM",
    "WINDOW_DAYS",
    "EarlierFigure",
    "NewFigure",
    "Relate",
    "StoredFigure",
    "earlier_figures",
    "figures_of",
    "store_figures",
]

WINDOW_DAYS = 7  # how far apart (either way) two figures' days may be to be shown together
PER_CLAIM = 2  # lines under one claim: more is a table, not a context line
CANDIDATES = 50  # newest figures of one measure read per look-up; the relation keeps fewer
DIFFERS = "differs"


@dataclass(frozen=True, slots=True)
class NewFigure:
    """A measured figure to store, before its claim has an id: `rank` is the claim's rank in its article
    (1 first, the order store_article keeps)."""

    rank: int
    measure: str
    detail: str
    value: float
    low: float
    high: float | None
    bound: str
    text: str
    label: str


@dataclass(frozen=True, slots=True)
class StoredFigure:
    """A stored figure as the comparison reads it (bot.claims.figure_relations.Comparable): `source` is its
    claim's source id."""

    id: int
    claim_id: int
    article_id: int
    measure: str
    detail: str
    value: float
    low: float
    high: float | None
    bound: str
    text: str
    label: str
    day: dt.date
    source: Hashable | None


Relate = Callable[[StoredFigure, StoredFigure], str | None]


@dataclass(frozen=True, slots=True)
class EarlierFigure:
    """An earlier figure to show under a new claim: how it relates to the new claim's figure (`relation`:
    "same", "differs" or "update"), who gave it, when, and where the viewer saw it."""

    claim_id: int  # the new claim the line goes under
    figure: StoredFigure  # the earlier figure
    new_figure: StoredFigure  # the new claim's figure it was compared with
    relation: str
    source: str | None  # the earlier claim's source, by its canonical name
    channel: str | None
    channel_name: str | None
    permalink: str | None  # our reply in the thread where it was shared
    article_url: str
    article_title: str

    @property
    def day(self) -> dt.date:
        return self.figure.day


# --- storing ---------------------------------------------------------------------------------------------


def store_figures(session: Session, article: Article, figures: Sequence[NewFigure]) -> int:
    """Store an article's measured figures, in the transaction that stored its claims; returns how many.

    Each row takes its claim's id and source from the stored claim of that rank, and its day from the
    article: published, else the day it was fetched. Figures of a rank with no stored claim are dropped."""
    if not figures:
        return 0
    claims = {
        rank: (claim_id, source_id)
        for claim_id, rank, source_id in session.execute(
            sa.select(Claim.id, Claim.rank, Claim.source_id).where(Claim.article_id == article.id)
        )
    }
    day = article.published or article.fetched_at.date()
    rows = [
        {
            "claim_id": claims[f.rank][0],
            "article_id": article.id,
            "source_id": claims[f.rank][1],
            "measure": f.measure[:200],
            "detail": f.detail[:200],
            "value": f.value,
            "low": f.low,
            "high": f.high,
            "bound": f.bound[:16],
            "text": f.text[:200],
            "label": f.label[:400],
            "day": day,
        }
        for f in figures
        if f.rank in claims
    ]
    if rows:
        session.execute(sa.insert(ClaimFigure), rows)
    return len(rows)


def figures_of(session: Session, claim_ids: Iterable[int]) -> list[StoredFigure]:
    """The stored figures of these claims, by claim and then in the order they were stored."""
    ids = sorted(set(claim_ids))
    if not ids:
        return []
    stmt = (
        sa.select(ClaimFigure)
        .where(ClaimFigure.claim_id.in_(ids))
        .order_by(ClaimFigure.claim_id, ClaimFigure.id)
    )
    return [_stored(row) for row in session.scalars(stmt)]


def _stored(row: ClaimFigure | sa.Row[Any]) -> StoredFigure:
    return StoredFigure(
        id=row.id,
        claim_id=row.claim_id,
        article_id=row.article_id,
        measure=row.measure,
        detail=row.detail,
        value=row.value,
        low=row.low,
        high=row.high,
        bound=row.bound,
        text=row.text,
        label=row.label,
        day=row.day,
        source=row.source_id,
    )


# --- looking up ------------------------------------------------------------------------------------------


def earlier_figures(
    session: Session,
    *,
    claim_ids: Sequence[int],
    team: str | None,
    viewer_channel: str | None,
    relate: Relate,
    window_days: int = WINDOW_DAYS,
    limit: int = PER_CLAIM,
    exclude_articles: Sequence[int] = (),
) -> dict[int, list[EarlierFigure]]:
    """For each of `claim_ids` (a thread's shown claims), the earlier figures of the same measure the viewer
    may see, newest first, at most `limit` per claim: claim id -> lines (claims with none are left out).

    Candidates are the figures of the same measure whose day is within `window_days` of the new figure's,
    outside its article, visible as search sees them from `viewer_channel` in `team` (None: the operator,
    every workspace). `relate(new, earlier)` (bot.claims.figure_relations.relate) says how each relates, or
    None: not shown. `exclude_articles` are never earlier either (the other copies of the claim's story). One
    line per earlier claim and per figure as given (the same wire figure in three outlets is one line); a
    figure that differs always keeps its place among the `limit`."""
    new = figures_of(session, claim_ids)
    if not new or limit <= 0:
        return {}
    shape = _Shape(
        dialect=session.get_bind().dialect.name,
        team=team is not None,
        viewer_channel=team is not None and viewer_channel is not None,
    )
    visibility = {"team": team, "viewer_channel": viewer_channel}
    found: dict[int, list[tuple[StoredFigure, StoredFigure, str]]] = {}
    by_measure: dict[tuple[str, int], list[StoredFigure]] = {}
    for figure in new:
        by_measure.setdefault((figure.measure, figure.article_id), []).append(figure)
    window = dt.timedelta(days=max(0, window_days))
    for (measure, article_id), figures in by_measure.items():
        days = [f.day for f in figures]
        params = {
            **visibility,
            "measure": measure,
            "first": min(days) - window,
            "last": max(days) + window,
            "own": [article_id, *exclude_articles],
            "cap": CANDIDATES,
        }
        candidates = [_stored(row) for row in session.execute(_candidates(shape), params)]
        for figure in figures:
            for earlier in candidates:
                if abs((earlier.day - figure.day).days) > window.days:
                    continue
                relation = relate(figure, earlier)
                if relation is not None:
                    found.setdefault(figure.claim_id, []).append((figure, earlier, relation))
    chosen = {claim_id: _pick(lines, limit) for claim_id, lines in found.items()}
    return _described(session, chosen, shape, visibility)


def visible_figures(
    session: Session,
    *,
    measure: str,
    team: str | None,
    viewer_channel: str | None,
    first: dt.date,
    last: dt.date,
    cap: int = CANDIDATES,
) -> list[tuple[StoredFigure, str | None]]:
    """The newest `cap` figures of one measure with a day in [first, last] the viewer may see, each with
    its source's name (None: unnamed): what a digest's chart of a tracked figure draws."""
    shape = _Shape(
        dialect=session.get_bind().dialect.name,
        team=team is not None,
        viewer_channel=team is not None and viewer_channel is not None,
    )
    params = {"team": team, "viewer_channel": viewer_channel, "measure": measure, "first": first,
              "last": last, "own": [-1], "cap": cap}  # fmt: skip
    found = [_stored(row) for row in session.execute(_candidates(shape), params)]
    source_ids = sorted({f.source for f in found if isinstance(f.source, int)})
    names: dict[int, str] = {}
    if source_ids:
        rows = session.execute(sa.select(Source.id, Source.name).where(Source.id.in_(source_ids)))
        names = {source_id: name for source_id, name in rows}
    return [(f, names.get(f.source) if isinstance(f.source, int) else None) for f in found]


def _pick(
    lines: list[tuple[StoredFigure, StoredFigure, str]], limit: int
) -> list[tuple[StoredFigure, StoredFigure, str]]:
    """The lines under one claim: newest first, one per earlier claim and per figure as given, a figure
    that differs first to be kept."""
    lines = sorted(lines, key=lambda line: (line[1].day, line[1].id), reverse=True)
    seen_claims: set[int] = set()
    seen_figures: set[tuple[Hashable | None, str, str]] = set()
    unique = []
    for line in lines:
        earlier = line[1]
        said = (earlier.source, earlier.text.casefold(), earlier.measure)
        if earlier.claim_id in seen_claims or said in seen_figures:
            continue
        seen_claims.add(earlier.claim_id)
        seen_figures.add(said)
        unique.append(line)
    differing = [line for line in unique if line[2] == DIFFERS][:1]
    kept = differing + [line for line in unique if line not in differing][: limit - len(differing)]
    return sorted(kept, key=lambda line: (line[1].day, line[1].id), reverse=True)[:limit]


@functools.lru_cache(maxsize=16)
def _candidates(shape: _Shape) -> sa.Select[Any]:
    """The newest `cap` figures of `measure` with a day in [first, last], outside the articles `own`, whose
    claim the viewer may see (search's conditions on one of its entries)."""
    f = ClaimFigure.__table__
    e = SearchEntry.__table__
    visible = sa.exists().where(e.c.claim_id == f.c.claim_id, *_conditions(shape))
    return (
        sa.select(f)
        .where(
            f.c.measure == sa.bindparam("measure", type_=sa.String),
            f.c.day.between(sa.bindparam("first", type_=sa.Date), sa.bindparam("last", type_=sa.Date)),
            f.c.article_id.not_in(sa.bindparam("own", expanding=True, type_=sa.Integer)),
            visible,
        )
        .order_by(f.c.measure.desc(), f.c.day.desc(), f.c.id.desc())
        .limit(sa.bindparam("cap", type_=sa.Integer))
    )


def _described(
    session: Session,
    chosen: dict[int, list[tuple[StoredFigure, StoredFigure, str]]],
    shape: _Shape,
    visibility: dict[str, Any],
) -> dict[int, list[EarlierFigure]]:
    """The lines with their source names and the newest share of each earlier claim the viewer may see."""
    earlier = [line[1] for lines in chosen.values() for line in lines]
    if not earlier:
        return {}
    source_ids = sorted({f.source for f in earlier if isinstance(f.source, int)})
    names: dict[int, str] = {}
    if source_ids:
        names = {
            sid: name
            for sid, name in session.execute(
                sa.select(Source.id, Source.name).where(Source.id.in_(source_ids))
            )
        }
    claim_ids = sorted({f.claim_id for f in earlier})
    e = SearchEntry.__table__
    rows = session.execute(
        sa.select(
            e.c.claim_id,
            e.c.channel,
            Share.channel_name,
            Share.permalink,
            Article.canonical_url,
            Article.title,
        )
        .join(Article, Article.id == e.c.article_id)
        .outerjoin(Share, Share.id == e.c.share_id)
        .where(e.c.claim_id.in_(claim_ids), *_conditions(shape))
        .order_by(e.c.id.desc()),
        visibility,
    )
    where: dict[int, tuple[str | None, str | None, str | None, str, str]] = {}
    for claim_id, channel, channel_name, permalink, url, title in rows:
        where.setdefault(claim_id, (channel, channel_name, permalink, url, title))
    out: dict[int, list[EarlierFigure]] = {}
    for claim_id, lines in chosen.items():
        for new_figure, figure, relation in lines:
            if figure.claim_id not in where:  # its entry went between the two statements (a purge)
                continue
            channel, channel_name, permalink, url, title = where[figure.claim_id]
            out.setdefault(claim_id, []).append(
                EarlierFigure(
                    claim_id=claim_id,
                    figure=figure,
                    new_figure=new_figure,
                    relation=relation,
                    source=names.get(figure.source) if isinstance(figure.source, int) else None,
                    channel=channel,
                    channel_name=channel_name,
                    permalink=permalink,
                    article_url=url,
                    article_title=title,
                )
            )
    return out
