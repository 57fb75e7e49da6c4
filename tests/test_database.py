"""The database handle: URL forms, SQLite locking behaviour, and migrations that match the models."""

from __future__ import annotations

import re
import sqlite3
import threading
import time
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory

from core.storage.database import Database, alembic_config, normalize_url
from core.storage.extensions import target_metadata
from core.storage.models import Base


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("postgresql://u:p@db:5432/stafett", "postgresql+psycopg://u:p@db:5432/stafett"),
        ("postgres://u@db/stafett", "postgresql+psycopg://u@db/stafett"),
        ("postgresql+psycopg://db/stafett", "postgresql+psycopg://db/stafett"),
        ("sqlite:///var/lib/stafett.db", "sqlite:///var/lib/stafett.db"),
        ("sqlite:////abs/stafett.db", "sqlite:////abs/stafett.db"),
        ("sqlite://", "sqlite://"),
    ],
)
def test_normalize_url(url: str, expected: str) -> None:
    assert normalize_url(url) == expected


@pytest.mark.parametrize("url", ["mysql://db/stafett", "postgresql+psycopg2://db/x", "stafett.db"])
def test_normalize_url_rejects_other_schemes(url: str) -> None:
    scheme = url.partition("://")[0] if "://" in url else "no scheme"
    with pytest.raises(ValueError, match=re.escape(scheme)):
        normalize_url(url)


@pytest.fixture
def sqlite_file(tmp_path: Path) -> Path:
    return tmp_path / "locks.db"


@pytest.fixture
def sqlite_db(sqlite_file: Path):
    db = Database(f"sqlite:///{sqlite_file}")
    with db.engine.begin() as connection:
        connection.exec_driver_sql("CREATE TABLE parent (id INTEGER PRIMARY KEY)")
    yield db
    db.dispose()


def test_sqlite_pragmas(sqlite_db: Database) -> None:
    with sqlite_db.engine.connect() as connection:
        pragma = connection.exec_driver_sql
        assert pragma("PRAGMA journal_mode").scalar() == "wal"
        assert pragma("PRAGMA foreign_keys").scalar() == 1
        assert pragma("PRAGMA busy_timeout").scalar() == 0  # a writer waits in _begin_immediate instead
        assert pragma("PRAGMA synchronous").scalar() == 2  # FULL: a commit is on disk before it is answered
    with sqlite_db.reader() as session:  # a reader's own connection: it cannot write
        assert session.execute(sa.text("PRAGMA query_only")).scalar() == 1
        assert session.execute(sa.text("PRAGMA busy_timeout")).scalar() == 5000


def test_foreign_keys_enforced(database: Database) -> None:
    assert_foreign_keys_enforced(database)


def assert_foreign_keys_enforced(database: Database) -> None:
    with database.engine.begin() as connection:
        connection.exec_driver_sql("CREATE TABLE scratch_a (id INTEGER PRIMARY KEY)")
        connection.exec_driver_sql(
            "CREATE TABLE scratch_b (id INTEGER PRIMARY KEY, a INTEGER REFERENCES scratch_a(id))"
        )
    with pytest.raises(sa.exc.IntegrityError), database.session() as session, session.begin():
        session.execute(sa.text("INSERT INTO scratch_b (id, a) VALUES (1, 42)"))


def test_transactions_take_the_write_lock_at_begin(sqlite_db: Database, sqlite_file: Path) -> None:
    """A session that has only read already holds the write lock, so no later lock upgrade can deadlock."""
    other = sqlite3.connect(sqlite_file, timeout=0, isolation_level=None)
    try:
        with sqlite_db.session() as session:
            session.execute(sa.text("SELECT count(*) FROM parent"))
            with pytest.raises(sqlite3.OperationalError, match="locked"):
                other.execute("BEGIN IMMEDIATE")
        other.execute("BEGIN IMMEDIATE")
        other.execute("ROLLBACK")
    finally:
        other.close()


def test_second_writer_waits_instead_of_failing(sqlite_db: Database) -> None:
    """Read-then-write in two sessions at once: the second waits its turn and sees the first's row."""
    holding = threading.Event()
    hold = 0.3
    seen: list[int] = []
    errors: list[BaseException] = []

    def second() -> None:
        holding.wait()
        try:
            with sqlite_db.session() as session, session.begin():
                seen.append(session.execute(sa.text("SELECT count(*) FROM parent")).scalar_one())
                session.execute(sa.text("INSERT INTO parent (id) VALUES (2)"))
        except BaseException as error:
            errors.append(error)

    thread = threading.Thread(target=second)
    thread.start()
    started = time.monotonic()
    with sqlite_db.session() as session, session.begin():
        session.execute(sa.text("SELECT count(*) FROM parent"))
        session.execute(sa.text("INSERT INTO parent (id) VALUES (1)"))
        holding.set()
        time.sleep(hold)
    thread.join(10)
    assert not errors
    assert seen == [1]
    assert time.monotonic() - started >= hold
    with sqlite_db.session() as session:
        assert session.execute(sa.text("SELECT count(*) FROM parent")).scalar_one() == 2


def test_upgrade_is_idempotent_and_at_head(database: Database) -> None:
    head = ",".join(sorted(ScriptDirectory.from_config(alembic_config()).get_heads()))
    assert database.current_revision() == head
    database.upgrade()
    assert database.current_revision() == head


def test_upgrade_leaves_foreign_keys_on(database: Database) -> None:
    """SQLite migrates with keys off; the pooled connection must not keep that."""
    database.upgrade()
    assert_foreign_keys_enforced(database)


def test_empty_database_has_no_revision(tmp_path: Path) -> None:
    db = Database(f"sqlite:///{tmp_path / 'empty.db'}")
    try:
        assert db.current_revision() is None
    finally:
        db.dispose()


def test_migrations_match_models(database: Database) -> None:
    with database.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        assert compare_metadata(context, target_metadata(Base.metadata)) == []  # core's and adapters' tables


def test_the_school_branch_adopts_roster_tables_an_older_core_revision_made(tmp_path: Path) -> None:
    """Until the OneRoster tables moved to the adapter's branch, core's 0003 created them."""
    db = Database(f"sqlite:///{tmp_path / 'old.db'}")
    try:
        db.upgrade("0005")  # core only, then the two tables as the old 0003 made them
        with db.engine.begin() as connection:
            connection.exec_driver_sql(
                "CREATE TABLE roster_source (municipality_id VARCHAR(4), name VARCHAR(200))"
            )
            connection.exec_driver_sql("CREATE TABLE roster_record (municipality_id VARCHAR(4))")
        db.upgrade()
        assert "school_0002" in (db.current_revision() or "")
    finally:
        db.dispose()
