"""Claim figures: one row per measured figure of a shown claim (its measure key, interval and day), indexed
by (measure, day, id) so a thread's "Earlier: ..." line finds earlier figures of the same thing in one
index range.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-06 06:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "claim_figure",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("claim_id", sa.Integer(), nullable=False),
        sa.Column("article_id", sa.Integer(), nullable=False),
        sa.Column("source_id", sa.Integer(), nullable=True),
        sa.Column("measure", sa.String(length=200), nullable=False),
        sa.Column("detail", sa.String(length=200), nullable=False),
        sa.Column("value", sa.Double(), nullable=False),
        sa.Column("low", sa.Double(), nullable=False),
        sa.Column("high", sa.Double(), nullable=True),
        sa.Column("bound", sa.String(length=16), nullable=False),
        sa.Column("text", sa.String(length=200), nullable=False),
        sa.Column("label", sa.String(length=400), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.ForeignKeyConstraint(
            ["article_id"],
            ["article.id"],
            name=op.f("fk_claim_figure_article_id_article"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["claim_id"], ["claim.id"], name=op.f("fk_claim_figure_claim_id_claim"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_claim_figure")),
    )
    op.create_index(op.f("ix_claim_figure_article_id"), "claim_figure", ["article_id"], unique=False)
    op.create_index(op.f("ix_claim_figure_claim_id"), "claim_figure", ["claim_id"], unique=False)
    op.create_index("ix_claim_figure_measure_day", "claim_figure", ["measure", "day", "id"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_claim_figure_measure_day", table_name="claim_figure")
    op.drop_index(op.f("ix_claim_figure_claim_id"), table_name="claim_figure")
    op.drop_index(op.f("ix_claim_figure_article_id"), table_name="claim_figure")
    op.drop_table("claim_figure")
