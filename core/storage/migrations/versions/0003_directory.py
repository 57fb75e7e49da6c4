"""The directory: school and kindergarten enrolments, classes and class members.

The OneRoster adapter's own tables (``roster_source``, ``roster_record``) were created here until
they moved to the adapter's migration branch (adapters/school/migrations, branch ``school``), whose
first revision adopts them in databases this revision created earlier.

Revision ID: 0003
Revises: 0002
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | Sequence[str] | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "school_enrollment",
        sa.Column("person_id", sa.String(length=36), nullable=False),
        sa.Column("unit_id", sa.String(length=64), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("since", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ended_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["person_id"], ["person.id"], name=op.f("fk_school_enrollment_person_id_person")
        ),
        sa.ForeignKeyConstraint(["unit_id"], ["unit.id"], name=op.f("fk_school_enrollment_unit_id_unit")),
        sa.PrimaryKeyConstraint("person_id", "unit_id", name=op.f("pk_school_enrollment")),
    )
    op.create_index(op.f("ix_school_enrollment_unit_id"), "school_enrollment", ["unit_id"], unique=False)
    op.create_table(
        "school_class",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("municipality_id", sa.String(length=4), nullable=False),
        sa.Column("unit_id", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=300), nullable=False),
        sa.Column("homeroom", sa.Boolean(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["municipality_id"],
            ["municipality.id"],
            name=op.f("fk_school_class_municipality_id_municipality"),
        ),
        sa.ForeignKeyConstraint(["unit_id"], ["unit.id"], name=op.f("fk_school_class_unit_id_unit")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_school_class")),
    )
    op.create_index(op.f("ix_school_class_unit_id"), "school_class", ["unit_id"], unique=False)
    op.create_table(
        "class_member",
        sa.Column("class_id", sa.String(length=36), nullable=False),
        sa.Column("person_id", sa.String(length=36), nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column("is_primary", sa.Boolean(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["class_id"], ["school_class.id"], name=op.f("fk_class_member_class_id_school_class")
        ),
        sa.ForeignKeyConstraint(["person_id"], ["person.id"], name=op.f("fk_class_member_person_id_person")),
        sa.PrimaryKeyConstraint("class_id", "person_id", name=op.f("pk_class_member")),
    )
    op.create_index(op.f("ix_class_member_person_id"), "class_member", ["person_id"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_class_member_person_id"), table_name="class_member")
    op.drop_table("class_member")
    op.drop_index(op.f("ix_school_class_unit_id"), table_name="school_class")
    op.drop_table("school_class")
    op.drop_index(op.f("ix_school_enrollment_unit_id"), table_name="school_enrollment")
    op.drop_table("school_enrollment")
