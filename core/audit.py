"""The tamper-evident audit trail: one event per read or write of personal data, chained per municipality.

Each event's hash covers its fields and the previous event's hash, so changing or
deleting any row breaks every later link; ``verify`` walks the chain and names the
first row that does not fit. Appending locks the municipality's chain head, so the
sequence has no gaps even with many writers; a batch of events (a request's, or a group commit of
many requests' events: ``core.audit_writer``) locks each head once.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, cast

from sqlalchemy import Connection, Table, bindparam, insert, select, update
from sqlalchemy.orm import Session

from core.ids import new_id
from core.storage.models import AuditEventRow, AuditHeadRow

GENESIS = "0" * 64
HASHED_FIELDS = (
    "id",
    "municipality_id",
    "seq",
    "at",
    "actor_id",
    "actor_kind",
    "on_behalf_of",
    "action",
    "case_id",
    "subject_id",
    "purpose",
    "outcome",
    "reason",
)


@dataclass(frozen=True)
class AuditEvent:
    """One audited decision or outcome, before it is chained: the one shape every audit path builds."""

    municipality_id: str
    at: dt.datetime
    actor_id: str | None
    actor_kind: str
    on_behalf_of: str | None
    action: str
    purpose: str
    outcome: str
    reason: str = ""
    case_id: str | None = None
    subject_id: str | None = None


AUDIT_TABLE = cast(Table, AuditEventRow.__table__)


# The canonical JSON of the hashed fields; one encoder, as ``json.dumps`` with these options would
# build a new one for every event (a region's seed hashes millions).
_CANONICAL = json.JSONEncoder(sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def event_hash(row: Any, prev_hash: str) -> str:
    """The SHA-256 link of an event (a row or a mapping with the hashed fields) to its predecessor."""
    if isinstance(row, Mapping):
        fields = {name: row[name] for name in HASHED_FIELDS}
    else:
        fields = {name: getattr(row, name) for name in HASHED_FIELDS}
    fields["at"] = fields["at"].astimezone(dt.UTC).isoformat()
    return hashlib.sha256((prev_hash + _CANONICAL.encode(fields)).encode()).hexdigest()


def ensure_chain(session: Session, municipality_id: str) -> None:
    """Create the chain head of a municipality (at start-up, so appends only ever lock it)."""
    if session.get(AuditHeadRow, municipality_id) is None:
        session.add(AuditHeadRow(municipality_id=municipality_id, seq=0, hash=GENESIS))


def append(session: Session | Connection, events: Sequence[AuditEvent]) -> None:
    """Chain ``events`` onto their municipalities' chains in this transaction.

    Each municipality's head is locked once for the whole batch (in a fixed order, so two batches
    never wait on each other crosswise) and the rows go in with one multi-row insert: a batch of
    concurrent requests' events costs little more than one event.
    """
    by_municipality: dict[str, list[AuditEvent]] = {}
    for event in events:
        by_municipality.setdefault(event.municipality_id, []).append(event)
    rows: list[dict[str, Any]] = []
    for municipality_id in sorted(by_municipality):
        head = session.execute(_LOCK_HEAD, {"municipality": municipality_id}).one_or_none()
        if head is None:
            raise LookupError(f"no audit chain for municipality {municipality_id}")
        seq, prev = head
        for event in by_municipality[municipality_id]:
            seq += 1
            row = {**event.__dict__, "id": new_id(), "seq": seq, "prev_hash": prev}
            row["hash"] = prev = event_hash(row, prev)
            rows.append(row)
        session.execute(_MOVE_HEAD, {"municipality": municipality_id, "seq": seq, "hash": prev})
    if rows:
        session.execute(_INSERT, rows)  # Core: no ORM bulk bookkeeping


# Built once: appending runs for every request.
_HEADS = cast(Table, AuditHeadRow.__table__)
_LOCK_HEAD = (
    select(_HEADS.c.seq, _HEADS.c.hash)
    .where(_HEADS.c.municipality_id == bindparam("municipality"))
    .with_for_update()
)
_INSERT = insert(AUDIT_TABLE)
_MOVE_HEAD = (
    update(_HEADS)
    .where(_HEADS.c.municipality_id == bindparam("municipality"))
    .values(seq=bindparam("seq"), hash=bindparam("hash"))
)


@dataclass(frozen=True)
class ChainProblem:
    municipality_id: str
    seq: int
    event_id: str | None
    problem: str

    def __str__(self) -> str:
        event = self.event_id or "–"
        return f"kommune {self.municipality_id}, hendelse nr. {self.seq} ({event}): {self.problem}"


def verify(session: Session, municipality_id: str) -> list[ChainProblem]:
    """Walk one municipality's chain; every link that does not fit is reported."""
    problems: list[ChainProblem] = []
    prev_hash, expected_seq = GENESIS, 1
    rows = session.scalars(
        select(AuditEventRow)
        .where(AuditEventRow.municipality_id == municipality_id)
        .order_by(AuditEventRow.seq)
    )
    for row in rows:
        if row.seq != expected_seq:
            problems.append(ChainProblem(municipality_id, expected_seq, None, "hendelsen mangler (slettet?)"))
        if row.prev_hash != prev_hash:
            problems.append(
                ChainProblem(municipality_id, row.seq, row.id, "lenken til forrige hendelse er brutt")
            )
        if event_hash(row, row.prev_hash) != row.hash:
            problems.append(
                ChainProblem(municipality_id, row.seq, row.id, "innholdet er endret etter at det ble skrevet")
            )
        prev_hash, expected_seq = row.hash, row.seq + 1
    head = session.get(AuditHeadRow, municipality_id)
    if head is not None and (head.seq != expected_seq - 1 or head.hash != prev_hash):
        problems.append(ChainProblem(municipality_id, head.seq, None, "siste hendelse(r) mangler (slettet?)"))
    return problems
