"""When a channel's digest was turned on or retimed (digest_set_at), apart from other setting changes.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-25 16:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import storage.types

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("channel_settings", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("digest_set_at", storage.types.UTCDateTime(timezone=True), nullable=True)
        )
    # Until now the last change of any setting stood in for it.
    op.execute("UPDATE channel_settings SET digest_set_at = updated_at WHERE digest_enabled")


def downgrade() -> None:
    with op.batch_alter_table("channel_settings", schema=None) as batch_op:
        batch_op.drop_column("digest_set_at")
