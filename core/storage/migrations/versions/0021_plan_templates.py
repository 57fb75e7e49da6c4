"""The individuell plan from the municipality's template: which template it was made from, and what it
says under the template's sections (``contracts.PlanTemplate``, hook ``plan_templates``)."""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision, down_revision = "0021", "0020"
branch_labels = depends_on = None


def upgrade() -> None:
    json = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")
    op.add_column(
        "individual_plan", sa.Column("template_id", sa.String(64), nullable=False, server_default="")
    )
    op.add_column(
        "individual_plan", sa.Column("sections", json, nullable=False, server_default=sa.text("'{}'"))
    )


def downgrade() -> None:
    with op.batch_alter_table("individual_plan") as batch:
        batch.drop_column("sections")
        batch.drop_column("template_id")
