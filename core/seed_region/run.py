"""The region seed as a whole: generator processes make the rows, this process writes them.

Generating costs about three times what writing does, so two workers (the default) and this process
keep two cores busy; more workers help where there are more cores. Messages from the workers are
``("rows", table, rows)``, then per municipality ``("head", id, seq, hash)`` and ``("done", id,
counts)``; a worker's fault comes back as ``("error", id, traceback)`` and stops the seed. A seed that
stops leaves the municipalities committed so far: seed again into an empty database.
"""

from __future__ import annotations

import multiprocessing
import queue
import time
import traceback
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, select

from core.platform import Platform
from core.seed_region.municipality import seed_municipality
from core.seed_region.plan import MunicipalityPlan, plan_region
from core.seed_region.writer import BulkWriter
from core.storage import models as m

QUEUE_DEPTH = 32  # batches in flight: enough to keep the writer busy, little memory


@dataclass
class RegionReport:
    municipalities: int = 0
    rows: Counter[str] = field(default_factory=Counter)
    seconds: float = 0.0
    writing: float = 0.0  # of which the database took this long

    @property
    def log_entries_per_second(self) -> float:
        return self.rows["log_entry"] / self.seconds if self.seconds else 0.0

    def table(self) -> list[tuple[str, str]]:
        """The summary printed after a seed: what was made, and how fast."""
        rows = self.rows
        lines = [
            ("kommuner", f"{self.municipalities:,}"),
            ("barn", f"{rows['children']:,}"),
            ("personer i alt (barn, foresatte, ansatte)", f"{rows['person']:,}"),
            ("saker", f"{rows['case']:,}"),
            ("loggføringer", f"{rows['log_entry']:,}"),
            ("revisjonshendelser", f"{rows['audit_event']:,}"),
            ("samtykker", f"{rows['consent']:,}"),
            ("tiltak", f"{rows['measure']:,}"),
            ("møter", f"{rows['meeting']:,}"),
            ("tid", f"{self.seconds:,.1f} s"),
            ("loggføringer per sekund", f"{self.log_entries_per_second:,.0f}"),
        ]
        return [(k, v.replace(",", " ")) for k, v in lines]


def seed_region(platform: Platform, *, fraction: float = 1.0, workers: int = 2) -> RegionReport:
    """Fill every municipality of the platform's config with a region-sized, rule-abiding history."""
    started = time.monotonic()
    database = platform.database
    with database.session() as session:
        if session.scalar(select(func.count()).select_from(m.PersonRow)):
            raise ValueError("Databasen har allerede personer; regiondata kan bare lages i en tom database.")
        heads = {h.municipality_id: (h.seq, h.hash) for h in session.scalars(select(m.AuditHeadRow))}
    plans = plan_region(
        platform.config,
        fraction,
        now=platform.clock(),
        dialect=database.dialect,
        heads=heads,
        holder_levels={
            mid.id: frozenset(
                int(lv) for lv in platform.plugins.for_municipality(mid.id).required_holder_levels()
            )
            for mid in platform.config.municipalities
        },
    )
    report = RegionReport(municipalities=len(plans))
    # fork: the workers start at once and need no importable main module (a test, a REPL); they only
    # compute and leave through os._exit, never touching the connections they inherit
    methods = multiprocessing.get_all_start_methods()
    context: Any = multiprocessing.get_context("fork" if "fork" in methods else "spawn")
    inbox: Any = context.Queue(QUEUE_DEPTH)
    shares = [plans[i::workers] for i in range(max(1, min(workers, len(plans))))]
    processes = [context.Process(target=_produce, args=(share, inbox), daemon=True) for share in shares]
    for process in processes:
        process.start()
    try:
        with BulkWriter(database) as writer:
            done = 0
            while done < len(plans):
                try:
                    message = inbox.get(timeout=5)
                except queue.Empty:
                    if any(p.exitcode not in (None, 0) for p in processes):
                        raise RuntimeError("En prosess som lager regiondata, stoppet uventet.") from None
                    continue
                if message[0] == "rows":
                    began = time.monotonic()
                    writer.rows(message[1], message[2])
                    report.writing += time.monotonic() - began
                elif message[0] == "head":
                    writer.head(message[1], message[2], message[3])
                elif message[0] == "done":
                    report.rows.update(message[2])
                    done += 1
                else:
                    raise RuntimeError(f"Regiondata for kommune {message[1]} feilet:\n{message[2]}")
    finally:
        for process in processes:
            process.join(timeout=10)
            if process.is_alive():
                process.terminate()
    report.seconds = time.monotonic() - started
    return report


def _produce(plans: list[MunicipalityPlan], outbox: Any) -> None:
    for plan in plans:
        try:
            counts = seed_municipality(plan, outbox.put)
        except Exception:
            outbox.put(("error", plan.id, traceback.format_exc()))
            return
        outbox.put(("done", plan.id, counts))
