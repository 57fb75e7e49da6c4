"""Audit: an index on (actor_id, at), so a person's look-ups of the last minutes are counted without
reading the municipality's whole trail (core.services.lookups).

Revision ID: 0006
Revises: 0005
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0006"
down_revision: str | Sequence[str] | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index("ix_audit_event_actor_at", "audit_event", ["actor_id", "at"])


def downgrade() -> None:
    op.drop_index("ix_audit_event_actor_at", table_name="audit_event")
