"""`/claims QUERY`: one page of results as the searcher may see them."""

from __future__ import annotations

from bot.services import Services
from bot.views.render import ClaimLine, SearchLine, SearchPage
from storage.search import SearchHit, search


def search_line(hit: SearchHit) -> SearchLine:
    return SearchLine(
        claim=ClaimLine(
            content=hit.content,
            source=hit.source,
            role=hit.role,
            cue=hit.cue,
            kind=hit.kind,
            shown=hit.shown,
            act=hit.act,
        ),
        article_title=hit.article_title,
        article_url=hit.article_url,
        shared_at=hit.shared_at,
        permalink=hit.permalink,
        channel=hit.channel,
    )


def search_page(
    services: Services, *, team: str, viewer_channel: str, query: str, page: int = 0, page_size: int = 10
) -> SearchPage:
    """Fetch one result more than a page to know whether a Next button is due."""
    page = max(page, 0)
    with services.reading() as session:
        hits = search(
            session,
            query,
            team=team,
            viewer_channel=viewer_channel,
            limit=page_size + 1,
            offset=page * page_size,
        )
    lines = [search_line(h) for h in hits[:page_size]]
    return SearchPage(
        query=query, lines=lines, page=page, has_more=len(hits) > page_size, page_size=page_size
    )
