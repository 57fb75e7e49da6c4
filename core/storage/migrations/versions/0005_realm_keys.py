"""Identity: the local realm's signing keys and secrets, and its login sessions.

Revision ID: 0005
Revises: 0004
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | Sequence[str] | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "auth_key",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("purpose", sa.String(length=16), nullable=False),
        sa.Column("realm", sa.String(length=64), nullable=False),
        sa.Column("material", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_auth_key")),
        sa.UniqueConstraint("purpose", "realm", name=op.f("uq_auth_key_purpose_realm")),
    )
    op.create_table(
        "realm_session",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("realm", sa.String(length=64), nullable=False),
        sa.Column("person_id", sa.String(length=36), nullable=False),
        sa.Column("client_id", sa.String(length=64), nullable=False),
        sa.Column("code_hash", sa.String(length=64), nullable=True),
        sa.Column("code_challenge", sa.String(length=128), nullable=False),
        sa.Column("redirect_uri", sa.Text(), nullable=False),
        sa.Column("nonce", sa.String(length=256), nullable=True),
        sa.Column("scope", sa.String(length=300), nullable=False),
        sa.Column("code_expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ended_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["person_id"], ["person.id"], name=op.f("fk_realm_session_person_id_person")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_realm_session")),
        sa.UniqueConstraint("code_hash", name=op.f("uq_realm_session_code_hash")),
    )
    op.create_index(op.f("ix_realm_session_person_id"), "realm_session", ["person_id"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_realm_session_person_id"), table_name="realm_session")
    op.drop_table("realm_session")
    op.drop_table("auth_key")
