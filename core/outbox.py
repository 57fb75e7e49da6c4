"""The transactional outbox: cases delivered to units' own systems (e.g. FHIR journals) under consent.

Core knows channels only by name: plugins supply them (``outbox_channels``), units opt in with a
config table per channel, and the plugin host keeps the registry (``MunicipalityPlugins.outbox_endpoints``).
``enqueue`` runs inside the unit of work, before commit: for every case touched, each unit
with a configured endpoint gets a pending message if the policy allows sharing with it
(``case.share``: the unit takes part under a consent in force), and loses its pending ones if
not — so withdrawing consent cancels undelivered messages in the same transaction (each
cancellation audited). A unit whose system has had the case and that a withdrawal leaves without
cover gets one more message, ``consent_withdrawn``: the worker sends it only the withdrawn consent
(``case.share_withdrawal``), so the journal does not keep an active Consent.

A channel that carries bekymringsmeldinger (``carries = "child_welfare_report"``) gets no case
deliveries: ``queue_report`` writes one message per report, when an employee sends it. One that
carries archive versions (``carries = "archive"``) gets one message per closed case
(``queue_archive``, from ``core.services.archive``).

The worker that sends them is ``core.outbox_worker``; what an operator sees and does is
``OutboxService`` here.
"""

from __future__ import annotations

import builtins
import datetime as dt
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from sqlalchemy import select, update

from contracts import CaseEvent, CaseRecord, LogEntryKind, OutboxMessage, OutboxStatus
from core.domain.policy import Action, decide
from core.errors import InvalidInput, NotFound
from core.i18n import _
from core.ids import new_id
from core.pluginhost.channels import OutboxEndpoint
from core.services import mapping
from core.services.state import CaseState
from core.storage.outbox_models import OutboxRow

if TYPE_CHECKING:
    from core.pluginhost.channels import OutboxEndpoint
    from core.unit_of_work import UnitOfWork as Work

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
    return mapping.from_row(
        OutboxMessage, row, event_kind=LogEntryKind(row.event_kind), status=OutboxStatus(row.status)
    )


# --- inside the unit of work --------------------------------------------------------------------


def enqueue(work: Work) -> list[OutboxMessage]:
    """Queue deliveries for this unit of work's case events; cancel the ones consent no longer covers."""
    cancelled: list[OutboxMessage] = []
    if not work.events:
        return cancelled
    work.session.flush()
    last_event = {}
    withdrawals: dict[tuple[str, str], CaseEvent] = {}
    for event in work.events:  # one delivery per case and unit carries every event of this transaction
        last_event[event.case_id] = event
        if event.kind is LogEntryKind.CONSENT_WITHDRAWN:
            withdrawals.update({(event.case_id, u): event for u in event.data.get("unit_ids", [])})
    for case_id, event in last_event.items():
        endpoints = [e for e in work.plugins.outbox_endpoints if e.carries == "case"]
        if not endpoints:
            continue
        facts = CaseState(work, case_id).facts()
        for endpoint in endpoints:
            allowed = decide(
                work.actor, Action.SHARE_CASE, municipality_id=event.municipality_id, case=facts,
                unit_id=endpoint.unit_id,
            )  # fmt: skip
            if allowed:
                _queue(work, event, endpoint, event.kind, event.entry_id)
                continue
            cancelled += _cancel(work, case_id, endpoint.unit_id, allowed.reason)
            withdrawal = withdrawals.get((case_id, endpoint.unit_id))
            notice = decide(
                work.actor, Action.SHARE_WITHDRAWAL, municipality_id=event.municipality_id, case=facts,
                unit_id=endpoint.unit_id,
            )  # fmt: skip
            if withdrawal is not None and notice and _has_received(work, case_id, endpoint.unit_id):
                _queue(work, event, endpoint, LogEntryKind.CONSENT_WITHDRAWN, withdrawal.entry_id)
    work.session.flush()
    return cancelled


def _queue(
    work: Work, event: CaseEvent, endpoint: OutboxEndpoint, kind: LogEntryKind, entry_id: str | None
) -> None:
    _add(work, event.case_id, endpoint, kind, entry_id)


def queue_report(work: Work, case_id: str, endpoint: OutboxEndpoint, report_id: str) -> None:
    """One delivery of a bekymringsmelding to the receiving barnevern, in the transaction that wrote it."""
    _add(work, case_id, endpoint, LogEntryKind.CHILD_WELFARE_REPORT, report_id)


def queue_archive(work: Work, case_id: str, endpoint: OutboxEndpoint, entry_id: str) -> None:
    """One delivery of a closed case's archive version to the municipality's archive, as it closes."""
    _add(work, case_id, endpoint, LogEntryKind.CASE_ARCHIVED, entry_id)


def _add(
    work: Work, case_id: str, endpoint: OutboxEndpoint, kind: LogEntryKind, entry_id: str | None
) -> None:
    work.session.add(
        OutboxRow(
            id=new_id(),
            municipality_id=work.municipality_id,
            case_id=case_id,
            unit_id=endpoint.unit_id,
            channel=endpoint.channel,
            endpoint=endpoint.address,
            event_kind=str(kind),
            entry_id=entry_id,
            status=str(OutboxStatus.PENDING),
            attempts=0,
            created_at=work.now,
            next_attempt_at=work.now,
            last_error="",
        )
    )


def _has_received(work: Work, case_id: str, unit_id: str) -> bool:
    """Whether the unit's system has had this case: only then does it get told of the withdrawal."""
    return (
        work.session.scalar(
            select(OutboxRow.id)
            .where(OutboxRow.case_id == case_id, OutboxRow.unit_id == unit_id)
            .where(OutboxRow.status == OutboxStatus.DELIVERED)
            .limit(1)
        )
        is not None
    )


class Deliveries:
    """The outbox as a commit listener of one unit of work: before commit it writes the deliveries the
    case events owe (and cancels the ones consent no longer covers); after commit it tells the plugins
    of the cancelled ones. With no case events it does nothing."""

    def __init__(self) -> None:
        self.cancelled: list[OutboxMessage] = []

    def before_commit(self, work: Work) -> None:
        self.cancelled = enqueue(work)

    def after_commit(self, work: Work) -> None:
        for msg in self.cancelled:
            work.plugins.outbox_changed(msg)


def _cancel(work: Work, case_id: str, unit_id: str, reason: str) -> list[OutboxMessage]:
    rows = work.session.scalars(
        select(OutboxRow)
        .where(OutboxRow.case_id == case_id, OutboxRow.unit_id == unit_id)
        .where(OutboxRow.status == OutboxStatus.PENDING)
        .where(OutboxRow.event_kind != LogEntryKind.CONSENT_WITHDRAWN)  # a notice has its own check
        .with_for_update()
    ).all()
    for row in rows:
        row.status, row.last_error, row.leased_until = str(OutboxStatus.CANCELLED), reason, None
        work.record_outcome(
            Action.SHARE_CASE,
            outcome="cancelled",
            reason=f"{row.unit_id} {row.endpoint} melding {row.id}: {reason}",
            case_id=case_id,
        )
    return [message(r) for r in rows]


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
                    _("Ukjent status «{status}»; velg blant {choices}.").format(
                        status=status, choices=choices
                    ),
                    field="status",
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
                _("Fant ingen døde meldinger med id: {ids}").format(ids=", ".join(sorted(missing))),
                code="outbox_not_found",
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
