"""Audit: an index on (actor_id, at), so a person's look-ups of the last minutes are counted without
reading the municipality's whole trail (core.services.lookups).
"""

from alembic import op

revision, down_revision = "0006", "0005"
branch_labels = depends_on = None


def upgrade() -> None:
    op.create_index("ix_audit_event_actor_at", "audit_event", ["actor_id", "at"])


def downgrade() -> None:
    op.drop_index("ix_audit_event_actor_at", table_name="audit_event")
