"""`/claims QUERY`: one page of results as the searcher may see them."""

from __future__ import annotations

from bot.render import ClaimLine, SearchLine, SearchPage
from bot.services import Services
from storage.search import search


def search_page(
    services: Services, *, team: str, viewer_channel: str, query: str, page: int = 0, page_size: int = 10
) -> SearchPage:
    """Fetch one result more than a page to know whether a Next button is due."""
    page = max(page, 0)
    with services.transaction() as session:
        hits = search(
            session,
            query,
            team=team,
            viewer_channel=viewer_channel,
            limit=page_size + 1,
            offset=page * page_size,
        )
    lines = [
        SearchLine(
            claim=ClaimLine(content=h.content, source=h.source, role=h.role, cue=h.cue, kind=h.kind),
            article_title=h.article_title,
            article_url=h.article_url,
            shared_at=h.shared_at,
            permalink=h.permalink,
            channel=h.channel,
        )
        for h in hits[:page_size]
    ]
    return SearchPage(
        query=query, lines=lines, page=page, has_more=len(hits) > page_size, page_size=page_size
    )
