"""Varsler: notifications, preferences and settings; a guardian's reservation against digital contact;
a meeting's place, cancellation and iCalendar sequence (docs/notifications.md)."""

import sqlalchemy as sa
from alembic import op

from core.storage.migration_tables import create_table

revision, down_revision = "0011", "0010"
branch_labels = depends_on = None


def upgrade() -> None:
    create_table(
        "notification",
        "id:s36 municipality_id:s4 recipient_id:s36 kind:s64 key:s200 case_id:s36? link:s300 data:json "
        "created_at:at read_at:at? email:s16 digest:bool attempts:int next_attempt_at:at? leased_until:at? "
        "sent_at:at? last_error:text",
        fks="case_id>case municipality_id>municipality recipient_id>person",
        unique=("recipient_id key",),
    )
    op.create_index("ix_notification_recipient_created", "notification", ["recipient_id", "created_at"])
    op.create_index("ix_notification_email_due", "notification", ["email", "next_attempt_at"])
    create_table(
        "notification_preference",
        "person_id:s36 kind:s64 delivery:s16",
        fks="person_id>person",
        pk="person_id kind",
    )
    create_table(
        "notification_settings",
        "person_id:s36 quiet_from:int? quiet_to:int? unsubscribe_token:s64",
        fks="person_id>person",
        pk="person_id",
        unique=("unsubscribe_token",),
    )
    with op.batch_alter_table("person", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("digital_contact_reserved", sa.Boolean(), server_default=sa.false(), nullable=False)
        )
    with op.batch_alter_table("meeting", schema=None) as batch_op:
        batch_op.add_column(sa.Column("location", sa.String(length=300), server_default="", nullable=False))
        batch_op.add_column(sa.Column("cancelled_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("sequence", sa.Integer(), server_default="0", nullable=False))


def downgrade() -> None:
    with op.batch_alter_table("meeting", schema=None) as batch_op:
        batch_op.drop_column("sequence")
        batch_op.drop_column("cancelled_at")
        batch_op.drop_column("location")
    with op.batch_alter_table("person", schema=None) as batch_op:
        batch_op.drop_column("digital_contact_reserved")
    op.drop_table("notification_settings")
    op.drop_table("notification_preference")
    op.drop_table("notification")
