"""One place that turns a database URL into a configured engine, sessions and migrations.

SQLite and PostgreSQL behave alike from the caller's view: every request writes (each read
leaves an audit event), so SQLite transactions take the write lock up front with
``BEGIN IMMEDIATE``; otherwise two readers that both upgrade to writers deadlock and one gets
"database is locked" at once instead of waiting for ``busy_timeout``.
"""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from sqlalchemy import event, orm

MIGRATIONS = Path(__file__).resolve().parent / "migrations"

_SQLITE_PRAGMAS = ("foreign_keys=ON", "busy_timeout=5000", "synchronous=NORMAL")


def normalize_url(url: str) -> str:
    """Map the URL forms operators write to the drivers we ship (psycopg 3, pysqlite)."""
    scheme, sep, rest = url.partition("://")
    if not sep:
        raise ValueError(f"not a database URL (no scheme): {url!r}")
    if scheme in ("postgresql", "postgres", "postgresql+psycopg"):
        return f"postgresql+psycopg://{rest}"
    if scheme in ("sqlite", "sqlite+pysqlite"):
        return url
    raise ValueError(f"unsupported database URL scheme {scheme!r}: use sqlite:/// or postgresql://")


def alembic_config(connection: sa.Connection | None = None, url: str | None = None) -> Config:
    """Build the Alembic config in code, so no alembic.ini has to travel with the package."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    if url is not None:
        config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    if connection is not None:
        config.attributes["connection"] = connection
    return config


class Database:
    """An engine plus session factory for one database, set up the way Stafett needs it."""

    def __init__(self, url: str, *, echo: bool = False) -> None:
        self.url = normalize_url(url)
        self.dialect = sa.make_url(self.url).get_backend_name()
        if self.dialect == "sqlite":
            self.engine = sa.create_engine(self.url, echo=echo)
            _configure_sqlite(self.engine, file_backed=_is_file(self.url))
        else:
            self.engine = sa.create_engine(self.url, echo=echo, pool_pre_ping=True)
        self._sessions = orm.sessionmaker(self.engine, expire_on_commit=False)

    def session(self) -> orm.Session:
        return self._sessions()

    def upgrade(self, revision: str = "heads") -> None:
        """Migrate in one transaction on this engine (SQLite and PostgreSQL both do DDL in transactions)."""
        with self.engine.connect() as connection:
            if self.dialect != "sqlite":
                with connection.begin():
                    command.upgrade(alembic_config(connection), revision)
                return
            # Batch migrations rebuild tables by copy-drop-rename; with foreign keys on, dropping a
            # parent table deletes or breaks its children. SQLite's own recipe: keys off outside the
            # transaction, foreign_key_check before commit.
            raw = connection.connection.driver_connection
            raw.execute("PRAGMA foreign_keys=OFF")
            try:
                with connection.begin():
                    command.upgrade(alembic_config(connection), revision)
                    broken = connection.exec_driver_sql("PRAGMA foreign_key_check").all()
                    if broken:
                        raise RuntimeError(f"migration to {revision} broke foreign keys: {broken[:5]}")
            finally:
                raw.execute("PRAGMA foreign_keys=ON")

    def current_revision(self) -> str | None:
        """The applied revision(s), comma-separated when parallel branches are both applied."""
        with self.engine.connect() as connection:
            heads = MigrationContext.configure(connection).get_current_heads()
        return ",".join(sorted(heads)) or None

    def head_revision(self) -> str | None:
        """The newest migration(s) this code ships, in the same form as ``current_revision``."""
        from alembic.script import ScriptDirectory

        return ",".join(sorted(ScriptDirectory.from_config(alembic_config()).get_heads())) or None

    def dispose(self) -> None:
        self.engine.dispose()

    def __repr__(self) -> str:
        return f"Database({self.engine.url!r})"


def _is_file(url: str) -> bool:
    database = sa.make_url(url).database
    return bool(database) and database != ":memory:" and not database.startswith("file::memory:")


def _configure_sqlite(engine: sa.Engine, *, file_backed: bool) -> None:
    """The pysqlite recipe from SQLAlchemy's docs: we emit BEGIN ourselves, as BEGIN IMMEDIATE."""

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record) -> None:
        dbapi_connection.isolation_level = None  # stop pysqlite from issuing its own (deferred) BEGIN
        cursor = dbapi_connection.cursor()
        try:
            if file_backed:
                cursor.execute("PRAGMA journal_mode=WAL")
            for pragma in _SQLITE_PRAGMAS:
                cursor.execute(f"PRAGMA {pragma}")
        finally:
            cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: sa.Connection) -> None:
        if connection.get_execution_options().get("isolation_level") != "AUTOCOMMIT":
            connection.exec_driver_sql("BEGIN IMMEDIATE")
