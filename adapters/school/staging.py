"""Temporary staging tables: an import's rows land here first, so memory stays flat however large the source.

Every table has the same shape (``seq`` in arrival order, ``origin`` for messages, then its own
columns), so they are made from the one table of columns below. They are ``TEMPORARY``: created at
the start of an import in its transaction, dropped at the end (PostgreSQL: on commit), never migrated.
"""

from __future__ import annotations

import datetime as dt
import hashlib

import sqlalchemy as sa

SEP = "\x1f"  # joins source identifiers into one key; never part of an identifier

_ROLE = {"user_sid": str, "org_sid": str, "grp": str, "leader": int, "responsible": int, "active": int}
COLUMNS: dict[str, dict[str, type]] = {
    "org": {"sid": str, "active": int, "name": str, "service_type": str, "orgnr": str},
    "user": {
        "sid": str,
        "active": int,
        "given": str,
        "family": str,
        "nin": str,
        "birth": dt.date,
        "email": str,
        "phone": str,
        "hpr": str,
    },
    "agent": {"user_sid": str, "agent_sid": str},
    "role": _ROLE,  # a person's role at an org, one per source row ...
    "role_agg": _ROLE,  # ... then aggregated per (user, org, group)
    "class": {"sid": str, "active": int, "org_sid": str, "title": str, "homeroom": int},
    "enrol": {
        "sid": str,
        "active": int,
        "class_sid": str,
        "user_sid": str,
        "role": str,
        "is_primary": int,
    },
    "birth": {"user_sid": str, "birth": dt.date},
    "seen": {"kind": str, "sid": str},  # the source ids this import listed, per kind
    "role_owner": {"user_sid": str},  # users whose roles are all listed (a delta's complete role list)
}
INDEXES = {  # name: (table, columns)
    "org_sid": ("org", ("sid",)),
    "user_sid": ("user", ("sid",)),
    "user_nin": ("user", ("nin",)),
    "role_user": ("role", ("user_sid", "grp")),
    "role_agg_user": ("role_agg", ("user_sid", "grp")),
    "class_sid": ("class", ("sid",)),
    "enrol_sid": ("enrol", ("sid",)),
    "seen": ("seen", ("kind", "sid")),
}
_TYPES = {str: sa.String, int: sa.Integer, dt.date: sa.Date}

METADATA = sa.MetaData()
TABLES: dict[str, sa.Table] = {
    name: sa.Table(
        f"roster_stage_{name}",
        METADATA,
        sa.Column("seq", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("origin", sa.String),
        *(sa.Column(column, _TYPES[type_]) for column, type_ in columns.items()),
        prefixes=["TEMPORARY"],
        postgresql_on_commit="DROP",
    )
    for name, columns in COLUMNS.items()
}
for _name, (_table, _columns) in INDEXES.items():  # created with their tables
    sa.Index(f"ix_roster_stage_{_name}", *(TABLES[_table].c[c] for c in _columns))

ST_ORG, ST_USER, ST_AGENT = TABLES["org"], TABLES["user"], TABLES["agent"]
ST_ROLE, ST_ROLE_AGG, ST_CLASS = TABLES["role"], TABLES["role_agg"], TABLES["class"]
ST_ENROL, ST_BIRTH, ST_SEEN, ST_ROLE_OWNER = (
    TABLES["enrol"],
    TABLES["birth"],
    TABLES["seen"],
    TABLES["role_owner"],
)


def create(connection: sa.Connection) -> None:
    for table in METADATA.sorted_tables:
        table.drop(connection, checkfirst=True)
        table.create(connection)


def drop(connection: sa.Connection) -> None:
    for table in reversed(METADATA.sorted_tables):
        table.drop(connection)


def digest(*values: object) -> str:
    text = SEP.join("" if v is None else str(v) for v in values)
    return hashlib.md5(text.encode(), usedforsecurity=False).hexdigest()


def key(*parts: str) -> str:
    return SEP.join(parts)
