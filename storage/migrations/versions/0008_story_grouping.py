"""Story grouping: which stored article an article is a copy of (article.story_id), the news agency a
copy names (article.wire), and a few shingle hashes per article to find candidate copies by index.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-06 05:10:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("article", schema=None, recreate="never") as batch_op:
        batch_op.add_column(sa.Column("story_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("wire", sa.String(length=32), nullable=True))
    op.create_index(op.f("ix_article_story_id"), "article", ["story_id"], unique=False)
    op.create_table(
        "article_anchor",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("article_id", sa.Integer(), nullable=False),
        sa.Column("hash", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["article_id"],
            ["article.id"],
            name=op.f("fk_article_anchor_article_id_article"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_article_anchor")),
    )
    op.create_index(op.f("ix_article_anchor_article_id"), "article_anchor", ["article_id"], unique=False)
    op.create_index("ix_article_anchor_hash", "article_anchor", ["hash"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_article_anchor_hash", table_name="article_anchor")
    op.drop_index(op.f("ix_article_anchor_article_id"), table_name="article_anchor")
    op.drop_table("article_anchor")
    op.drop_index(op.f("ix_article_story_id"), table_name="article")
    with op.batch_alter_table("article", schema=None, recreate="never") as batch_op:
        batch_op.drop_column("wire")
        batch_op.drop_column("story_id")
