"""The transactional outbox: cases delivered to units' own systems (e.g. FHIR journals) under consent.

Core knows channels only by name: plugins supply them (``outbox_channels``), units opt in with a
config table per channel, and the plugin host keeps the registry (``MunicipalityPlugins.outbox_endpoints``).
``enqueue`` runs inside the unit of work, before commit: for every case touched, each unit
with a configured endpoint gets a pending message if the policy allows sharing with it
(``case.share``: the unit takes part under a consent in force), and loses its pending ones if
not — so withdrawing consent cancels undelivered messages in the same transaction.

A worker (``run``) claims due messages (``FOR UPDATE SKIP LOCKED`` on PostgreSQL; SQLite has
one writer anyway) by leasing them, re-checks consent through the policy (audited), builds the
case record, hands it to the channel's ``send`` callable, and records the outcome (audited).
A failure is retried with exponential back-off; after ``max_attempts`` the message is dead
until an operator retries it. Receivers must be idempotent (the FHIR adapter uses conditional
updates), because a worker that dies after sending and before recording will send again.
"""

from __future__ import annotations

import builtins
import datetime as dt
import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from sqlalchemy import select, update

from contracts import CaseRecord, LogEntryKind, OutboxMessage, OutboxStatus
from core.domain.policy import Action, Actor, decide
from core.errors import Forbidden, InvalidInput, NotFound
from core.ids import new_id
from core.services.record import RecordService
from core.services.state import CaseState
from core.storage.outbox_models import OutboxRow

if TYPE_CHECKING:
    from core.platform import Platform, Work

log = logging.getLogger("stafett.outbox")

PURPOSE = "deling med tjenestens journal under samtykke"

Send = Callable[[OutboxMessage, CaseRecord], None]
"""Deliver one message; raise any exception (its text is recorded) when the receiver did not accept it."""


@dataclass(frozen=True)
class RetryPolicy:
    max_attempts: int = 8
    first_delay: dt.timedelta = dt.timedelta(seconds=30)
    max_delay: dt.timedelta = dt.timedelta(hours=6)
    lease: dt.timedelta = dt.timedelta(minutes=5)  # how long a claimed message is hidden from other workers

    def delay(self, attempts: int) -> dt.timedelta:
        """30 s, 1 min, 2 min, 4 min, ... capped: the wait after the ``attempts``-th failure."""
        return min(self.first_delay * 2 ** max(attempts - 1, 0), self.max_delay)


def message(row: OutboxRow) -> OutboxMessage:
    return OutboxMessage(
        id=row.id,
        municipality_id=row.municipality_id,
        case_id=row.case_id,
        unit_id=row.unit_id,
        channel=row.channel,
        endpoint=row.endpoint,
        event_kind=LogEntryKind(row.event_kind),
        entry_id=row.entry_id,
        status=OutboxStatus(row.status),
        attempts=row.attempts,
        created_at=row.created_at,
        next_attempt_at=row.next_attempt_at,
        last_error=row.last_error,
        delivered_at=row.delivered_at,
    )


# --- inside the unit of work --------------------------------------------------------------------


def enqueue(work: Work) -> list[OutboxMessage]:
    """Queue deliveries for this unit of work's case events; cancel the ones consent no longer covers."""
    cancelled: list[OutboxMessage] = []
    if not work.events:
        return cancelled
    work.session.flush()
    last_event = {}
    for event in work.events:  # one delivery per case and unit carries every event of this transaction
        last_event[event.case_id] = event
    for case_id, event in last_event.items():
        endpoints = work.platform.plugins.for_municipality(event.municipality_id).outbox_endpoints
        if not endpoints:
            continue
        facts = CaseState(work, case_id).facts()
        for endpoint in endpoints:
            allowed = decide(
                work.actor, Action.SHARE_CASE, municipality_id=event.municipality_id, case=facts,
                unit_id=endpoint.unit_id,
            )  # fmt: skip
            if allowed:
                work.session.add(
                    OutboxRow(
                        id=new_id(),
                        municipality_id=event.municipality_id,
                        case_id=case_id,
                        unit_id=endpoint.unit_id,
                        channel=endpoint.channel,
                        endpoint=endpoint.address,
                        event_kind=str(event.kind),
                        entry_id=event.entry_id,
                        status=str(OutboxStatus.PENDING),
                        attempts=0,
                        created_at=work.now,
                        next_attempt_at=work.now,
                        last_error="",
                    )
                )
            else:
                cancelled += _cancel(work, case_id, endpoint.unit_id, allowed.reason)
    work.session.flush()
    return cancelled


def _cancel(work: Work, case_id: str, unit_id: str, reason: str) -> list[OutboxMessage]:
    rows = work.session.scalars(
        select(OutboxRow)
        .where(OutboxRow.case_id == case_id, OutboxRow.unit_id == unit_id)
        .where(OutboxRow.status == OutboxStatus.PENDING)
        .with_for_update()
    ).all()
    for row in rows:
        row.status, row.last_error, row.leased_until = str(OutboxStatus.CANCELLED), reason, None
    return [message(r) for r in rows]


# --- the worker ---------------------------------------------------------------------------------


def claim(platform: Platform, *, limit: int = 20, policy: RetryPolicy = RetryPolicy()) -> list[OutboxMessage]:
    """Lease up to ``limit`` due messages for this worker; other workers skip them until the lease ends."""
    now = platform.clock()
    with platform.database.session() as session, session.begin():
        rows = session.scalars(
            select(OutboxRow)
            .where(OutboxRow.status == OutboxStatus.PENDING, OutboxRow.next_attempt_at <= now)
            .where((OutboxRow.leased_until.is_(None)) | (OutboxRow.leased_until <= now))
            .order_by(OutboxRow.next_attempt_at, OutboxRow.id)
            .limit(limit)
            .with_for_update(skip_locked=True)
        ).all()
        for row in rows:
            row.leased_until = now + policy.lease
            row.attempts += 1
        return [message(r) for r in rows]


def deliver(
    platform: Platform, msg: OutboxMessage, send: Send, policy: RetryPolicy = RetryPolicy()
) -> OutboxMessage:
    """Re-check consent, send, record the outcome; never raises for a receiver's fault."""
    actor = Actor.system(msg.municipality_id, operator=f"outbox {msg.channel}")
    try:
        with platform.work(actor, PURPOSE) as work:
            state = CaseState(work, msg.case_id)
            work.authorize(Action.SHARE_CASE, case=state.facts(), unit_id=msg.unit_id)
            record = RecordService(work).load(state, [])
    except Forbidden as refusal:
        return _finish(platform, msg, OutboxStatus.CANCELLED, refusal.message, policy)
    except NotFound as missing:
        return _finish(platform, msg, OutboxStatus.CANCELLED, missing.message, policy)
    try:
        send(msg, record)
    except Exception as exc:  # the receiver's fault, a network fault, or a bad answer: all retried
        log.warning("Levering %s til %s feilet: %s", msg.id, msg.endpoint, exc)
        return _finish(platform, msg, None, f"{type(exc).__name__}: {exc}"[:2000], policy)
    return _finish(platform, msg, OutboxStatus.DELIVERED, "", policy)


def _finish(
    platform: Platform, msg: OutboxMessage, status: OutboxStatus | None, error: str, policy: RetryPolicy
) -> OutboxMessage:
    actor = Actor.system(msg.municipality_id, operator=f"outbox {msg.channel}")
    with platform.work(actor, PURPOSE) as work:
        now, session = work.now, work.session
        row = session.get_one(OutboxRow, msg.id, with_for_update=True)
        if row.status != OutboxStatus.PENDING:  # cancelled by a withdrawal while we were sending
            return message(row)
        if status is None:
            status = OutboxStatus.DEAD if row.attempts >= policy.max_attempts else OutboxStatus.PENDING
            row.next_attempt_at = now + policy.delay(row.attempts)
        row.status, row.last_error, row.leased_until = str(status), error, None
        if status is OutboxStatus.DELIVERED:
            row.delivered_at = now
        outcome = {OutboxStatus.DELIVERED: "delivered", OutboxStatus.CANCELLED: "cancelled"}.get(
            status, "failed"
        )
        work.record_outcome(
            Action.SHARE_CASE,
            outcome=outcome,
            reason=f"{row.unit_id} {row.endpoint} forsøk {row.attempts}" + (f": {error}" if error else ""),
            case_id=row.case_id,
        )
        result = message(row)
    if result.status is not OutboxStatus.PENDING:
        notify(platform, [result])
    return result


def run(
    platform: Platform, send: Send, *, policy: RetryPolicy = RetryPolicy(), batch: int = 20
) -> list[OutboxMessage]:
    """Deliver every message due now (one pass until none is left); returns the messages as they ended."""
    done: list[OutboxMessage] = []
    while claimed := claim(platform, limit=batch, policy=policy):
        done += [deliver(platform, m, send, policy) for m in claimed]
    return done


def notify(platform: Platform, messages: Iterable[OutboxMessage]) -> None:
    """Tell the municipality's plugins (``outbox_changed``); a plugin's fault is logged, never raised."""
    for msg in messages:
        platform.plugins.for_municipality(msg.municipality_id).outbox_changed(msg)


# --- operators -------------------------------------------------------------------------------


class OutboxService:
    """What an administrator (or the CLI as the system) sees and does with the outbox; audited."""

    def __init__(self, work: Work) -> None:
        self.work = work

    def list(self, status: OutboxStatus | str | None = None, *, limit: int = 200) -> list[OutboxMessage]:
        self.work.authorize(Action.MANAGE_UNITS)
        stmt = select(OutboxRow).where(OutboxRow.municipality_id == self.work.municipality_id)
        if status is not None:
            try:
                stmt = stmt.where(OutboxRow.status == OutboxStatus(status))
            except ValueError:
                choices = ", ".join(s.value for s in OutboxStatus)
                raise InvalidInput(
                    f"Ukjent status «{status}»; velg blant {choices}.", field="status"
                ) from None
        rows = self.work.session.scalars(
            stmt.order_by(OutboxRow.created_at.desc(), OutboxRow.id).limit(limit)
        )
        return [message(r) for r in rows]

    def retry(self, ids: builtins.list[str] | None = None) -> builtins.list[OutboxMessage]:
        """Give dead messages (all of them, or the ones named) a fresh set of tries from now."""
        self.work.authorize(Action.MANAGE_UNITS)
        stmt = select(OutboxRow).where(
            OutboxRow.municipality_id == self.work.municipality_id, OutboxRow.status == OutboxStatus.DEAD
        )
        if ids:
            stmt = stmt.where(OutboxRow.id.in_(ids))
        rows = self.work.session.scalars(stmt.with_for_update()).all()
        missing = set(ids or ()) - {r.id for r in rows}
        if missing:
            raise NotFound(
                "Fant ingen døde meldinger med id: " + ", ".join(sorted(missing)), code="outbox_not_found"
            )
        self.work.session.execute(
            update(OutboxRow)
            .where(OutboxRow.id.in_([r.id for r in rows]))
            .values(
                status=str(OutboxStatus.PENDING), attempts=0, next_attempt_at=self.work.now, leased_until=None
            )
            .execution_options(synchronize_session="fetch")
        )
        return [message(r) for r in rows]
