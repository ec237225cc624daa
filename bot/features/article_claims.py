"""The "Show all N claims" button of a thread: every claim the thread shows of an article, paged.

Visibility follows where the click happened (the workspace and channel of the payload), as for `/claims`:
an article is listed only if it was shared in that workspace, publicly or in that very channel.
"""

from __future__ import annotations

from bot.features.cards import card_from_stored
from bot.services import Services
from bot.views.render import ArticleClaimsPage
from storage import repository


def article_claims_page(
    services: Services, *, article_id: int, team: str, viewer_channel: str, page: int, page_size: int
) -> ArticleClaimsPage | None:
    """None when the article does not exist or the clicker may not see it (the same answer for both)."""
    with services.reading() as session:
        if not repository.article_visible(session, article_id, team=team, viewer_channel=viewer_channel):
            return None
        card = card_from_stored(session, repository.get_article(session, article_id))
    last_page = max(0, (len(card.claims) - 1) // page_size)
    return ArticleClaimsPage(card=card, page=min(max(page, 0), last_page), page_size=page_size)
