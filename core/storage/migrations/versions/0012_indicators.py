"""Følgeevaluering: whether a municipality is named to the region's others (synced from its config), and
an index of the stafettlogg by kind and time (level changes, the family's entries are counted by it).

Follows 0011 (varsler).
"""

import sqlalchemy as sa
from alembic import op

revision, down_revision = "0012", "0011"
branch_labels = depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("municipality", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("named_in_region", sa.Boolean(), nullable=False, server_default=sa.true())
        )
    op.create_index("ix_log_entry_kind_at", "log_entry", ["kind", "at"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_log_entry_kind_at", table_name="log_entry")
    with op.batch_alter_table("municipality", schema=None) as batch_op:
        batch_op.drop_column("named_in_region")
