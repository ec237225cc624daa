"""The typed ORM models: one metadata, one naming convention, `Mapped[...]` columns.

Search internals that only one backend has (SQLite's FTS5 table, PostgreSQL's tsvector column and GIN
index) are created by the migration and used by `storage.search`; the models describe what both share.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, ClassVar

import sqlalchemy as sa
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from storage.types import (
    UTCDateTime,
    bool_false,
    bool_true,
    created_now,
    intpk,
    json_list,
    long_text,
    slack_id,
    url_text,
    utcnow,
)

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

SHARE_STATUSES = ("pending", "done", "failed")
REPLY_STATUSES = ("pending", "posted", "failed")
SOURCE_KINDS = ("person", "organization", "unnamed")
CLAIM_KINDS = ("direct", "indirect", "according_to", "continuation", "thesis")


def _one_of(column: str, values: tuple[str, ...], name: str) -> sa.CheckConstraint:
    allowed = ", ".join(f"'{v}'" for v in values)
    return sa.CheckConstraint(f"{column} IN ({allowed})", name=name)


class Base(DeclarativeBase):
    metadata = sa.MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map: ClassVar[dict[Any, Any]] = {
        dt.datetime: UTCDateTime(),
        str: sa.String(255),
        list[Any]: sa.JSON,
        dict[str, Any]: sa.JSON,
    }


class Article(Base):
    """A fetched and analysed page: stored once per canonical URL, whoever shares it."""

    __tablename__ = "article"

    id: Mapped[intpk]
    url: Mapped[url_text] = mapped_column(index=True)
    canonical_url: Mapped[url_text] = mapped_column(unique=True)
    title: Mapped[long_text]
    site: Mapped[str | None]
    byline: Mapped[str | None] = mapped_column(sa.Text)
    published: Mapped[dt.date | None]
    fetched_at: Mapped[created_now] = mapped_column(index=True)
    text: Mapped[long_text]
    word_count: Mapped[int]
    story_id: Mapped[int | None] = mapped_column(index=True)
    """The first stored article of the same story (the same wire copy), or None: its own story. Not a
    foreign key on purpose: the story outlives its first article (retention may remove that one)."""
    wire: Mapped[str | None] = mapped_column(sa.String(32))
    """The news agency whose copy this is ("Reuters", "AP"...), when the text says so."""

    claims: Mapped[list[Claim]] = relationship(
        back_populates="article", order_by="Claim.rank", cascade="all, delete-orphan", passive_deletes=True
    )


class ArticleAnchor(Base):
    """A few hashes of an article's word shingles (the smallest ones): articles sharing some are
    candidate copies of one another, checked on their texts (storage.stories)."""

    __tablename__ = "article_anchor"
    __table_args__ = (sa.Index("ix_article_anchor_hash", "hash"),)

    id: Mapped[intpk]
    article_id: Mapped[int] = mapped_column(sa.ForeignKey("article.id", ondelete="CASCADE"), index=True)
    hash: Mapped[int] = mapped_column(sa.BigInteger)


class Share(Base):
    """One link in one Slack message. Written before any slow work so a restart resumes it."""

    __tablename__ = "share"
    __table_args__ = (
        sa.UniqueConstraint("team", "channel", "message_ts", "url"),
        _one_of("status", SHARE_STATUSES, "status"),
        sa.Index("ix_share_status_id", "status", "id"),
        sa.Index("ix_share_team_created_at", "team", "created_at"),
        _one_of("reply_status", REPLY_STATUSES, "reply_status"),
        sa.Index("ix_share_reply_status_next_attempt_at", "reply_status", "next_attempt_at"),
        sa.Index("ix_share_created_at", "created_at"),
    )

    id: Mapped[intpk]
    team: Mapped[slack_id]
    channel: Mapped[slack_id]
    channel_name: Mapped[str | None]
    channel_private: Mapped[bool_false]
    message_ts: Mapped[slack_id]
    thread_ts: Mapped[slack_id]
    user: Mapped[str | None] = mapped_column(sa.String(64))
    url: Mapped[url_text]
    article_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("article.id", ondelete="SET NULL"), index=True
    )
    status: Mapped[str] = mapped_column(sa.String(16), default="pending", server_default="pending")
    error: Mapped[str | None] = mapped_column(sa.Text)
    reply_ts: Mapped[str | None] = mapped_column(sa.String(64))
    permalink: Mapped[str | None] = mapped_column(sa.String(1024))
    """Link to our threaded reply, for search results."""
    claimed_at: Mapped[dt.datetime | None]
    """When a worker last took the share."""
    claimed_by: Mapped[str | None] = mapped_column(sa.String(64))
    """The job holding the share's lease: only it may post the reply."""
    lease_until: Mapped[dt.datetime | None]
    """Renewed by the holder while it works; once past, the holder is presumed dead and others may take it."""
    reply_status: Mapped[str | None] = mapped_column(sa.String(16))
    """None until the link is read; then pending (reply owed), posted, or failed (given up, see error)."""
    reply_attempts: Mapped[int] = mapped_column(default=0, server_default=sa.text("0"))
    next_attempt_at: Mapped[dt.datetime | None]
    """When a reply Slack refused for now may be tried again (backoff)."""
    reply_error: Mapped[str | None] = mapped_column(sa.Text)
    """Why the last attempt to post the reply failed."""
    created_at: Mapped[created_now]

    article: Mapped[Article | None] = relationship()


class SlackEvent(Base):
    """Event ids we have seen: Slack redelivers events it thinks we missed."""

    __tablename__ = "slack_event"

    id: Mapped[intpk]
    team: Mapped[slack_id] = mapped_column(index=True)
    event_id: Mapped[str] = mapped_column(sa.String(64), unique=True)
    received_at: Mapped[created_now] = mapped_column(index=True)


class Source(Base):
    """Who speaks. Global across articles, so `source:NAME` finds a speaker in every article."""

    __tablename__ = "source"
    __table_args__ = (_one_of("kind", SOURCE_KINDS, "kind"),)

    id: Mapped[intpk]
    name: Mapped[str] = mapped_column(sa.String(400))
    name_key: Mapped[str] = mapped_column(sa.String(400), unique=True)
    kind: Mapped[str] = mapped_column(sa.String(16))
    role: Mapped[str | None] = mapped_column(sa.Text)
    aliases: Mapped[json_list]
    search_names: Mapped[str] = mapped_column(sa.Text, default="", server_default=sa.text("''"))
    """Case-folded name and aliases, one a line: what `source:` matches as a substring."""


class Claim(Base):
    """Who claims what, with the character spans that let us point back into the article text."""

    __tablename__ = "claim"
    __table_args__ = (
        _one_of("kind", CLAIM_KINDS, "kind"),
        sa.Index("ix_claim_article_id_rank", "article_id", "rank"),
    )

    id: Mapped[intpk]
    article_id: Mapped[int] = mapped_column(sa.ForeignKey("article.id", ondelete="CASCADE"))
    source_id: Mapped[int | None] = mapped_column(sa.ForeignKey("source.id", ondelete="SET NULL"), index=True)
    source_mention: Mapped[str | None] = mapped_column(sa.Text)
    role: Mapped[str | None] = mapped_column(sa.Text)
    cue: Mapped[str | None] = mapped_column(sa.String(100))
    content: Mapped[long_text]
    kind: Mapped[str] = mapped_column(sa.String(16))
    start: Mapped[int]
    end: Mapped[int]
    sentence: Mapped[long_text]
    source_start: Mapped[int | None]
    source_end: Mapped[int | None]
    cue_start: Mapped[int | None]
    cue_end: Mapped[int | None]
    quantities: Mapped[json_list]
    entities: Mapped[json_list]
    salience: Mapped[float] = mapped_column(sa.Float, default=0.0)
    rank: Mapped[int]
    """Position in the article's list as the extractor ordered it (most important first), from 1."""
    shown: Mapped[bool_true]
    """False for an attribution a reader must not take for "X said Y" (a belief, an intention, a perception,
    a narrated action, a negated speech act): kept, and found by searches with include:hidden, but never in
    threads, digests or App Home."""
    act: Mapped[str] = mapped_column(sa.String(16), default="communication", server_default="communication")
    """What the attribution reports: "communication" for a claim, else "belief", "intention", "negated"...
    (the extractor's list; no CHECK here, so a new kind of act needs no migration)."""

    article: Mapped[Article] = relationship(back_populates="claims")
    source: Mapped[Source | None] = relationship()


class ChannelSettings(Base):
    """Per-channel digest settings; the time zone is the one of the user who turned the digest on."""

    __tablename__ = "channel_settings"
    __table_args__ = (sa.UniqueConstraint("team", "channel"),)

    id: Mapped[intpk]
    team: Mapped[slack_id]
    channel: Mapped[slack_id]
    digest_enabled: Mapped[bool_false]
    digest_hour: Mapped[int] = mapped_column(default=9, server_default=sa.text("9"))
    digest_minute: Mapped[int] = mapped_column(default=0, server_default=sa.text("0"))
    timezone: Mapped[str] = mapped_column(sa.String(64), default="UTC", server_default="UTC")
    watch_links: Mapped[bool] = mapped_column(default=True, server_default=sa.true())
    """Summarise every link shared in the channel (`/claims watch on|off`); mentions work regardless."""
    set_by: Mapped[str | None] = mapped_column(sa.String(64))
    digest_set_at: Mapped[dt.datetime | None]
    """When the digest was last turned on or retimed: a digest time already past then starts tomorrow."""
    updated_at: Mapped[created_now] = mapped_column(onupdate=utcnow)


class Digest(Base):
    """A posted (or being posted) daily digest: unique per channel and local date, whichever process fires."""

    __tablename__ = "digest"
    __table_args__ = (sa.UniqueConstraint("team", "channel", "local_date"),)

    id: Mapped[intpk]
    team: Mapped[slack_id]
    channel: Mapped[slack_id]
    local_date: Mapped[dt.date]
    created_at: Mapped[created_now] = mapped_column(index=True)
    posted_ts: Mapped[str | None] = mapped_column(sa.String(64))
    claim_count: Mapped[int] = mapped_column(default=0, server_default=sa.text("0"))


class Workspace(Base):
    """A workspace that uninstalled the app (or revoked its bot token): its data is purged once
    CLAIMBOT_UNINSTALL_GRACE_DAYS have passed, unless it installs again before (the row goes)."""

    __tablename__ = "workspace"

    id: Mapped[intpk]
    team: Mapped[str] = mapped_column(sa.String(64), unique=True)
    uninstalled_at: Mapped[dt.datetime]
    reason: Mapped[str] = mapped_column(sa.String(32))
    """The event that marked it: app_uninstalled or tokens_revoked."""


class SearchEntry(Base):
    """One searchable (claim, share) pair; its id order is share-time order, newest last.

    Search reads matches in descending id so the newest 20 come first without a sort (see DESIGN's speed
    facts). A claim of an article nobody shared yet (CLI ingest) has one entry without share, visible only
    to the operator. The full-text side (FTS5 rows or a tsvector column) is kept in sync by triggers.
    """

    __tablename__ = "search_entry"
    __table_args__ = (
        sa.Index("ix_search_entry_team_id", "team", "id"),
        sa.Index("ix_search_entry_source_id_id", "source_id", "id"),
    )

    id: Mapped[intpk]
    claim_id: Mapped[int] = mapped_column(sa.ForeignKey("claim.id", ondelete="CASCADE"), index=True)
    article_id: Mapped[int] = mapped_column(sa.ForeignKey("article.id", ondelete="CASCADE"), index=True)
    share_id: Mapped[int | None] = mapped_column(sa.ForeignKey("share.id", ondelete="CASCADE"), index=True)
    source_id: Mapped[int | None] = mapped_column(sa.ForeignKey("source.id", ondelete="SET NULL"))
    team: Mapped[str | None] = mapped_column(sa.String(64))
    channel: Mapped[str | None] = mapped_column(sa.String(64))
    private: Mapped[bool_false]
    shown: Mapped[bool_true]
    """The claim's own `shown`, copied here so search leaves hidden claims out without a join."""
    shared_at: Mapped[dt.datetime] = mapped_column(index=True)


class ClaimFigure(Base):
    """One measured figure of a shown claim (bot/claims/measures.py): what a thread's "Earlier: ..." line
    looks up. The look-up reads one index range per measure, (measure, day), newest day first; id breaks
    ties in the index itself, so a page of the newest needs no sort on either database."""

    __tablename__ = "claim_figure"
    __table_args__ = (sa.Index("ix_claim_figure_measure_day", "measure", "day", "id"),)

    id: Mapped[intpk]
    claim_id: Mapped[int] = mapped_column(sa.ForeignKey("claim.id", ondelete="CASCADE"), index=True)
    article_id: Mapped[int] = mapped_column(sa.ForeignKey("article.id", ondelete="CASCADE"), index=True)
    source_id: Mapped[int | None]
    """The claim's source, copied for the comparison (two sources' figures may differ, one source's only
    update). No foreign key: a source goes only with its last claim, so after this row, and deleting one
    must not scan this table."""
    measure: Mapped[str] = mapped_column(sa.String(200))
    """What the figure measures, e.g. "count/deaths/military/russia"; equal keys are the same thing."""
    detail: Mapped[str] = mapped_column(sa.String(200))
    """Qualifiers that must not contradict ("cause=war;period=total"), "" for none."""
    value: Mapped[float]
    low: Mapped[float]
    high: Mapped[float | None]
    """The interval the figure stands for (rounding and bound: "more than 2,870" has no high)."""
    bound: Mapped[str] = mapped_column(sa.String(16))
    text: Mapped[str] = mapped_column(sa.String(200))
    """The figure as written: "about 5,840", "14.7%"."""
    label: Mapped[str] = mapped_column(sa.String(400))
    """The figure with what it counts: "about 5,840 Russian servicemen killed"."""
    day: Mapped[dt.date]
    """When it was claimed: the article's published date, else the day it was fetched."""
