"""Identity: the local realm's signing keys and secrets, and its login sessions."""

from alembic import op

from core.storage.migration_tables import create_table

revision, down_revision = "0005", "0004"
branch_labels = depends_on = None


def upgrade() -> None:
    create_table(
        "auth_key", "id:s64 purpose:s16 realm:s64 material:text created_at:at", unique=("purpose realm",)
    )
    create_table(
        "realm_session",
        "id:s36 realm:s64 person_id:s36 client_id:s64 code_hash:s64? code_challenge:s128 redirect_uri:text "
        "nonce:s256? scope:s300 code_expires_at:at created_at:at ended_at:at?",
        fks="person_id>person",
        unique=("code_hash",),
        index="person_id",
    )


def downgrade() -> None:
    op.drop_table("realm_session")  # and its index
    op.drop_table("auth_key")
