"""A private PostgreSQL cluster for benchmarks: initdb + pg_ctl in a temporary folder, with PostgreSQL's
default durability (fsync and synchronous_commit on), unlike the test suite's throwaway clusters."""

from __future__ import annotations

import contextlib
import glob
import os
import pwd
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

from tests.processes import free_port


def _bindir() -> Path:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    if found:
        return Path(found[-1]).parent
    initdb = shutil.which("initdb")
    if initdb is None:
        raise SystemExit(
            "PostgreSQL's server binaries are missing: apt-get install postgresql (./dev test does)"
        )
    return Path(initdb).parent


@contextlib.contextmanager
def durable_cluster() -> Iterator[str]:
    """Yield the URL of a fresh, durable cluster on loopback; remove it afterwards."""
    bindir, root = _bindir(), Path(tempfile.mkdtemp(prefix="stafett-bench-pg-"))
    as_postgres = os.geteuid() == 0  # initdb refuses to run as root
    if as_postgres:
        user = pwd.getpwnam("postgres")
        os.chown(root, user.pw_uid, user.pw_gid)

    def run(*args: str) -> None:
        command = [str(bindir / args[0]), *args[1:]]
        if as_postgres:
            command = ["runuser", "-u", "postgres", "--", *command]
        subprocess.run(command, cwd=root, check=True, capture_output=True, stdin=subprocess.DEVNULL)

    data = root / "data"
    port = free_port()
    run("initdb", "-D", str(data), "-U", "postgres", "--auth=trust", "--encoding=UTF8", "--locale=C")
    with (data / "postgresql.conf").open("a") as conf:
        conf.write(
            f"listen_addresses = '127.0.0.1'\nunix_socket_directories = '{root}'\nmax_connections = 300\n"
        )
        conf.write("shared_buffers = 512MB\n")  # the region set's hot indexes stay in memory
    run(
        "pg_ctl",
        "start",
        "-w",
        "-t",
        "60",
        "-D",
        str(data),
        "-l",
        str(root / "server.log"),
        "-o",
        f"-p {port}",
    )
    try:
        yield f"postgresql+psycopg://postgres@127.0.0.1:{port}/postgres"
    finally:
        with contextlib.suppress(Exception):
            run("pg_ctl", "stop", "-w", "-m", "fast", "-D", str(data))
        shutil.rmtree(root, ignore_errors=True)


@contextlib.contextmanager
def bench_database(backend: str, sqlite_file: Path) -> Iterator[str]:
    """A benchmark's database URL: ``sqlite_file`` for "sqlite", else a fresh durable cluster."""
    if backend == "sqlite":
        yield f"sqlite:///{sqlite_file}"
        return
    with durable_cluster() as url:
        yield url
