"""Several server processes on one database: replicas started together on an empty database all start,
what one process changes holds in the others at once, ``serve --workers`` replaces a worker that dies,
and a process killed mid-write loses no acknowledged write and leaves nothing half-written.

Real ``stafett serve`` processes on loopback ports share the test's database (a SQLite file two
processes write to, or a PostgreSQL database) and one public URL, as workers behind a load balancer do.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest
from sqlalchemy import func, select

from core.auth import issue_token
from core.config import DeploymentConfig, default_config
from core.platform import Platform
from core.services.directory_sync import DirectorySync
from core.storage import models as m
from tests.conftest import PPT, Clock, World
from tests.processes import ROOT, audit_verify, free_port

pytestmark = pytest.mark.slow

PUBLIC_URL = "http://stafett.test"  # the load balancer's address: the issuer every process expects
WRITES = 1000
IN_FLIGHT = 64
CASES = 4


@pytest.fixture
def clock() -> Clock:
    """Wall-clock time: the servers run on it, so consents must be in force by it."""
    return Clock(dt.datetime.now(dt.UTC))


@pytest.fixture
def config() -> DeploymentConfig:
    """The demo deployment, as `stafett serve` without --config loads it."""
    return default_config()


@dataclass
class Server:
    url: str
    process: subprocess.Popen
    output: Path

    def alive(self) -> bool:
        return self.process.poll() is None


@dataclass
class Servers:
    database_url: str
    workdir: Path
    started: list[Server] = field(default_factory=list)

    def env(self) -> dict[str, str]:
        return {**os.environ, "STAFETT_DATABASE_URL": self.database_url, "STAFETT_PUBLIC_URL": PUBLIC_URL}

    def start(self, count: int, *options: str) -> list[Server]:
        """``count`` processes of ``stafett serve``, started together; returns once all answer."""
        servers = []
        for _ in range(count):
            port = free_port()
            output = self.workdir / f"server-{port}.log"
            with output.open("wb") as out:
                process = subprocess.Popen(
                    [sys.executable, "-m", "core.cli", "serve", "--no-demo", "--port", str(port), *options],
                    cwd=ROOT,
                    env=self.env(),
                    stdout=out,
                    stderr=subprocess.STDOUT,
                    stdin=subprocess.DEVNULL,
                )
            servers.append(Server(f"http://127.0.0.1:{port}", process, output))
        self.started += servers
        for server in servers:
            _wait_until_ready(server)
        return servers

    def stop(self) -> None:
        for server in self.started:
            if server.alive():
                server.process.terminate()
        for server in self.started:
            try:
                server.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                server.process.kill()
                server.process.wait()


@pytest.fixture
def servers(database_url: str, tmp_path: Path) -> Iterator[Servers]:
    started = Servers(database_url, tmp_path)
    try:
        yield started
    finally:
        started.stop()


def _wait_until_ready(server: Server) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if not server.alive():
            raise RuntimeError(f"the server stopped at start-up:\n{server.output.read_text()[-3000:]}")
        try:
            if httpx.get(server.url + "/ready", timeout=2).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.1)
    raise RuntimeError(f"the server did not start within 60 s:\n{server.output.read_text()[-3000:]}")


@pytest.fixture
def empty_database_url(backend: str, tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[str]:
    """A database with no tables yet."""
    if backend == "sqlite":
        yield f"sqlite:///{tmp_path / 'empty.db'}"
        return
    databases = request.getfixturevalue("_template")  # tests.backends.PostgresDatabases
    name = f"empty_{os.getpid()}"
    databases.drop(name)
    databases.execute(f'CREATE DATABASE "{name}"')
    try:
        yield databases.url(name)
    finally:
        databases.drop(name)


def test_processes_started_together_on_an_empty_database_all_start(empty_database_url: str) -> None:
    """Replicas started at once migrate the database and store the config in turn; none fails."""
    env = {**os.environ, "STAFETT_DATABASE_URL": empty_database_url}
    starting = [
        subprocess.Popen(
            [sys.executable, "-m", "core.cli", "db", "upgrade"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        for _ in range(2)
    ]
    for process in starting:
        output, _ = process.communicate(timeout=120)
        assert process.returncode == 0, output
    assert_audit_chain_whole(env)


def assert_audit_chain_whole(env: dict[str, str]) -> None:
    """``stafett audit verify``, run in a process of its own as an operator runs it, finds no break."""
    verify = audit_verify(env, timeout=60)
    assert verify.returncode == 0, verify.stdout + verify.stderr


def _token(platform: Platform, person_id: str) -> dict[str, str]:
    return {
        "Authorization": f"Bearer {issue_token(platform, person_id, lifetime=3600, public_url=PUBLIC_URL)}"
    }


def test_a_withdrawn_consent_and_a_disabled_account_hold_in_every_process(
    world: World, platform: Platform, servers: Servers
) -> None:
    case = world.open_case()
    consent = world.join(case.id, PPT)
    ppt, teacher, mother = (_token(platform, p) for p in (world.ppt, world.teacher, world.mother))
    first, second = servers.start(2)

    for server in (first, second):  # each process has validated the token and read the case once
        assert httpx.get(f"{server.url}/api/v1/cases/{case.id}", headers=ppt).status_code == 200
        assert httpx.get(f"{server.url}/api/v1/cases/{case.id}", headers=teacher).status_code == 200

    withdrawn = httpx.post(
        f"{first.url}/api/v1/consents/{consent.id}/withdraw", headers=mother, json={"reason": "Ombestemt meg"}
    )
    assert withdrawn.status_code == 200, withdrawn.text
    for server in (
        second,
        first,
    ):  # PPT took part on the consent alone: its next request, anywhere, is refused
        assert httpx.get(f"{server.url}/api/v1/cases/{case.id}", headers=ppt).status_code in (403, 404)

    with world.system("tilsetting avsluttet") as w:  # the directory sync (another process) ends the job
        assert DirectorySync(w).deactivate_person(world.teacher)
    for server in (second, first):  # the token is still unexpired and remembered, the person is not active
        refused = httpx.get(f"{server.url}/api/v1/cases/{case.id}", headers=teacher)
        assert refused.status_code == 403, refused.text


def _workers(server: Server) -> set[int]:
    """The worker processes uvicorn's supervisor runs (its children, less multiprocessing's tracker)."""
    found = set()
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
            command = (stat.parent / "cmdline").read_bytes()
        except OSError:
            continue
        if int(fields[1]) == server.process.pid and b"resource_tracker" not in command:
            found.add(int(stat.parent.name))
    return found


def test_serve_with_workers_keeps_serving_when_a_worker_dies(
    world: World, platform: Platform, servers: Servers
) -> None:
    case = world.open_case()
    headers = _token(platform, world.teacher)
    (server,) = servers.start(1, "--workers", "2")
    workers = _workers(server)
    assert len(workers) == 2

    headers["Connection"] = "close"  # a new connection per request: the kernel hands each to either worker
    with httpx.Client(base_url=server.url, headers=headers, timeout=30) as client:
        for n in range(20):
            assert (
                client.post(f"/api/v1/cases/{case.id}/log", json={"text": f"Notat {n}."}).status_code == 201
            )
        os.kill(min(workers), signal.SIGKILL)
        deadline = time.monotonic() + 60
        while (len(_workers(server)) < 2 or min(workers) in _workers(server)) and time.monotonic() < deadline:
            time.sleep(0.2)
        assert len(_workers(server) - workers) == 1, "the supervisor did not replace the worker"
        log = client.get(f"/api/v1/cases/{case.id}/log", params={"limit": 50})
    assert log.status_code == 200
    assert [e["text"] for e in log.json()["items"]][-20:] == [f"Notat {n}." for n in range(20)]


@dataclass
class Outcome:
    server: int
    status: int | None = None  # None: no answer (connection refused, reset, or closed mid-request)
    entry_id: str | None = None
    error: str = ""


async def _write_all(urls: list[str], case_ids: list[str], headers: dict[str, str], kill) -> list[Outcome]:
    """``WRITES`` log appends, ``IN_FLIGHT`` at a time, alternating between the servers; ``kill`` is
    called once half of them are acknowledged."""
    outcomes: list[Outcome] = []
    acknowledged = 0
    killed = False
    slots = asyncio.Semaphore(IN_FLIGHT)
    limits = httpx.Limits(max_connections=IN_FLIGHT * len(urls), max_keepalive_connections=IN_FLIGHT)
    async with httpx.AsyncClient(headers=headers, timeout=30, limits=limits) as client:

        async def write(n: int) -> None:
            nonlocal acknowledged, killed
            server = n % len(urls)
            outcome = Outcome(server)
            async with slots:
                try:
                    response = await client.post(
                        f"{urls[server]}/api/v1/cases/{case_ids[n % len(case_ids)]}/log",
                        json={"text": f"Skrivetest nr. {n}."},
                    )
                except httpx.TransportError as exc:
                    outcome.error = type(exc).__name__
                else:
                    outcome.status = response.status_code
                    if response.is_success:
                        outcome.entry_id = response.json()["id"]
                        acknowledged += 1
                    else:
                        outcome.error = response.text[:300]
            outcomes.append(outcome)
            if not killed and acknowledged >= WRITES // 2:
                killed = True
                kill()

        await asyncio.gather(*(write(n) for n in range(WRITES)))
    return outcomes


def test_killing_a_process_mid_write_loses_no_acknowledged_write_and_leaves_nothing_half_written(
    world: World, platform: Platform, servers: Servers
) -> None:
    case_ids = [world.open_case(world.add_child(world.aged(9))).id for _ in range(CASES)]
    headers = _token(platform, world.teacher)
    victim, survivor = servers.start(2)
    started = dt.datetime.now(dt.UTC)

    outcomes = asyncio.run(
        _write_all(
            [victim.url, survivor.url], case_ids, headers, lambda: victim.process.send_signal(signal.SIGKILL)
        )
    )

    assert victim.process.wait(timeout=10) == -signal.SIGKILL
    answered = [o for o in outcomes if o.status is not None]
    assert not [o for o in answered if o.status >= 500], "a 5xx: " + str(
        [(o.server, o.status, o.error) for o in answered if o.status >= 500][:5]
    )
    assert not [o for o in outcomes if o.server == 1 and o.status != 201], (
        "the survivor failed a write: "
        + str([(o.status, o.error) for o in outcomes if o.server == 1 and o.status != 201][:5])
    )
    acknowledged = {o.entry_id for o in outcomes if o.entry_id}
    assert WRITES // 2 <= len(acknowledged) < WRITES  # the kill came halfway, and cost some writes
    assert survivor.alive()

    with platform.database.session() as session:
        entries = {
            case_id: list(
                session.scalars(
                    select(m.LogEntryRow.seq).where(
                        m.LogEntryRow.case_id == case_id, m.LogEntryRow.at >= started
                    )
                )
            )
            for case_id in case_ids
        }
        stored = set(session.scalars(select(m.LogEntryRow.id).where(m.LogEntryRow.at >= started)))
        events = dict(
            session.execute(
                select(m.AuditEventRow.case_id, func.count())
                .where(
                    m.AuditEventRow.at >= started,
                    m.AuditEventRow.actor_id == world.teacher,
                    m.AuditEventRow.purpose == "case.write_log via API",
                )
                .group_by(m.AuditEventRow.case_id)
            ).all()
        )
    assert acknowledged <= stored, f"{len(acknowledged - stored)} acknowledged writes are lost"
    for case_id, seqs in entries.items():
        assert sorted(seqs) == list(range(min(seqs), min(seqs) + len(seqs)))  # no gap in the stafettlogg
        assert events.get(case_id, 0) == len(seqs), "a log entry without its audit event, or the reverse"

    assert_audit_chain_whole(servers.env())
