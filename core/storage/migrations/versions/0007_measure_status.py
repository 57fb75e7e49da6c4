"""A tiltak's status: active, paused, ended or cancelled.

Measures that have ended before this revision (evaluated without a next date) become ``ended``.
"""

import sqlalchemy as sa
from alembic import op

revision, down_revision = "0007", "0006"
branch_labels = depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("measure", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("status", sa.String(length=16), server_default="active", nullable=False)
        )
    op.execute("UPDATE measure SET status = 'ended' WHERE next_evaluation_date IS NULL")


def downgrade() -> None:
    with op.batch_alter_table("measure", schema=None) as batch_op:
        batch_op.drop_column("status")
