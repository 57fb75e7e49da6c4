"""The youth's own say and øving.

``hidden_from_guardians`` on ``log_entry`` and ``measure``: shared with the youth but kept from the
guardians (docs/youth.md); added without rebuilding ``log_entry``, whose append-only triggers stay.
``practice_progress``: the practice cases and learning modules an employee started and completed; only
the practice space's own database ever holds rows in it (docs/practice.md).
"""

import sqlalchemy as sa
from alembic import op

from core.storage.migration_tables import create_table

revision, down_revision = "0023", "0022"
branch_labels = depends_on = None
KEPT_FROM_GUARDIANS = ("log_entry", "measure")


def upgrade() -> None:
    for table in KEPT_FROM_GUARDIANS:
        op.add_column(
            table, sa.Column("hidden_from_guardians", sa.Boolean(), nullable=False, server_default=sa.false())
        )
    create_table(
        "practice_progress",
        "id:s36 municipality_id:s4 person_id:s36 kind:s16 item_id:s64 case_id:s36? "
        "started_at:at completed_at:at?",
        fks="municipality_id>municipality person_id>person case_id>case",
        unique=("case_id",),
    )
    op.create_index("ix_practice_progress_person", "practice_progress", ["person_id", "kind"])


def downgrade() -> None:
    op.drop_table("practice_progress")
    for table in KEPT_FROM_GUARDIANS:
        with op.batch_alter_table(table) as batch:
            batch.drop_column("hidden_from_guardians")
