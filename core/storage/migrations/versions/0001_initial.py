"""Initial schema: municipalities, people, cases, the relay log, consents, meetings, audit trail."""

from alembic import op

from core.storage.migration_tables import create_table

revision, down_revision = "0001", None
branch_labels = depends_on = None

# Children after parents; dropping a table drops its indexes.
TABLES = (
    "municipality audit_event audit_head person unit case guardianship municipal_role unit_membership "
    "concern consent handover log_entry measure meeting participant consent_giver consent_unit "
    "measure_evaluation meeting_unit"
)


def upgrade() -> None:
    create_table("municipality", "id:s4 name:s300 region:s300?")
    create_table(
        "audit_event",
        "id:s36 municipality_id:s4 seq:int at:at actor_id:s64? actor_kind:s16 on_behalf_of:s64? action:s64 "
        "case_id:s36? subject_id:s36? purpose:s300 outcome:s16 reason:text prev_hash:s64 hash:s64",
        fks="municipality_id>municipality",
        unique=("municipality_id seq",),
        index="subject_id",
    )
    op.create_index("ix_audit_event_case_at", "audit_event", ["case_id", "at"], unique=False)
    create_table(
        "audit_head",
        "municipality_id:s4 seq:int hash:s64",
        fks="municipality_id>municipality",
        pk="municipality_id",
    )
    create_table(
        "person",
        "id:s36 municipality_id:s4 kind:s16 given_name:s300 family_name:s300 national_id:s11? "
        "birth_date:date? due_date:date? email:s300? phone:s40? title:s300? active:bool created_at:at",
        fks="municipality_id>municipality",
        unique=("municipality_id national_id",),
        index="municipality_id",
    )
    create_table(
        "unit",
        "id:s64 municipality_id:s4 name:s300 service_type:s32 organization_number:s9? active:bool",
        fks="municipality_id>municipality",
        index="municipality_id",
    )
    create_table(
        "case",
        "id:s36 municipality_id:s4 subject_id:s36 owner_unit_id:s64 level:int status:s16 opened_at:at "
        "relay_holder_id:s36? closed_at:at? close_reason:s32?",
        fks="municipality_id>municipality owner_unit_id>unit relay_holder_id>person subject_id>person",
        index="relay_holder_id subject_id",
    )
    op.create_index("ix_case_municipality_status", "case", ["municipality_id", "status"], unique=False)
    op.create_index("ix_case_unit_status", "case", ["owner_unit_id", "status"], unique=False)
    create_table(
        "guardianship",
        "child_id:s36 guardian_id:s36 parental_responsibility:bool",
        fks="child_id>person guardian_id>person",
        pk="child_id guardian_id",
        index="guardian_id",
    )
    create_table("municipal_role", "person_id:s36 role:s32", fks="person_id>person", pk="person_id role")
    create_table(
        "unit_membership",
        "person_id:s36 unit_id:s64 role:s32",
        fks="person_id>person unit_id>unit",
        pk="person_id unit_id",
        index="unit_id",
    )
    create_table(
        "concern",
        "id:s36 case_id:s36 unit_id:s64 raised_by:s36 kind:s32 observation:text observed_on:date "
        "recorded_at:at",
        fks="case_id>case raised_by>person unit_id>unit",
        index="case_id",
    )
    create_table(
        "consent",
        "id:s36 case_id:s36 purpose:text area:s32 categories:json valid_from:date valid_to:date "
        "recorded_by:s36 recorded_at:at withdrawn_at:at? withdrawn_by:s36?",
        fks="case_id>case recorded_by>person withdrawn_by>person",
        index="case_id",
    )
    create_table(
        "handover",
        "id:s36 case_id:s36 from_id:s36? to_id:s36 status:s16 note:text requested_at:at decided_at:at?",
        fks="case_id>case from_id>person to_id>person",
        index="case_id to_id",
    )
    create_table(
        "log_entry",
        "id:s36 case_id:s36 seq:int kind:s32 at:at author_id:s36? text:text data:json corrects:s36? "
        "shared_with_family:bool",
        fks="author_id>person case_id>case corrects>log_entry",
        unique=("case_id seq",),
        index="corrects",
    )
    create_table(
        "measure",
        "id:s36 case_id:s36 title:s300 goal:text responsible_id:s36 unit_id:s64 start_date:date "
        "evaluation_date:date next_evaluation_date:date? for_family:bool created_by:s36 created_at:at",
        fks="case_id>case created_by>person responsible_id>person unit_id>unit",
        index="case_id next_evaluation_date responsible_id",
    )
    create_table(
        "meeting",
        "id:s36 municipality_id:s4 case_id:s36? arena_id:s64? kind:s32 starts_at:at summary:text "
        "created_by:s36?",
        fks="case_id>case created_by>person municipality_id>municipality",
        index="case_id",
    )
    create_table(
        "participant",
        "case_id:s36 unit_id:s64 basis:s32 added_at:at added_by:s36? removed_at:at?",
        fks="added_by>person case_id>case unit_id>unit",
        pk="case_id unit_id",
        index="unit_id",
    )
    create_table(
        "consent_giver",
        "consent_id:s36 person_id:s36 as_role:s16 given_at:at?",
        fks="consent_id>consent person_id>person",
        pk="consent_id person_id",
    )
    create_table(
        "consent_unit",
        "consent_id:s36 unit_id:s64",
        fks="consent_id>consent unit_id>unit",
        pk="consent_id unit_id",
        index="unit_id",
    )
    create_table(
        "measure_evaluation",
        "id:s36 measure_id:s36 outcome:s32 summary:text evaluated_by:s36 evaluated_at:at "
        "next_evaluation_date:date?",
        fks="evaluated_by>person measure_id>measure",
        index="measure_id",
    )
    create_table(
        "meeting_unit",
        "meeting_id:s36 unit_id:s64",
        fks="meeting_id>meeting unit_id>unit",
        pk="meeting_id unit_id",
    )


def downgrade() -> None:
    for table in reversed(TABLES.split()):
        op.drop_table(table)
