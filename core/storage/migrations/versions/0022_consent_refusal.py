"""Consent as a full record: a refusal is kept (who refused, when), and how each giver gave it
(``digital`` in Min side after login, or ``paper`` with who received the signed form)."""

import sqlalchemy as sa
from alembic import op

revision, down_revision = "0022", "0021"
branch_labels = depends_on = None


def upgrade() -> None:
    at = sa.DateTime(timezone=True)
    with op.batch_alter_table("consent") as batch:
        batch.add_column(sa.Column("refused_at", at, nullable=True))
        batch.add_column(sa.Column("refused_by", sa.String(36), nullable=True))
        batch.create_foreign_key("fk_consent_refused_by_person", "person", ["refused_by"], ["id"])
    with op.batch_alter_table("consent_giver") as batch:
        batch.add_column(sa.Column("method", sa.String(16), nullable=False, server_default=""))
        batch.add_column(sa.Column("received_by", sa.String(36), nullable=True))
        batch.create_foreign_key("fk_consent_giver_received_by_person", "person", ["received_by"], ["id"])
    op.execute("UPDATE consent_giver SET method = 'digital' WHERE given_at IS NOT NULL")


def downgrade() -> None:
    with op.batch_alter_table("consent_giver") as batch:
        batch.drop_constraint("fk_consent_giver_received_by_person", type_="foreignkey")
        batch.drop_column("received_by")
        batch.drop_column("method")
    with op.batch_alter_table("consent") as batch:
        batch.drop_constraint("fk_consent_refused_by_person", type_="foreignkey")
        batch.drop_column("refused_by")
        batch.drop_column("refused_at")
