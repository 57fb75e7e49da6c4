"""Bekymringsmeldinger: reports to barnevern sent from a case (KS Fiks), their receipts and answers."""

from alembic import op

from core.storage.migration_tables import create_table

revision, down_revision = "0008", "0007"
branch_labels = depends_on = None


def upgrade() -> None:
    create_table(
        "child_welfare_report",
        "id:s36 municipality_id:s4 case_id:s36 author_id:s36? reporter_unit_id:s64 receiver_unit_id:s64 "
        "legal_basis:s64 urgent:bool youth_is_party:bool status:s16 content:json created_at:at "
        "delivered_at:at? receipt_at:at? receipt_error:text answer:s16? answer_at:at? answer_by:s36?",
        fks="case_id>case municipality_id>municipality reporter_unit_id>unit receiver_unit_id>unit",
        index="case_id",
    )


def downgrade() -> None:
    op.drop_table("child_welfare_report")  # and its index
