"""``stafett worker``: every background job in one loop, in as many processes as the load needs.

Each round runs the jobs that are due: the scheduled varsel scans (every ``scan_interval``, over every
municipality), the varsler out of Stafett (e-mail when the deployment has ``[smtp]``, and plugins'
channels), and the jobs plugins add (``worker_jobs``: the FHIR deliveries, the bekymringsmeldinger).
Every job claims its work with leases and ``SKIP LOCKED``, so workers on one PostgreSQL database share
it safely. A job that fails is logged with its name and tried again next round; it never stops the
others.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from contracts import WorkerJob
from core.domain.policy import Actor
from core.notify import scans, sender
from core.platform import Platform

log = logging.getLogger("stafett.worker")


def scan_all(platform: Platform) -> int:
    """The scheduled varsler of every municipality (one SQL scan per kind)."""
    total = 0
    for mid in platform.municipality_ids():
        with platform.work(Actor.system(mid, operator="worker"), "planlagte varsler") as work:
            total += scans.scan(work.uow)
    return total


@dataclass
class Scheduled:
    job: WorkerJob
    every: float  # seconds between runs; 0: every round
    last: float = float("-inf")


def jobs(platform: Platform, *, scan_interval: float = 300.0) -> list[Scheduled]:
    """Core's jobs and the plugins'; varsler out of Stafett only when there is a way out (an SMTP relay,
    or a plugin's channel)."""
    out = [Scheduled(WorkerJob(name="varsler-skann", run=scan_all), scan_interval)]
    if sender.has_channels(platform):
        out.append(Scheduled(WorkerJob(name="varsler-ut", run=lambda p: sender.run(p)), 0))
    out += [Scheduled(job, 0) for job in platform.plugins.worker_jobs()]
    return out


def run_round(
    platform: Platform, scheduled: list[Scheduled], now: Callable[[], float] = time.monotonic
) -> dict[str, int]:
    """Run every job that is due; returns what each did (-1 for a job that failed)."""
    done: dict[str, int] = {}
    for item in scheduled:
        if now() - item.last < item.every:
            continue
        item.last = now()
        try:
            done[item.job.name] = int(item.job.run(platform))
        except Exception:
            log.exception("Bakgrunnsjobben «%s» feilet; den prøves igjen neste runde", item.job.name)
            done[item.job.name] = -1
    return done


def run(
    platform: Platform,
    *,
    interval: float = 5.0,
    scan_interval: float = 300.0,
    once: bool = False,
    stop: threading.Event | None = None,
    report: Callable[[dict[str, int]], None] | None = None,
) -> None:
    """Rounds until ``stop`` is set (or one with ``once``), ``interval`` seconds apart."""
    scheduled = jobs(platform, scan_interval=scan_interval)
    stop = stop or threading.Event()
    while True:
        done = run_round(platform, scheduled)
        if report is not None:
            report(done)
        if once or stop.wait(interval):
            return
