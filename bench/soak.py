"""Soak: mixed reads and writes for minutes against ``stafett serve --workers N``, watching errors and the
memory of every server process.

    .venv/bin/python -m bench.soak                                    # 10 min, SQLite file, a worker per core
    .venv/bin/python -m bench.soak --minutes 2 --workers 2
    .venv/bin/python -m bench.soak --database-url postgresql://...    # an empty PostgreSQL database

It seeds the demo municipality, mints a local-realm token for an employee whose unit owns the most
cases, starts ``stafett serve --workers N`` on loopback, and runs wrk (Debian package ``wrk``) with 64
connections in consecutive slices. Each request picks one of the unit's cases at random: read its
stafettlogg, read the case, list the cases, open the case page, or append to the log (``--writes``
percent of requests, default 20).
Between slices it samples the resident memory (RSS, from /proc) of the supervisor and every worker.
A worker that dies and is restarted shows up as a new process. At the end ``stafett audit verify``
checks the hash chains the run wrote.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx
from sqlalchemy import func, select

from tests.processes import ROOT, audit_verify, free_port

WRITE_TEXT = "Kort samtale med barnet i dag."
TIMEOUT = "10s"  # wrk counts a request unanswered this long as a timeout

LUA = """
local cases = {CASES}
local token = "{TOKEN}"
local writes = {WRITES}
local threads = {{}}
local n = 0

function setup(thread)
  n = n + 1
  thread:set("id", n)
  table.insert(threads, thread)
end

function init(args)
  counts = {{}}
  math.randomseed(os.time() * 100 + id)
end

local function headers(extra)
  local h = {{["Authorization"] = "Bearer " .. token}}
  if extra then h["Content-Type"] = "application/json" end
  return h
end

function request()
  local case = cases[math.random(#cases)]
  if math.random(100) <= writes then
    return wrk.format("POST", "/api/v1/cases/" .. case .. "/log", headers(true), {BODY})
  end
  local pick = math.random(80)
  if pick <= 35 then
    return wrk.format("GET", "/api/v1/cases/" .. case .. "/log?limit=20", headers())
  elseif pick <= 55 then
    return wrk.format("GET", "/api/v1/cases/" .. case, headers())
  elseif pick <= 70 then
    return wrk.format("GET", "/api/v1/cases?limit=20", headers())
  end
  return wrk.format("GET", "/saker/" .. case, headers())
end

function response(status, hdrs, body)
  counts[status] = (counts[status] or 0) + 1
end

function done(summary, latency, requests)
  local total = {{}}
  for _, thread in ipairs(threads) do
    for status, count in pairs(thread:get("counts")) do
      total[status] = (total[status] or 0) + count
    end
  end
  local parts = {{}}
  for status, count in pairs(total) do table.insert(parts, status .. "=" .. count) end
  local e = summary.errors
  io.write(string.format("RESULT %d %d %.3f %.3f %d %d %s\\n", summary.requests, summary.duration,
    latency:percentile(50) / 1000, latency:percentile(99) / 1000,
    e.connect + e.read + e.write, e.timeout, table.concat(parts, ",")))
end
"""


@dataclass
class Slice:
    minute: float
    requests: int
    seconds: float
    p50_ms: float
    p99_ms: float
    socket_errors: int  # connect, read or write failed
    timeouts: int  # no answer within wrk's --timeout
    statuses: dict[int, int]

    def count(self, low: int, high: int) -> int:
        return sum(n for status, n in self.statuses.items() if low <= status < high)


@dataclass
class Process:
    pid: int
    role: str
    rss_mb: list[float] = field(default_factory=list)  # one sample per sampling round it was alive in


def seed(database_url: str, cases: int, entries: int, base_url: str) -> tuple[list[str], str]:
    """Seed the demo municipality; return the cases of the unit owning the most, and a token for the
    employee who opened them (an employee of that unit may read and write all of them)."""
    from core.auth import issue_token
    from core.config import default_config
    from core.platform import Platform
    from core.seed import seed as seed_demo
    from core.storage import models as m

    platform = Platform.open(default_config(), database_url=database_url)
    try:
        seed_demo(platform, children=max(cases * 2, 40), cases=cases, log_entries=entries)
        with platform.database.session() as session:
            unit = session.execute(
                select(m.CaseRow.owner_unit_id)
                .group_by(m.CaseRow.owner_unit_id)
                .order_by(func.count().desc(), m.CaseRow.owner_unit_id)
                .limit(1)
            ).scalar_one()
            case_ids = list(session.scalars(select(m.CaseRow.id).where(m.CaseRow.owner_unit_id == unit)))
            employee = session.scalar(
                select(m.LogEntryRow.author_id)
                .where(m.LogEntryRow.case_id == case_ids[0], m.LogEntryRow.kind == "concern")
                .limit(1)
            )
        assert employee is not None
        return case_ids, issue_token(platform, employee, lifetime=24 * 3600, public_url=base_url)
    finally:
        platform.close()


def children_of(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        if int(stat.rsplit(")", 1)[1].split()[1]) == pid:  # field 4, after the command in parentheses
            found.append(int(entry.name))
    return found


def rss_mb(pid: int) -> float | None:
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return None
    match = re.search(r"^VmRSS:\s+(\d+) kB", status, re.MULTILINE)
    return int(match.group(1)) / 1024 if match else None


def sample(server: subprocess.Popen, processes: dict[int, Process], workers: int) -> None:
    """One RSS reading of the supervisor and each worker (multiprocessing's resource tracker left out);
    with one worker uvicorn serves in the command's own process."""
    for pid in [server.pid, *children_of(server.pid)]:
        try:
            command = Path(f"/proc/{pid}/cmdline").read_bytes()
        except OSError:
            continue
        if b"resource_tracker" in command:
            continue
        rss = rss_mb(pid)
        if rss is None:
            continue
        role = "worker" if pid != server.pid else "supervisor" if workers > 1 else "server"
        processes.setdefault(pid, Process(pid, role)).rss_mb.append(rss)


def run_slice(base_url: str, script: Path, seconds: int, connections: int, minute: float) -> Slice:
    out = subprocess.run(
        [
            "wrk",
            "-t2",
            f"-c{connections}",
            f"-d{seconds}s",
            "--timeout",
            TIMEOUT,
            "-s",
            str(script),
            base_url,
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    match = re.search(r"RESULT (\d+) (\d+) ([\d.]+) ([\d.]+) (\d+) (\d+) ?(\S*)", out)
    if match is None:
        raise RuntimeError(f"wrk gave no result:\n{out}")
    requests, micros, p50, p99, socket_errors, timeouts, statuses = match.groups()
    counts = {int(s): int(n) for s, n in (part.split("=") for part in statuses.split(",") if part)}
    return Slice(
        minute,
        int(requests),
        int(micros) / 1e6,
        float(p50),
        float(p99),
        int(socket_errors),
        int(timeouts),
        counts,
    )


def wait_until_up(base_url: str, server: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if server.poll() is not None:
            sys.exit(f"the server stopped during start-up:\n{log.read_text()[-3000:]}")
        try:
            if httpx.get(base_url + "/ready", timeout=2).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.3)
    sys.exit("the server did not start within 120 s")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--database-url", help="an empty database (default: a new SQLite file)")
    parser.add_argument("--minutes", type=float, default=10.0)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--connections", type=int, default=64)
    parser.add_argument("--cases", type=int, default=60, help="cases seeded (the unit owning most is used)")
    parser.add_argument("--entries", type=int, default=20, help="stafettlogg entries per seeded case")
    parser.add_argument("--writes", type=int, default=20, help="percent of requests that append to a log")
    parser.add_argument(
        "--slices", type=int, default=0, help="wrk runs (default: one per minute, at least 4)"
    )
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        sys.exit("wrk is missing: apt-get install wrk")
    slices = args.slices or max(4, round(args.minutes))
    seconds = max(1, round(args.minutes * 60 / slices))
    with tempfile.TemporaryDirectory(prefix="stafett-soak-") as tmp:
        workdir = Path(tmp)
        database_url = args.database_url or f"sqlite:///{workdir / 'soak.db'}"
        port = free_port()
        base_url = f"http://127.0.0.1:{port}"
        case_ids, token = seed(database_url, args.cases, args.entries, base_url)
        script = workdir / "soak.lua"
        script.write_text(
            LUA.format(
                CASES="{" + ", ".join(json.dumps(c) for c in case_ids) + "}",
                TOKEN=token,
                WRITES=args.writes,
                BODY=json.dumps(json.dumps({"text": WRITE_TEXT})),
            )
        )
        env = {**os.environ, "STAFETT_DATABASE_URL": database_url, "STAFETT_PUBLIC_URL": base_url}
        log = workdir / "server.log"
        command = ["serve", "--no-demo", "--port", str(port), "--workers", str(args.workers)]
        with log.open("wb") as out:
            server = subprocess.Popen(
                [sys.executable, "-m", "core.cli", *command],
                cwd=ROOT,
                env=env,
                stdout=out,
                stderr=subprocess.STDOUT,
            )
        processes: dict[int, Process] = {}
        results: list[Slice] = []
        try:
            wait_until_up(base_url, server, log)
            time.sleep(1)  # every worker has answered its supervisor's health check
            sample(server, processes, args.workers)
            for n in range(slices):
                results.append(run_slice(base_url, script, seconds, args.connections, (n + 1) * seconds / 60))
                sample(server, processes, args.workers)
                print(
                    f"  {results[-1].minute:.1f} min: {results[-1].requests / seconds:,.0f} req/s", flush=True
                )
        finally:
            server.terminate()
            server.wait(timeout=30)
        verify = audit_verify(env)
        size = (
            Path(database_url.removeprefix("sqlite:///")).stat().st_size
            if args.database_url is None
            else None
        )
    print_report(results, processes, args, database_url, len(case_ids), verify, size)


def print_report(
    results: list[Slice],
    processes: dict[int, Process],
    args: argparse.Namespace,
    database_url: str,
    cases: int,
    verify: subprocess.CompletedProcess,
    size: int | None,
) -> None:
    backend = database_url.split(":", 1)[0]
    print(
        f"\nStafett soak on {backend}: stafett serve --workers {args.workers}, wrk -t2 -c{args.connections}, "
        f"{args.minutes:g} min, {cases} cases; {100 - args.writes}% reads (log, case, list, case page), "
        f"{args.writes}% log appends\n"
    )
    print(
        f"| minute | requests/s | p50 ms | p99 ms | 2xx | 4xx | 5xx | socket errors | timeouts ({TIMEOUT}) |"
    )
    print("|--:|--:|--:|--:|--:|--:|--:|--:|--:|")
    for r in results:
        print(
            f"| {r.minute:.1f} | {r.requests / r.seconds:,.0f} | {r.p50_ms:.1f} | {r.p99_ms:.1f} | "
            f"{r.count(200, 300):,} | {r.count(400, 500)} | {r.count(500, 600)} | "
            f"{r.socket_errors} | {r.timeouts} |"
        )
    requests = sum(r.requests for r in results)
    errors = sum(r.requests - r.count(200, 300) + r.socket_errors + r.timeouts for r in results)
    print(f"\nrequests {requests:,}, errors {errors} (non-2xx answers, socket errors, timeouts)\n")
    print("| process | pid | RSS start MB | RSS mid MB | RSS end MB | samples |")
    print("|---|--:|--:|--:|--:|--:|")
    for p in processes.values():
        s = p.rss_mb
        print(f"| {p.role} | {p.pid} | {s[0]:.0f} | {s[len(s) // 2]:.0f} | {s[-1]:.0f} | {len(s)} |")
    workers = sum(p.role == "worker" for p in processes.values())
    if workers > args.workers:
        print(f"\n{workers - args.workers} worker(s) died and were restarted during the run.")
    if size is not None:
        print(f"\nSQLite file at the end: {size / 2**20:.0f} MB")
    outcome = "passes" if verify.returncode == 0 else "FAILS:\n" + verify.stdout + verify.stderr
    print(f"stafett audit verify {outcome}")


if __name__ == "__main__":
    main()
