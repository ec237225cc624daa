"""`/claims chart QUERY`: the figures a query matches, over time, one series per source, as a PNG upload.

Which claims: `storage.search.search` with the asker's team and channel, the only gate of what a user may
see (their workspace; a private channel only from inside it; hidden claims only with include:hidden), read
newest first up to MAX_CLAIMS. Which figures of a claim: a claim may count several things ("498
servicemen killed and 1,597 wounded"); when some of its figures count a thing the query names, only those
are plotted, else all of them. Points that count different things never share a line: series are then one
per (source, counted thing), and the legend says so. Percentages, sums of money and plain counts never
share an axis: the most common unit is charted and the rest is named as left out. Where a point sits in
time is the article's published date when stored (when the figure was claimed), else the day it was
shared.

Claims by an unnamed source ("officials", "a spokesman") are kept, as one "unattributed" group drawn
without a line: leaving them out would hide figures the query matched, while drawing "officials" of one
article and "officials" of another as one series would make several speakers look like one voice.
"""

from __future__ import annotations

import logging
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

import sqlalchemy as sa
from slack_sdk import WebClient
from sqlalchemy.orm import Session

from bot.claims.figure_relations import relate
from bot.claims.figure_values import COUNT, PERCENT, figure_value, stem, unit_of
from bot.services import Services
from bot.slack.ops import UploadRefused, upload_file
from bot.views.chart import ChartPoint, ChartSeries, ChartSpec, chart_figure, figure_png
from bot.views.render import escape
from storage import figures as stored_figures
from storage.models import Article, Claim, Source
from storage.search import MAX_LIMIT, QueryError, SearchHit, SearchQuery, parse_query, search

logger = logging.getLogger(__name__)

MAX_CLAIMS = 500  # the newest matching claims read: a chart of a story, not of the whole archive
MAX_SERIES = 8  # more lines than this is a tangle; the series with the most figures are kept
UNATTRIBUTED = "unattributed"
UNATTRIBUTED_LABEL = "unattributed (several speakers, not joined)"
NAMED_KINDS = frozenset({"person", "organization"})  # a Source's kind; "unnamed" is "officials" and such
FILENAME = "claims-chart.png"

UNIT_ORDER = (COUNT, PERCENT)  # a tie between units goes to the first; currencies come after
LEFT_OUT_UNIT = {COUNT: "counts", PERCENT: "percentages"}
_WORD = re.compile(r"[^\W_]+")


@dataclass(frozen=True, slots=True)
class Figure:
    """One number a claim gives, placed: who, what it counts, in what unit, when, how bound."""

    source: str  # canonical name, or UNATTRIBUTED
    counted: str  # as the claim words it, spaces collapsed; "" when the extractor found no noun
    unit: str  # COUNT, PERCENT, or a currency sign
    day: date
    value: float
    bound: str

    @property
    def what(self) -> str:
        """What it counts, compared without case: "Russian troops" and "russian troops" are one thing."""
        return self.counted.casefold()

    @property
    def key(self) -> tuple[str, str, str, date, float, str]:
        return (self.source, self.what, self.unit, self.day, self.value, self.bound)


@dataclass(slots=True)
class ChartData:
    """What a query gives to chart, or why it gives nothing (`spec` None, `reason` the user's line)."""

    query: str
    spec: ChartSpec | None = None
    reason: str | None = None
    figures: int = 0
    sources: int = 0  # named sources charted
    unattributed: int = 0  # figures charted from unnamed sources
    first: date | None = None
    last: date | None = None
    claims: int = 0  # matching claims read
    capped: bool = False  # more claims matched than were read
    left_out: list[str] = field(default_factory=list)

    def summary(self) -> str:
        """ "12 figures from 3 sources, 2 Mar–9 Mar", with what was left out."""
        who = f"{self.sources} source{'s' if self.sources != 1 else ''}"
        if self.unattributed:
            who = f"{who} and unnamed ones" if self.sources else "unnamed sources"
        text = f"{self.figures} figures from {who}, {date_range(self.first, self.last)}"
        if self.capped:
            text += f" (the newest {MAX_CLAIMS} matching claims)"
        if self.left_out:
            text += f"; left out: {', '.join(self.left_out)}"
        return text


# --- which figures -----------------------------------------------------------------------------------


def _same_word(a: str, b: str) -> bool:
    if a == b:
        return True
    short, long = sorted((a, b), key=len)
    return len(short) >= 4 and long.startswith(short)  # "hous"(es) and "house", "casualt"...


def query_terms(q: SearchQuery) -> tuple[list[str], list[str]]:
    """The stems of the words the query looks for (words, phrases' words, OR alternatives) and its
    prefixes (kill*); excluded terms and filters name nothing a figure should count."""
    words = [*q.words, *(w for p in q.phrases for w in _WORD.findall(p))]
    prefixes = list(q.prefixes)
    for group in q.any_of:
        for term in group:
            if term.kind == "prefix":
                prefixes.append(term.text)
            else:
                words.extend(_WORD.findall(term.text))
    return [stem(w) for w in words], [p.casefold() for p in prefixes]


def counts_queried(counted: str, terms: tuple[list[str], list[str]]) -> bool:
    """Whether the thing a figure counts is one the query names ("killed" and "servicemen killed")."""
    stems, prefixes = terms
    for token in _WORD.findall(counted.casefold()):
        root = stem(token)
        if any(_same_word(root, s) for s in stems) or any(token.startswith(p) for p in prefixes):
            return True
    return False


def chosen_quantities(
    quantities: Iterable[dict[str, Any]], terms: tuple[list[str], list[str]], content: str = ""
) -> list[dict[str, Any]]:
    """The figures of one claim to plot: those counting what the query names when any does; else all of
    them when the claim's own words say what the query names ("498 servicemen were killed" for
    `killed`), or when the query names nothing (filters only). A claim that matched only through its
    article (a headline, another sentence) counts something else: "198 tanks" is no answer to
    `servicemen killed`."""
    usable = [q for q in quantities if isinstance(q, dict) and figure_value(q) is not None]
    matching = [q for q in usable if counts_queried(str(q.get("counted") or ""), terms)]
    if matching:
        return matching
    stems, prefixes = terms
    if not (stems or prefixes) or says_all(content, terms):
        return usable
    return []


def says_all(text: str, terms: tuple[list[str], list[str]]) -> bool:
    """Whether the text names every word of the query, as a search needs all of them ("servicemen
    killed": "killed at least 10 civilians" is no answer)."""
    stems, prefixes = terms
    tokens = _WORD.findall(text.casefold())
    words = {stem(t) for t in tokens}
    return all(any(_same_word(s, w) for w in words) for s in stems) and all(
        any(t.startswith(p) for t in tokens) for p in prefixes
    )


def collapse_spaces(text: str) -> str:
    return " ".join(text.split())


# --- reading -----------------------------------------------------------------------------------------


def matching_hits(
    session: Session, q: SearchQuery, *, team: str, viewer_channel: str
) -> tuple[list[SearchHit], bool]:
    """The newest MAX_CLAIMS claims the asker may see, page by page; and whether more matched."""
    hits: list[SearchHit] = []
    while len(hits) < MAX_CLAIMS:
        want = min(MAX_LIMIT, MAX_CLAIMS + 1 - len(hits))  # one more than the cap: to know it was hit
        page = search(session, q, team=team, viewer_channel=viewer_channel, limit=want, offset=len(hits))
        hits.extend(page)
        if len(page) < want:
            return hits, False
    return hits[:MAX_CLAIMS], len(hits) > MAX_CLAIMS


def claim_details(session: Session, claim_ids: Sequence[int]) -> dict[int, tuple[str | None, date | None]]:
    """Each claim's source kind and its article's published date: what a search hit does not carry.

    Read by the ids of hits `search` already let through, so visibility stays search's alone."""
    if not claim_ids:
        return {}
    rows = session.execute(
        sa.select(Claim.id, Source.kind, Article.published)
        .join(Article, Article.id == Claim.article_id)
        .outerjoin(Source, Source.id == Claim.source_id)
        .where(Claim.id.in_(sorted(set(claim_ids))))
    )
    return {claim_id: (kind, published) for claim_id, kind, published in rows}


def figures_of(session: Session, hits: Sequence[SearchHit], q: SearchQuery) -> list[Figure]:
    terms = query_terms(q)
    details = claim_details(session, [h.claim_id for h in hits])
    figures: list[Figure] = []
    for hit in hits:
        kind, published = details.get(hit.claim_id, (None, None))
        named = kind in NAMED_KINDS and bool(hit.source)
        source = hit.source if named and hit.source else UNATTRIBUTED
        day = published or hit.shared_at.date()
        for quantity in chosen_quantities(hit.quantities, terms, hit.content):
            bound = str(quantity.get("bound") or "exact")
            figures.append(
                Figure(
                    source=source,
                    counted=collapse_spaces(str(quantity.get("counted") or "")),
                    unit=unit_of(quantity),
                    day=day,
                    value=figure_value(quantity) or 0.0,
                    bound=bound,
                )
            )
    # The same wire copy in several outlets gives the same figure several times: one point is enough.
    seen: set[tuple[str, str, str, date, float, str]] = set()
    unique = []
    for f in figures:
        if f.key not in seen:
            seen.add(f.key)
            unique.append(f)
    return unique


# --- shaping -----------------------------------------------------------------------------------------


def _unit_rank(unit: str) -> int:
    return UNIT_ORDER.index(unit) if unit in UNIT_ORDER else len(UNIT_ORDER)


def _plural(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


def _left_out_units(units: Counter[str]) -> list[str]:
    out = []
    for unit, n in sorted(units.items(), key=lambda item: (_unit_rank(item[0]), item[0])):
        if unit in LEFT_OUT_UNIT:
            out.append(_plural(n, LEFT_OUT_UNIT[unit].removesuffix("s"), LEFT_OUT_UNIT[unit]))
        else:
            out.append(_plural(n, f"sum in {unit}", f"sums in {unit}"))
    return out


def _y_label(unit: str, figures: Sequence[Figure]) -> str:
    if unit == PERCENT:
        return "percent"
    several = len({f.what for f in figures}) > 1
    what = "" if several else figures[0].counted
    if unit != COUNT:
        return f"amount in {unit}" + (f" ({what})" if what else "")
    if several:
        return "number (what each series counts: see legend)"
    return what or "number"


def shape_chart(query: str, figures: Sequence[Figure], *, claims: int = 0) -> ChartData:
    """Series from figures: one unit, one series per source (per source and counted thing when they
    differ), at most MAX_SERIES; or, in `reason`, why there is nothing to chart."""
    data = ChartData(query=query, claims=claims)
    shown_query = f"“{escape(query)}”"
    if not figures:
        if not claims:
            data.reason = f"No claims match {shown_query}: nothing to chart."
        elif claims == 1:
            data.reason = f"The one claim matching {shown_query} gives no figure to chart."
        else:
            data.reason = f"None of the {claims} claims matching {shown_query} gives a figure to chart."
        return data
    units = Counter(f.unit for f in figures)
    unit = min(units, key=lambda u: (-units[u], _unit_rank(u), u))
    del units[unit]
    data.left_out.extend(_left_out_units(units))
    figures = [f for f in figures if f.unit == unit]
    if len(figures) == 1:
        data.reason = f"Only one figure matches {shown_query} ({_describe(figures[0])}): a chart needs two."
        return data
    by_counted = len({f.what for f in figures}) > 1

    groups: dict[tuple[str, str], list[Figure]] = {}
    for f in figures:
        groups.setdefault((f.source, f.what if by_counted else ""), []).append(f)
    ranked = sorted(groups.items(), key=lambda item: (-len(item[1]), item[0][0] == UNATTRIBUTED, item[0]))
    kept, dropped = ranked[:MAX_SERIES], ranked[MAX_SERIES:]
    if dropped:
        n = sum(len(fs) for _, fs in dropped)
        data.left_out.append(f"{len(dropped)} smaller series ({_plural(n, 'figure', 'figures')})")
    shown = [f for _, fs in kept for f in fs]  # two or more: MAX_SERIES series of one figure at least
    series = []
    for (source, _), fs in kept:
        name = UNATTRIBUTED_LABEL if source == UNATTRIBUTED else source
        if by_counted:
            name = f"{name} — {fs[0].counted or 'unnamed count'}"
        points = [ChartPoint(day=f.day, value=f.value, bound=f.bound) for f in fs]
        series.append(ChartSeries(name=name, points=points, connected=source != UNATTRIBUTED))
    data.spec = ChartSpec(
        title=f"Figures for “{query}”",
        y_label=_y_label(unit, shown),
        series=series,
        legend_title="source — what it counts" if by_counted else "source",
        percent=unit == PERCENT,
        note=f"Left out: {', '.join(data.left_out)}." if data.left_out else None,
    )
    data.figures = len(shown)
    data.sources = len({f.source for f in shown if f.source != UNATTRIBUTED})
    data.unattributed = sum(f.source == UNATTRIBUTED for f in shown)
    data.first, data.last = min(f.day for f in shown), max(f.day for f in shown)
    return data


def _describe(f: Figure) -> str:
    """ "Igor Konashenkov, 498 servicemen, 2 Mar" """
    value = f"{f.value:,.10g}" + ("%" if f.unit == PERCENT else "")
    if f.unit not in (COUNT, PERCENT):
        value = f.unit + value
    what = " ".join(part for part in (value, "" if f.unit == PERCENT else f.counted) if part)
    who = "unnamed source" if f.source == UNATTRIBUTED else f.source
    return escape(f"{who}, {what}, {short_date(f.day)}")


def chart_data(session: Session, query: str, *, team: str, viewer_channel: str) -> ChartData:
    """The chart of a query as the asker may see it; raises QueryError for a query we cannot run."""
    q = parse_query(query)
    hits, capped = matching_hits(session, q, team=team, viewer_channel=viewer_channel)
    data = shape_chart(query, figures_of(session, hits, q), claims=len(hits))
    data.capped = capped
    return data


def short_date(day: date, *, year: bool = False) -> str:
    return f"{day.day} {day:%b}" + (f" {day.year}" if year else "")


def date_range(first: date | None, last: date | None) -> str:
    """ "2 Mar–9 Mar"; with years when it spans two of them; one date for one day."""
    if first is None or last is None:
        return ""
    years = first.year != last.year
    if first == last:
        return short_date(first)
    return f"{short_date(first, year=years)}–{short_date(last, year=years)}"


# --- the command --------------------------------------------------------------------------------------


def build_chart(services: Services, *, team: str, channel: str, query: str) -> ChartData:
    with services.reading() as session:
        return chart_data(session, query, team=team, viewer_channel=channel)


def post_chart(
    services: Services,
    client: WebClient,
    *,
    team: str,
    channel: str,
    user: str,
    query: str,
    thread_ts: str | None = None,
) -> str:
    """Chart a query and upload it where it was asked; return the asker's one-line (ephemeral) answer.

    The upload is seen by everyone in the conversation, which is why the search runs as from inside it.
    """
    query = query.strip()
    if not query:
        return ":warning: Say what to chart, e.g. `/claims chart killed source:Konashenkov`."
    try:
        data = build_chart(services, team=team, channel=channel, query=query)
    except QueryError as exc:
        return f":warning: {escape(str(exc))}. Try `/claims help`."
    if data.spec is None:
        return data.reason or "Nothing to chart."
    png = figure_png(chart_figure(data.spec))
    summary = escape(data.summary())
    try:
        upload_file(
            client,
            channel,
            filename=FILENAME,
            title=f"Claims chart: {query}"[:250],
            content=png,
            initial_comment=f"Figures for “{escape(query)}”, charted for <@{user}>: {summary}.",
            thread_ts=thread_ts,
        )
    except UploadRefused as exc:  # upload_file logged Slack's own error
        return f":warning: Could not post the chart: {exc.reason}."
    logger.info(
        "chart posted in %s (%s): %d figures, %d claims read", channel, team, data.figures, data.claims
    )
    return f":bar_chart: Charted {summary}."


# --- a digest's chart of a tracked figure --------------------------------------------------------------

TRACKED_DAYS = 30  # a tracked figure's chart shows this many days up to the digest's
CHANGED = frozenset({"update", "differs"})


@dataclass(frozen=True, slots=True)
class TrackedChart:
    spec: ChartSpec
    what: str  # "Russian servicemen killed"
    figures: int


def tracked_chart(
    session: Session, *, team: str, channel: str, claim_ids: Sequence[int]
) -> TrackedChart | None:
    """The chart a digest attaches when a figure tracked in the channel changed that day: among the day's
    claims, the measure whose figure moved on or differs from an earlier one the channel saw (the one
    with most such lines), drawn over the TRACKED_DAYS days up to it, one series per source. None when no
    figure changed, or the measure has fewer than two points."""
    earlier = stored_figures.earlier_figures(
        session, claim_ids=claim_ids, team=team, viewer_channel=channel, relate=relate
    )
    moved = [line for lines in earlier.values() for line in lines if line.relation in CHANGED]
    if not moved:
        return None
    changed = Counter(line.figure.measure for line in moved)
    measure, _ = max(changed.items(), key=lambda item: (item[1], item[0]))
    # The figures' own days (their articles' dates), not the digest's: an article shared today may be
    # about last month; the chart ends at the newest figure that changed.
    last = max(line.new_figure.day for line in moved if line.figure.measure == measure)
    rows = stored_figures.visible_figures(
        session,
        measure=measure,
        team=team,
        viewer_channel=channel,
        first=last - timedelta(days=TRACKED_DAYS),
        last=last,
        cap=MAX_CLAIMS,
    )
    if len(rows) < 2:
        return None
    newest = max(rows, key=lambda row: (row[0].day, row[0].id))[0]
    what = collapse_spaces(newest.label.replace(newest.text, "", 1)) or newest.label
    by_source: dict[str, list[ChartPoint]] = {}
    for figure, source in rows:
        by_source.setdefault(source or UNATTRIBUTED_LABEL, []).append(
            ChartPoint(figure.day, figure.value, figure.bound)
        )
    series = [
        ChartSeries(name, sorted(set(points), key=lambda p: (p.day, p.value)), name != UNATTRIBUTED_LABEL)
        for name, points in sorted(by_source.items())
    ]
    percent = measure.removeprefix("projected:").split("/", 1)[0] == "percent"
    spec = ChartSpec(title=f"Tracked: {what}", y_label=what, series=series[:MAX_SERIES], percent=percent)
    return TrackedChart(spec, what, sum(len(s.points) for s in spec.series))  # a wire copy's figure once
