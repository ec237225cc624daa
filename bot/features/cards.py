"""Cards of stored articles, read in one read-only unit (the reply step, the CLI)."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy.orm import Session

from bot.claims.figure_relations import relate
from bot.services import Services
from bot.views.cards import Context, stored_card, story_card
from bot.views.figure_context import figure_line_text, figure_lines
from bot.views.render import ArticleCard
from storage import figures, models, repository, stories


def card_from_stored(session: Session, article: models.Article) -> ArticleCard:
    return stored_card(article, repository.article_claims(session, article.id))


def card_for(services: Services, article_id: int) -> ArticleCard:
    """The card of a stored article, from its stored rows (what a thread, a digest or the CLI shows)."""
    with services.reading() as session:
        return card_from_stored(session, repository.get_article(session, article_id))


def reply_card(session: Session, article: models.Article, share: models.Share) -> ArticleCard:
    """A thread's card of a shared article, as the sharer's channel may see the workspace: a copy of a
    story shared before points at that share and lists only the claims it adds; a claim whose figure was
    claimed before (the same thing counted, close dates) gets a line saying so, or that it differs."""
    claims = repository.article_claims(session, article.id)
    members = stories.story_members(session, stories.story_key(article))
    context = figure_context(session, claims, share, members)
    earlier = stories.earlier_share(
        session,
        article=article,
        team=share.team,
        viewer_channel=share.channel,
        before=share.created_at,
        members=members,
    )
    if earlier is None:
        return stored_card(article, claims, context)
    before = repository.article_claims(session, earlier.article_id)
    return story_card(article, claims, earlier, before, context)


def figure_context(
    session: Session, claims: Sequence[models.Claim], share: models.Share, story: Sequence[int]
) -> Context:
    """The "Earlier: ..." and "Differs from ..." lines of a thread's claims, leaving out the articles of
    its own story (the same wire figure in another outlet is no news)."""
    found = figures.earlier_figures(
        session,
        claim_ids=[c.id for c in claims if c.shown],
        team=share.team,
        viewer_channel=share.channel,
        relate=relate,
        exclude_articles=story,
    )
    today = share.created_at.date()
    return {
        claim_id: (
            tuple(figure_lines(lines, today=today)),
            tuple(figure_line_text(line, today=today) for line in lines),
        )
        for claim_id, lines in found.items()
    }
