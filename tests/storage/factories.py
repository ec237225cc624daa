"""Small builders for storage tests: an article with claims, a done share, in one call."""

from __future__ import annotations

import datetime as dt
import itertools

from sqlalchemy.orm import Session

from storage import repository as repo
from storage.models import Article, Share
from storage.records import NewArticle, NewClaim, NewSource

_seq = itertools.count(1)

KONASHENKOV = NewSource(
    "Igor Konashenkov",
    "person",
    "Russian Defense Ministry spokesman",
    aliases=("Konashenkov", "the spokesman"),
)
ZELENSKY = NewSource("Volodymyr Zelensky", "person", "President of Ukraine", aliases=("Zelensky",))
ROGAN = NewSource("Tom Rogan", "person", None)
"""A columnist: the byline author of an opinion column, whose own thesis is a claim of kind "thesis"."""


def new_article(
    url: str | None = None, title: str = "Ministry reports losses", **extra: object
) -> NewArticle:
    url = url or f"https://news.example/{next(_seq)}"
    text = "Body text of the article. " * 5
    fields = {
        "canonical_url": url,
        "site": "News Example",
        "byline": "A. Writer",
        "published": dt.date(2022, 3, 2),
        **extra,
    }
    return NewArticle(url=url, title=title, text=text, **fields)  # type: ignore[arg-type]


def claim(
    content: str,
    source: NewSource | None = KONASHENKOV,
    salience: float = 0.5,
    kind: str = "indirect",
    **extra: object,
) -> NewClaim:
    start = next(_seq) % 100
    fields: dict[str, object] = {
        "source_mention": source.name if source else None,
        "cue": "said",
        "quantities": [],
        "entities": [],
        **extra,
    }
    return NewClaim(
        content=content,
        start=start,
        end=start + len(content),
        kind=kind,
        sentence=content,
        salience=salience,
        source=source,
        **fields,  # type: ignore[arg-type]
    )


def shared(
    session: Session,
    article: NewArticle,
    claims: list[NewClaim],
    *,
    team: str = "T1",
    channel: str = "C1",
    channel_name: str | None = "news",
    private: bool = False,
    at: dt.datetime | None = None,
    message_ts: str | None = None,
) -> tuple[Article, Share]:
    """Store the article and a completed share of it, shared at `at`."""
    stored, _ = repo.store_article(session, article, claims)
    share, _ = repo.record_share(
        session,
        team=team,
        channel=channel,
        message_ts=message_ts or f"{next(_seq)}.000100",
        url=article.url,
        channel_name=channel_name,
        channel_private=private,
        user="U1",
    )
    if at is not None:
        share.created_at = at
    repo.complete_share(session, share, stored, reply_ts="1.1")
    return stored, share
