"""The tables the seed fills, in an order that satisfies every foreign key, and how a row of Python
values becomes what the driver is given.

Rows are tuples in the table's column order. For SQLite, datetimes, dates and JSON become the text the
column types' own bind processors make of them, so a seeded row is stored exactly as the ORM would store
it; PostgreSQL's COPY takes the Python values as they are, with JSON as text.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from typing import Any, cast

from sqlalchemy import JSON, Date, Table
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Dialect

from core.storage import models as m
from core.storage.base import UTCDateTime

Row = tuple[Any, ...]
Encoder = Callable[[list[Row]], list[Row]]

TABLES: dict[str, Table] = {
    cast(Table, model.__table__).name: cast(Table, model.__table__)
    for model in (
        m.PersonRow,
        m.GuardianshipRow,
        m.UnitMembershipRow,
        m.MunicipalRoleRow,
        m.CaseRow,
        m.ConcernRow,
        m.ParticipantRow,
        m.ConsentRow,
        m.ConsentGiverRow,
        m.ConsentUnitRow,
        m.MeasureRow,
        m.EvaluationRow,
        m.HandoverRow,
        m.MeetingRow,
        m.MeetingUnitRow,
        m.LogEntryRow,
        m.AuditEventRow,
    )
}
ORDER = tuple(TABLES)  # parents before children


def columns(table: str) -> list[str]:
    return [c.name for c in TABLES[table].columns]


def dialect_of(name: str) -> Dialect:
    return sqlite.dialect() if name == "sqlite" else postgresql.psycopg.dialect()


def fast_processor(column_type: Any, dialect_name: str) -> Callable[[Any], Any] | None:
    """What the column type's bind processor does to a value, without SQLAlchemy's call chain: aware
    UTC datetimes to SQLite's text form, dates to ISO text, JSON to text (``tests/test_seed_region.py``
    checks each against the type's own processor). None: the driver takes the value as it is."""
    if isinstance(column_type, JSON):
        return _json_text
    if dialect_name != "sqlite":
        return None
    if isinstance(column_type, UTCDateTime):
        return _sqlite_datetime
    if isinstance(column_type, Date):
        return _iso_date
    return None  # strings, integers, booleans: sqlite3 stores them as SQLAlchemy would


def encoder(table: str, dialect_name: str) -> Encoder:
    """A function that encodes a batch of rows of ``table`` for the backend."""
    processors = [(i, fast_processor(c.type, dialect_name)) for i, c in enumerate(TABLES[table].columns)]
    active = [(i, p) for i, p in processors if p is not None]
    if not active:
        return lambda rows: rows

    def encode(rows: list[Row]) -> list[Row]:
        out = []
        for row in rows:
            values = list(row)
            for i, process in active:
                if values[i] is not None:
                    values[i] = process(values[i])
            out.append(tuple(values))
        return out

    return encode


def datetime_text(dialect_name: str) -> Callable[[dt.datetime], Any]:
    """How an aware UTC datetime is given to the driver."""
    return _sqlite_datetime if dialect_name == "sqlite" else _unchanged


def _sqlite_datetime(value: dt.datetime) -> str:
    if value.utcoffset():
        value = value.astimezone(dt.UTC)
    return value.replace(tzinfo=None).isoformat(" ", "microseconds")


def _iso_date(value: dt.date) -> str:
    return value.isoformat()


def _unchanged(value: Any) -> Any:
    return value


def _json_text(value: Any) -> str:
    return json.dumps(value)
