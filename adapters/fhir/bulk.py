"""FHIR Bulk Data ``$export``: kick-off, status, a manifest with one NDJSON file per resource type.

A job is a folder under ``STAFETT_FHIR_EXPORT_DIR`` (default ``<tmp>/stafett-fhir-export``): its
owner and request (``job.json``) are written at kick-off, the NDJSON files while the export runs in a
background thread, and ``manifest.json`` (or ``error.json``) when it ends. So any process of the
server on the host answers the status, and no table is needed. The export reads through
``export.municipality_ndjson`` as the caller: the policy decides which cases are in it and every case
read is audited. Status and files are answered only to the person who asked (others get 404, as for
an unknown job); a job's files are deleted by ``DELETE`` on its status URL or after ``KEEP``.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import secrets
import shutil
import tempfile
import threading
import time
from pathlib import Path
from typing import IO, Any

from adapters.fhir import export
from adapters.fhir.search import TYPES
from core.public import Actor, Platform, _

KEEP = dt.timedelta(hours=24)
JOB_ID = re.compile(r"^[A-Za-z0-9_-]{16,64}$")
FORMATS = {"application/fhir+ndjson", "application/ndjson", "ndjson"}
EXPORTED = tuple(t for t in TYPES if t != "AuditEvent")  # the audit trail stays in Stafett


class BulkError(ValueError):
    """A kick-off the server cannot run as asked (an unknown _type, an unsupported parameter)."""


def root() -> Path:
    return Path(
        os.environ.get("STAFETT_FHIR_EXPORT_DIR") or Path(tempfile.gettempdir()) / "stafett-fhir-export"
    )


def _owner(actor: Actor) -> dict[str, str | None]:
    return {"municipality_id": actor.municipality_id, "actor_id": actor.id, "kind": str(actor.kind)}


def parse(items: list[tuple[str, str]]) -> frozenset[str] | None:
    """The kick-off's ``_type`` (None: every type); ``_outputFormat`` must be NDJSON; nothing else is read."""
    types: frozenset[str] | None = None
    for name, value in items:
        if name == "_type":
            asked = frozenset(t.strip() for t in value.split(",") if t.strip())
            unknown = sorted(asked - set(EXPORTED))
            if unknown:
                raise BulkError(
                    _("_type: {types} eksporteres ikke; velg blant {choices}.").format(
                        types=", ".join(unknown), choices=", ".join(EXPORTED)
                    )
                )
            types = asked if types is None else types | asked
        elif name == "_outputFormat":
            if value not in FORMATS:
                raise BulkError(_("_outputFormat må være application/fhir+ndjson."))
        else:
            raise BulkError(
                _("Parameteren «{name}» støttes ikke i $export; bruk _type og _outputFormat.").format(
                    name=name
                )
            )
    return types


def start(platform: Platform, actor: Actor, request_url: str, types: frozenset[str] | None) -> str:
    """Write the job's folder and start the export in a thread; returns the job id."""
    _sweep()
    job_id = secrets.token_urlsafe(24)
    folder = root() / job_id
    folder.mkdir(parents=True)
    now = platform.clock()
    job = {"owner": _owner(actor), "request": request_url, "transactionTime": _ts(now), "types": types}
    (folder / "job.json").write_text(json.dumps(job, default=sorted), encoding="utf-8")
    threading.Thread(target=_run, args=(platform, actor, folder, types), daemon=True).start()
    return job_id


def _run(platform: Platform, actor: Actor, folder: Path, types: frozenset[str] | None) -> None:
    opened: list[IO[bytes]] = []

    def open_file(kind: str) -> IO[bytes]:
        f = (folder / f"{kind}.ndjson").open("wb")  # every type; the manifest names the ones asked for
        opened.append(f)
        return f

    try:
        counts = export.municipality_ndjson(platform, actor, open_file)
    except Exception as exc:  # the job's outcome is its answer; the status says what went wrong
        _write(folder / "error.json", {"text": f"Eksporten feilet: {type(exc).__name__}: {exc}"[:1000]})
        return
    finally:
        for f in opened:
            f.close()
    kept = {k: n for k, n in counts.items() if types is None or k in types}
    _write(folder / "manifest.json", {"counts": kept})


def _write(path: Path, body: dict[str, Any]) -> None:
    partial = path.with_suffix(".part")
    partial.write_text(json.dumps(body), encoding="utf-8")
    partial.replace(path)  # a status request never reads half a file


def job_folder(actor: Actor, job_id: str) -> Path | None:
    """The job's folder if ``actor`` asked for it; None for an unknown job and for anyone else's."""
    if not JOB_ID.match(job_id):
        return None
    folder = root() / job_id
    try:
        job = json.loads((folder / "job.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return folder if job.get("owner") == _owner(actor) else None


def status(folder: Path, base: str) -> tuple[int, dict[str, Any] | None]:
    """202 while running; 200 with the Bulk Data manifest; 500 with the error's text."""
    job = json.loads((folder / "job.json").read_text(encoding="utf-8"))
    if (folder / "error.json").exists():
        return 500, json.loads((folder / "error.json").read_text(encoding="utf-8"))
    if not (folder / "manifest.json").exists():
        return 202, None
    counts = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))["counts"]
    return 200, {
        "transactionTime": job["transactionTime"],
        "request": job["request"],
        "requiresAccessToken": True,
        "output": [
            {"type": kind, "url": f"{base}/$export-file/{folder.name}/{kind}.ndjson", "count": n}
            for kind, n in counts.items()
        ],
        "error": [],
    }


def output(folder: Path, name: str) -> Path | None:
    """One of the job's NDJSON files, by its name in the manifest."""
    try:
        counts = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))["counts"]
    except (OSError, ValueError):
        return None
    kind = name.removesuffix(".ndjson")
    path = folder / f"{kind}.ndjson"
    return path if name.endswith(".ndjson") and kind in counts and path.is_file() else None


def delete(folder: Path) -> None:
    shutil.rmtree(folder, ignore_errors=True)


def _sweep() -> None:
    """Delete jobs older than ``KEEP`` (at each kick-off: no scheduler needed)."""
    if not root().is_dir():
        return
    oldest = time.time() - KEEP.total_seconds()  # file times are wall-clock
    for folder in root().iterdir():
        job = folder / "job.json"
        if job.is_file() and job.stat().st_mtime < oldest:
            delete(folder)


def _ts(value: dt.datetime) -> str:
    return value.astimezone(dt.UTC).isoformat().replace("+00:00", "Z")
