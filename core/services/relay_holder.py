"""The stafettholder: assigned, and handed over like a relay baton that the receiver must accept.

Built-in rules: the holder is an active employee of the municipality who can reach
the case under the policy (a unit taking part, or a coordinator while consent is in
force). Plugins add rules per level through ``check_relay_holder``.
"""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING

from sqlalchemy import bindparam, select

from contracts import (
    Handover,
    HandoverStatus,
    Level,
    LogEntryKind,
    MunicipalRole,
    PersonKind,
    Refusal,
    RelayHolderContext,
)
from core.domain.policy import Action, Actor, ActorKind, employee_basis, refusal
from core.errors import Conflict, InvalidInput, NotFound, RuleRefused
from core.i18n import N_, _
from core.ids import new_id
from core.services import mapping
from core.services.inputs import check_text
from core.services.relaylog import LogWriter
from core.services.state import CaseState
from core.storage import models as m

if TYPE_CHECKING:
    from core.unit_of_work import UnitOfWork as Work


_PENDING_FOR = (  # the offers waiting for one person, oldest first
    select(m.HandoverRow)
    .where(m.HandoverRow.to_id == bindparam("person_id"), m.HandoverRow.status == HandoverStatus.PENDING)
    .order_by(m.HandoverRow.requested_at)
)


class RelayHolderService(LogWriter):
    def assign(self, case_id: str, employee_id: str) -> Handover | None:
        """Give a case without a stafettholder its first one (the candidate need not accept)."""
        work = self.work
        state = CaseState(work, case_id, lock=True)
        work.authorize(Action.MANAGE_RELAY_HOLDER, case=state.facts())
        if state.row.relay_holder_id is not None:
            raise Conflict(
                _("Saken har allerede en stafettholder; bruk overlevering."), code="has_relay_holder"
            )
        self._check_candidate(state, employee_id, is_handover=False)
        state.row.relay_holder_id = employee_id
        work.session.flush()
        self.log.write(state, LogEntryKind.RELAY_HOLDER_ASSIGNED, data={"holder_id": employee_id})
        return None

    def request_handover(self, case_id: str, to_id: str, *, note: str = "") -> Handover:
        """The holder (or a leader of the owning unit) offers the baton to ``to_id``."""
        work = self.work
        state = CaseState(work, case_id, lock=True)
        work.authorize(Action.MANAGE_RELAY_HOLDER, case=state.facts())
        holder = state.row.relay_holder_id
        if holder is None:
            raise Conflict(
                _("Saken har ingen stafettholder å overlevere fra; tildel en først."), code="no_relay_holder"
            )
        if work.actor.id != holder and not work.actor.is_leader_of(state.row.owner_unit_id):
            raise InvalidInput(
                _("Bare stafettholderen eller leder for enheten kan overlevere stafetten."), code="not_holder"
            )
        if to_id == holder:
            raise InvalidInput(_("Mottakeren er allerede stafettholder."), field="to_id")
        if self._pending(case_id) is not None:
            raise Conflict(
                _("Det finnes allerede en overlevering som venter på svar."), code="handover_pending"
            )
        self._check_candidate(state, to_id, is_handover=True)
        row = m.HandoverRow(
            id=new_id(),
            case_id=case_id,
            from_id=holder,
            to_id=to_id,
            status=str(HandoverStatus.PENDING),
            note=check_text(note, N_("melding"), required=False),
            requested_at=work.now,
        )
        work.session.add(row)
        work.session.flush()
        self.log.write(
            state,
            LogEntryKind.HANDOVER_REQUESTED,
            text=row.note,
            data={"handover_id": row.id, "from_id": holder, "to_id": to_id},
        )
        return mapping.handover(row)

    def accept(self, handover_id: str) -> Handover:
        """Only the receiver accepts; the rules are checked again, as the case may have changed."""
        row, state = self._decide(handover_id)
        self._check_candidate(state, row.to_id, is_handover=True)
        row.status, row.decided_at = str(HandoverStatus.ACCEPTED), self.work.now
        state.row.relay_holder_id = row.to_id
        self.work.session.flush()
        self.log.write(
            state,
            LogEntryKind.HANDOVER_ACCEPTED,
            data={"handover_id": row.id, "from_id": row.from_id, "to_id": row.to_id},
        )
        return mapping.handover(row)

    def decline(self, handover_id: str, *, reason: str = "") -> Handover:
        row, state = self._decide(handover_id)
        row.status, row.decided_at = str(HandoverStatus.DECLINED), self.work.now
        self.work.session.flush()
        self.log.write(
            state,
            LogEntryKind.HANDOVER_DECLINED,
            text=check_text(reason, N_("begrunnelse"), required=False),
            data={"handover_id": row.id, "to_id": row.to_id},
        )
        return mapping.handover(row)

    def pending_for_me(self) -> list[Handover]:
        """Offers waiting for me, in cases I can reach (each one shown is audited as a read)."""
        rows = self.work.session.scalars(_PENDING_FOR, {"person_id": self.work.actor.id}).all()
        return [
            mapping.handover(r)
            for r in rows
            if self.work.permits(Action.MANAGE_RELAY_HOLDER, CaseState(self.work, r.case_id).facts())
        ]

    def _decide(self, handover_id: str) -> tuple[m.HandoverRow, CaseState]:
        work = self.work
        row = work.session.get(m.HandoverRow, handover_id)
        missing = NotFound(
            _("Fant ingen overlevering «{handover_id}».").format(handover_id=handover_id),
            code="handover_not_found",
        )
        if row is None:
            raise missing
        state = CaseState(work, row.case_id, lock=True)
        if work.actor.id != row.to_id:
            reason = N_("Bare mottakeren kan svare på overleveringen.")
            decision = refusal(work.actor, state.facts(), "not_receiver", reason)
            work.refuse(Action.MANAGE_RELAY_HOLDER, decision, case=state.facts(), missing=missing)
        work.authorize(Action.MANAGE_RELAY_HOLDER, case=state.facts(), missing=missing)
        if row.status != HandoverStatus.PENDING:
            raise Conflict(_("Overleveringen er allerede besvart."), code="handover_decided")
        return row, state

    def _pending(self, case_id: str) -> m.HandoverRow | None:
        return self.work.session.scalar(
            select(m.HandoverRow).where(
                m.HandoverRow.case_id == case_id, m.HandoverRow.status == HandoverStatus.PENDING
            )
        )

    def _check_candidate(self, state: CaseState, candidate_id: str, *, is_handover: bool) -> None:
        work = self.work
        person = work.session.get(m.PersonRow, candidate_id)
        if (
            person is None
            or person.kind != PersonKind.EMPLOYEE
            or person.municipality_id != work.municipality_id
        ):
            raise InvalidInput(_("Stafettholderen må være en ansatt i kommunen."), field="employee_id")
        candidate = actor_for_employee(work, candidate_id)
        refusals: list[Refusal] = []
        if not person.active:
            refusals.append(Refusal(code="inactive", message=_("Den ansatte er ikke lenger aktiv.")))
        # judged as if the candidate held the baton, so a coordinator qualifies while consent is in force
        as_holder = dataclasses.replace(state.facts(), relay_holder_id=candidate_id)
        if employee_basis(candidate, as_holder) is None:
            refusals.append(
                Refusal(
                    code="no_access",
                    message=_(
                        "Stafettholderen må tilhøre en tjeneste som deltar i saken med samtykke, eller være "
                        "koordinator."
                    ),
                )
            )
        refusals += work.plugins.check_relay_holder(
            RelayHolderContext(
                snapshot=state.snapshot(),
                candidate_id=candidate_id,
                candidate_unit_ids=sorted(candidate.unit_roles),
                candidate_is_coordinator=MunicipalRole.COORDINATOR in candidate.municipal_roles,
                level=Level(state.row.level),
                is_handover=is_handover,
            )
        )
        if refusals:
            raise RuleRefused(refusals)


def actor_for_employee(work: Work, person_id: str) -> Actor:
    from core.services.people import actor_for

    actor = actor_for(work.session, person_id)
    if actor.kind is not ActorKind.EMPLOYEE:
        raise InvalidInput(_("Personen er ikke ansatt."), field="employee_id")
    return actor
