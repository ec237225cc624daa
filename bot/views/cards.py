"""What a reader sees of an article: its shown claims, in order, each once (threads, digests, App Home,
the CLI). Pure: built from the extractor's claims or from stored rows already loaded."""

from __future__ import annotations

from collections.abc import Sequence

from bot.claims import Claim
from bot.reading.article import ArticleText
from bot.views.render import ArticleCard, ClaimLine
from storage import models, repository


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


def stored_card(article: models.Article, claims: Sequence[models.Claim]) -> ArticleCard:
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
        article_id=article.id,
    )


def card_from_shared(item: repository.SharedArticle) -> ArticleCard:
    """A card for an article with its claims already loaded (digests, App Home)."""
    return stored_card(item.article, item.claims)


def claim_line(claim: models.Claim) -> ClaimLine:
    return ClaimLine(
        content=claim.content,
        source=claim.source.name if claim.source else None,
        role=claim.role or (claim.source.role if claim.source else None),
        cue=claim.cue,
        kind=claim.kind,
    )
