"""The tamper-evident audit trail: one event per read or write of personal data, chained per municipality.

Each event's hash covers its fields and the previous event's hash, so changing or
deleting any row breaks every later link; ``verify`` walks the chain and names the
first row that does not fit. The personal fields of an event (who acted for whom, the subject,
the purpose and the reason) enter the chain through a digest of them (``personal_digest``): when
retention erases a case, those fields are cleared and the digest stays, so the chain still
verifies (an erased event's personal part can no longer be checked, and ``erased_at`` says so).
Events chained before the digest existed (no ``personal_digest``) hash every field directly.
Appending locks the municipality's chain head, so the sequence has no gaps even with many writers;
a batch of events (a request's, or a group commit of many requests' events: ``core.audit_writer``)
locks each head once.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, cast

from sqlalchemy import Connection, Table, bindparam, case, insert, select, update
from sqlalchemy.orm import Session

from core.i18n import _
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
# What retention may erase: the links to people and the free text; the rest stays in the chain as it was.
PERSONAL_FIELDS = ("actor_id", "on_behalf_of", "subject_id", "purpose", "reason")
CHAINED_FIELDS = tuple(f for f in HASHED_FIELDS if f not in PERSONAL_FIELDS)


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


def _get(row: Any, name: str) -> Any:
    return row.get(name) if isinstance(row, Mapping) else getattr(row, name)


# The canonical JSON of the hashed fields; one encoder, as ``json.dumps`` with these options would
# build a new one for every event (a region's seed hashes millions).
_CANONICAL = json.JSONEncoder(sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def _canonical(fields: dict[str, Any]) -> str:
    return _CANONICAL.encode(fields)


def personal_digest(row: Any) -> str:
    """The SHA-256 of an event's personal fields (with its id, so equal fields never share a digest)."""
    fields = {name: _get(row, name) for name in ("id", *PERSONAL_FIELDS)}
    return hashlib.sha256(_canonical(fields).encode()).hexdigest()


def event_hash(row: Any, prev_hash: str) -> str:
    """The SHA-256 link of an event (a row or a mapping with the hashed fields) to its predecessor.

    With a ``personal_digest`` the link covers the digest instead of the personal fields themselves."""
    digest = _get(row, "personal_digest")
    names = HASHED_FIELDS if digest is None else CHAINED_FIELDS
    fields = {name: _get(row, name) for name in names}
    fields["at"] = fields["at"].astimezone(dt.UTC).isoformat()
    if digest is not None:
        fields["personal_digest"] = digest
    return hashlib.sha256((prev_hash + _canonical(fields)).encode()).hexdigest()


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
            row["personal_digest"] = personal_digest(row)
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
            problems.append(
                ChainProblem(municipality_id, expected_seq, None, _("hendelsen mangler (slettet?)"))
            )
        if row.prev_hash != prev_hash:
            problems.append(
                ChainProblem(municipality_id, row.seq, row.id, _("lenken til forrige hendelse er brutt"))
            )
        personal_changed = (
            row.personal_digest is not None
            and row.erased_at is None
            and personal_digest(row) != row.personal_digest
        )
        if personal_changed or event_hash(row, row.prev_hash) != row.hash:
            problems.append(
                ChainProblem(
                    municipality_id, row.seq, row.id, _("innholdet er endret etter at det ble skrevet")
                )
            )
        prev_hash, expected_seq = row.hash, row.seq + 1
    head = session.get(AuditHeadRow, municipality_id)
    if head is not None and (head.seq != expected_seq - 1 or head.hash != prev_hash):
        problems.append(
            ChainProblem(municipality_id, head.seq, None, _("siste hendelse(r) mangler (slettet?)"))
        )
    return problems


def erase(
    session: Session, municipality_id: str, at: dt.datetime, *, case_id: str, people: Sequence[str]
) -> int:
    """Clear the personal fields of the events about an erased case and the people removed with it.

    The digest, the hash and every other field stay, so the chain verifies as before; an employee
    who acted keeps their id (who read a case stays known), a family member acting does not.
    Events chained before 0013 have no digest and are left as they are. Returns how many were erased.
    """
    about = AuditEventRow.case_id == case_id
    if people:
        about = about | AuditEventRow.subject_id.in_(people) | AuditEventRow.actor_id.in_(people)
    family = AuditEventRow.actor_kind.in_(("guardian", "youth"))
    result = session.execute(
        update(AuditEventRow)
        .where(AuditEventRow.municipality_id == municipality_id, about)
        .where(AuditEventRow.erased_at.is_(None), AuditEventRow.personal_digest.is_not(None))
        .values(
            subject_id=None,
            on_behalf_of=None,
            purpose="",
            reason="",
            erased_at=at,
            actor_id=case((family, None), else_=AuditEventRow.actor_id),
        )
        .execution_options(synchronize_session=False)
    )
    return int(getattr(result, "rowcount", 0) or 0)
