"""Each person's own written form (bokmål or nynorsk); None reads the municipality's målform.

Follows 0024 (the indicators' indexes).
"""

import sqlalchemy as sa
from alembic import op

revision, down_revision = "0025", "0024"
branch_labels = depends_on = None


def upgrade() -> None:
    op.add_column("person", sa.Column("language", sa.String(length=2), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("person") as batch:
        batch.drop_column("language")
