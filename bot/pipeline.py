"""One article's way into the database: read (bot/reading) -> claims (bot/claims) -> one short store.

The CLI and the share job both call ``ingest``, so what ``claimbot ingest`` stores is what a shared link
stores. It returns ids, never cards: what a reader sees is built from the stored rows (bot/views).
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.orm import Session

from bot.claims import Claim, extract_claims
from bot.claims.measures import measure_figures
from bot.reading.article import ArticleText, extract_article, read_url
from bot.reading.copies import (
    MIN_SHARED_ANCHORS,
    SAME_STORY,
    Fingerprint,
    containment,
    fingerprint,
    shingle_hashes,
    wire_agency,
)
from bot.reading.fetch import tls_context
from bot.reading.urls import normalize_url
from bot.services import Services, with_db_retry
from storage import models, repository, stories
from storage.figures import NewFigure, store_figures
from storage.records import NewArticle, NewClaim, NewSource

logger = logging.getLogger(__name__)

WARM_UP_PAGE = Path(__file__).resolve().parent / "samples" / "seed-russian-losses.html"


@dataclass(frozen=True, slots=True)
class Ingested:
    article_id: int
    created: bool


def analyse(nlp: object, article: ArticleText) -> list[Claim]:
    return extract_claims(nlp, article.text, title=article.title, author=article.author, genre=article.genre)


def warm_up(nlp: object) -> None:
    """Take one sample page through the pure steps of ``ingest`` (trafilatura, the extractor and the
    figures) and load the CA bundle, in a process about to fork: gunicorn's master, a
    Celery worker before its pool starts. The children inherit it all, so the first share each one takes
    costs what the hundredth does, not 0.1-0.3 s more. Opens no connection and starts no thread."""
    article = extract_article(WARM_UP_PAGE.read_bytes(), url="https://claimbot.invalid/warm-up")
    new_article, records = to_records(article, analyse(nlp, article), "https://claimbot.invalid/warm-up")
    figure_records(new_article, records)
    tls_context()


def to_records(
    article: ArticleText,
    claims: Sequence[Claim],
    url: str,
    *,
    story: int | None = None,
    anchors: Sequence[int] = (),
) -> tuple[NewArticle, list[NewClaim]]:
    """Translate the extractor's output into storage's records (storage imports nothing of ours)."""
    canonical = article.canonical_url or normalize_url(url)
    new_article = NewArticle(
        url=url,
        canonical_url=canonical,
        title=article.title or canonical,
        site=article.site,
        byline=article.byline,
        published=article.published,
        text=article.text,
        story_id=story,
        wire=wire_agency(article.text, article.byline),
        anchors=tuple(anchors),
    )
    text = article.text
    records = []
    for claim in claims:
        start, end = claim.content_span
        s_start, s_end = claim.sentence_span
        source = (
            NewSource(
                name=claim.source,
                kind=claim.source_kind or "unnamed",
                role=claim.role,
                aliases=tuple(claim.source_aliases),
            )
            if claim.source
            else None
        )
        records.append(
            NewClaim(
                content=claim.content,
                start=start,
                end=end,
                kind=claim.kind,
                sentence=text[s_start:s_end] if s_end > s_start else claim.content,
                salience=claim.salience,
                source=source,
                source_mention=claim.source_mention,
                source_start=claim.source_span[0] if claim.source_span else None,
                source_end=claim.source_span[1] if claim.source_span else None,
                role=claim.role,
                cue=claim.cue,
                cue_start=claim.cue_span[0] if claim.cue_span else None,
                cue_end=claim.cue_span[1] if claim.cue_span else None,
                quantities=[
                    {"value": q.value, "text": q.text, "counted": q.counted, "bound": q.bound}
                    for q in claim.quantities
                ],
                entities=list(claim.entities),
                shown=claim.shown,
                act=claim.act,
            )
        )
    return new_article, records


def story_of(services: Services, copy: Fingerprint) -> int | None:
    """The story a new text belongs to: the stored article it is a copy of (the closest of the candidates
    sharing its anchors), or None for a new story. Read-only, before the store: two copies stored at the
    same moment may each start a story; the next copy joins the first."""
    with services.reading() as session:
        candidates = stories.copy_candidates(session, copy.anchors, min_shared=MIN_SHARED_ANCHORS)
        scored = [(containment(copy.shingles, shingle_hashes(c.text)), c) for c in candidates]
    best = max(scored, key=lambda pair: (pair[0], -pair[1].story), default=None)
    return best[1].story if best is not None and best[0] >= SAME_STORY else None


def figure_records(article: NewArticle, records: Sequence[NewClaim]) -> list[NewFigure]:
    """The measured figures of the shown claims (bot/claims/measures.py), by claim rank: what a later
    thread's "Earlier: ..." line looks up. Pure: computed before the store, with no transaction open."""
    year = (article.published or dt.datetime.now(dt.UTC).date()).year
    figures = []
    for rank, record in enumerate(records, start=1):
        if not record.shown or not record.quantities:
            continue
        source = record.source.name if record.source is not None else None
        measured = measure_figures(
            record.quantities, record.content, entities=record.entities, source=source, year=year
        )
        figures += [
            NewFigure(rank, m.measure.key, m.measure.detail, m.value, m.low, m.high, m.bound, m.text, m.label)
            for m in measured
            if m is not None
        ]
    return figures


def stored_article_for(session: Session, url: str) -> models.Article | None:
    """An article already read from this link, so a re-shared link costs no fetch and no NLP."""
    return repository.find_article(session, normalize_url(url)) or repository.find_article(session, url)


def known_article(services: Services, url: str) -> int | None:
    with services.reading() as session:
        article = stored_article_for(session, url)
        return article.id if article is not None else None


def ingest(
    services: Services, url: str, article: ArticleText | None = None, *, attempts: int = 3
) -> Ingested:
    """A link (or an article already read from a file) to stored claims; returns the article's id.

    The page is read and analysed with no transaction open: a slow page or a long analysis holds no lock
    and no connection. Only the store at the end is a transaction, short, and the only thing retried when
    the database drops the connection or reports a deadlock. Errors leave the database as it was.
    """
    known = with_db_retry(lambda: known_article(services, url), attempts)
    if known is not None:
        return Ingested(known, created=False)
    if article is None:
        article = read_url(url, services.settings)
    canonical = article.canonical_url
    if canonical and canonical not in (url, normalize_url(url)):  # shared before under its canonical URL?
        known = with_db_retry(lambda: known_article(services, canonical), attempts)
        if known is not None:
            return Ingested(known, created=False)
    with services.analysis_lock:
        claims = analyse(services.nlp, article)
    copy = fingerprint(article.text)
    story = with_db_retry(lambda: story_of(services, copy), attempts)
    new_article, records = to_records(article, claims, url, story=story, anchors=copy.anchors)
    figures = figure_records(new_article, records)

    def store() -> Ingested:
        with services.transaction() as session:
            row, created = repository.store_article(session, new_article, records)
            if created:
                store_figures(session, row, figures)
            return Ingested(row.id, created)

    return with_db_retry(store, attempts)
