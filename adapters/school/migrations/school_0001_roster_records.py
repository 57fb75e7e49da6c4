"""The OneRoster adapter's bookkeeping: source identifiers with digests, and each source's watermark.

The base of the adapter's own branch (``school``). Until this branch existed, core's revision 0003
created these two tables; in such a database they are already there and are adopted as they are.

Revision ID: school_0001
Depends on: 0003 (core: municipality)
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "school_0001"
down_revision: str | Sequence[str] | None = None
branch_labels: str | Sequence[str] | None = ("school",)
depends_on: str | Sequence[str] | None = "0003"


def upgrade() -> None:
    existing = set(sa.inspect(op.get_bind()).get_table_names())
    if "roster_source" not in existing:
        op.create_table(
            "roster_source",
            sa.Column("municipality_id", sa.String(length=4), nullable=False),
            sa.Column("name", sa.String(length=200), nullable=False),
            sa.Column("last_import_at", sa.DateTime(timezone=True), nullable=True),
            sa.Column("delta_since", sa.DateTime(timezone=True), nullable=True),
            sa.ForeignKeyConstraint(
                ["municipality_id"],
                ["municipality.id"],
                name=op.f("fk_roster_source_municipality_id_municipality"),
            ),
            sa.PrimaryKeyConstraint("municipality_id", "name", name=op.f("pk_roster_source")),
        )
    if "roster_record" not in existing:
        op.create_table(
            "roster_record",
            sa.Column("municipality_id", sa.String(length=4), nullable=False),
            sa.Column("source", sa.String(length=200), nullable=False),
            sa.Column("kind", sa.String(length=16), nullable=False),
            sa.Column("sourced_id", sa.String(length=512), nullable=False),
            sa.Column("target_id", sa.String(length=64), nullable=True),
            sa.Column("other_id", sa.String(length=64), nullable=True),
            sa.Column("digest", sa.String(length=32), nullable=False),
            sa.Column("active", sa.Boolean(), nullable=False),
            sa.ForeignKeyConstraint(
                ["municipality_id"],
                ["municipality.id"],
                name=op.f("fk_roster_record_municipality_id_municipality"),
            ),
            sa.PrimaryKeyConstraint(
                "municipality_id", "source", "kind", "sourced_id", name=op.f("pk_roster_record")
            ),
        )
        op.create_index("ix_roster_record_target", "roster_record", ["target_id"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_roster_record_target", table_name="roster_record")
    op.drop_table("roster_record")
    op.drop_table("roster_source")
