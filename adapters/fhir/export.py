"""Export: one case as a FHIR Bundle, or a municipality's cases as NDJSON per resource type (bulk-data style).

Both read through core's services with the caller as actor, so the policy decides which cases
are included and every case read leaves an audit event. Resources are validated once, here.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

import msgspec

from adapters.fhir import mapping
from contracts import CaseRecord
from core.public import Actor, Platform, RecordService

PURPOSE = "eksport av saken i FHIR-format"
DEFAULT_PUBLIC_URL = "http://127.0.0.1:8000"  # as core's `stafett serve` without [auth] public_url
_encoder = msgspec.json.Encoder()


def fhir_base(platform: Platform) -> str:
    """Where the read facade serves these resources: each entry's ``fullUrl`` is its address there,
    so the Bundle's relative references (``Patient/<id>``) resolve as R4 says (against the base)."""
    public = os.environ.get("STAFETT_PUBLIC_URL") or platform.config.auth.public_url or DEFAULT_PUBLIC_URL
    return public.rstrip("/") + "/fhir/R4"


def bundle(
    records: list[CaseRecord], *, now: dt.datetime, base: str, validate: bool = True
) -> dict[str, Any]:
    """A collection Bundle of the records' resources, each resource once, each with its ``fullUrl``."""
    entries = [
        {"fullUrl": f"{base}/{r['resourceType']}/{r['id']}", "resource": r}
        for r in unique_resources(records, now=now, validate=validate)
    ]
    return {
        "resourceType": "Bundle",
        "type": "collection",
        "timestamp": now.astimezone(dt.UTC).isoformat().replace("+00:00", "Z"),
        "entry": entries,
    }


def unique_resources(
    records: list[CaseRecord] | Iterator[CaseRecord], *, now: dt.datetime, validate: bool = True
) -> Iterator[dict[str, Any]]:
    """Every resource of the records; one shared by several cases (a unit, an employee) comes once."""
    seen: set[tuple[str, str]] = set()
    for record in records:
        for resource in mapping.resources(record, now=now):
            key = (resource["resourceType"], resource["id"])
            if key in seen:
                continue
            seen.add(key)
            yield mapping.validate(resource) if validate else resource


def case_bundle(platform: Platform, actor: Actor, case_id: str) -> dict[str, Any]:
    """One case as a Bundle, for a caller who may read it (with its audit trail if they may read that)."""
    with platform.work(actor, PURPOSE) as work:
        record = RecordService(work.uow).case(case_id, include_audit=True)
        return bundle([record], now=work.now, base=fhir_base(platform))


def municipality_ndjson(platform: Platform, actor: Actor, open_file) -> dict[str, int]:
    """Every case the actor may read, as NDJSON: ``open_file(resource_type)`` gives a binary file per type.

    Streams case by case in one transaction; returns the number of resources written per type.
    """
    counts: dict[str, int] = {}
    files: dict[str, IO[bytes]] = {}
    with platform.work(actor, PURPOSE) as work:
        service = RecordService(work.uow)
        records = (service.case(case_id) for case_id in list(service.visible_case_ids()))
        for resource in unique_resources(records, now=work.now):
            kind = resource["resourceType"]
            out = files.get(kind)
            if out is None:
                out = files[kind] = open_file(kind)
            out.write(_encoder.encode(resource) + b"\n")
            counts[kind] = counts.get(kind, 0) + 1
    return dict(sorted(counts.items()))


def write_ndjson(platform: Platform, actor: Actor, directory: Path) -> dict[str, int]:
    """``municipality_ndjson`` into ``directory/<ResourceType>.ndjson`` (files closed when done)."""
    directory.mkdir(parents=True, exist_ok=True)
    opened: list[IO[bytes]] = []

    def open_file(kind: str) -> IO[bytes]:
        f = (directory / f"{kind}.ndjson").open("wb")
        opened.append(f)
        return f

    try:
        return municipality_ndjson(platform, actor, open_file)
    finally:
        for f in opened:
            f.close()
