"""Øving: ``practice_progress``, the practice cases and learning modules an employee started and
completed. Only the practice space's own database ever holds rows in it (docs/practice.md)."""

from alembic import op

from core.storage.migration_tables import create_table

revision, down_revision = "0023", "0022"
branch_labels = depends_on = None


def upgrade() -> None:
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
