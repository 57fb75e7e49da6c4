"""Følgeevaluering's indexes: the stafettlogg by kind and time with the case and the author, so the
family's entries are counted from the index without reading the log's rows (it replaces 0012's index by
kind and time, which it starts with), and each tiltak's evaluations in order with the date each set, so
"evaluated in time" (the date the evaluation before set) needs no sort and no table rows; and the level
changes (a partial index of ``level_changed`` entries with their data), read without the log's rows.

Follows 0023 (the youth's say and øving).
"""

import sqlalchemy as sa
from alembic import op

revision, down_revision = "0024", "0023"
branch_labels = depends_on = None


def upgrade() -> None:
    op.create_index(
        "ix_log_entry_kind_at_case_author", "log_entry", ["kind", "at", "case_id", "author_id"], unique=False
    )
    op.drop_index("ix_log_entry_kind_at", table_name="log_entry")
    op.create_index(
        "ix_measure_evaluation_measure_at",
        "measure_evaluation",
        ["measure_id", "evaluated_at", "next_evaluation_date"],
        unique=False,
    )
    level_changed = sa.text("kind = 'level_changed'")
    op.create_index(
        "ix_log_entry_level_changes",
        "log_entry",
        ["kind", "case_id", "at", "data"],
        unique=False,
        sqlite_where=level_changed,
        postgresql_where=level_changed,
    )


def downgrade() -> None:
    op.drop_index("ix_log_entry_level_changes", table_name="log_entry")
    op.drop_index("ix_measure_evaluation_measure_at", table_name="measure_evaluation")
    op.create_index("ix_log_entry_kind_at", "log_entry", ["kind", "at"], unique=False)
    op.drop_index("ix_log_entry_kind_at_case_author", table_name="log_entry")
