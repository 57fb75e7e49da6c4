"""One place that turns a database URL into a configured engine, sessions and migrations.

SQLite and PostgreSQL behave alike from the caller's view: every request writes (each read
leaves an audit event), so SQLite transactions take the write lock up front with
``BEGIN IMMEDIATE``; otherwise two readers that both upgrade to writers deadlock and one gets
"database is locked" at once instead of waiting for ``busy_timeout``.
"""

from __future__ import annotations

import os
import sqlite3
import threading
import time
from pathlib import Path

import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from sqlalchemy import event, orm

MIGRATIONS = Path(__file__).resolve().parent / "migrations"

LOCK_WAIT_MS = 5000  # how long a transaction waits for a lock (SQLite's write lock, a PostgreSQL row)
# synchronous=FULL: the WAL is flushed to disk at every commit, so an answered write (and a read's audit
# event) survives a power cut too; under NORMAL it survives a killed process but not a crash of the OS.
# mmap_size: pages are read from the operating system's cache in place, not copied per read: the scans of
# følgeevaluering read a region's log and measures (about 8% faster on the region set, bench/indicators.py)
MMAP_BYTES = 8 << 30
_SQLITE_PRAGMAS = (
    "foreign_keys=ON",
    f"busy_timeout={LOCK_WAIT_MS}",
    "synchronous=FULL",
    f"mmap_size={MMAP_BYTES}",
)


# Connections kept per engine: about as many as the server's worker threads use at once, so a busy
# process reuses them instead of opening and closing one per request beyond the pool. PostgreSQL keeps
# fewer idle, for its connection limit is shared by every process of the deployment.
POOL: dict[str, int] = {"pool_size": 20, "max_overflow": 20}
PG_POOL: dict[str, int] = {"pool_size": 8, "max_overflow": 24}
STARTUP_LOCK = 0x5354414645545401  # PostgreSQL advisory lock key of migration and config sync ("STAFET")
_BUSY_SQLSTATES = {"40001", "40P01", "55P03"}  # serialization failure, deadlock, lock not available


def is_busy(exc: BaseException) -> bool:
    """Whether a database error means "too busy right now, try again" rather than a fault of ours:
    SQLite's write lock not free within ``busy_timeout``, or PostgreSQL giving up on a lock."""
    if not isinstance(exc, sa.exc.OperationalError | sa.exc.DBAPIError):
        return False
    orig = exc.orig
    if getattr(orig, "sqlstate", None) in _BUSY_SQLSTATES:
        return True
    return isinstance(exc, sa.exc.OperationalError) and any(
        words in str(orig) for words in ("database is locked", "database is busy")
    )


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
    from core.storage.extensions import version_locations

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("path_separator", "os")
    locations = [MIGRATIONS / "versions", *version_locations()]
    config.set_main_option("version_locations", os.pathsep.join(str(p) for p in locations))
    if url is not None:
        config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    if connection is not None:
        config.attributes["connection"] = connection
    return config


class Database:
    """An engine plus session factory for one database, set up the way Stafett needs it."""

    def __init__(self, url: str, *, echo: bool = False, schema: str | None = None) -> None:
        """``schema``: on PostgreSQL, keep every table in this schema of the database (the practice
        space's tables beside the real ones, docs/practice.md); created by ``upgrade``."""
        self.url = normalize_url(url)
        self.dialect = sa.make_url(self.url).get_backend_name()
        self.schema = schema if self.dialect != "sqlite" else None
        path = f" -c search_path={self.schema}" if self.schema else ""
        read_engine: sa.Engine | None = None
        if self.dialect == "sqlite":
            file_backed = is_file_url(self.url)
            self.engine = sa.create_engine(self.url, echo=echo, **(POOL if file_backed else {}))
            _configure_sqlite(self.engine, file_backed=file_backed)
            if file_backed:  # an in-memory database exists once, on the writers' engine
                read_engine = sa.create_engine(self.url, echo=echo, **POOL)
                _configure_sqlite_reader(read_engine)
        else:
            # a lock not granted within LOCK_WAIT gives up (55P03) instead of queueing for ever: the
            # request is rolled back whole and answered 503 "try again", like SQLite's busy_timeout
            self.engine = sa.create_engine(
                self.url,
                echo=echo,
                pool_pre_ping=True,
                **PG_POOL,
                connect_args={"options": f"-c lock_timeout={LOCK_WAIT_MS}{path}"},
            )
            read_engine = sa.create_engine(  # every transaction read-only, with no SET per transaction
                self.url,
                echo=echo,
                pool_pre_ping=True,
                **PG_POOL,
                connect_args={
                    "options": f"-c lock_timeout={LOCK_WAIT_MS} -c default_transaction_read_only=on{path}"
                },
            )
        self._sessions = orm.sessionmaker(self.engine, expire_on_commit=False)
        # Reads get their own connections, read-only from the start (``query_only`` on SQLite): a read
        # costs its queries and nothing more per transaction.
        self._read_engine = read_engine or self.engine.execution_options(stafett_read_only=True)
        self._readers = orm.sessionmaker(self._read_engine, expire_on_commit=False)

    def session(self) -> orm.Session:
        return self._sessions()

    @property
    def in_process(self) -> bool:
        """SQLite: a statement costs this process CPU and never waits on the network."""
        return self.dialect == "sqlite"

    def reader(self) -> orm.Session:
        """A session that only reads (a GET, who a token's person is): on SQLite a deferred BEGIN, so it
        takes no write lock and does not queue behind the writers; a write in it is refused by the
        database (``query_only`` on SQLite, a read-only transaction on PostgreSQL)."""
        return self._readers()

    def one_at_a_time(self, connection: sa.Connection | orm.Session) -> None:
        """Make this transaction the only one of its kind in the deployment until it ends: processes
        started together on one database migrate it and store the config's municipalities in turn, and
        the later ones find the work done instead of failing on each other's tables and rows. PostgreSQL:
        a transaction-level advisory lock, waited for as long as it takes; SQLite: ``BEGIN IMMEDIATE``
        already holds the database's one write lock."""
        if self.dialect == "postgresql":
            connection.execute(sa.text("SET LOCAL lock_timeout = 0"))
            connection.execute(sa.text("SELECT pg_advisory_xact_lock(:key)"), {"key": STARTUP_LOCK})
            connection.execute(sa.text(f"SET LOCAL lock_timeout = {LOCK_WAIT_MS}"))

    def upgrade(self, revision: str = "heads") -> None:
        """Migrate in one transaction on this engine (SQLite and PostgreSQL both do DDL in transactions)."""
        with self.engine.connect() as connection:
            if self.dialect != "sqlite":
                with connection.begin():
                    self.one_at_a_time(connection)
                    if self.schema:
                        connection.execute(sa.text(f'CREATE SCHEMA IF NOT EXISTS "{self.schema}"'))
                    command.upgrade(alembic_config(connection), revision)
                return
            # Batch migrations rebuild tables by copy-drop-rename; with foreign keys on, dropping a
            # parent table deletes or breaks its children. SQLite's own recipe: keys off outside the
            # transaction, foreign_key_check before commit.
            raw = connection.connection.driver_connection
            assert raw is not None  # an open connection always has its driver's
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
        if self._read_engine is not self.engine:
            self._read_engine.dispose()

    def __repr__(self) -> str:
        return f"Database({self.engine.url!r})"


def is_file_url(url: str) -> bool:
    database = sa.make_url(url).database
    if not database:
        return False
    return database != ":memory:" and not database.startswith("file::memory:")


def _configure_sqlite_reader(engine: sa.Engine) -> None:
    """Connections that only read: ``query_only`` from the start, and a deferred BEGIN (no write lock)."""

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record) -> None:
        dbapi_connection.isolation_level = None  # we emit BEGIN ourselves
        cursor = dbapi_connection.cursor()
        try:
            for pragma in ("journal_mode=WAL", *_SQLITE_PRAGMAS, "query_only=ON"):
                cursor.execute(f"PRAGMA {pragma}")
        finally:
            cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: sa.Connection) -> None:
        connection.exec_driver_sql("BEGIN")


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
            if file_backed:  # a writer waits for the write lock in ``_begin_immediate``, not in SQLite
                cursor.execute("PRAGMA busy_timeout=0")
        finally:
            cursor.close()

    # Writers of this process queue on a lock of ours before BEGIN IMMEDIATE: the next one starts the
    # moment the last one ends, where SQLite's busy handler would have it sleep and poll (up to 100 ms
    # a try), which under load costs more than the transactions themselves.
    writers = threading.Lock()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: sa.Connection) -> None:
        options = connection.get_execution_options()
        if options.get("isolation_level") == "AUTOCOMMIT":
            return
        if options.get("stafett_read_only"):  # a read: no write lock, and no write slips through
            connection.exec_driver_sql("PRAGMA query_only=ON")
            connection.info["stafett_reader"] = True
            connection.exec_driver_sql("BEGIN")
            return
        deadline = time.monotonic() + LOCK_WAIT_MS / 1000
        if not writers.acquire(timeout=LOCK_WAIT_MS / 1000):
            raise _locked()
        connection.info["stafett_writer"] = True
        raw = connection.connection.driver_connection
        assert raw is not None  # an open connection always has its driver's
        try:
            _begin_immediate(raw, deadline)
        except BaseException:
            _release(connection.info)
            raise

    def _release(info: dict) -> None:
        if info.pop("stafett_writer", False):
            writers.release()

    @event.listens_for(engine, "commit")
    @event.listens_for(engine, "rollback")
    def _on_end(connection: sa.Connection) -> None:
        _release(connection.info)
        if connection.info.pop("stafett_reader", False):
            connection.exec_driver_sql("PRAGMA query_only=OFF")

    @event.listens_for(engine, "checkin")
    def _on_checkin(_dbapi_connection, record) -> None:  # a connection returned mid-transaction
        _release(record.info)


WRITE_LOCK_POLL = 0.001  # seconds between tries for SQLite's write lock while another process holds it


def _locked() -> sa.exc.OperationalError:
    return sa.exc.OperationalError("BEGIN IMMEDIATE", None, sqlite3.OperationalError("database is locked"))


def _begin_immediate(raw: sqlite3.Connection, deadline: float) -> None:
    """Take SQLite's write lock, waiting for other processes' writers until ``deadline``.

    We try every millisecond instead of leaving the wait to SQLite's busy handler: that one backs
    off to 100 ms between tries, so the writer that has waited longest tries least often, and with
    several processes writing, fresh writers kept overtaking it until it timed out (a 503). Each
    process has one writer trying at a time (the others queue on its lock), so whichever process
    tries first after a commit wins, and no writer's chance shrinks with its wait.
    """
    while True:  # the writers' connections have busy_timeout=0: a try answers at once
        try:
            raw.execute("BEGIN IMMEDIATE")
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) and "busy" not in str(exc):
                raise
            if time.monotonic() >= deadline:
                raise _locked() from None
        time.sleep(WRITE_LOCK_POLL)
