"""Retention and purge: uninstalled workspaces (workspace) and the indexes the sweeps read by age.

A workspace that uninstalls the app is marked (workspace.uninstalled_at) and its data purged after a grace
period; retention removes shares, digests and event ids older than a limit, oldest first, through indexes
on their timestamps (and event ids by workspace), and articles no share refers to any more by fetched_at.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-06 03:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import storage.types

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "workspace",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("team", sa.String(length=64), nullable=False),
        sa.Column("uninstalled_at", storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("reason", sa.String(length=32), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_workspace")),
        sa.UniqueConstraint("team", name=op.f("uq_workspace_team")),
    )
    op.create_index(op.f("ix_share_created_at"), "share", ["created_at"], unique=False)
    op.create_index(op.f("ix_digest_created_at"), "digest", ["created_at"], unique=False)
    op.create_index(op.f("ix_slack_event_received_at"), "slack_event", ["received_at"], unique=False)
    op.create_index(op.f("ix_slack_event_team"), "slack_event", ["team"], unique=False)
    op.create_index(op.f("ix_article_fetched_at"), "article", ["fetched_at"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_article_fetched_at"), table_name="article")
    op.drop_index(op.f("ix_slack_event_team"), table_name="slack_event")
    op.drop_index(op.f("ix_slack_event_received_at"), table_name="slack_event")
    op.drop_index(op.f("ix_digest_created_at"), table_name="digest")
    op.drop_index(op.f("ix_share_created_at"), table_name="share")
    op.drop_table("workspace")
