"""Benchmark: the API's and the pages' throughput and latency with auth, policy and audit, beside a
hello-world floor on the same server, on each backend and each data set.

    .venv/bin/python -m bench.api                                   # SQLite and PostgreSQL, small set
    .venv/bin/python -m bench.api --scales small,region             # also the region set (takes minutes)
    .venv/bin/python -m bench.api --backends sqlite --seconds 3     # a quick look

Each backend is a fresh database: a SQLite file in a temporary folder, or a private PostgreSQL cluster
with PostgreSQL's default durability (fsync and synchronous_commit on; ``bench/pg.py``). Each data set
is seeded through Stafett's own code (``small``: the demo municipality, 40 cases with a 50-entry
stafettlogg; ``region``: ``stafett demo seed --scale region``). The server is started on loopback
(``--workers`` uvicorn processes), local-realm tokens are minted for employees who may see the cases,
and wrk (Debian package ``wrk``) runs each scenario for a few seconds at a bounded number of
connections. Every API request validates the bearer token, asks the policy, writes an audit event and
commits; nothing personal is cached between requests.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from bench import datasets
from bench.pg import bench_database
from tests.processes import ROOT, free_port

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
    token: str | None = None  # None: no Authorization header (the floor)
    body: str | None = None


@dataclass
class Result:
    scenario: Scenario
    rps: float
    p50_ms: float
    p99_ms: float
    errors: int
    cpu_ms: float = 0.0  # the server processes' CPU time per request over the run


@dataclass
class Run:
    backend: str
    scale: str
    results: list[Result] = field(default_factory=list)


def scenarios(data: datasets.Dataset) -> list[Scenario]:
    t = data.tokens
    out = [
        Scenario("hello-world route (floor)", "GET", "/bench/hello"),
        Scenario("read one case", "GET", f"/api/v1/cases/{data.case_id}", t["reader"]),
        Scenario(
            f"read a case's stafettlogg ({data.log_entries} entries)",
            "GET",
            f"/api/v1/cases/{data.case_id}/log?limit=50",
            t["reader"],
        ),
        Scenario(
            f"list my cases ({data.small_unit_cases} open in the unit)", "GET", "/api/v1/cases", t["small"]
        ),
    ]
    if "big" in t:
        out.append(
            Scenario(
                f"list my cases ({data.big_unit_cases} open in the unit)", "GET", "/api/v1/cases", t["big"]
            )
        )
    out += [
        Scenario("the case page (HTML)", "GET", f"/saker/{data.case_id}", t["reader"]),
        Scenario("Mine saker (HTML)", "GET", "/saker", t["small"]),
        Scenario(  # last: it grows the case's log, which the reads above must not see
            "append a log entry",
            "POST",
            f"/api/v1/cases/{data.case_id}/log",
            t["reader"],
            json.dumps({"text": "Kort samtale med barnet i dag."}),
        ),
    ]
    return out


def run_wrk(base_url: str, s: Scenario, *, seconds: int, connections: int, workdir: Path) -> Result:
    script = workdir / f"{re.sub(r'[^a-z0-9]+', '_', s.name.lower())}.lua"
    headers = {"Content-Type": "application/json"} | (
        {"Authorization": f"Bearer {s.token}"} if s.token else {}
    )
    lines = [f'wrk.method = "{s.method}"', *(f'wrk.headers["{k}"] = "{v}"' for k, v in headers.items())]
    if s.body is not None:
        lines.append(f"wrk.body = {json.dumps(s.body)}")
    script.write_text("\n".join(lines) + "\n" + LUA_REPORT)
    command = ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--timeout", "10s", "-s", str(script)]
    out = subprocess.run([*command, base_url + s.path], capture_output=True, text=True, check=True).stdout
    match = re.search(r"RESULT (\d+) (\d+) ([\d.]+) ([\d.]+) (\d+)", out)
    if match is None:
        raise RuntimeError(f"wrk gave no result:\n{out}")
    requests, micros, p50, p99, errors = match.groups()
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return Result(
        s,
        int(requests) / (int(micros) / 1e6),
        float(p50),
        float(p99),
        int(errors) + (int(non_2xx.group(1)) if non_2xx else 0),
    )


def server_cpu_seconds(base_url: str) -> float:
    """User + system CPU time of the server listening on ``base_url``'s port and all its workers."""
    tick = os.sysconf("SC_CLK_TCK")
    total = 0.0
    for pid in _server_pids(int(base_url.rsplit(":", 1)[1])):
        with contextlib.suppress(OSError):
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) / tick
    return total


_SERVERS: dict[int, subprocess.Popen] = {}


def _server_pids(port: int) -> list[int]:
    process = _SERVERS.get(port)
    if process is None:
        return []
    children = Path(f"/proc/{process.pid}/task/{process.pid}/children")
    kids = [int(p) for p in children.read_text().split()] if children.exists() else []
    return [process.pid, *kids]


@contextlib.contextmanager
def server(database_url: str, config: Path | None, workers: int) -> Iterator[str]:
    port = free_port()
    base_url = f"http://127.0.0.1:{port}"
    command = [sys.executable, "-m", "bench.api_server", "--database-url", database_url, "--port", str(port)]
    command += ["--workers", str(workers)] + (["--config", str(config)] if config else [])
    process = subprocess.Popen(command, cwd=ROOT)
    _SERVERS[port] = process
    try:
        wait_until_up(base_url, process)
        yield base_url
    finally:
        _SERVERS.pop(port, None)
        process.terminate()
        process.wait(timeout=30)


def wait_until_up(base_url: str, process: subprocess.Popen) -> None:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if process.poll() is not None:
            sys.exit("the server stopped during start-up")
        with contextlib.suppress(httpx.TransportError):
            if httpx.get(base_url + "/health", timeout=1).status_code == 200:
                return
        time.sleep(0.2)
    sys.exit("the server did not start within 120 s")


def wait_until_idle(base_url: str) -> None:
    """Until /ready (a database round trip behind any queued writers) answers within 50 ms."""
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        started = time.monotonic()
        httpx.get(base_url + "/ready", timeout=60)
        if time.monotonic() - started < 0.05:
            return
    sys.exit("the server did not become idle within 120 s")


def bench(backend: str, scale: str, args: argparse.Namespace, workdir: Path) -> Run:
    run = Run(backend, scale)
    with bench_database(backend, workdir / f"bench-{scale}.db") as database_url:
        started = time.monotonic()
        data = datasets.SCALES[scale](database_url)
        print(f"[bench] {backend}/{scale}: seeded in {time.monotonic() - started:.0f} s", file=sys.stderr)
        with server(database_url, data.config, args.workers) as base_url:
            data.mint_tokens(database_url, base_url)
            for s in scenarios(data):
                cpu = server_cpu_seconds(base_url)  # what the requests cost the server, not wrk
                result = run_wrk(
                    base_url, s, seconds=args.seconds, connections=args.connections, workdir=workdir
                )
                used = server_cpu_seconds(base_url) - cpu
                result.cpu_ms = 1000 * used / max(1.0, result.rps * args.seconds)
                run.results.append(result)
                wait_until_idle(base_url)  # requests wrk left queued must not slow the next scenario
    return run


def print_run(run: Run, args: argparse.Namespace) -> None:
    floor = run.results[0].rps
    workers = "one uvicorn worker" if args.workers == 1 else f"{args.workers} uvicorn workers"
    print(
        f"\n{run.backend}, {run.scale} data set, {workers}, wrk -t2 -c{args.connections} -d{args.seconds}s\n"
    )
    print("| scenario | requests/s | p50 ms | p99 ms | errors | vs floor | server CPU ms per request |")
    print("|---|--:|--:|--:|--:|--:|--:|")
    for r in run.results:
        print(
            f"| {r.scenario.name} | {r.rps:,.0f} | {r.p50_ms:.1f} | {r.p99_ms:.1f} | {r.errors} | "
            f"{r.rps / floor:.1%} | {r.cpu_ms:.2f} |"
        )


def print_growth(runs: list[Run]) -> None:
    """p50 of each scenario on the region set against the small set, per backend."""
    for backend in dict.fromkeys(r.backend for r in runs):
        small = next((r for r in runs if r.backend == backend and r.scale == "small"), None)
        region = next((r for r in runs if r.backend == backend and r.scale == "region"), None)
        if small is None or region is None:
            continue
        print(f"\n{backend}: p50 latency against data size (the same scenarios, one run each)\n")
        print("| scenario | small p50 ms | region p50 ms | growth |")
        print("|---|--:|--:|--:|")
        by_name = {_kind(r.scenario.name): r for r in small.results}
        for r in region.results:
            base = by_name.get(_kind(r.scenario.name))
            if base is not None and base.p50_ms > 0:
                growth = r.p50_ms / base.p50_ms
                print(f"| {r.scenario.name} | {base.p50_ms:.1f} | {r.p50_ms:.1f} | {growth:.2f}× |")
        lists = [r for r in region.results if r.scenario.name.startswith("list my cases")]
        if len(lists) == 2 and lists[0].p50_ms > 0:
            ratio = lists[1].p50_ms / lists[0].p50_ms
            print(f"\nlist my cases, big unit against small unit (region set): {ratio:.2f}× the p50")


def _kind(name: str) -> str:
    return re.sub(r"\s*\(.*\)$", "", name)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    datasets.add_scale_options(parser, backends=True)
    parser.add_argument("--seconds", type=int, default=5, help="per scenario")
    parser.add_argument("--connections", type=int, default=64)
    parser.add_argument("--workers", type=int, default=1, help="uvicorn worker processes")
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        sys.exit("wrk is missing: apt-get install wrk")
    backends, scales = args.backends.split(","), datasets.chosen_scales(args.scales)
    runs = []
    with tempfile.TemporaryDirectory(prefix="stafett-bench-") as tmp:
        for backend in backends:
            for scale in scales:
                runs.append(bench(backend, scale, args, Path(tmp)))
    for run in runs:
        print_run(run, args)
    print_growth(runs)


if __name__ == "__main__":
    main()
