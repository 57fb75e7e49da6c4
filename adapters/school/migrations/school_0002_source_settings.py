"""What a municipality declares about a OneRoster source: its scope, the mass-end limit, where the
fødselsnummer is.

Revision ID: school_0002
Revises: school_0001
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "school_0002"
down_revision: str | Sequence[str] | None = "school_0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("roster_source") as batch:
        batch.add_column(sa.Column("owns", sa.JSON(), nullable=True))
        batch.add_column(sa.Column("max_end_share", sa.Float(), nullable=False, server_default="0.25"))
        batch.add_column(
            sa.Column("national_id_in_identifier", sa.Boolean(), nullable=False, server_default=sa.false())
        )


def downgrade() -> None:
    with op.batch_alter_table("roster_source") as batch:
        batch.drop_column("national_id_in_identifier")
        batch.drop_column("max_end_share")
        batch.drop_column("owns")
