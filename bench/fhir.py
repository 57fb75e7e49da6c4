"""Bulk FHIR export throughput: 10,000 cases to NDJSON, beside a plain msgspec encode of the same data.

    .venv/bin/python -m bench.fhir [--cases 10000]     (or: .venv/bin/python bench/fhir.py)

The cases come from ``stafett demo seed`` (real services, a temporary SQLite file): its case
records are read once through core's record service and cloned with fresh ids up to ``--cases``,
so the generator does not dominate the run. Then, in one process and one run:

- floor: ``msgspec.json.encode`` of every ``CaseRecord`` (the same data, no FHIR);
- FHIR: map every record to R4 resources, validate each once with fhir.resources, encode NDJSON
  (what ``stafett export fhir --municipality`` does after reading), and the same without validation.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
import uuid
from pathlib import Path

import msgspec
from msgspec.structs import replace

if not __package__:  # run as a file: this folder would shadow the ``fhir`` of fhir.resources
    sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]

from adapters.fhir import export
from contracts import CaseRecord
from core.config import default_config
from core.domain.policy import Actor
from core.platform import Platform
from core.seed import seed
from core.services.record import RecordService


def templates() -> list[CaseRecord]:
    with tempfile.TemporaryDirectory() as tmp:
        platform = Platform.open(default_config(), database_url=f"sqlite:///{Path(tmp) / 'bench.db'}")
        try:
            seed(platform, children=60, cases=40, log_entries=8)
            mid = platform.config.municipalities[0].id
            with platform.work(Actor.system(mid, operator="bench"), "benchmark") as work:
                service = RecordService(work)
                return [service.case(case_id) for case_id in list(service.visible_case_ids())]
        finally:
            platform.close()


def clone(record: CaseRecord, n: int) -> CaseRecord:
    """The record with fresh ids for everything that belongs to this one case."""

    def new(old: str) -> str:
        return str(uuid.uuid5(uuid.NAMESPACE_OID, f"{n}:{old}"))

    case_id, subject_id = new(record.case.id), new(record.subject.id)
    entries = {e.id: new(e.id) for e in record.log}
    return replace(
        record,
        case=replace(record.case, id=case_id, subject_id=subject_id),
        subject=replace(record.subject, id=subject_id),
        guardianships=[replace(g, child_id=subject_id) for g in record.guardianships],
        participants=[replace(p, case_id=case_id) for p in record.participants],
        consents=[replace(c, id=new(c.id), case_id=case_id) for c in record.consents],
        concerns=[replace(c, id=new(c.id), case_id=case_id) for c in record.concerns],
        measures=[replace(m, id=new(m.id), case_id=case_id) for m in record.measures],
        handovers=[replace(h, id=new(h.id), case_id=case_id) for h in record.handovers],
        log=[
            replace(e, id=entries[e.id], case_id=case_id, corrects=entries.get(e.corrects or ""))
            for e in record.log
        ],
    )


def timed(fn) -> tuple[float, int]:
    start = time.perf_counter()
    count = fn()
    return time.perf_counter() - start, count


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--cases", type=int, default=10_000)
    args = parser.parse_args()
    base = templates()
    records = [clone(base[i % len(base)], i) for i in range(args.cases)]
    now = records[0].case.opened_at
    encoder = msgspec.json.Encoder()

    def floor() -> int:
        return sum(len(encoder.encode(r)) > 0 for r in records)

    def fhir(validate: bool):
        def run() -> int:
            n = 0
            for resource in export.unique_resources(records, now=now, validate=validate):
                encoder.encode(resource)
                n += 1
            return n

        return run

    floor_s, _ = timed(floor)
    raw_s, resources = timed(fhir(False))
    fhir_s, _ = timed(fhir(True))
    rows = [
        ("msgspec encode of the CaseRecords (floor)", floor_s),
        ("FHIR map + NDJSON, no validation", raw_s),
        ("FHIR map + validate once + NDJSON (export)", fhir_s),
    ]
    print(f"{args.cases} cases, {resources} FHIR resources ({resources / args.cases:.1f} per case)\n")
    print(f"| {'path':<44} | {'seconds':>8} | {'cases/s':>9} | {'resources/s':>11} | {'× floor':>7} |")
    print(f"|{'-' * 46}|{'-' * 9}:|{'-' * 10}:|{'-' * 12}:|{'-' * 8}:|")
    for name, seconds in rows:
        print(
            f"| {name:<44} | {seconds:8.2f} | {args.cases / seconds:9.0f} | {resources / seconds:11.0f} "
            f"| {seconds / floor_s:7.1f} |"
        )


if __name__ == "__main__":
    main()
