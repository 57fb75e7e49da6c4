"""Benchmark: import a generated municipality from a OneRoster 1.2 CSV package.

    .venv/bin/python bench/school.py                       # 100,000 users, 300,000 enrollments, on SQLite
    .venv/bin/python bench/school.py --database-url postgresql://user@host/empty_db
    .venv/bin/python bench/school.py --scales 0.1,1        # two sizes side by side: memory must stay flat

For each size it generates a bulk package (fictional people, synthetic fødselsnumre), parses its
files with the csv module alone (the floor: no import can read faster), imports it into an empty
database, and imports it again (nothing changed, so nothing is written). Each size runs in its
own process, so the peak resident memory printed belongs to that size alone.
"""

from __future__ import annotations

import argparse
import csv
import resource
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_context
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

PUPILS = 34_500  # with two guardians for most, their teachers, and nine classes each: ~100,000 users
SUBJECT_CLASSES = 8  # plus the homeroom: ~310,000 enrollments


def peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def measure(pupils: int, database_url: str | None) -> dict:
    from adapters.school import import_package
    from core.config import default_config
    from core.platform import Platform
    from tests.oneroster import FILES, generate

    with tempfile.TemporaryDirectory(prefix="stafett-bench-") as tmp:
        package = Path(tmp) / "pakke"
        sizes = generate(
            package, pupils=pupils, subject_classes=SUBJECT_CLASSES, kindergarten_children=pupils // 20
        )
        base_mib = peak_mib()

        started = time.perf_counter()
        rows = 0
        for name in FILES:
            with (package / f"{name}.csv").open(newline="", encoding="utf-8") as f:
                rows += sum(1 for _ in csv.reader(f)) - 1
        parse = time.perf_counter() - started

        url = database_url or f"sqlite:///{Path(tmp) / 'bench.db'}"
        platform = Platform.open(default_config(), database_url=url)
        try:
            started = time.perf_counter()
            first = import_package(platform, package, municipality_id="9901")
            imported = time.perf_counter() - started
            started = time.perf_counter()
            again = import_package(platform, package, municipality_id="9901")
            reimported = time.perf_counter() - started
        finally:
            platform.close()
    assert again.summary.total("created") == again.summary.total("updated") == 0
    return {
        "pupils": pupils,
        "users": sizes.users,
        "enrollments": sizes.enrollments,
        "rows": rows,
        "parse": parse,
        "import": imported,
        "reimport": reimported,
        "created": first.summary.total("created"),
        "base_mib": base_mib,
        "peak_mib": peak_mib(),
    }


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--pupils", type=int, default=PUPILS)
    parser.add_argument("--scales", default="1", help="comma-separated fractions of --pupils, e.g. 0.1,1")
    parser.add_argument(
        "--database-url", default=None, help="an EMPTY database (default: a fresh SQLite file)"
    )
    args = parser.parse_args()
    from rich.console import Console
    from rich.table import Table

    results = []
    for scale in (float(s) for s in args.scales.split(",")):
        with ProcessPoolExecutor(max_workers=1, mp_context=get_context("spawn")) as pool:
            results.append(pool.submit(measure, int(args.pupils * scale), args.database_url).result())
    backend = (args.database_url or "sqlite").split(":")[0]
    table = Table(title=f"OneRoster 1.2 CSV import ({backend})", title_justify="left")
    table.add_column("")
    for r in results:
        table.add_column(f"{r['users']:,} users", justify="right")

    def add(label: str, fmt) -> None:
        table.add_row(label, *(fmt(r) for r in results))

    add("enrollments", lambda r: f"{r['enrollments']:,}")
    add("CSV rows, all files", lambda r: f"{r['rows']:,}")
    add("raw csv parse (floor)", lambda r: f"{r['rows'] / r['parse']:,.0f} rows/s")
    add("import, empty database", lambda r: f"{r['rows'] / r['import']:,.0f} rows/s ({r['import']:.0f} s)")
    add("  slower than the floor", lambda r: f"{r['import'] / r['parse']:.0f}×")
    add(
        "re-import, nothing changed",
        lambda r: f"{r['rows'] / r['reimport']:,.0f} rows/s ({r['reimport']:.0f} s)",
    )
    add("rows created", lambda r: f"{r['created']:,}")
    add("peak RSS after generating", lambda r: f"{r['base_mib']:.0f} MiB")
    add("peak RSS, whole run", lambda r: f"{r['peak_mib']:.0f} MiB")
    Console(width=120).print(table)


if __name__ == "__main__":
    main()
