"""Initial schema: municipalities, people, cases, the relay log, consents, meetings, audit trail.

Revision ID: 0001
Create Date: 2026-11-23 12:01:26.861155
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0001"
down_revision: str | Sequence[str] | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "municipality",
        sa.Column("id", sa.String(length=4), nullable=False),
        sa.Column("name", sa.String(length=300), nullable=False),
        sa.Column("region", sa.String(length=300), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_municipality")),
    )
    op.create_table(
        "audit_event",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("municipality_id", sa.String(length=4), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor_id", sa.String(length=64), nullable=True),
        sa.Column("actor_kind", sa.String(length=16), nullable=False),
        sa.Column("on_behalf_of", sa.String(length=64), nullable=True),
        sa.Column("action", sa.String(length=64), nullable=False),
        sa.Column("case_id", sa.String(length=36), nullable=True),
        sa.Column("subject_id", sa.String(length=36), nullable=True),
        sa.Column("purpose", sa.String(length=300), nullable=False),
        sa.Column("outcome", sa.String(length=16), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("prev_hash", sa.String(length=64), nullable=False),
        sa.Column("hash", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["municipality_id"], ["municipality.id"], name=op.f("fk_audit_event_municipality_id_municipality")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_event")),
        sa.UniqueConstraint("municipality_id", "seq", name=op.f("uq_audit_event_municipality_id_seq")),
    )
    op.create_index("ix_audit_event_case_at", "audit_event", ["case_id", "at"], unique=False)
    op.create_index(op.f("ix_audit_event_subject_id"), "audit_event", ["subject_id"], unique=False)

    op.create_table(
        "audit_head",
        sa.Column("municipality_id", sa.String(length=4), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("hash", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["municipality_id"], ["municipality.id"], name=op.f("fk_audit_head_municipality_id_municipality")
        ),
        sa.PrimaryKeyConstraint("municipality_id", name=op.f("pk_audit_head")),
    )
    op.create_table(
        "person",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("municipality_id", sa.String(length=4), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("given_name", sa.String(length=300), nullable=False),
        sa.Column("family_name", sa.String(length=300), nullable=False),
        sa.Column("national_id", sa.String(length=11), nullable=True),
        sa.Column("birth_date", sa.Date(), nullable=True),
        sa.Column("due_date", sa.Date(), nullable=True),
        sa.Column("email", sa.String(length=300), nullable=True),
        sa.Column("phone", sa.String(length=40), nullable=True),
        sa.Column("title", sa.String(length=300), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["municipality_id"], ["municipality.id"], name=op.f("fk_person_municipality_id_municipality")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_person")),
        sa.UniqueConstraint(
            "municipality_id", "national_id", name=op.f("uq_person_municipality_id_national_id")
        ),
    )
    op.create_index(op.f("ix_person_municipality_id"), "person", ["municipality_id"], unique=False)

    op.create_table(
        "unit",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("municipality_id", sa.String(length=4), nullable=False),
        sa.Column("name", sa.String(length=300), nullable=False),
        sa.Column("service_type", sa.String(length=32), nullable=False),
        sa.Column("organization_number", sa.String(length=9), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["municipality_id"], ["municipality.id"], name=op.f("fk_unit_municipality_id_municipality")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_unit")),
    )
    op.create_index(op.f("ix_unit_municipality_id"), "unit", ["municipality_id"], unique=False)

    op.create_table(
        "case",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("municipality_id", sa.String(length=4), nullable=False),
        sa.Column("subject_id", sa.String(length=36), nullable=False),
        sa.Column("owner_unit_id", sa.String(length=64), nullable=False),
        sa.Column("level", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("opened_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("relay_holder_id", sa.String(length=36), nullable=True),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("close_reason", sa.String(length=32), nullable=True),
        sa.ForeignKeyConstraint(
            ["municipality_id"], ["municipality.id"], name=op.f("fk_case_municipality_id_municipality")
        ),
        sa.ForeignKeyConstraint(["owner_unit_id"], ["unit.id"], name=op.f("fk_case_owner_unit_id_unit")),
        sa.ForeignKeyConstraint(
            ["relay_holder_id"], ["person.id"], name=op.f("fk_case_relay_holder_id_person")
        ),
        sa.ForeignKeyConstraint(["subject_id"], ["person.id"], name=op.f("fk_case_subject_id_person")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_case")),
    )
    op.create_index("ix_case_municipality_status", "case", ["municipality_id", "status"], unique=False)
    op.create_index(op.f("ix_case_relay_holder_id"), "case", ["relay_holder_id"], unique=False)
    op.create_index(op.f("ix_case_subject_id"), "case", ["subject_id"], unique=False)
    op.create_index("ix_case_unit_status", "case", ["owner_unit_id", "status"], unique=False)

    op.create_table(
        "guardianship",
        sa.Column("child_id", sa.String(length=36), nullable=False),
        sa.Column("guardian_id", sa.String(length=36), nullable=False),
        sa.Column("parental_responsibility", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(["child_id"], ["person.id"], name=op.f("fk_guardianship_child_id_person")),
        sa.ForeignKeyConstraint(
            ["guardian_id"], ["person.id"], name=op.f("fk_guardianship_guardian_id_person")
        ),
        sa.PrimaryKeyConstraint("child_id", "guardian_id", name=op.f("pk_guardianship")),
    )
    op.create_index(op.f("ix_guardianship_guardian_id"), "guardianship", ["guardian_id"], unique=False)

    op.create_table(
        "municipal_role",
        sa.Column("person_id", sa.String(length=36), nullable=False),
        sa.Column("role", sa.String(length=32), nullable=False),
        sa.ForeignKeyConstraint(
            ["person_id"], ["person.id"], name=op.f("fk_municipal_role_person_id_person")
        ),
        sa.PrimaryKeyConstraint("person_id", "role", name=op.f("pk_municipal_role")),
    )
    op.create_table(
        "unit_membership",
        sa.Column("person_id", sa.String(length=36), nullable=False),
        sa.Column("unit_id", sa.String(length=64), nullable=False),
        sa.Column("role", sa.String(length=32), nullable=False),
        sa.ForeignKeyConstraint(
            ["person_id"], ["person.id"], name=op.f("fk_unit_membership_person_id_person")
        ),
        sa.ForeignKeyConstraint(["unit_id"], ["unit.id"], name=op.f("fk_unit_membership_unit_id_unit")),
        sa.PrimaryKeyConstraint("person_id", "unit_id", name=op.f("pk_unit_membership")),
    )
    op.create_index(op.f("ix_unit_membership_unit_id"), "unit_membership", ["unit_id"], unique=False)

    op.create_table(
        "concern",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("case_id", sa.String(length=36), nullable=False),
        sa.Column("unit_id", sa.String(length=64), nullable=False),
        sa.Column("raised_by", sa.String(length=36), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("observation", sa.Text(), nullable=False),
        sa.Column("observed_on", sa.Date(), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["case_id"], ["case.id"], name=op.f("fk_concern_case_id_case")),
        sa.ForeignKeyConstraint(["raised_by"], ["person.id"], name=op.f("fk_concern_raised_by_person")),
        sa.ForeignKeyConstraint(["unit_id"], ["unit.id"], name=op.f("fk_concern_unit_id_unit")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_concern")),
    )
    op.create_index(op.f("ix_concern_case_id"), "concern", ["case_id"], unique=False)

    op.create_table(
        "consent",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("case_id", sa.String(length=36), nullable=False),
        sa.Column("purpose", sa.Text(), nullable=False),
        sa.Column("area", sa.String(length=32), nullable=False),
        sa.Column("categories", sa.JSON().with_variant(postgresql.JSONB(), "postgresql"), nullable=False),
        sa.Column("valid_from", sa.Date(), nullable=False),
        sa.Column("valid_to", sa.Date(), nullable=False),
        sa.Column("recorded_by", sa.String(length=36), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("withdrawn_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("withdrawn_by", sa.String(length=36), nullable=True),
        sa.ForeignKeyConstraint(["case_id"], ["case.id"], name=op.f("fk_consent_case_id_case")),
        sa.ForeignKeyConstraint(["recorded_by"], ["person.id"], name=op.f("fk_consent_recorded_by_person")),
        sa.ForeignKeyConstraint(["withdrawn_by"], ["person.id"], name=op.f("fk_consent_withdrawn_by_person")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_consent")),
    )
    op.create_index(op.f("ix_consent_case_id"), "consent", ["case_id"], unique=False)

    op.create_table(
        "handover",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("case_id", sa.String(length=36), nullable=False),
        sa.Column("from_id", sa.String(length=36), nullable=True),
        sa.Column("to_id", sa.String(length=36), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("requested_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["case_id"], ["case.id"], name=op.f("fk_handover_case_id_case")),
        sa.ForeignKeyConstraint(["from_id"], ["person.id"], name=op.f("fk_handover_from_id_person")),
        sa.ForeignKeyConstraint(["to_id"], ["person.id"], name=op.f("fk_handover_to_id_person")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_handover")),
    )
    op.create_index(op.f("ix_handover_case_id"), "handover", ["case_id"], unique=False)
    op.create_index(op.f("ix_handover_to_id"), "handover", ["to_id"], unique=False)

    op.create_table(
        "log_entry",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("case_id", sa.String(length=36), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("author_id", sa.String(length=36), nullable=True),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("data", sa.JSON().with_variant(postgresql.JSONB(), "postgresql"), nullable=False),
        sa.Column("corrects", sa.String(length=36), nullable=True),
        sa.Column("shared_with_family", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(["author_id"], ["person.id"], name=op.f("fk_log_entry_author_id_person")),
        sa.ForeignKeyConstraint(["case_id"], ["case.id"], name=op.f("fk_log_entry_case_id_case")),
        sa.ForeignKeyConstraint(["corrects"], ["log_entry.id"], name=op.f("fk_log_entry_corrects_log_entry")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_log_entry")),
        sa.UniqueConstraint("case_id", "seq", name=op.f("uq_log_entry_case_id_seq")),
    )
    op.create_index(op.f("ix_log_entry_corrects"), "log_entry", ["corrects"], unique=False)

    op.create_table(
        "measure",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("case_id", sa.String(length=36), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("goal", sa.Text(), nullable=False),
        sa.Column("responsible_id", sa.String(length=36), nullable=False),
        sa.Column("unit_id", sa.String(length=64), nullable=False),
        sa.Column("start_date", sa.Date(), nullable=False),
        sa.Column("evaluation_date", sa.Date(), nullable=False),
        sa.Column("next_evaluation_date", sa.Date(), nullable=True),
        sa.Column("for_family", sa.Boolean(), nullable=False),
        sa.Column("created_by", sa.String(length=36), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["case_id"], ["case.id"], name=op.f("fk_measure_case_id_case")),
        sa.ForeignKeyConstraint(["created_by"], ["person.id"], name=op.f("fk_measure_created_by_person")),
        sa.ForeignKeyConstraint(
            ["responsible_id"], ["person.id"], name=op.f("fk_measure_responsible_id_person")
        ),
        sa.ForeignKeyConstraint(["unit_id"], ["unit.id"], name=op.f("fk_measure_unit_id_unit")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_measure")),
    )
    op.create_index(op.f("ix_measure_case_id"), "measure", ["case_id"], unique=False)
    op.create_index(
        op.f("ix_measure_next_evaluation_date"), "measure", ["next_evaluation_date"], unique=False
    )
    op.create_index(op.f("ix_measure_responsible_id"), "measure", ["responsible_id"], unique=False)

    op.create_table(
        "meeting",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("municipality_id", sa.String(length=4), nullable=False),
        sa.Column("case_id", sa.String(length=36), nullable=True),
        sa.Column("arena_id", sa.String(length=64), nullable=True),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("starts_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("created_by", sa.String(length=36), nullable=True),
        sa.ForeignKeyConstraint(["case_id"], ["case.id"], name=op.f("fk_meeting_case_id_case")),
        sa.ForeignKeyConstraint(["created_by"], ["person.id"], name=op.f("fk_meeting_created_by_person")),
        sa.ForeignKeyConstraint(
            ["municipality_id"], ["municipality.id"], name=op.f("fk_meeting_municipality_id_municipality")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_meeting")),
    )
    op.create_index(op.f("ix_meeting_case_id"), "meeting", ["case_id"], unique=False)

    op.create_table(
        "participant",
        sa.Column("case_id", sa.String(length=36), nullable=False),
        sa.Column("unit_id", sa.String(length=64), nullable=False),
        sa.Column("basis", sa.String(length=32), nullable=False),
        sa.Column("added_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("added_by", sa.String(length=36), nullable=True),
        sa.Column("removed_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["added_by"], ["person.id"], name=op.f("fk_participant_added_by_person")),
        sa.ForeignKeyConstraint(["case_id"], ["case.id"], name=op.f("fk_participant_case_id_case")),
        sa.ForeignKeyConstraint(["unit_id"], ["unit.id"], name=op.f("fk_participant_unit_id_unit")),
        sa.PrimaryKeyConstraint("case_id", "unit_id", name=op.f("pk_participant")),
    )
    op.create_index(op.f("ix_participant_unit_id"), "participant", ["unit_id"], unique=False)

    op.create_table(
        "consent_giver",
        sa.Column("consent_id", sa.String(length=36), nullable=False),
        sa.Column("person_id", sa.String(length=36), nullable=False),
        sa.Column("as_role", sa.String(length=16), nullable=False),
        sa.Column("given_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["consent_id"], ["consent.id"], name=op.f("fk_consent_giver_consent_id_consent")
        ),
        sa.ForeignKeyConstraint(["person_id"], ["person.id"], name=op.f("fk_consent_giver_person_id_person")),
        sa.PrimaryKeyConstraint("consent_id", "person_id", name=op.f("pk_consent_giver")),
    )
    op.create_table(
        "consent_unit",
        sa.Column("consent_id", sa.String(length=36), nullable=False),
        sa.Column("unit_id", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["consent_id"], ["consent.id"], name=op.f("fk_consent_unit_consent_id_consent")
        ),
        sa.ForeignKeyConstraint(["unit_id"], ["unit.id"], name=op.f("fk_consent_unit_unit_id_unit")),
        sa.PrimaryKeyConstraint("consent_id", "unit_id", name=op.f("pk_consent_unit")),
    )
    op.create_index(op.f("ix_consent_unit_unit_id"), "consent_unit", ["unit_id"], unique=False)

    op.create_table(
        "measure_evaluation",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("measure_id", sa.String(length=36), nullable=False),
        sa.Column("outcome", sa.String(length=32), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("evaluated_by", sa.String(length=36), nullable=False),
        sa.Column("evaluated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("next_evaluation_date", sa.Date(), nullable=True),
        sa.ForeignKeyConstraint(
            ["evaluated_by"], ["person.id"], name=op.f("fk_measure_evaluation_evaluated_by_person")
        ),
        sa.ForeignKeyConstraint(
            ["measure_id"], ["measure.id"], name=op.f("fk_measure_evaluation_measure_id_measure")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_measure_evaluation")),
    )
    op.create_index(
        op.f("ix_measure_evaluation_measure_id"), "measure_evaluation", ["measure_id"], unique=False
    )

    op.create_table(
        "meeting_unit",
        sa.Column("meeting_id", sa.String(length=36), nullable=False),
        sa.Column("unit_id", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["meeting_id"], ["meeting.id"], name=op.f("fk_meeting_unit_meeting_id_meeting")
        ),
        sa.ForeignKeyConstraint(["unit_id"], ["unit.id"], name=op.f("fk_meeting_unit_unit_id_unit")),
        sa.PrimaryKeyConstraint("meeting_id", "unit_id", name=op.f("pk_meeting_unit")),
    )


def downgrade() -> None:
    # Dropping a table drops its indexes; children before parents.
    op.drop_table("meeting_unit")
    op.drop_table("measure_evaluation")
    op.drop_table("consent_unit")
    op.drop_table("consent_giver")
    op.drop_table("participant")
    op.drop_table("meeting")
    op.drop_table("measure")
    op.drop_table("log_entry")
    op.drop_table("handover")
    op.drop_table("consent")
    op.drop_table("concern")
    op.drop_table("unit_membership")
    op.drop_table("municipal_role")
    op.drop_table("guardianship")
    op.drop_table("case")
    op.drop_table("unit")
    op.drop_table("person")
    op.drop_table("audit_head")
    op.drop_table("audit_event")
    op.drop_table("municipality")
