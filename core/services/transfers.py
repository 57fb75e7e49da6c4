"""Transfers between units (barnehage → skole, skole → ungdomsskole): the log goes with the child.

The stafettholder proposes a transfer to the receiving unit, suggested from the school roster where it
knows the school the child starts in (``suggest_school``). Proposing asks the guardians for consent
naming the receiving unit and what goes over: the whole log, or the entries chosen. The receiving unit
is not told of the case until that consent is in force (``pending_for_me``); an employee there then
accepts, the unit becomes the case's owner, the former owner leaves (taushetsplikt then keeps it out),
and the accepting employee holds the baton. The log continues in the same case: with scope "selected"
the older entries not chosen stay hidden from the receiving unit (``hidden_from``), as do the earlier
concerns and tiltak; the family still sees its whole history.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from sqlalchemy import func, select

from contracts import Refusal, ServiceType, Transfer, TransferStatus
from contracts.enums import LogEntryKind, ParticipationBasis
from core.domain.policy import Action, refusal
from core.errors import Conflict, InvalidInput, NotFound, RuleRefused
from core.i18n import N_, _
from core.ids import new_id
from core.services.consents import ConsentService
from core.services.inputs import check_text
from core.services.mapping import from_row
from core.services.relaylog import RelayLogService
from core.services.state import CaseState
from core.storage import models as m
from core.storage.archive_models import CaseTransferEntryRow, CaseTransferRow
from core.storage.directory_models import SchoolEnrollmentRow

if TYPE_CHECKING:
    from core.unit_of_work import UnitOfWork as Work

OPEN = (TransferStatus.AWAITING_CONSENT,)


class TransferService:
    def __init__(self, work: Work) -> None:
        self.work = work
        self.log = RelayLogService(work)

    def suggest_school(self, case_id: str) -> str | None:
        """The school the roster says the child is enrolled in (other than the case's unit), if any."""
        state = CaseState(self.work, case_id)
        self.work.authorize(Action.READ_CASE, case=state.facts())
        return self.work.session.scalar(
            select(SchoolEnrollmentRow.unit_id)
            .join(m.UnitRow, m.UnitRow.id == SchoolEnrollmentRow.unit_id)
            .where(
                SchoolEnrollmentRow.person_id == state.row.subject_id, SchoolEnrollmentRow.active.is_(True)
            )
            .where(m.UnitRow.service_type == ServiceType.SCHOOL, m.UnitRow.id != state.row.owner_unit_id)
            .order_by(SchoolEnrollmentRow.since.desc())
            .limit(1)
        )

    def propose(
        self, case_id: str, to_unit_id: str, *, entry_ids: list[str] | None = None, valid_days: int = 365
    ) -> Transfer:
        """The stafettholder proposes moving the case; the guardians are asked to consent to it."""
        work = self.work
        state = CaseState(work, case_id, lock=True)
        work.authorize(Action.TRANSFER_CASE, case=state.facts())
        if work.actor.id != state.row.relay_holder_id:
            reason = N_("Bare stafettholderen kan foreslå å overføre saken.")
            work.refuse(Action.TRANSFER_CASE, refusal(work.actor, state.facts(), "not_holder", reason))
        unit = work.session.get(m.UnitRow, to_unit_id)
        if unit is None or unit.municipality_id != work.municipality_id or not unit.active:
            raise InvalidInput(
                _("Fant ingen aktiv enhet «{to_unit_id}» i kommunen.").format(to_unit_id=to_unit_id),
                field="to_unit_id",
            )
        if unit.id == state.row.owner_unit_id:
            raise InvalidInput(_("Saken eies allerede av denne enheten."), field="to_unit_id")
        if self._open(case_id) is not None:
            raise Conflict(_("Saken har allerede en overføring som venter."), code="transfer_pending")
        chosen = sorted(set(entry_ids or []))
        if entry_ids is not None:
            if not chosen:
                raise InvalidInput(
                    _("Velg minst én oppføring, eller overfør hele loggen."), field="entry_ids"
                )
            found = set(
                work.session.scalars(
                    select(m.LogEntryRow.id).where(
                        m.LogEntryRow.case_id == case_id, m.LogEntryRow.id.in_(chosen)
                    )
                )
            )
            if missing := [e for e in chosen if e not in found]:
                raise InvalidInput(
                    _("Oppføringen «{entry_id}» finnes ikke i saken.").format(entry_id=missing[0]),
                    field="entry_ids",
                )
        what = (
            "hele stafettloggen"
            if entry_ids is None
            else f"{len(chosen)} utvalgte oppføringer i stafettloggen"
        )
        today = work.now.date()
        consent = ConsentService(work).request(
            case_id,
            unit_ids=[unit.id],
            categories=[what],
            purpose=f"Overføring av saken til {unit.name}: {what} følger barnet, og {unit.name} "
            "fører loggen videre.",
            area="general",
            valid_from=today,
            valid_to=today + dt.timedelta(days=valid_days),
        )
        row = CaseTransferRow(
            id=new_id(),
            case_id=case_id,
            from_unit_id=state.row.owner_unit_id,
            to_unit_id=unit.id,
            scope="all" if entry_ids is None else "selected",
            consent_id=consent.id,
            status=str(TransferStatus.AWAITING_CONSENT),
            proposed_by=work.actor.id,
            proposed_at=work.now,
        )
        work.session.add(row)
        work.session.flush()
        work.session.add_all([CaseTransferEntryRow(transfer_id=row.id, entry_id=e) for e in chosen])
        state.refresh()
        self.log.write(
            state,
            LogEntryKind.TRANSFER_PROPOSED,
            text=f"Foreslått overført til {unit.name} ({what}).",
            data={"transfer_id": row.id, "to_unit_id": unit.id, "scope": row.scope, "consent_id": consent.id},
        )
        return self._contract(row, chosen)

    def pending_for_me(self) -> list[Transfer]:
        """Transfers to my units that the guardians have consented to (each one shown is audited)."""
        work = self.work
        units = list(work.actor.unit_roles)
        rows = work.session.scalars(
            select(CaseTransferRow)
            .where(CaseTransferRow.to_unit_id.in_(units), CaseTransferRow.status.in_([str(s) for s in OPEN]))
            .order_by(CaseTransferRow.proposed_at)
        ).all()
        shown = []
        for row in rows:
            facts = CaseState(work, row.case_id).facts()
            if (
                work.actor.municipality_id == facts.municipality_id
                and row.to_unit_id in facts.consented_units
            ):
                work.authorize(Action.ACCEPT_TRANSFER, case=facts, unit_id=row.to_unit_id)
                shown.append(self._contract(row, self._chosen(row.id)))
        return shown

    def accept(self, transfer_id: str) -> Transfer:
        """An employee of the receiving unit takes the case over; the log continues there."""
        work = self.work
        row, state = self._decide(transfer_id)
        cutoff = work.session.scalar(
            select(func.max(m.LogEntryRow.seq)).where(m.LogEntryRow.case_id == state.id)
        )
        row.status, row.decided_by, row.decided_at, row.cutoff_seq = (
            str(TransferStatus.ACCEPTED), work.actor.id, work.now, cutoff,
        )  # fmt: skip
        case = state.row
        old = work.session.get_one(m.ParticipantRow, (case.id, case.owner_unit_id))
        old.removed_at, old.basis = work.now, str(ParticipationBasis.CONSENT)
        new = work.session.get(m.ParticipantRow, (case.id, row.to_unit_id))
        if new is None:
            new = m.ParticipantRow(case_id=case.id, unit_id=row.to_unit_id)
            work.session.add(new)
        new.basis, new.added_at, new.added_by, new.removed_at = (
            str(ParticipationBasis.OWNER),
            work.now,
            work.actor.id,
            None,
        )
        case.owner_unit_id, case.relay_holder_id = row.to_unit_id, work.actor.id
        work.session.flush()
        state.refresh()
        unit = work.session.get_one(m.UnitRow, row.to_unit_id)
        self.log.write(
            state,
            LogEntryKind.TRANSFER_ACCEPTED,
            text=f"{unit.name} har tatt over saken og stafettpinnen.",
            data={"transfer_id": row.id, "from_unit_id": row.from_unit_id, "to_unit_id": row.to_unit_id},
        )
        return self._contract(row, self._chosen(row.id))

    def decline(self, transfer_id: str, *, reason: str = "") -> Transfer:
        work = self.work
        row, state = self._decide(transfer_id)
        row.status, row.decided_by, row.decided_at = str(TransferStatus.DECLINED), work.actor.id, work.now
        work.session.flush()
        self.log.write(
            state,
            LogEntryKind.TRANSFER_DECLINED,
            text=check_text(reason, N_("begrunnelse"), required=False),
            data={"transfer_id": row.id, "to_unit_id": row.to_unit_id},
        )
        return self._contract(row, self._chosen(row.id))

    def _decide(self, transfer_id: str) -> tuple[CaseTransferRow, CaseState]:
        work = self.work
        missing = NotFound(
            _("Fant ingen overføring «{transfer_id}».").format(transfer_id=transfer_id),
            code="transfer_not_found",
        )
        row = work.session.get(CaseTransferRow, transfer_id, with_for_update=True)
        if row is None:
            raise missing
        state = CaseState(work, row.case_id, lock=True)
        work.authorize(Action.ACCEPT_TRANSFER, case=state.facts(), unit_id=row.to_unit_id, missing=missing)
        if row.status not in OPEN:
            raise Conflict(_("Overføringen er allerede besvart."), code="transfer_decided")
        if state.row.owner_unit_id != row.from_unit_id:
            raise RuleRefused(
                [Refusal(code="transfer_stale", message=_("Saken har byttet enhet siden forslaget."))]
            )
        return row, state

    def _open(self, case_id: str) -> CaseTransferRow | None:
        return self.work.session.scalar(
            select(CaseTransferRow).where(
                CaseTransferRow.case_id == case_id, CaseTransferRow.status.in_([str(s) for s in OPEN])
            )
        )

    def _chosen(self, transfer_id: str) -> list[str]:
        return sorted(
            self.work.session.scalars(
                select(CaseTransferEntryRow.entry_id).where(CaseTransferEntryRow.transfer_id == transfer_id)
            )
        )

    @staticmethod
    def _contract(row: CaseTransferRow, chosen: list[str]) -> Transfer:
        scope = "all" if row.scope == "all" else "selected"
        return from_row(Transfer, row, scope=scope, entry_ids=chosen, status=TransferStatus(row.status))
