"""Statements built once per shape and reused with bound parameters.

Building a SQLAlchemy select and finding it in the compiled cache costs more than SQLite takes to run
it, so the reads every request makes (a case's rows of one table, the rows of many ids) are built the
first time they are asked for and then only executed: ``session.scalars(rows_where(m.ConcernRow,
"case_id", "recorded_at"), {"value": case_id})``.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Select, bindparam, select

_BUILT: dict[tuple[Any, ...], Select[Any]] = {}


def rows_where(entity: type[Any], column: str, *order: str, plain: bool = False) -> Select[Any]:
    """``entity`` rows whose ``column`` equals ``:value``, ordered by the ``order`` columns. ``plain``:
    the table's columns instead of the entity, for a read that only shows them (``connection.execute``:
    rows with the same attribute names, and no ORM identity or change tracking to set up)."""
    return _built(entity, column, order, many=False, plain=plain)


def rows_in(entity: type[Any], column: str, *order: str, plain: bool = False) -> Select[Any]:
    """``entity`` rows whose ``column`` is one of ``:values`` (a list), ordered by the ``order`` columns;
    ``plain`` as in ``rows_where``."""
    return _built(entity, column, order, many=True, plain=plain)


def _built(entity: type[Any], column: str, order: tuple[str, ...], *, many: bool, plain: bool) -> Select[Any]:
    key = (entity, column, order, many, plain)
    stmt = _BUILT.get(key)
    if stmt is None:
        field = getattr(entity, column)
        wanted = field.in_(bindparam("values", expanding=True)) if many else field == bindparam("value")
        chosen = select(*entity.__table__.c) if plain else select(entity)
        stmt = _BUILT[key] = chosen.where(wanted).order_by(*(getattr(entity, o) for o in order))
    return stmt
