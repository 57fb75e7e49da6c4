"""Rows into the database in bulk: executemany of one prepared INSERT per table on SQLite, COPY on
PostgreSQL (psycopg 3). One connection, one transaction per municipality's chain head.

The secondary indexes of the two big tables (audit events by case, actor and subject; log corrections)
are dropped while they fill and built again at the end, from the database's own definitions: building an
index from sorted rows costs a fraction of millions of inserts at random places in it. Keys and unique
constraints stay, so every row is still checked as it goes in.
"""

from __future__ import annotations

from types import TracebackType
from typing import cast

import sqlalchemy as sa

from core.seed_region.tables import TABLES, Row, columns
from core.storage.database import Database
from core.storage.models import AuditHeadRow

_HEADS = cast(sa.Table, AuditHeadRow.__table__)
SQLITE_CACHE_KIB = 1_000_000  # the seed's connection keeps up to a gigabyte of pages: the indexes grow fast


class BulkWriter:
    def __init__(self, database: Database) -> None:
        self.database = database
        self.dialect = database.dialect
        self._connection: sa.Connection | None = None
        self._transaction: sa.RootTransaction | None = None
        self._indexes: list[tuple[str, str]] = []
        self._sql = {name: self._statement(name) for name in TABLES}

    def _statement(self, table: str) -> str:
        cols = columns(table)
        names = ", ".join(f'"{c}"' for c in cols)
        if self.dialect == "sqlite":
            return f'INSERT INTO "{table}" ({names}) VALUES ({", ".join("?" for _ in cols)})'
        return f'COPY "{table}" ({names}) FROM STDIN'

    def __enter__(self) -> BulkWriter:
        self._connection = self.database.engine.connect()
        self._pragma(f"cache_size=-{SQLITE_CACHE_KIB}")
        self._indexes = self._secondary_indexes()
        with self._connection.begin():
            for name, _ in self._indexes:
                self._connection.exec_driver_sql(f'DROP INDEX "{name}"')
        return self

    def _secondary_indexes(self) -> list[tuple[str, str]]:
        """(name, CREATE statement) of the big tables' indexes that back no key or constraint."""
        assert self._connection is not None
        if self.dialect == "sqlite":
            sql = (
                "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL "
                "AND substr(sql, 1, 13) <> 'CREATE UNIQUE' AND tbl_name IN ('audit_event', 'log_entry') "
                "ORDER BY name"
            )
        else:
            sql = (
                "SELECT indexname, indexdef FROM pg_indexes WHERE tablename IN ('audit_event', 'log_entry') "
                # this database's own tables: not the practice space's of the same names (schema oving)
                "AND schemaname = current_schema() "
                "AND substr(indexdef, 1, 13) <> 'CREATE UNIQUE' AND indexname NOT IN "
                "(SELECT conname FROM pg_constraint) ORDER BY indexname"
            )
        with self._connection.begin():
            return [(name, create) for name, create in self._connection.exec_driver_sql(sql).all()]

    def _pragma(self, pragma: str) -> None:
        """Outside SQLAlchemy's transaction: an executed statement would begin one (no BEGIN IMMEDIATE)."""
        if self.dialect == "sqlite" and self._connection is not None:
            raw = self._connection.connection.driver_connection
            raw.execute(f"PRAGMA {pragma}")  # type: ignore[union-attr]

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        if self._transaction is not None and self._transaction.is_active:
            self._transaction.rollback()
        if self._connection is not None:
            with self._connection.begin():  # even after a fault: the schema is whole again
                for _, create in self._indexes:
                    self._connection.exec_driver_sql(create)
            self._pragma("cache_size=-2000")  # back to SQLite's default before it returns to the pool
            self._connection.close()

    @property
    def connection(self) -> sa.Connection:
        assert self._connection is not None, "use the writer in a with block"
        if self._transaction is None or not self._transaction.is_active:
            self._transaction = self._connection.begin()
        return self._connection

    def rows(self, table: str, rows: list[Row]) -> None:
        connection = self.connection
        if self.dialect == "sqlite":
            connection.exec_driver_sql(self._sql[table], rows)
            return
        raw = connection.connection.driver_connection
        with raw.cursor() as cursor, cursor.copy(self._sql[table]) as copy:  # type: ignore[union-attr]
            for row in rows:
                copy.write_row(row)

    def head(self, municipality_id: str, seq: int, digest: str) -> None:
        """Move the chain head to the last seeded event and commit: the municipality is whole."""
        self.connection.execute(
            sa.update(_HEADS).where(_HEADS.c.municipality_id == municipality_id).values(seq=seq, hash=digest)
        )
        assert self._transaction is not None
        self._transaction.commit()
