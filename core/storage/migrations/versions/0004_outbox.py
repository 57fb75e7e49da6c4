"""The outbox: deliveries to other systems (FHIR journals), written in the case event's transaction."""

from alembic import op

from core.storage.migration_tables import create_table

revision, down_revision = "0004", "0003"
branch_labels = depends_on = None


def upgrade() -> None:
    create_table(
        "outbox",
        "id:s36 municipality_id:s4 case_id:s36 unit_id:s64 channel:s16 endpoint:s300 event_kind:s32 "
        "entry_id:s36? status:s16 attempts:int created_at:at next_attempt_at:at leased_until:at? "
        "last_error:text delivered_at:at?",
        fks="case_id>case municipality_id>municipality unit_id>unit",
    )
    op.create_index("ix_outbox_due", "outbox", ["status", "next_attempt_at"], unique=False)
    op.create_index("ix_outbox_case_unit", "outbox", ["case_id", "unit_id", "status"], unique=False)


def downgrade() -> None:
    op.drop_table("outbox")  # and its indexes
