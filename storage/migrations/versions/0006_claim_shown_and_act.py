"""Claims a reader must not see as "X said Y" (claim.shown, claim.act), the same flag on search entries,
and a new claim kind, "thesis" (a byline author's own thesis in an opinion column, a review or advice).

The extractor keeps beliefs, intentions, perceptions, narrated actions, negated speech acts and the like
for recall but marks them not shown (claim.act says which); threads, digests, App Home and default
searches leave them out. Every claim stored before was shown as a claim, so existing rows become shown
communication acts.

The columns are added in place (recreate="never"): on SQLite a rebuilt search_entry would lose the
triggers that keep claim_fts in step with it (0001), and the columns need no rebuild (SQLite adds a
column with a constant default in place, and drops one in place since 3.35).

The ck_claim_kind CHECK constraint gains "thesis". PostgreSQL drops and re-adds it. SQLite cannot alter a
constraint, so batch mode rebuilds claim (copy, drop, rename; foreign keys are off while migrating, see
storage.db.prepare_migration_connection, so the drop cascades to nothing). Batch mode reflects named
CHECK constraints (Alembic >= 1.7), so the old ck_claim_kind is dropped explicitly before the new one is
added: a new constraint passed through table_args alone would sit beside the reflected old one, which
would still refuse "thesis". Columns, indexes, foreign keys and rows are carried over by reflection.
search_entry is not rebuilt: its foreign key names claim, which is claim again after the rename. Its
claim_fts_after_insert trigger reads claim, and SQLite (>= 3.26) refuses to rename _alembic_tmp_claim
while a trigger names the dropped claim ("error in trigger ...: no such table: main.claim"), so every
trigger and view that names claim is dropped before the rebuild and recreated from its stored SQL after
it. A downgrade refuses to run while thesis claims exist (0005 cannot hold them).

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-02 10:00:00
"""

import re
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from alembic.util import CommandError

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

OLD_CLAIM_KINDS = ("direct", "indirect", "according_to", "continuation")
NEW_CLAIM_KINDS = (*OLD_CLAIM_KINDS, "thesis")


def upgrade() -> None:
    with op.batch_alter_table("claim", schema=None, recreate="never") as batch_op:
        batch_op.add_column(sa.Column("shown", sa.Boolean(), server_default=sa.true(), nullable=False))
        batch_op.add_column(
            sa.Column("act", sa.String(length=16), server_default="communication", nullable=False)
        )

    with op.batch_alter_table("search_entry", schema=None, recreate="never") as batch_op:
        batch_op.add_column(sa.Column("shown", sa.Boolean(), server_default=sa.true(), nullable=False))

    replace_claim_kind_check(NEW_CLAIM_KINDS)


def downgrade() -> None:
    thesis = op.get_bind().scalar(sa.text("SELECT count(*) FROM claim WHERE kind = 'thesis'"))
    if thesis:
        raise CommandError(
            f"cannot downgrade below 0006: {thesis} stored claim(s) have kind 'thesis', which 0005 does not"
            " allow; delete those claims and their search entries first, or stay on 0006"
        )
    replace_claim_kind_check(OLD_CLAIM_KINDS)

    with op.batch_alter_table("search_entry", schema=None, recreate="never") as batch_op:
        batch_op.drop_column("shown")

    with op.batch_alter_table("claim", schema=None, recreate="never") as batch_op:
        batch_op.drop_column("act")
        batch_op.drop_column("shown")


def replace_claim_kind_check(kinds: tuple[str, ...]) -> None:
    """ck_claim_kind allows exactly `kinds`: ALTER TABLE on PostgreSQL, a rebuild of claim on SQLite."""
    allowed = ", ".join(f"'{kind}'" for kind in kinds)
    dependants = sqlite_dependants("claim")
    for kind, name, _sql in reversed(dependants):
        op.execute(f'DROP {kind.upper()} "{name}"')
    with op.batch_alter_table("claim", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_claim_kind"), type_="check")
        batch_op.create_check_constraint(op.f("ck_claim_kind"), f"kind IN ({allowed})")
    for _kind, _name, sql in dependants:
        op.get_bind().exec_driver_sql(sql)  # the stored text as is, not parsed for bind parameters


def sqlite_dependants(table: str) -> list[tuple[str, str, str]]:
    """(type, name, sql) of the SQLite triggers and views whose SQL names `table`, in creation order.

    None on PostgreSQL, whose ALTER TABLE leaves them alone.
    """
    bind = op.get_bind()
    if bind.dialect.name != "sqlite":
        return []
    names_table = re.compile(rf"\b{re.escape(table)}\b", re.IGNORECASE)  # not claim_fts
    rows = bind.exec_driver_sql(
        "SELECT type, name, sql FROM sqlite_master WHERE type IN ('trigger', 'view') ORDER BY rowid"
    ).all()
    return [(kind, name, sql) for kind, name, sql in rows if names_table.search(sql)]
