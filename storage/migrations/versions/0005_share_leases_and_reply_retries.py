"""Share leases (claimed_by, lease_until) and reply retries (reply_status, attempts, next attempt, error).

A worker's claim on a share is a lease it renews while working, so a restart tells a dead worker's claim
(lease run out) from a live one's; a reply Slack refused for now stays owed with its attempt count.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-26 10:00:00
"""

import datetime as dt
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import storage.types

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# What claim_shares used to allow a worker before its claim counted as stale.
OLD_STALE_AFTER = dt.timedelta(seconds=600)


def upgrade() -> None:
    with op.batch_alter_table("share", schema=None) as batch_op:
        batch_op.add_column(sa.Column("claimed_by", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("lease_until", storage.types.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("reply_status", sa.String(length=16), nullable=True))
        batch_op.add_column(
            sa.Column("reply_attempts", sa.Integer(), server_default=sa.text("0"), nullable=False)
        )
        batch_op.add_column(
            sa.Column("next_attempt_at", storage.types.UTCDateTime(timezone=True), nullable=True)
        )
        batch_op.add_column(sa.Column("reply_error", sa.Text(), nullable=True))
        batch_op.create_check_constraint(
            op.f("ck_share_reply_status"), "reply_status IN ('pending', 'posted', 'failed')"
        )
        batch_op.create_index(
            "ix_share_reply_status_next_attempt_at", ["reply_status", "next_attempt_at"], unique=False
        )

    share = sa.table(
        "share",
        sa.column("id", sa.Integer()),
        sa.column("status", sa.String()),
        sa.column("reply_ts", sa.String()),
        sa.column("reply_status", sa.String()),
        sa.column("claimed_at", storage.types.UTCDateTime(timezone=True)),
        sa.column("lease_until", storage.types.UTCDateTime(timezone=True)),
    )
    # Replies already in Slack are posted. Finished shares without one are left alone (None): nobody
    # knows whether their reply is owed, and re-posting in old threads would be worse than silence.
    op.execute(share.update().where(share.c.reply_ts.is_not(None)).values(reply_status="posted"))
    # A claim taken by the previous release keeps the ten minutes it was promised.
    bind = op.get_bind()
    claimed = bind.execute(
        sa.select(share.c.id, share.c.claimed_at).where(
            share.c.status == "pending", share.c.claimed_at.is_not(None)
        )
    ).all()
    for share_id, claimed_at in claimed:
        bind.execute(
            share.update().where(share.c.id == share_id).values(lease_until=claimed_at + OLD_STALE_AFTER)
        )


def downgrade() -> None:
    with op.batch_alter_table("share", schema=None) as batch_op:
        batch_op.drop_index("ix_share_reply_status_next_attempt_at")
        batch_op.drop_constraint(op.f("ck_share_reply_status"), type_="check")
        batch_op.drop_column("reply_error")
        batch_op.drop_column("next_attempt_at")
        batch_op.drop_column("reply_attempts")
        batch_op.drop_column("reply_status")
        batch_op.drop_column("lease_until")
        batch_op.drop_column("claimed_by")
