"""Initial schema: every table, and the full-text search internals of each backend.

Revision ID: 0001
Revises:
Create Date: 2026-11-25 15:33:53.648527
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import storage.types

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "article",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("url", sa.String(length=2048), nullable=False),
        sa.Column("canonical_url", sa.String(length=2048), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("site", sa.String(length=255), nullable=True),
        sa.Column("byline", sa.Text(), nullable=True),
        sa.Column("published", sa.Date(), nullable=True),
        sa.Column(
            "fetched_at",
            storage.types.UTCDateTime(timezone=True),
            server_default=sa.func.now(),
            nullable=False,
        ),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("word_count", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_article")),
        sa.UniqueConstraint("canonical_url", name=op.f("uq_article_canonical_url")),
    )
    with op.batch_alter_table("article", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_article_url"), ["url"], unique=False)
    op.create_table(
        "channel_settings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("team", sa.String(length=64), nullable=False),
        sa.Column("channel", sa.String(length=64), nullable=False),
        sa.Column("digest_enabled", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("digest_hour", sa.Integer(), server_default=sa.text("9"), nullable=False),
        sa.Column("digest_minute", sa.Integer(), server_default=sa.text("0"), nullable=False),
        sa.Column("timezone", sa.String(length=64), server_default="UTC", nullable=False),
        sa.Column("set_by", sa.String(length=64), nullable=True),
        sa.Column(
            "updated_at",
            storage.types.UTCDateTime(timezone=True),
            server_default=sa.func.now(),
            nullable=False,
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_channel_settings")),
        sa.UniqueConstraint("team", "channel", name=op.f("uq_channel_settings_team_channel")),
    )
    op.create_table(
        "digest",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("team", sa.String(length=64), nullable=False),
        sa.Column("channel", sa.String(length=64), nullable=False),
        sa.Column("local_date", sa.Date(), nullable=False),
        sa.Column(
            "created_at",
            storage.types.UTCDateTime(timezone=True),
            server_default=sa.func.now(),
            nullable=False,
        ),
        sa.Column("posted_ts", sa.String(length=64), nullable=True),
        sa.Column("claim_count", sa.Integer(), server_default=sa.text("0"), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_digest")),
        sa.UniqueConstraint("team", "channel", "local_date", name=op.f("uq_digest_team_channel_local_date")),
    )
    op.create_table(
        "slack_event",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("team", sa.String(length=64), nullable=False),
        sa.Column("event_id", sa.String(length=64), nullable=False),
        sa.Column(
            "received_at",
            storage.types.UTCDateTime(timezone=True),
            server_default=sa.func.now(),
            nullable=False,
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_slack_event")),
        sa.UniqueConstraint("event_id", name=op.f("uq_slack_event_event_id")),
    )
    op.create_table(
        "source",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=400), nullable=False),
        sa.Column("name_key", sa.String(length=400), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("role", sa.Text(), nullable=True),
        sa.Column("aliases", sa.JSON(), nullable=False),
        sa.Column("search_names", sa.Text(), server_default=sa.text("''"), nullable=False),
        sa.CheckConstraint("kind IN ('person', 'organization', 'unnamed')", name=op.f("ck_source_kind")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_source")),
        sa.UniqueConstraint("name_key", name=op.f("uq_source_name_key")),
    )
    op.create_table(
        "claim",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("article_id", sa.Integer(), nullable=False),
        sa.Column("source_id", sa.Integer(), nullable=True),
        sa.Column("source_mention", sa.Text(), nullable=True),
        sa.Column("role", sa.Text(), nullable=True),
        sa.Column("cue", sa.String(length=100), nullable=True),
        sa.Column("content", sa.Text(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("start", sa.Integer(), nullable=False),
        sa.Column("end", sa.Integer(), nullable=False),
        sa.Column("sentence", sa.Text(), nullable=False),
        sa.Column("source_start", sa.Integer(), nullable=True),
        sa.Column("source_end", sa.Integer(), nullable=True),
        sa.Column("cue_start", sa.Integer(), nullable=True),
        sa.Column("cue_end", sa.Integer(), nullable=True),
        sa.Column("quantities", sa.JSON(), nullable=False),
        sa.Column("entities", sa.JSON(), nullable=False),
        sa.Column("salience", sa.Float(), nullable=False),
        sa.Column("rank", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "kind IN ('direct', 'indirect', 'according_to', 'continuation')", name=op.f("ck_claim_kind")
        ),
        sa.ForeignKeyConstraint(
            ["article_id"], ["article.id"], name=op.f("fk_claim_article_id_article"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["source_id"], ["source.id"], name=op.f("fk_claim_source_id_source"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_claim")),
    )
    with op.batch_alter_table("claim", schema=None) as batch_op:
        batch_op.create_index("ix_claim_article_id_rank", ["article_id", "rank"], unique=False)
        batch_op.create_index(batch_op.f("ix_claim_source_id"), ["source_id"], unique=False)

    op.create_table(
        "share",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("team", sa.String(length=64), nullable=False),
        sa.Column("channel", sa.String(length=64), nullable=False),
        sa.Column("channel_name", sa.String(length=255), nullable=True),
        sa.Column("channel_private", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("message_ts", sa.String(length=64), nullable=False),
        sa.Column("thread_ts", sa.String(length=64), nullable=False),
        sa.Column("user", sa.String(length=64), nullable=True),
        sa.Column("url", sa.String(length=2048), nullable=False),
        sa.Column("article_id", sa.Integer(), nullable=True),
        sa.Column("status", sa.String(length=16), server_default="pending", nullable=False),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("reply_ts", sa.String(length=64), nullable=True),
        sa.Column(
            "created_at",
            storage.types.UTCDateTime(timezone=True),
            server_default=sa.func.now(),
            nullable=False,
        ),
        sa.CheckConstraint("status IN ('pending', 'done', 'failed')", name=op.f("ck_share_status")),
        sa.ForeignKeyConstraint(
            ["article_id"], ["article.id"], name=op.f("fk_share_article_id_article"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_share")),
        sa.UniqueConstraint(
            "team", "channel", "message_ts", "url", name=op.f("uq_share_team_channel_message_ts_url")
        ),
    )
    with op.batch_alter_table("share", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_share_article_id"), ["article_id"], unique=False)
        batch_op.create_index("ix_share_status_id", ["status", "id"], unique=False)
        batch_op.create_index("ix_share_team_created_at", ["team", "created_at"], unique=False)

    op.create_table(
        "search_entry",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("claim_id", sa.Integer(), nullable=False),
        sa.Column("article_id", sa.Integer(), nullable=False),
        sa.Column("share_id", sa.Integer(), nullable=True),
        sa.Column("source_id", sa.Integer(), nullable=True),
        sa.Column("team", sa.String(length=64), nullable=True),
        sa.Column("channel", sa.String(length=64), nullable=True),
        sa.Column("private", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("shared_at", storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["article_id"],
            ["article.id"],
            name=op.f("fk_search_entry_article_id_article"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["claim_id"], ["claim.id"], name=op.f("fk_search_entry_claim_id_claim"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["share_id"], ["share.id"], name=op.f("fk_search_entry_share_id_share"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["source_id"], ["source.id"], name=op.f("fk_search_entry_source_id_source"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_search_entry")),
    )
    with op.batch_alter_table("search_entry", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_search_entry_article_id"), ["article_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_search_entry_claim_id"), ["claim_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_search_entry_share_id"), ["share_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_search_entry_shared_at"), ["shared_at"], unique=False)
        batch_op.create_index("ix_search_entry_source_id_id", ["source_id", "id"], unique=False)
        batch_op.create_index("ix_search_entry_team_id", ["team", "id"], unique=False)

    create_search_internals()


def downgrade() -> None:
    drop_search_internals()
    with op.batch_alter_table("search_entry", schema=None) as batch_op:
        batch_op.drop_index("ix_search_entry_team_id")
        batch_op.drop_index("ix_search_entry_source_id_id")
        batch_op.drop_index(batch_op.f("ix_search_entry_shared_at"))
        batch_op.drop_index(batch_op.f("ix_search_entry_share_id"))
        batch_op.drop_index(batch_op.f("ix_search_entry_claim_id"))
        batch_op.drop_index(batch_op.f("ix_search_entry_article_id"))

    op.drop_table("search_entry")
    with op.batch_alter_table("share", schema=None) as batch_op:
        batch_op.drop_index("ix_share_team_created_at")
        batch_op.drop_index("ix_share_status_id")
        batch_op.drop_index(batch_op.f("ix_share_article_id"))

    op.drop_table("share")
    with op.batch_alter_table("claim", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_claim_source_id"))
        batch_op.drop_index("ix_claim_article_id_rank")

    op.drop_table("claim")
    op.drop_table("source")
    op.drop_table("slack_event")
    op.drop_table("digest")
    op.drop_table("channel_settings")
    with op.batch_alter_table("article", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_article_url"))

    op.drop_table("article")


# Full-text search internals, per backend; storage/search.py queries them and migrations/env.py keeps them
# out of `alembic check`. Each search_entry row gets its text (claim content, source name and aliases,
# article title) from a trigger, so the index follows every insert and delete, however it happens.

SQLITE_UP = [
    """CREATE VIRTUAL TABLE claim_fts USING fts5(
        content, source, title, tokenize = 'porter unicode61 remove_diacritics 2')""",
    """CREATE TRIGGER claim_fts_after_insert AFTER INSERT ON search_entry BEGIN
        INSERT INTO claim_fts (rowid, content, source, title)
        SELECT new.id, c.content, coalesce(s.search_names, ''), a.title
          FROM claim AS c JOIN article AS a ON a.id = c.article_id LEFT JOIN source AS s ON s.id = c.source_id
         WHERE c.id = new.claim_id;
    END""",
    """CREATE TRIGGER claim_fts_after_delete AFTER DELETE ON search_entry BEGIN
        DELETE FROM claim_fts WHERE rowid = old.id;
    END""",
]
SQLITE_DOWN = [
    "DROP TRIGGER IF EXISTS claim_fts_after_delete",
    "DROP TRIGGER IF EXISTS claim_fts_after_insert",
    "DROP TABLE IF EXISTS claim_fts",
]

# 'claimbot' is 'english' without stop words: every word the user types must match, as on SQLite.
POSTGRESQL_UP = [
    "CREATE TEXT SEARCH DICTIONARY claimbot_stem (TEMPLATE = snowball, LANGUAGE = english)",
    "CREATE TEXT SEARCH CONFIGURATION claimbot (COPY = english)",
    """ALTER TEXT SEARCH CONFIGURATION claimbot
        ALTER MAPPING FOR asciiword, asciihword, hword_asciipart, word, hword, hword_part
        WITH claimbot_stem""",
    "ALTER TABLE search_entry ADD COLUMN document tsvector",
    """CREATE FUNCTION search_entry_document() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        SELECT setweight(to_tsvector('claimbot', c.content), 'A')
               || setweight(to_tsvector('claimbot', coalesce(s.search_names, '')), 'B')
               || setweight(to_tsvector('claimbot', a.title), 'C')
          INTO NEW.document
          FROM claim AS c JOIN article AS a ON a.id = c.article_id LEFT JOIN source AS s ON s.id = c.source_id
         WHERE c.id = NEW.claim_id;
        RETURN NEW;
    END
    $$""",
    """CREATE TRIGGER search_entry_document BEFORE INSERT ON search_entry
        FOR EACH ROW EXECUTE FUNCTION search_entry_document()""",
    "CREATE INDEX ix_search_entry_document ON search_entry USING gin (document)",
]
POSTGRESQL_DOWN = [
    "DROP INDEX IF EXISTS ix_search_entry_document",
    "DROP TRIGGER IF EXISTS search_entry_document ON search_entry",
    "DROP FUNCTION IF EXISTS search_entry_document()",
    "ALTER TABLE search_entry DROP COLUMN IF EXISTS document",
    "DROP TEXT SEARCH CONFIGURATION IF EXISTS claimbot",
    "DROP TEXT SEARCH DICTIONARY IF EXISTS claimbot_stem",
]


def create_search_internals() -> None:
    dialect = op.get_bind().dialect.name
    for statement in {"sqlite": SQLITE_UP, "postgresql": POSTGRESQL_UP}.get(dialect, []):
        op.execute(statement)


def drop_search_internals() -> None:
    dialect = op.get_bind().dialect.name
    for statement in {"sqlite": SQLITE_DOWN, "postgresql": POSTGRESQL_DOWN}.get(dialect, []):
        op.execute(statement)
