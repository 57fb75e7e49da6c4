"""Pytest plugin: run the whole suite against SQLite or PostgreSQL (``--backend``), devpi-style.

For PostgreSQL it starts a private throwaway cluster from Debian's server binaries (or uses
``STAFETT_TEST_DATABASE_URL``, a server where that role may CREATE DATABASE). Migrations run
once into a template; each test gets a fresh copy, which costs milliseconds instead of a migration.

Fixtures: ``backend`` ("sqlite"|"postgresql"), ``database_url`` (fresh migrated database per
test), ``database`` (a ``core.storage.database.Database`` on it, disposed after the test).
"""

from __future__ import annotations

import contextlib
import itertools
import os
import pwd
import re
import shutil
import sqlite3
import subprocess
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import sqlalchemy as sa

from core.practice import SCHEMA as PRACTICE_SCHEMA
from core.practice import practice_file
from core.storage.database import Database, normalize_url
from tests.processes import free_port

BACKENDS = ("sqlite", "postgresql")
URL_ENV = "STAFETT_TEST_DATABASE_URL"
INSTALL_HINT = (
    "PostgreSQL server binaries (initdb, pg_ctl) not found in /usr/lib/postgresql/*/bin or PATH. "
    "Install Debian's package: apt-get install -y --no-install-recommends postgresql "
    "(./dev test does this), or set STAFETT_TEST_DATABASE_URL to a server you may create databases on."
)


@dataclass
class Timings:
    """What the database fixtures cost, printed after the run so slowness is visible."""

    cluster_start: float | None = None
    template: float | None = None
    copies: list[float] = field(default_factory=list)


TIMINGS = pytest.StashKey[Timings]()


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.getgroup("stafett").addoption(
        "--backend",
        choices=BACKENDS,
        default=os.environ.get("STAFETT_TEST_BACKEND", "sqlite"),
        help="database backend for the suite (default: $STAFETT_TEST_BACKEND or sqlite)",
    )


def pytest_configure(config: pytest.Config) -> None:
    config.stash[TIMINGS] = Timings()


def pytest_sessionstart(session: pytest.Session) -> None:
    """Fail before any test runs, not halfway: PostgreSQL was asked for and cannot be had."""
    wants_cluster = session.config.getoption("backend") == "postgresql" and not os.environ.get(URL_ENV)
    if wants_cluster and find_pg_bindir() is None:
        pytest.exit(INSTALL_HINT, returncode=4)


def pytest_report_header(config: pytest.Config) -> str:
    backend = config.getoption("backend")
    if backend == "sqlite":
        return "stafett backend: sqlite (a migrated file per test)"
    if os.environ.get(URL_ENV):
        return f"stafett backend: postgresql at {sa.make_url(os.environ[URL_ENV])!r} (${URL_ENV})"
    bindir = find_pg_bindir()
    return f"stafett backend: postgresql (private throwaway cluster from {bindir or 'NOT FOUND'})"


def pytest_terminal_summary(terminalreporter, config: pytest.Config) -> None:
    t = config.stash[TIMINGS]
    parts = []
    if t.cluster_start is not None:
        parts.append(f"cluster start {t.cluster_start:.2f}s")
    if t.template is not None:
        parts.append(f"template migration {t.template:.2f}s")
    if t.copies:
        parts.append(f"{len(t.copies)} test databases, {1000 * sum(t.copies) / len(t.copies):.0f} ms each")
    if parts:
        terminalreporter.write_line(f"stafett {config.getoption('backend')}: " + ", ".join(parts))


@pytest.fixture(scope="session")
def backend(pytestconfig: pytest.Config) -> str:
    return pytestconfig.getoption("backend")


# --- PostgreSQL: a private cluster -----------------------------------------------------------


def find_pg_bindir() -> Path | None:
    """The newest Debian-installed server, else whatever PATH offers."""

    def version(path: Path) -> tuple[int, ...]:
        return tuple(int(n) for n in re.findall(r"\d+", path.parent.parent.name))

    candidates = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"), key=version)
    if candidates:
        return candidates[-1].parent
    initdb = shutil.which("initdb")
    if initdb and shutil.which("pg_ctl"):
        return Path(initdb).parent
    return None


CLUSTER_PREFIX = "stafett-pg-"


def _cluster_parent() -> str:
    """A world-traversable dir (pytest's tmp dirs are 0700 root-owned), in RAM when there is room.

    On tmpfs CREATE DATABASE takes ~10 ms instead of ~300 ms on a VM disk, fsync=off or not.
    """
    shm = Path("/dev/shm")
    if shm.is_dir() and os.access(shm, os.W_OK) and shutil.disk_usage(shm).free > 2**30:
        parent = shm
    else:
        parent = Path("/tmp")
    _remove_stale(parent)
    return str(parent)


def _remove_stale(parent: Path) -> None:
    """Clusters left by a killed run would hold RAM until reboot: remove old ones with no live server."""
    for path in parent.glob(CLUSTER_PREFIX + "*"):
        with contextlib.suppress(OSError, ValueError):
            if time.time() - path.stat().st_mtime < 3600:
                continue
            pidfile = path / "data" / "postmaster.pid"
            if pidfile.exists():
                pid = int(pidfile.read_text().split()[0])
                with contextlib.suppress(ProcessLookupError):
                    os.kill(pid, 0)
                    continue  # still running: someone's live cluster
            shutil.rmtree(path)


class PrivateCluster:
    """initdb + pg_ctl in a temp dir; as root, run as the ``postgres`` user because initdb refuses root."""

    def __init__(self, bindir: Path) -> None:
        self.bindir = bindir
        self.as_postgres = os.geteuid() == 0
        self.dir = Path(tempfile.mkdtemp(prefix=CLUSTER_PREFIX, dir=_cluster_parent()))
        if self.as_postgres:
            try:
                user = pwd.getpwnam("postgres")
            except KeyError:
                shutil.rmtree(self.dir)
                pytest.exit("running as root but there is no 'postgres' user. " + INSTALL_HINT, returncode=4)
            os.chown(self.dir, user.pw_uid, user.pw_gid)
        self.data = self.dir / "data"
        self.log = self.dir / "server.log"
        self.port = 0

    def _run(self, *args: str) -> None:
        command = [str(self.bindir / args[0]), *args[1:]]
        if self.as_postgres:
            command = ["runuser", "-u", "postgres", "--", *command]
        result = subprocess.run(
            command, cwd=self.dir, capture_output=True, text=True, stdin=subprocess.DEVNULL
        )
        if result.returncode:
            log = self.log.read_text(errors="replace")[-3000:] if self.log.exists() else ""
            raise RuntimeError(f"{' '.join(command)} failed:\n{result.stdout}{result.stderr}\n{log}")

    def start(self) -> str:
        self._run("initdb", "-D", str(self.data), "-U", "postgres", "--auth=trust", "--no-sync",
                  "--encoding=UTF8", "--locale=C")  # fmt: skip
        settings = {
            "listen_addresses": "'127.0.0.1'",
            "unix_socket_directories": f"'{self.dir}'",
            "fsync": "off",
            "synchronous_commit": "off",
            "full_page_writes": "off",
            "max_connections": "200",
            "wal_level": "minimal",
            "max_wal_senders": "0",
        }
        conf = "".join(f"{key} = {value}\n" for key, value in settings.items())
        with (self.data / "postgresql.conf").open("a") as f:  # postgres's file, still writable by root
            f.write(conf)
        for attempt in range(3):  # a free port can be taken between probing and binding
            self.port = free_port()
            try:
                self._run("pg_ctl", "start", "-w", "-t", "60", "-D", str(self.data), "-l", str(self.log),
                          "-o", f"-p {self.port}")  # fmt: skip
                break
            except RuntimeError:
                if attempt == 2:
                    raise
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/postgres"

    def stop(self) -> None:
        with contextlib.suppress(Exception):
            if (self.data / "postmaster.pid").exists():
                self._run("pg_ctl", "stop", "-w", "-m", "immediate", "-D", str(self.data))
        shutil.rmtree(self.dir, ignore_errors=True)


@pytest.fixture(scope="session")
def postgresql_admin_url(pytestconfig: pytest.Config) -> Iterator[str]:
    """URL of a maintenance database on a server where test databases may be created."""
    if os.environ.get(URL_ENV):
        yield os.environ[URL_ENV]
        return
    bindir = find_pg_bindir()
    if bindir is None:
        pytest.exit(INSTALL_HINT, returncode=4)
    cluster = PrivateCluster(bindir)
    started = time.perf_counter()
    try:
        url = cluster.start()
        pytestconfig.stash[TIMINGS].cluster_start = time.perf_counter() - started
        yield url
    finally:
        cluster.stop()


class PostgresDatabases:
    """Creates databases from a migrated template; names carry the pid on a shared server."""

    def __init__(self, admin_url: str, shared: bool) -> None:
        self.base = sa.make_url(normalize_url(admin_url))
        self.admin = sa.create_engine(self.base, isolation_level="AUTOCOMMIT", poolclass=sa.NullPool)
        suffix = f"_{os.getpid()}" if shared else ""
        self.template = f"stafett_template{suffix}"
        self._names = (f"test{suffix}_{n}" for n in itertools.count(1))

    def url(self, name: str) -> str:
        return self.base.set(database=name).render_as_string(hide_password=False)

    def execute(self, sql: str) -> None:
        with self.admin.connect() as connection:
            connection.exec_driver_sql(sql)

    def drop(self, name: str) -> None:
        self.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')  # FORCE ends lingering sessions

    def create_template(self) -> None:
        self.drop(self.template)
        self.execute(f'CREATE DATABASE "{self.template}"')
        database = Database(self.url(self.template))
        practice = Database(self.url(self.template), schema=PRACTICE_SCHEMA)  # øving's, as `serve` makes it
        try:
            database.upgrade()
            practice.upgrade()
        finally:
            database.dispose()  # a template must have no connections when copied
            practice.dispose()

    def create(self) -> str:
        name = next(self._names)
        self.execute(f'CREATE DATABASE "{name}" TEMPLATE "{self.template}" STRATEGY FILE_COPY')
        return name


# --- the fixtures every test uses --------------------------------------------------------------


@pytest.fixture(scope="session")
def _template(backend: str, request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory):
    """The migrated template: a SQLite file path, or a PostgresDatabases factory."""
    timings = request.config.stash[TIMINGS]
    if backend == "sqlite":
        started = time.perf_counter()
        path = tmp_path_factory.mktemp("template") / "stafett.db"
        for migrated in (path, practice_file(path)):  # øving's file beside the real one, as `serve` makes it
            database = Database(f"sqlite:///{migrated}")
            try:
                database.upgrade()
            finally:
                database.dispose()
            with contextlib.closing(sqlite3.connect(migrated, isolation_level=None)) as raw:
                raw.execute("PRAGMA wal_checkpoint(TRUNCATE)")  # all in the main file, to be copied
        timings.template = time.perf_counter() - started
        yield path
        return
    admin_url = request.getfixturevalue("postgresql_admin_url")
    started = time.perf_counter()
    databases = PostgresDatabases(admin_url, shared=bool(os.environ.get(URL_ENV)))
    databases.create_template()
    timings.template = time.perf_counter() - started
    try:
        yield databases
    finally:
        with contextlib.suppress(Exception):
            databases.drop(databases.template)
        databases.admin.dispose()


@pytest.fixture
def database_url(_template, backend: str, tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[str]:
    """A fresh, already-migrated database for this test only."""
    copies = request.config.stash[TIMINGS].copies
    started = time.perf_counter()
    if backend == "sqlite":
        path = tmp_path / "stafett.db"
        shutil.copyfile(_template, path)
        shutil.copyfile(practice_file(_template), practice_file(path))
        copies.append(time.perf_counter() - started)
        yield f"sqlite:///{path}"
        return
    name = _template.create()
    copies.append(time.perf_counter() - started)
    try:
        yield _template.url(name)
    finally:
        _template.drop(name)


@pytest.fixture
def database(database_url: str) -> Iterator[Database]:
    db = Database(database_url)
    try:
        yield db
    finally:
        db.dispose()
