"""The directory: school and kindergarten enrolments, classes and class members.

The OneRoster adapter's own tables (``roster_source``, ``roster_record``) were created here until
they moved to the adapter's migration branch (adapters/school/migrations, branch ``school``), whose
first revision adopts them in databases this revision created earlier.
"""

from alembic import op

from core.storage.migration_tables import create_table

revision, down_revision = "0003", "0002"
branch_labels = depends_on = None

TABLES = ("school_enrollment", "school_class", "class_member")


def upgrade() -> None:
    create_table(
        "school_enrollment",
        "person_id:s36 unit_id:s64 active:bool since:at ended_at:at?",
        fks="person_id>person unit_id>unit",
        pk="person_id unit_id",
        index="unit_id",
    )
    create_table(
        "school_class",
        "id:s36 municipality_id:s4 unit_id:s64 name:s300 homeroom:bool active:bool",
        fks="municipality_id>municipality unit_id>unit",
        index="unit_id",
    )
    create_table(
        "class_member",
        "class_id:s36 person_id:s36 role:s16 is_primary:bool active:bool",
        fks="class_id>school_class person_id>person",
        pk="class_id person_id",
        index="person_id",
    )


def downgrade() -> None:
    for table in reversed(TABLES):  # dropping a table drops its indexes
        op.drop_table(table)
