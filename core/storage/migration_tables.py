"""Tables for migrations, written as a small table of column definitions instead of one call per column.

A migration is frozen history: it spells out the columns it creates and never reads the models. This
module only saves the repetition of ``sa.Column(name, sa.String(length=36), nullable=False)``; the DDL it
emits is the same as the spelled-out form, and ``tests/test_database.py`` compares the result with the
models on both backends.

Columns are ``name:type`` separated by white space, ``?`` after the type for a nullable column. Types:
``sN`` (VARCHAR(N)), ``text``, ``int``, ``bool``, ``date``, ``at`` (timezone-aware timestamp), ``json``
(JSONB on PostgreSQL). Foreign keys are ``column>table`` (to ``table.id``), named by the project's
convention (``fk_<table>_<column>_<target>``); so are the primary key and the unique constraints.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

_TYPES: dict[str, sa.types.TypeEngine[Any]] = {
    "text": sa.Text(),
    "int": sa.Integer(),
    "bool": sa.Boolean(),
    "date": sa.Date(),
    "at": sa.DateTime(timezone=True),
    "json": sa.JSON().with_variant(postgresql.JSONB(), "postgresql"),
}


def _type(spelled: str) -> sa.types.TypeEngine[Any]:
    if spelled.startswith("s") and spelled[1:].isdigit():
        return sa.String(length=int(spelled[1:]))
    return _TYPES[spelled]


def columns(spec: str) -> list[sa.Column[Any]]:
    """``"id:s36 note:text?"`` as the columns it names, in that order."""
    made: list[sa.Column[Any]] = []
    for item in spec.split():
        name, spelled = item.split(":")
        nullable = spelled.endswith("?")
        made.append(sa.Column(name, _type(spelled.rstrip("?")), nullable=nullable))
    return made


def create_table(
    name: str, spec: str, *, fks: str = "", pk: str = "id", unique: tuple[str, ...] = (), index: str = ""
) -> None:
    """Create ``name`` with the columns of ``spec``, then the foreign keys, primary key and unique
    constraints in that order, then one index per column named in ``index`` (``ix_<table>_<column>``)."""
    constraints: list[sa.schema.SchemaItem] = []
    for fk in fks.split():
        column, target = fk.split(">")
        constraints.append(
            sa.ForeignKeyConstraint([column], [f"{target}.id"], name=op.f(f"fk_{name}_{column}_{target}"))
        )
    constraints.append(sa.PrimaryKeyConstraint(*pk.split(), name=op.f(f"pk_{name}")))
    for group in unique:
        cols = group.split()
        constraints.append(sa.UniqueConstraint(*cols, name=op.f(f"uq_{name}_{'_'.join(cols)}")))
    op.create_table(name, *columns(spec), *constraints)
    for column in index.split():
        op.create_index(op.f(f"ix_{name}_{column}"), name, [column], unique=False)
