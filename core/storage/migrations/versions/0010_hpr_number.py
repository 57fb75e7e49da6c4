"""An employee's HPR-nummer (Helsepersonellregisteret), so a journal matches the Practitioner it knows.

Named 0010 so it does not collide with revisions other branches add after 0007.
"""

import sqlalchemy as sa
from alembic import op

revision, down_revision = "0010", "0007"
branch_labels = depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("person", schema=None) as batch_op:
        batch_op.add_column(sa.Column("hpr_number", sa.String(length=9), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("person", schema=None) as batch_op:
        batch_op.drop_column("hpr_number")
