"""Cards of stored articles, read in one read-only unit (the reply step, the CLI)."""

from __future__ import annotations

from sqlalchemy.orm import Session

from bot.services import Services
from bot.views.cards import stored_card
from bot.views.render import ArticleCard
from storage import models, repository


def card_from_stored(session: Session, article: models.Article) -> ArticleCard:
    return stored_card(article, repository.article_claims(session, article.id))


def card_for(services: Services, article_id: int) -> ArticleCard:
    """The card of a stored article, from its stored rows (what a thread, a digest or the CLI shows)."""
    with services.reading() as session:
        return card_from_stored(session, repository.get_article(session, article_id))
