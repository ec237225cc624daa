"""Stories: articles that carry the same copy (a wire story republished) are one story.

An article's story is `article.story_id` (the first stored article of the story), or the article itself
when it is None (`story_key`). Candidates for "is this a copy?" are found through `article_anchor` (a
few shingle hashes per article, indexed); whether a candidate is a copy is decided on the texts, by the
caller (bot/reading/copies.py). Which earlier share of a story a viewer may be pointed at follows
search's rule: their own workspace; a private channel's share only from inside that channel.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import Session

from storage.models import Article, ArticleAnchor, Share

__all__ = ["Candidate", "EarlierShare", "copy_candidates", "earlier_share", "story_key", "story_members"]

MAX_CANDIDATES = 10


@dataclass(frozen=True, slots=True)
class Candidate:
    article_id: int
    story: int  # the candidate's story key
    text: str


@dataclass(frozen=True, slots=True)
class EarlierShare:
    """The first share, as the viewer may see it, of another article of the same story."""

    article_id: int
    site: str | None
    title: str
    wire: str | None
    channel: str
    channel_name: str | None
    permalink: str | None
    shared_at: dt.datetime


def story_key(article: Article) -> int:
    return article.story_id if article.story_id is not None else article.id


def copy_candidates(
    session: Session, anchors: Sequence[int], *, min_shared: int, limit: int = MAX_CANDIDATES
) -> list[Candidate]:
    """Stored articles sharing at least `min_shared` anchors, most shared first, with their texts."""
    if not anchors:
        return []
    shared = sa.func.count().label("shared")
    found = (
        sa.select(ArticleAnchor.article_id, shared)
        .where(ArticleAnchor.hash.in_(sorted(set(anchors))))
        .group_by(ArticleAnchor.article_id)
        .having(sa.func.count() >= min_shared)
        .order_by(shared.desc(), ArticleAnchor.article_id)
        .limit(limit)
        .subquery()
    )
    rows = session.execute(
        sa.select(Article.id, Article.story_id, Article.text)
        .join(found, found.c.article_id == Article.id)
        .order_by(found.c.shared.desc(), Article.id)
    )
    return [Candidate(r.id, r.story_id if r.story_id is not None else r.id, r.text) for r in rows]


def story_members(session: Session, story: int) -> list[int]:
    """The ids of a story's articles, first stored first."""
    in_story = sa.or_(Article.id == story, Article.story_id == story)
    return list(session.scalars(sa.select(Article.id).where(in_story).order_by(Article.id)))


def earlier_share(
    session: Session,
    *,
    article: Article,
    team: str,
    viewer_channel: str,
    before: dt.datetime,
    members: Sequence[int] | None = None,
) -> EarlierShare | None:
    """The first share before `before` of another article of `article`'s story that the viewer may see;
    `members` is the story's `story_members` when the caller has read them already."""
    if members is None:
        members = story_members(session, story_key(article))
    members = [m for m in members if m != article.id]
    if not members:
        return None
    row = session.execute(
        sa.select(
            Article.id,
            Article.site,
            Article.title,
            Article.wire,
            Share.channel,
            Share.channel_name,
            Share.permalink,
            Share.created_at,
        )
        .join(Share, Share.article_id == Article.id)
        .where(
            Article.id.in_(members),
            Share.team == team,
            Share.status == "done",
            Share.created_at < before,
            sa.or_(Share.channel_private.is_(False), Share.channel == viewer_channel),
        )
        .order_by(Share.created_at, Share.id)
        .limit(1)
    ).first()
    if row is None:
        return None
    return EarlierShare(
        article_id=row.id,
        site=row.site,
        title=row.title,
        wire=row.wire,
        channel=row.channel,
        channel_name=row.channel_name,
        permalink=row.permalink,
        shared_at=row.created_at,
    )
