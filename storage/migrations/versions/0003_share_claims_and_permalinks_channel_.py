"""Share claims (claimed_at) and reply permalinks; per-channel link watching (watch_links).

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-25 15:45:26.750564
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import storage.types

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("channel_settings", schema=None) as batch_op:
        batch_op.add_column(sa.Column("watch_links", sa.Boolean(), server_default=sa.true(), nullable=False))

    with op.batch_alter_table("share", schema=None) as batch_op:
        batch_op.add_column(sa.Column("permalink", sa.String(length=1024), nullable=True))
        batch_op.add_column(sa.Column("claimed_at", storage.types.UTCDateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("share", schema=None) as batch_op:
        batch_op.drop_column("claimed_at")
        batch_op.drop_column("permalink")

    with op.batch_alter_table("channel_settings", schema=None) as batch_op:
        batch_op.drop_column("watch_links")
