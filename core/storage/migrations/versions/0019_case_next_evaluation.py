"""``case.next_evaluation_date``: the earliest evaluation date of the case's active tiltak, kept by the
database.

Lists of cases order by it (overdue evaluations first). Computed per candidate case, the ordering cost
grew with the unit's cases: a helsestasjon with 2,000 open cases paid 2,000 subqueries for a page of 50.
Triggers on ``measure`` keep the column equal to its definition whatever writes the tiltak (the
services, the region seed's bulk path, retention), so no code path can forget it.
"""

import sqlalchemy as sa
from alembic import op

revision, down_revision = "0019", "0013"
branch_labels = depends_on = None

CASE_ID = '"case".id'

EARLIEST = (
    "(SELECT min(next_evaluation_date) FROM measure "
    "WHERE measure.case_id = {case} AND measure.status = 'active')"
)


def upgrade() -> None:
    op.add_column("case", sa.Column("next_evaluation_date", sa.Date(), nullable=True))
    op.execute(f'UPDATE "case" SET next_evaluation_date = {EARLIEST.format(case=CASE_ID)}')
    op.create_index("ix_case_status_next_evaluation", "case", ["status", "next_evaluation_date"])
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            f"""
            CREATE FUNCTION stafett_case_next_evaluation() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                IF TG_OP <> 'INSERT' THEN
                    UPDATE "case" SET next_evaluation_date = {EARLIEST.format(case="OLD.case_id")}
                    WHERE id = OLD.case_id;
                END IF;
                IF TG_OP <> 'DELETE' THEN
                    UPDATE "case" SET next_evaluation_date = {EARLIEST.format(case="NEW.case_id")}
                    WHERE id = NEW.case_id;
                END IF;
                RETURN NULL;
            END $$
            """
        )
        op.execute(
            "CREATE TRIGGER measure_next_evaluation AFTER INSERT OR DELETE OR UPDATE OF "
            "status, next_evaluation_date, case_id ON measure "
            "FOR EACH ROW EXECUTE FUNCTION stafett_case_next_evaluation()"
        )
        return
    for operation, rows in (
        ("INSERT", ("NEW",)),
        ("UPDATE OF status, next_evaluation_date, case_id", ("OLD", "NEW")),
        ("DELETE", ("OLD",)),
    ):
        name = operation.split()[0].lower()
        updates = " ".join(
            f'UPDATE "case" SET next_evaluation_date = {EARLIEST.format(case=f"{r}.case_id")} '
            f"WHERE id = {r}.case_id;"
            for r in rows
        )
        op.execute(
            f"CREATE TRIGGER measure_next_evaluation_{name} AFTER {operation} ON measure BEGIN {updates} END"
        )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER measure_next_evaluation ON measure")
        op.execute("DROP FUNCTION stafett_case_next_evaluation()")
    else:
        for name in ("insert", "update", "delete"):
            op.execute(f"DROP TRIGGER measure_next_evaluation_{name}")
    op.drop_index("ix_case_status_next_evaluation", "case")
    op.drop_column("case", "next_evaluation_date")
