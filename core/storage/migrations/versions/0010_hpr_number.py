"""An employee's HPR-nummer (Helsepersonellregisteret), so a journal matches the Practitioner it knows.

Follows 0008 (the bekymringsmelding tables).
"""

import sqlalchemy as sa
from alembic import op

revision, down_revision = "0010", "0008"
branch_labels = depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("person", schema=None) as batch_op:
        batch_op.add_column(sa.Column("hpr_number", sa.String(length=9), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("person", schema=None) as batch_op:
        batch_op.drop_column("hpr_number")
