"""One article's way through the product: fetch -> article -> claims -> SQL, and back out as a card.

The CLI and the Slack worker both call these functions, so what ``claimbot ingest`` stores is what a
shared link stores.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy.orm import Session

from bot.article import ArticleError, ArticleText, article_from_page
from bot.claims import Claim, extract_claims
from bot.config import Settings
from bot.fetch import FetchError, fetch, normalize_url
from bot.render import ArticleCard, ClaimLine
from bot.services import Services, with_db_retry
from storage import models, repository
from storage.records import NewArticle, NewClaim, NewSource

logger = logging.getLogger(__name__)


class InputError(Exception):
    """Input the product cannot use; ``reason`` is one line fit to show the user."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


USER_ERRORS: tuple[type[Exception], ...] = (FetchError, ArticleError, InputError)


def reason_of(exc: Exception) -> str:
    """The one-line explanation a user sees; internal errors never leak their details."""
    if isinstance(exc, USER_ERRORS):
        return str(getattr(exc, "reason", None) or exc)
    return "something went wrong on our side while reading it; the operator has the details"


@dataclass(frozen=True, slots=True)
class Ingested:
    article_id: int
    created: bool


def read_url(url: str, settings: Settings) -> ArticleText:
    return article_from_page(fetch(url, settings))


def analyse(nlp: object, article: ArticleText) -> list[Claim]:
    return extract_claims(nlp, article.text, title=article.title, author=article.author, genre=article.genre)


def to_records(article: ArticleText, claims: Sequence[Claim], url: str) -> tuple[NewArticle, list[NewClaim]]:
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


def outermost(spans: Sequence[tuple[int, int, str | None]]) -> list[int]:
    """Indexes of the claims not inside another claim of the same source.

    A participle cue ("..., explaining that ...") yields a claim nested in its parent's content; a
    reader should see those words once. Search still finds both.
    """
    keep = []
    for i, (start, end, source) in enumerate(spans):
        nested = any(
            j != i
            and other_source == source
            and other_start <= start
            and end <= other_end
            and ((other_start, other_end) != (start, end) or j < i)
            for j, (other_start, other_end, other_source) in enumerate(spans)
        )
        if not nested:
            keep.append(i)
    return keep


def readable(spans: Sequence[tuple[int, int, str | None]], shown: Sequence[bool]) -> list[int]:
    """Indexes of the claims a reader sees, in order: shown ones, each once (`outermost` among them).

    Claims kept only for recall (a belief, an intention, ...) are left out before folding, so a shown claim
    inside a hidden one of the same source is still listed.
    """
    visible = [i for i, is_shown in enumerate(shown) if is_shown]
    return [visible[k] for k in outermost([spans[i] for i in visible])]


def thread_claims(claims: Sequence[Claim]) -> list[Claim]:
    """The claims a thread, a digest or App Home shows, in order: shown ones, nested repeats folded."""
    keep = readable([(*c.content_span, c.source) for c in claims], [c.shown for c in claims])
    return [claims[i] for i in keep]


def card_from_claims(article: ArticleText, claims: Sequence[Claim], url: str | None = None) -> ArticleCard:
    shown = thread_claims(claims)
    return ArticleCard(
        title=article.title or url or "Untitled",
        url=article.canonical_url or url,
        site=article.site,
        published=article.published,
        claims=[
            ClaimLine(content=c.content, source=c.source, role=c.role, cue=c.cue, kind=c.kind) for c in shown
        ],
        total_claims=len(shown),
    )


def _stored_card(article: models.Article, claims: Sequence[models.Claim]) -> ArticleCard:
    """A card of stored claims (threads, digests, App Home), keeping what `thread_claims` keeps."""
    spans = [(c.start, c.end, c.source.name if c.source else None) for c in claims]
    shown = [claims[i] for i in readable(spans, [c.shown for c in claims])]
    return ArticleCard(
        title=article.title,
        url=article.canonical_url,
        site=article.site,
        published=article.published,
        claims=[claim_line(c) for c in shown],
        total_claims=len(shown),
    )


def card_from_stored(session: Session, article: models.Article) -> ArticleCard:
    return _stored_card(article, repository.article_claims(session, article.id))


def card_from_shared(item: repository.SharedArticle) -> ArticleCard:
    """A card for an article with its claims already loaded (digests, App Home)."""
    return _stored_card(item.article, item.claims)


def claim_line(claim: models.Claim) -> ClaimLine:
    return ClaimLine(
        content=claim.content,
        source=claim.source.name if claim.source else None,
        role=claim.role or (claim.source.role if claim.source else None),
        cue=claim.cue,
        kind=claim.kind,
    )


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
    canonical = article.canonical_url or normalize_url(url)
    if canonical != url:  # the page names its canonical URL: shared before under another link?
        known = with_db_retry(lambda: known_article(services, canonical), attempts)
        if known is not None:
            return Ingested(known, created=False)
    new_article, records = to_records(article, analyse(services.nlp, article), url)

    def store() -> Ingested:
        with services.transaction() as session:
            row, created = repository.store_article(session, new_article, records)
            return Ingested(row.id, created)

    return with_db_retry(store, attempts)


def card_for(services: Services, article_id: int) -> ArticleCard:
    """The card of a stored article, from its stored rows (what a thread, a digest or the CLI shows)."""
    with services.reading() as session:
        return card_from_stored(session, repository.get_article(session, article_id))
