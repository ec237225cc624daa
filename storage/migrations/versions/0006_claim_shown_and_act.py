"""Claims a reader must not see as "X said Y" (claim.shown, claim.act), and the same flag on search entries.

The extractor keeps beliefs, intentions, perceptions, narrated actions, negated speech acts and the like
for recall but marks them not shown (claim.act says which); threads, digests, App Home and default
searches leave them out. Every claim stored before was shown as a claim, so existing rows become shown
communication acts.

Both tables are altered in place (recreate="never"): on SQLite a rebuilt search_entry would lose the
triggers that keep claim_fts in step with it (0001), and the columns need no rebuild (SQLite adds a
column with a constant default in place, and drops one in place since 3.35).

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-02 10:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("claim", schema=None, recreate="never") as batch_op:
        batch_op.add_column(sa.Column("shown", sa.Boolean(), server_default=sa.true(), nullable=False))
        batch_op.add_column(
            sa.Column("act", sa.String(length=16), server_default="communication", nullable=False)
        )

    with op.batch_alter_table("search_entry", schema=None, recreate="never") as batch_op:
        batch_op.add_column(sa.Column("shown", sa.Boolean(), server_default=sa.true(), nullable=False))


def downgrade() -> None:
    with op.batch_alter_table("search_entry", schema=None, recreate="never") as batch_op:
        batch_op.drop_column("shown")

    with op.batch_alter_table("claim", schema=None, recreate="never") as batch_op:
        batch_op.drop_column("act")
        batch_op.drop_column("shown")
