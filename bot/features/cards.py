"""Cards of stored articles, read in one read-only unit (the reply step, the CLI)."""

from __future__ import annotations

from sqlalchemy.orm import Session

from bot.services import Services
from bot.views.cards import stored_card, story_card
from bot.views.render import ArticleCard
from storage import models, repository, stories


def card_from_stored(session: Session, article: models.Article) -> ArticleCard:
    return stored_card(article, repository.article_claims(session, article.id))


def card_for(services: Services, article_id: int) -> ArticleCard:
    """The card of a stored article, from its stored rows (what a thread, a digest or the CLI shows)."""
    with services.reading() as session:
        return card_from_stored(session, repository.get_article(session, article_id))


def reply_card(session: Session, article: models.Article, share: models.Share) -> ArticleCard:
    """A thread's card of a shared article: a copy of a story shared before (in this workspace, where the
    sharer's channel may see it) points at that share and lists only the claims it adds."""
    claims = repository.article_claims(session, article.id)
    earlier = stories.earlier_share(
        session, article=article, team=share.team, viewer_channel=share.channel, before=share.created_at
    )
    if earlier is None:
        return stored_card(article, claims)
    return story_card(article, claims, earlier, repository.article_claims(session, earlier.article_id))
