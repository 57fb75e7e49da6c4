"""Benchmark: the API's and the pages' throughput and latency with auth, policy and audit, beside a
hello-world floor.

    .venv/bin/python -m bench.api                                   # SQLite file in a temporary folder
    .venv/bin/python -m bench.api --database-url postgresql://...   # an empty PostgreSQL database

It seeds the demo municipality with ``stafett demo seed`` (cases with a 50-entry stafettlogg), starts
the server on loopback (one uvicorn worker), mints a local-realm token for an employee who may see the
cases, and runs wrk (Debian package ``wrk``) against each scenario for a few seconds with a bounded
number of connections. Every request of the API scenarios validates the bearer token, asks the
policy, writes an audit event and commits: nothing is cached between requests.
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import httpx
from sqlalchemy import select

ROOT = Path(__file__).resolve().parent.parent
LUA_REPORT = """
done = function(summary, latency, requests)
  io.write(string.format("RESULT %d %d %.3f %.3f %.3f\\n", summary.requests, summary.duration,
    latency:percentile(50) / 1000, latency:percentile(99) / 1000, summary.errors.status))
end
"""


@dataclass
class Scenario:
    name: str
    method: str
    path: str
    body: str | None = None
    auth: bool = True


@dataclass
class Result:
    scenario: Scenario
    rps: float
    p50_ms: float
    p99_ms: float
    errors: int


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def seed(database_url: str, cases: int, entries: int) -> tuple[str, str, str]:
    """Seed the demo municipality; return (a case id, an employee who may read it, a guardian)."""
    from core.config import default_config
    from core.platform import Platform
    from core.seed import seed as seed_demo
    from core.storage import models as m

    platform = Platform.open(default_config(), database_url=database_url)
    seed_demo(platform, children=max(cases, 40), cases=cases, log_entries=entries)
    with platform.database.session() as session:
        case = session.scalars(select(m.CaseRow).order_by(m.CaseRow.opened_at)).first()
        employee = session.scalar(
            select(m.LogEntryRow.author_id).where(
                m.LogEntryRow.case_id == case.id, m.LogEntryRow.kind == "concern"
            )
        )
    platform.close()
    return case.id, employee, case.owner_unit_id


def token_for(database_url: str, person_id: str, base_url: str) -> str:
    from core.auth import issue_token
    from core.config import default_config
    from core.platform import Platform

    platform = Platform.open(default_config(), database_url=database_url)
    try:
        return issue_token(platform, person_id, lifetime=3600, public_url=base_url)
    finally:
        platform.close()


def run_wrk(
    base_url: str, scenario: Scenario, token: str, *, seconds: int, connections: int, workdir: Path
) -> Result:
    script = workdir / f"{scenario.name.replace(' ', '_')}.lua"
    headers = {"Content-Type": "application/json"} | (
        {"Authorization": f"Bearer {token}"} if scenario.auth else {}
    )
    lines = [f'wrk.method = "{scenario.method}"']
    lines += [f'wrk.headers["{k}"] = "{v}"' for k, v in headers.items()]
    if scenario.body is not None:
        lines.append(f"wrk.body = {json.dumps(scenario.body)}")
    script.write_text("\n".join(lines) + "\n" + LUA_REPORT)
    out = subprocess.run(
        [
            "wrk",
            "-t2",
            f"-c{connections}",
            f"-d{seconds}s",
            "--timeout",
            "10s",
            "-s",
            str(script),
            base_url + scenario.path,
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    match = re.search(r"RESULT (\d+) (\d+) ([\d.]+) ([\d.]+) (\d+)", out)
    if match is None:
        raise RuntimeError(f"wrk gave no result:\n{out}")
    requests, micros, p50, p99, errors = match.groups()
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return Result(
        scenario,
        int(requests) / (int(micros) / 1e6),
        float(p50),
        float(p99),
        int(errors) + (int(non_2xx.group(1)) if non_2xx else 0),
    )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--database-url", help="an empty database (default: a new SQLite file)")
    parser.add_argument("--cases", type=int, default=40)
    parser.add_argument("--entries", type=int, default=50, help="stafettlogg entries per case")
    parser.add_argument("--seconds", type=int, default=5, help="per scenario")
    parser.add_argument("--connections", type=int, default=64)
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        sys.exit("wrk is missing: apt-get install wrk")
    with tempfile.TemporaryDirectory(prefix="stafett-bench-") as tmp:
        workdir = Path(tmp)
        database_url = args.database_url or f"sqlite:///{workdir / 'bench.db'}"
        case_id, employee, _ = seed(database_url, args.cases, args.entries)
        port = free_port()
        base_url = f"http://127.0.0.1:{port}"
        token = token_for(database_url, employee, base_url)
        server = subprocess.Popen(
            [sys.executable, "-m", "bench.api_server", "--database-url", database_url, "--port", str(port)],
            cwd=ROOT,
        )
        try:
            wait_until_up(base_url, server)
            scenarios = [
                Scenario("hello-world route (floor)", "GET", "/bench/hello", auth=False),
                Scenario(
                    f"read a case's stafettlogg ({args.entries} entries)",
                    "GET",
                    f"/api/v1/cases/{case_id}/log?limit={args.entries}",
                ),
                Scenario("the case page (HTML: the whole case, guide, tools)", "GET", f"/saker/{case_id}"),
                Scenario("Mine saker (HTML)", "GET", "/saker"),
                Scenario(  # last but one: it grows the case's log, which the reads above must not see
                    "append a log entry",
                    "POST",
                    f"/api/v1/cases/{case_id}/log",
                    body=json.dumps({"text": "Kort samtale med barnet i dag."}),
                ),
                Scenario("list my cases", "GET", "/api/v1/cases"),
            ]
            results = []
            for s in scenarios:
                results.append(
                    run_wrk(
                        base_url,
                        s,
                        token,
                        seconds=args.seconds,
                        connections=args.connections,
                        workdir=workdir,
                    )
                )
                wait_until_idle(base_url)  # requests wrk left queued must not slow the next scenario
        finally:
            server.terminate()
            server.wait(timeout=20)
    print_table(results, database_url, args)


def wait_until_up(base_url: str, server: subprocess.Popen) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            sys.exit("the server stopped during start-up")
        try:
            if httpx.get(base_url + "/health", timeout=1).status_code == 200:
                return
        except httpx.TransportError:
            time.sleep(0.2)
    sys.exit("the server did not start within 60 s")


def wait_until_idle(base_url: str) -> None:
    """Until /ready (a database round trip behind any queued writers) answers within 50 ms."""
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        started = time.monotonic()
        httpx.get(base_url + "/ready", timeout=60)
        if time.monotonic() - started < 0.05:
            return
    sys.exit("the server did not become idle within 120 s")


def print_table(results: list[Result], database_url: str, args: argparse.Namespace) -> None:
    backend = database_url.split(":", 1)[0]
    floor = results[0].rps
    print(f"\nStafett API on {backend}, one uvicorn worker, wrk -t2 -c{args.connections} -d{args.seconds}s\n")
    print("| scenario | requests/s | p50 ms | p99 ms | errors | throughput vs floor |")
    print("|---|--:|--:|--:|--:|--:|")
    for r in results:
        print(
            f"| {r.scenario.name} | {r.rps:,.0f} | {r.p50_ms:.1f} | {r.p99_ms:.1f} | {r.errors} | "
            f"{r.rps / floor:.1%} |"
        )


if __name__ == "__main__":
    main()
