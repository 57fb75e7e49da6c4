"""Benchmark: the time to compute følgeevaluering for every municipality of a data set, on each backend.

    .venv/bin/python -m bench.indicators                            # SQLite and PostgreSQL, small set
    .venv/bin/python -m bench.indicators --scales small,region      # also the region set (25 municipalities)
    .venv/bin/python -m bench.indicators --database-url URL --config configs/x.toml   # a database you have

Each backend is a fresh database (a SQLite file, or a private PostgreSQL cluster; ``bench/pg.py``) seeded
with ``bench/datasets.py``'s data set, or the database you name. It times, in the service layer through
the policy and the audit trail as a page or the API does: the region's report (every municipality side
by side: one computation for all of them), and each municipality's own report (its units, months, years
and the plugins' targets). Every report computes the whole region's cube, so all readers see the same
suppressed cells (docs/indicators.md). The best of ``--repeat`` runs is printed, so a cold cache on the
first run does not count against the query plans.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import func, select

from bench import datasets
from bench.pg import bench_database
from core.config import default_config, load_config
from core.domain.policy import Actor
from core.platform import Platform
from core.storage import models as m

BAR_SECONDS = 2.0  # the bar: the region's 25 municipalities in under 2 s


@dataclass
class Timing:
    backend: str
    scale: str
    municipalities: int
    cases: int
    region_s: float | None  # None: the municipalities form no region
    all_municipalities_s: float
    per_municipality_ms: float


def _best(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        times.append(time.perf_counter() - started)
    return min(times)


def measure(platform: Platform, backend: str, scale: str, repeat: int) -> Timing:
    mids = platform.municipality_ids()
    with platform.database.session() as session:
        cases = session.scalar(select(func.count()).select_from(m.CaseRow)) or 0
        regions = {r for r in session.scalars(select(m.MunicipalityRow.region)) if r}

    def report(mid: str, scope: str) -> None:
        with platform.work(Actor.system(mid, operator="bench"), "indicators.bench", read_only=True) as w:
            w.indicators.report(scope)

    region_s = _best(lambda: report(mids[0], "region"), repeat) if regions else None
    each = [_best(lambda mid=mid: report(mid, "municipality"), repeat) for mid in mids]  # type: ignore[misc]
    return Timing(backend, scale, len(mids), cases, region_s, sum(each), 1000 * statistics.median(each))


def print_table(timings: list[Timing]) -> None:
    print(
        "\n| backend | data set | municipalities | cases | region report s | every municipality's report s "
        "| per municipality ms (median) |"
    )
    print("|---|---|--:|--:|--:|--:|--:|")
    for t in timings:
        region = f"{t.region_s:.2f}" if t.region_s is not None else "–"
        print(
            f"| {t.backend} | {t.scale} | {t.municipalities} | {t.cases:,} | {region} | "
            f"{t.all_municipalities_s:.2f} | {t.per_municipality_ms:.0f} |"
        )
    slow = [t for t in timings if t.municipalities >= 25 and (t.region_s or 0) >= BAR_SECONDS]
    if slow:
        print(
            f"\nover the {BAR_SECONDS:.0f} s bar for the region: "
            + ", ".join(f"{t.backend}/{t.scale}" for t in slow)
        )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    datasets.add_scale_options(parser, backends=True)
    parser.add_argument("--repeat", type=int, default=3, help="runs of each report; the best is printed")
    parser.add_argument("--database-url", help="measure this database instead of seeding one")
    parser.add_argument("--config", type=Path, help="its deployment config (with --database-url)")
    args = parser.parse_args()
    timings: list[Timing] = []
    if args.database_url:
        config = load_config(args.config) if args.config else default_config()
        platform = Platform.open(config, database_url=args.database_url)
        try:
            backend = platform.database.dialect
            timings.append(measure(platform, str(backend), "given", args.repeat))
        finally:
            platform.close()
        print_table(timings)
        return
    scales = datasets.chosen_scales(args.scales)
    with tempfile.TemporaryDirectory(prefix="stafett-bench-") as tmp:
        for backend in args.backends.split(","):
            for scale in scales:
                with bench_database(backend, Path(tmp) / f"indicators-{scale}.db") as url:
                    started = time.monotonic()
                    data = datasets.SCALES[scale](url)
                    print(
                        f"[bench] {backend}/{scale}: seeded in {time.monotonic() - started:.0f} s",
                        file=sys.stderr,
                    )
                    config = load_config(data.config) if data.config else default_config()
                    platform = Platform.open(config, database_url=url)
                    try:
                        timings.append(measure(platform, backend, scale, args.repeat))
                    finally:
                        platform.close()
    print_table(timings)


if __name__ == "__main__":
    main()
