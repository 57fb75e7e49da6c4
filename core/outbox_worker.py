"""The outbox's worker: claim due deliveries, re-check consent, send, record the outcome.

A worker (``run``) claims due messages (``FOR UPDATE SKIP LOCKED`` on PostgreSQL; SQLite has
one writer anyway) by leasing them, re-checks consent through the policy (audited), builds the
case record, hands it to the channel's ``send`` callable, and records the outcome (audited).
A failure is retried with exponential back-off; after ``max_attempts`` the message is dead
until an operator retries it. Receivers must be idempotent (the FHIR adapter uses conditional
updates), because a worker that dies after sending and before recording will send again.
Any number of workers may run, in any number of processes.

A bekymringsmelding (``event_kind`` ``child_welfare_report``) is claimed only by ``run_reports``:
it is sent under the duty to report, not under consent, so it is not re-checked against consent;
its sender gets the report as it was written (``ChildWelfareReport``), and its outcome is recorded
on the report too (``core.services.reports``).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from typing import Any

import msgspec
from sqlalchemy import select

from contracts import CaseRecord, ChildWelfareReport, LogEntryKind, OutboxMessage, OutboxStatus
from core.domain.policy import Action, Actor
from core.errors import Conflict, Forbidden, InvalidInput, NotFound
from core.i18n import _
from core.outbox import PURPOSE, RetryPolicy, Send, message
from core.platform import Platform
from core.services.archive import PURPOSE_ARCHIVE, ArchiveService
from core.services.record import RecordService
from core.services.reports import PURPOSE_REPORT, ReportService
from core.services.state import CaseState
from core.storage.outbox_models import OutboxRow

log = logging.getLogger("stafett.outbox")
DEFAULT_RETRY = RetryPolicy()
REPORT = str(LogEntryKind.CHILD_WELFARE_REPORT)
ARCHIVE = str(LogEntryKind.CASE_ARCHIVED)
SendReport = Callable[[OutboxMessage, ChildWelfareReport], None]
"""Deliver one bekymringsmelding; raise when the receiver did not take it. Must be idempotent by
``message.entry_id`` (the report's id): a worker that dies after sending sends it again."""
SendArchive = Callable[[OutboxMessage, CaseRecord], str]
"""Deliver a closed case's archive version; answer the checksum ("sha256:<hex>") of the PDF sent, or
raise when the archive did not take it. Must be idempotent by ``message.case_id``."""


def claim(
    platform: Platform,
    *,
    limit: int = 20,
    policy: RetryPolicy = DEFAULT_RETRY,
    reports: bool = False,
    archive: bool = False,
) -> list[OutboxMessage]:
    """Lease up to ``limit`` due messages for this worker (case deliveries, or with ``reports`` the
    bekymringsmeldinger, with ``archive`` the archive versions); other workers skip them until the
    lease ends."""
    now = platform.clock()
    if reports or archive:
        kind = OutboxRow.event_kind == (REPORT if reports else ARCHIVE)
    else:
        kind = OutboxRow.event_kind.not_in([REPORT, ARCHIVE])
    with platform.database.session() as session, session.begin():
        rows = session.scalars(
            select(OutboxRow)
            .where(OutboxRow.status == OutboxStatus.PENDING, OutboxRow.next_attempt_at <= now)
            .where((OutboxRow.leased_until.is_(None)) | (OutboxRow.leased_until <= now))
            .where(kind)
            .order_by(OutboxRow.next_attempt_at, OutboxRow.id)
            .limit(limit)
            .with_for_update(skip_locked=True)
        ).all()
        for row in rows:
            row.leased_until = now + policy.lease
            row.attempts += 1
        return [message(r) for r in rows]


def deliver(
    platform: Platform, msg: OutboxMessage, send: Send, policy: RetryPolicy = DEFAULT_RETRY
) -> OutboxMessage:
    """Re-check consent, send, record the outcome; never raises for a receiver's fault."""
    actor = Actor.system(msg.municipality_id, operator=f"outbox {msg.channel}")
    try:
        with platform.work(actor, PURPOSE) as work:
            state = CaseState(work.uow, msg.case_id)
            facts = state.facts()
            if msg.event_kind is LogEntryKind.CONSENT_WITHDRAWN and msg.unit_id not in facts.consented_units:
                work.authorize(Action.SHARE_WITHDRAWAL, case=facts, unit_id=msg.unit_id)
                record = withdrawal(RecordService(work.uow).load(state, []), msg.unit_id)
            else:
                work.authorize(Action.SHARE_CASE, case=facts, unit_id=msg.unit_id)
                record = RecordService(work.uow).load(state, [])
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


def withdrawal(record: CaseRecord, unit_id: str) -> CaseRecord:
    """What a withdrawal notice may carry: the subject, the units, and the withdrawn consents that
    covered ``unit_id``; no log, no measures, no other people. Nothing withdrawn: nothing to send."""
    consents = [c for c in record.consents if unit_id in c.unit_ids and c.withdrawn_at is not None]
    if not consents:
        raise NotFound(_("Ingen tilbaketrukket samtykke dekker tjenesten."))
    givers = {g.person_id for c in consents for g in c.givers}
    return msgspec.structs.replace(
        record,
        guardians=[g for g in record.guardians if g.id in givers],
        guardianships=[g for g in record.guardianships if g.guardian_id in givers],
        units=[u for u in record.units if u.id in {unit_id, record.case.owner_unit_id}],
        employees=[],
        participants=[],
        consents=consents,
        concerns=[],
        measures=[],
        handovers=[],
        meetings=[],
        log=[],
        audit=[],
    )


def deliver_report(
    platform: Platform, msg: OutboxMessage, send: SendReport, policy: RetryPolicy = DEFAULT_RETRY
) -> OutboxMessage:
    """Send a bekymringsmelding as it was written; never raises for a receiver's fault."""
    actor = Actor.system(msg.municipality_id, operator=f"outbox {msg.channel}")
    try:
        with platform.work(actor, PURPOSE_REPORT, read_only=True) as work:
            report = ReportService(work.uow).content(msg.entry_id or "")
    except NotFound as missing:
        return _finish(platform, msg, OutboxStatus.CANCELLED, missing.message, policy)
    try:
        send(msg, report)
    except InvalidInput as refused:  # the report itself cannot be sent: trying again will not help
        return _finish(platform, msg, OutboxStatus.DEAD, refused.message, policy)
    except Exception as exc:  # the receiver's fault or a network fault: retried
        log.warning("Bekymringsmelding %s til %s feilet: %s", msg.entry_id, msg.endpoint, exc)
        return _finish(platform, msg, None, f"{type(exc).__name__}: {exc}"[:2000], policy)
    return _finish(platform, msg, OutboxStatus.DELIVERED, "", policy)


def deliver_archive(
    platform: Platform, msg: OutboxMessage, send: SendArchive, policy: RetryPolicy = DEFAULT_RETRY
) -> OutboxMessage:
    """Send a closed case's archive version (read as the system, ``case.archive``); never raises for the
    archive's fault. The checksum of what was sent is recorded with the delivery."""
    actor = Actor.system(msg.municipality_id, operator=f"outbox {msg.channel}")
    try:
        with platform.work(actor, PURPOSE_ARCHIVE, read_only=True) as work:
            record = ArchiveService(work.uow).record(msg.case_id)
    except (Forbidden, NotFound, Conflict) as refused:
        return _finish(platform, msg, OutboxStatus.CANCELLED, refused.message, policy)
    try:
        checksum = send(msg, record)
    except Exception as exc:  # the archive's fault or a network fault: retried
        log.warning("Arkivversjon av sak %s til %s feilet: %s", msg.case_id, msg.endpoint, exc)
        return _finish(platform, msg, None, f"{type(exc).__name__}: {exc}"[:2000], policy)
    return _finish(platform, msg, OutboxStatus.DELIVERED, "", policy, checksum=checksum)


def _finish(
    platform: Platform,
    msg: OutboxMessage,
    status: OutboxStatus | None,
    error: str,
    policy: RetryPolicy,
    *,
    checksum: str = "",
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
        report = row.event_kind == REPORT
        if report:
            ReportService(work.uow).delivery(row.entry_id or "", status, error)
        archived = row.event_kind == ARCHIVE
        if archived and status is OutboxStatus.DELIVERED:
            ArchiveService(work.uow).delivered(row.case_id, row.channel, row.endpoint, checksum)
        outcome = {OutboxStatus.DELIVERED: "delivered", OutboxStatus.CANCELLED: "cancelled"}.get(
            status, "failed"
        )
        work.record_outcome(
            Action.SEND_REPORT if report else Action.ARCHIVE_CASE if archived else Action.SHARE_CASE,
            outcome=outcome,
            reason=f"{row.unit_id} {row.endpoint} forsøk {row.attempts}" + (f": {error}" if error else ""),
            case_id=row.case_id,
        )
        result = message(row)
    if result.status is not OutboxStatus.PENDING:
        notify(platform, [result])
    return result


def run(
    platform: Platform, send: Send, *, policy: RetryPolicy = DEFAULT_RETRY, batch: int = 20
) -> list[OutboxMessage]:
    """Deliver every message due now (one pass until none is left); returns the messages as they ended."""
    return _drain(platform, deliver, send, policy, batch)


def run_reports(
    platform: Platform, send: SendReport, *, policy: RetryPolicy = DEFAULT_RETRY, batch: int = 20
) -> list[OutboxMessage]:
    """Deliver every bekymringsmelding due now; returns the messages as they ended."""
    return _drain(platform, deliver_report, send, policy, batch, reports=True)


def run_archive(
    platform: Platform, send: SendArchive, *, policy: RetryPolicy = DEFAULT_RETRY, batch: int = 20
) -> list[OutboxMessage]:
    """Deliver every archive version due now; returns the messages as they ended."""
    return _drain(platform, deliver_archive, send, policy, batch, archive=True)


def _drain(
    platform: Platform,
    deliver_one: Callable[[Platform, OutboxMessage, Any, RetryPolicy], OutboxMessage],
    send: Any,
    policy: RetryPolicy,
    batch: int,
    **kind: bool,
) -> list[OutboxMessage]:
    """Claim the due messages of one ``kind`` (``claim``'s flags) batch by batch and hand each to
    ``deliver_one`` with ``send``, until none is left; returns them as they ended."""
    done: list[OutboxMessage] = []
    while claimed := claim(platform, limit=batch, policy=policy, **kind):
        done += [deliver_one(platform, m, send, policy) for m in claimed]
    return done


def notify(platform: Platform, messages: Iterable[OutboxMessage]) -> None:
    """Tell the municipality's plugins (``outbox_changed``); a plugin's fault is logged, never raised."""
    for msg in messages:
        platform.plugins.for_municipality(msg.municipality_id).outbox_changed(msg)
