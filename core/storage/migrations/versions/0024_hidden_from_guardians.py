"""The youth's own say: a log entry or a tiltak can be shared with the youth but kept from the
guardians (``hidden_from_guardians``). Added without rebuilding ``log_entry``, whose append-only
triggers stay as they are."""

import sqlalchemy as sa
from alembic import op

revision, down_revision = "0024", "0023"
branch_labels = depends_on = None


def upgrade() -> None:
    for table in ("log_entry", "measure"):
        op.add_column(
            table, sa.Column("hidden_from_guardians", sa.Boolean(), nullable=False, server_default=sa.false())
        )


def downgrade() -> None:
    for table in ("log_entry", "measure"):
        with op.batch_alter_table(table) as batch:
            batch.drop_column("hidden_from_guardians")
