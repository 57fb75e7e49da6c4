"""Transfers, archive and retention: ``case_transfer`` (a case moving to another unit with the
guardians' consent, and the entries they chose), the archive version of closed cases, and erasure
that keeps the audit chain whole.

``case_archive`` records each closed case's delivery to the municipality's archive and the receipt.
The audit trail gets ``personal_digest`` (new events chain a digest of their personal fields) and
``erased_at``; the append-only triggers are replaced by ones that allow exactly two things more: an
audit event's personal fields cleared once (hash, digest and every other field unchanged), and the
stafettlogg of a case deleted while its ``case_archive`` row says it is being erased.
"""

import sqlalchemy as sa
from alembic import op

from core.storage.migration_tables import create_table

revision, down_revision = "0013", "0012"
branch_labels = depends_on = None

KEPT = ("id", "municipality_id", "seq", "at", "actor_kind", "action", "outcome", "prev_hash", "hash")
ERASURE_SQLITE = " AND ".join(
    [
        "OLD.erased_at IS NULL",
        "NEW.erased_at IS NOT NULL",
        "OLD.personal_digest IS NOT NULL",
        "NEW.personal_digest = OLD.personal_digest",
        "NEW.case_id IS OLD.case_id",
        "(NEW.actor_id IS NULL OR NEW.actor_id = OLD.actor_id)",
        "NEW.subject_id IS NULL",
        "NEW.on_behalf_of IS NULL",
        "NEW.purpose = ''",
        "NEW.reason = ''",
        *(f"NEW.{c} = OLD.{c}" for c in KEPT),
    ]
)
ERASURE_PG = ERASURE_SQLITE.replace(" IS OLD.", " IS NOT DISTINCT FROM OLD.")
ERASING = (
    "EXISTS (SELECT 1 FROM case_archive WHERE case_archive.case_id = OLD.case_id AND erased_at IS NOT NULL)"
)


def upgrade() -> None:
    create_table(
        "case_archive",
        "case_id:s36 municipality_id:s4 status:s16 closed_at:at checksum:s71? channel:s16? endpoint:s300? "
        "delivered_at:at? reference:s300? confirmed_at:at? erase_after:date? erased_at:at?",
        fks="municipality_id>municipality",
        pk="case_id",
    )
    op.create_index(
        op.f("ix_case_archive_due"),
        "case_archive",
        ["municipality_id", "status", "erase_after"],
        unique=False,
    )
    create_table(
        "case_transfer",
        "id:s36 case_id:s36 from_unit_id:s64 to_unit_id:s64 scope:s16 consent_id:s36 status:s16 "
        "proposed_by:s36 proposed_at:at decided_by:s36? decided_at:at? cutoff_seq:int?",
        fks="case_id>case from_unit_id>unit to_unit_id>unit consent_id>consent proposed_by>person "
        "decided_by>person",
        index="case_id to_unit_id",
    )
    create_table(
        "case_transfer_entry",
        "transfer_id:s36 entry_id:s36",
        fks="transfer_id>case_transfer entry_id>log_entry",
        pk="transfer_id entry_id",
    )
    create_table(
        "individual_plan",
        "case_id:s36 coordinator_id:s36 coordinator_role:s32 goals:text revision_date:date? consent_id:s36? "
        "created_at:at",
        fks="case_id>case coordinator_id>person consent_id>consent",
        pk="case_id",
        index="coordinator_id",
    )
    # plain ALTER TABLE ADD COLUMN (never a batch copy, which would drop the triggers)
    op.add_column("audit_event", sa.Column("personal_digest", sa.String(length=64), nullable=True))
    op.add_column("audit_event", sa.Column("erased_at", sa.DateTime(timezone=True), nullable=True))
    if op.get_bind().dialect.name == "postgresql":
        refuse = (
            "RAISE EXCEPTION '% is append-only: % refused', TG_TABLE_NAME, TG_OP "
            "USING ERRCODE = 'restrict_violation';"
        )
        op.execute(
            "CREATE FUNCTION stafett_audit_erasure() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
            f"IF TG_OP = 'UPDATE' AND {ERASURE_PG} THEN RETURN NEW; END IF; {refuse} END $$"
        )
        op.execute(
            "CREATE FUNCTION stafett_log_erasure() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
            f"IF TG_OP = 'DELETE' AND {ERASING} THEN RETURN OLD; END IF; {refuse} END $$"
        )
        for table, function in (
            ("audit_event", "stafett_audit_erasure"),
            ("log_entry", "stafett_log_erasure"),
        ):
            op.execute(f"DROP TRIGGER {table}_append_only ON {table}")
            op.execute(
                f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
                f"FOR EACH ROW EXECUTE FUNCTION {function}()"
            )
        return
    op.execute("DROP TRIGGER audit_event_no_update")
    op.execute(
        f"CREATE TRIGGER audit_event_no_update BEFORE UPDATE ON audit_event WHEN NOT ({ERASURE_SQLITE}) "
        "BEGIN SELECT RAISE(ABORT, 'audit_event is append-only: UPDATE refused'); END"
    )
    op.execute("DROP TRIGGER log_entry_no_delete")
    op.execute(
        f"CREATE TRIGGER log_entry_no_delete BEFORE DELETE ON log_entry WHEN NOT {ERASING} "
        "BEGIN SELECT RAISE(ABORT, 'log_entry is append-only: DELETE refused'); END"
    )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for table in ("audit_event", "log_entry"):
            op.execute(f"DROP TRIGGER {table}_append_only ON {table}")
            op.execute(
                f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
                "FOR EACH ROW EXECUTE FUNCTION stafett_append_only()"
            )
        op.execute("DROP FUNCTION stafett_audit_erasure()")
        op.execute("DROP FUNCTION stafett_log_erasure()")
    else:
        for table, operation in (("audit_event", "UPDATE"), ("log_entry", "DELETE")):
            op.execute(f"DROP TRIGGER {table}_no_{operation.lower()}")
            op.execute(
                f"CREATE TRIGGER {table}_no_{operation.lower()} BEFORE {operation} ON {table} "
                f"BEGIN SELECT RAISE(ABORT, '{table} is append-only: {operation} refused'); END"
            )
    with op.batch_alter_table("audit_event", schema=None) as batch_op:
        batch_op.drop_column("erased_at")
        batch_op.drop_column("personal_digest")
    op.drop_index(op.f("ix_individual_plan_coordinator_id"), table_name="individual_plan")
    op.drop_table("individual_plan")
    op.drop_table("case_transfer_entry")
    op.drop_index(op.f("ix_case_transfer_to_unit_id"), table_name="case_transfer")
    op.drop_index(op.f("ix_case_transfer_case_id"), table_name="case_transfer")
    op.drop_table("case_transfer")
    op.drop_index(op.f("ix_case_archive_due"), table_name="case_archive")
    op.drop_table("case_archive")
