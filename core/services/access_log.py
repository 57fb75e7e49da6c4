"""Innsyn and audit checks: who has read about a child, and whether the audit chain is whole.

Both are reads of the audit trail, so both go through the policy like any other read: the
family of a case (guardians with parental responsibility, the youth) may list who read it; an
auditor may verify the municipality's chain. Each call leaves its own audit event.
"""

from __future__ import annotations

import datetime as dt

import msgspec
from sqlalchemy import and_, or_, select

from core import audit
from core.domain.policy import Action
from core.i18n import N_, _
from core.services import purposes
from core.services.base import Service
from core.services.state import CaseState
from core.storage import models as m

READ_ACTIONS = (str(Action.READ_CASE), str(Action.READ_FAMILY_VIEW), str(Action.READ_PERSON))
# a disclosure the family is told of: the employee who sent a bekymringsmelding (the worker that
# carried it is the same disclosure, not another)
DISCLOSURE = str(Action.SEND_REPORT)
SYSTEM_NAME = N_("Systemet (drift)")


class AccessEvent(msgspec.Struct, kw_only=True, frozen=True):
    """One allowed read about the case or its child, or information given to barnevern about it:
    who, from which units, when and why."""

    at: dt.datetime
    reader_id: str | None
    reader_name: str
    reader_kind: str  # employee | guardian | youth | system
    units: list[str]  # the reader's units (names), as they are now
    action: str
    purpose: str  # why, as the family reads it (core.services.purposes): "leste stafettloggen"
    on_behalf_of: str | None = None


class ChainFault(msgspec.Struct, kw_only=True, frozen=True):
    seq: int
    event_id: str | None
    problem: str  # bokmål


class AuditVerification(msgspec.Struct, kw_only=True, frozen=True):
    municipality_id: str
    intact: bool
    events: int
    faults: list[ChainFault]
    message: str


class AccessLogService(Service):
    def readers(self, case_id: str) -> list[AccessEvent]:
        """Every allowed read of this case (and case-less look-ups of its child), and every bekymringsmelding
        sent from it (that it was sent, by whom and on which basis; never what it says), newest first."""
        work = self.work
        state = CaseState.read(work, case_id)
        work.authorize(Action.READ_FAMILY_VIEW, case=state.facts())
        events = work.session.scalars(
            select(m.AuditEventRow)
            .where(m.AuditEventRow.municipality_id == state.row.municipality_id)
            .where(m.AuditEventRow.outcome == "allowed")
            .where(
                or_(
                    m.AuditEventRow.action.in_(READ_ACTIONS),
                    and_(m.AuditEventRow.action == DISCLOSURE, m.AuditEventRow.actor_kind == "employee"),
                )
            )
            .where(
                or_(
                    m.AuditEventRow.case_id == case_id,
                    and_(
                        m.AuditEventRow.case_id.is_(None),
                        m.AuditEventRow.subject_id == state.row.subject_id,
                    ),
                )
            )
            .order_by(m.AuditEventRow.seq.desc())
        ).all()
        people = self._names({e.actor_id for e in events if e.actor_id})
        units = self._units({e.actor_id for e in events if e.actor_id})
        return [
            AccessEvent(
                at=e.at,
                reader_id=e.actor_id,
                reader_name=people.get(e.actor_id, _("Ukjent")) if e.actor_id else _(SYSTEM_NAME),
                reader_kind=e.actor_kind,
                units=units.get(e.actor_id, []) if e.actor_id else [],
                action=e.action,
                purpose=purposes.describe(e.purpose),  # a bokmål sentence; the stored code stays
                on_behalf_of=e.on_behalf_of,
            )
            for e in events
        ]

    def verify(self) -> AuditVerification:
        """Walk the municipality's hash chain (auditors only); names each event changed or removed."""
        work = self.work
        work.authorize(Action.READ_AUDIT)
        work.session.flush()
        faults = [
            ChainFault(seq=p.seq, event_id=p.event_id, problem=p.problem)
            for p in audit.verify(work.session, work.municipality_id)
        ]
        head = work.session.get(m.AuditHeadRow, work.municipality_id)
        message = (
            _("Revisjonssporet er helt: ingen hendelser er endret eller slettet.")
            if not faults
            else _("Revisjonssporet er brutt: {num} feil.").format(num=len(faults))
        )
        return AuditVerification(
            municipality_id=work.municipality_id,
            intact=not faults,
            events=head.seq if head else 0,
            faults=faults,
            message=message,
        )

    def _names(self, ids: set[str]) -> dict[str, str]:
        rows = self.work.session.execute(
            select(m.PersonRow.id, m.PersonRow.given_name, m.PersonRow.family_name).where(
                m.PersonRow.id.in_(ids)
            )
        )
        return {pid: f"{given} {family}" for pid, given, family in rows}

    def _units(self, ids: set[str]) -> dict[str, list[str]]:
        out: dict[str, list[str]] = {}
        rows = self.work.session.execute(
            select(m.UnitMembershipRow.person_id, m.UnitRow.name)
            .join(m.UnitRow, m.UnitRow.id == m.UnitMembershipRow.unit_id)
            .where(m.UnitMembershipRow.person_id.in_(ids))
            .order_by(m.UnitRow.name)
        )
        for pid, name in rows:
            out.setdefault(pid, []).append(name)
        return out
