"""Opening a case from an undring, moving it between levels, closing it, and the services taking part."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import Date, bindparam, func, or_, select

from contracts import (
    Case,
    CaseStatus,
    CloseReason,
    Concern,
    ConcernKind,
    HandoverStatus,
    Level,
    LogEntryKind,
    MeasureStatus,
    Participant,
    ParticipationBasis,
    PersonKind,
    Refusal,
    ServiceType,
    TransitionContext,
)
from core.domain import levels
from core.domain.policy import Action
from core.errors import Conflict, InvalidInput, NotFound, RuleRefused
from core.i18n import N_, _
from core.ids import new_id
from core.services import mapping
from core.services.archive import ArchiveService
from core.services.inputs import check_observed_on, check_target_group, check_text, parse_choice
from core.services.relaylog import LogWriter
from core.services.search import CaseSearch, find_cases
from core.services.state import CaseState
from core.services.transfer_scope import employee_units, hidden_from
from core.storage import models as m


def no_consent_for(unit_name: str) -> Refusal:
    return Refusal(
        code="no_consent_for_service",
        message=_(
            "{unit_name} kan ikke tas med på grunnlag av samtykke: ingen samtykke som gjelder "
            "nå, omfatter tjenesten. Be om samtykke som nevner {unit_name}, og ta tjenesten med "
            "når samtykket er gitt."
        ).format(unit_name=unit_name),
    )


_OVERDUE_COUNTS = (  # per case of a page: how many active measures are past their evaluation date
    select(m.MeasureRow.case_id, func.count(m.MeasureRow.id))
    .where(m.MeasureRow.case_id.in_(bindparam("ids", expanding=True)))
    .where(m.MeasureRow.status == MeasureStatus.ACTIVE)
    .where(m.MeasureRow.next_evaluation_date < bindparam("today", type_=Date))
    .group_by(m.MeasureRow.case_id)
)


@dataclass(frozen=True)
class CaseOverview:
    """One line of an employee's worklist (Mine saker)."""

    case: Case
    child_name: str
    next_evaluation: dt.date | None  # the earliest evaluation due among the case's running measures
    overdue: int  # evaluations past their date
    lapsed_unit_ids: tuple[str, ...] = ()  # services on consent that no consent in force covers now
    level_lacks_consent: bool = False  # at level 2–3 with such a service: the level's consent is missing


class CaseService(LogWriter):
    def open_case(
        self,
        *,
        subject_id: str,
        unit_id: str,
        observation: str,
        observed_on: dt.date | None = None,
        kind: ConcernKind = ConcernKind.WONDERING,
        shared_with_family: bool = False,
    ) -> Case:
        """Register an undring: opens a case at level 0 owned by the employee's unit."""
        work = self.work
        work.authorize(Action.OPEN_CASE, unit_id=unit_id, subject_id=subject_id)
        unit = self._unit(unit_id)
        subject = work.session.get(m.PersonRow, subject_id)
        if (
            subject is None
            or subject.municipality_id != work.municipality_id
            or subject.kind
            not in (
                PersonKind.CHILD,
                PersonKind.PREGNANT,
            )
        ):
            raise NotFound(
                _("Fant ikke barnet eller den gravide «{subject_id}».").format(subject_id=subject_id),
                code="subject_not_found",
            )
        check_target_group(subject.kind, subject.birth_date, work.now.date())
        observation = check_text(observation, N_("hva som er observert"))
        observed_on = check_observed_on(observed_on, work.now.date())
        existing = work.session.scalar(
            select(m.CaseRow.id)
            .where(m.CaseRow.subject_id == subject_id, m.CaseRow.owner_unit_id == unit.id)
            .where(m.CaseRow.status == CaseStatus.OPEN)
        )
        if existing:
            raise Conflict(
                _(
                    "Det finnes allerede en åpen sak for dette barnet i {unit_name}; legg undringen til den."
                ).format(unit_name=unit.name),
                code="case_exists",
            )
        row = m.CaseRow(
            id=new_id(),
            municipality_id=work.municipality_id,
            subject_id=subject_id,
            owner_unit_id=unit.id,
            level=int(Level.CLARIFY),
            status=str(CaseStatus.OPEN),
            opened_at=work.now,
        )
        work.session.add(row)
        work.session.add(
            m.ParticipantRow(
                case_id=row.id,
                unit_id=unit.id,
                basis=str(ParticipationBasis.OWNER),
                added_at=work.now,
                added_by=work.actor.id,
            )
        )
        work.session.flush()
        state = CaseState(work, row.id, lock=True)
        self._write_concern(state, unit.id, kind, observation, observed_on, shared_with_family)
        return state.case

    def add_concern(
        self,
        case_id: str,
        *,
        observation: str,
        observed_on: dt.date | None = None,
        kind: ConcernKind = ConcernKind.WONDERING,
        shared_with_family: bool = False,
    ) -> Concern:
        """Another undring or bekymring in an open case; answers the concern written."""
        state = CaseState(self.work, case_id, lock=True)
        self.work.authorize(Action.WRITE_CASE, case=state.facts())
        unit_id = self._acting_unit(state)
        observation = check_text(observation, N_("hva som er observert"))
        observed_on = check_observed_on(observed_on, self.work.now.date())
        return mapping.concern(
            self._write_concern(state, unit_id, kind, observation, observed_on, shared_with_family)
        )

    def get(self, case_id: str) -> Case:
        state = CaseState.read(self.work, case_id)
        self.work.authorize(Action.READ_CASE, case=state.facts())
        return state.case

    def state(self, case_id: str, action: Action = Action.READ_CASE) -> CaseState:
        """The case with its participants and consents, after an audited access check."""
        state = CaseState.read(self.work, case_id)
        self.work.authorize(action, case=state.facts())
        return state

    def overview(self, *, limit: int = 50, offset: int = 0) -> tuple[list[CaseOverview], int]:
        """A page of the employee's open cases for the worklist (Mine saker), and how many there are:
        overdue evaluations first, then the nearest evaluation date; each one shown audited as read."""
        work = self.work
        found, total = find_cases(
            work, CaseSearch(status="open"), limit=limit, offset=offset, participants=True
        )
        today = work.now.date()
        overdue = dict(
            work.session.execute(_OVERDUE_COUNTS, {"ids": [f.state.id for f in found], "today": today}).all()
        )
        return [
            CaseOverview(
                case=f.state.case,
                child_name=f"{f.state.subject.given_name} {f.state.subject.family_name}",
                next_evaluation=f.next_evaluation,
                overdue=overdue.get(f.state.id, 0),
                lapsed_unit_ids=tuple(f.state.lapsed_unit_ids()),
                level_lacks_consent=f.state.level_lacks_consent(),
            )
            for f in found
        ], total

    def concerns(self, case_id: str) -> list[Concern]:
        """Every undring and bekymring of the case, oldest first."""
        self.state(case_id)
        stmt = select(m.ConcernRow).where(m.ConcernRow.case_id == case_id)
        if units := employee_units(self.work):  # a transfer of chosen entries keeps earlier ones back
            stmt = stmt.where(~hidden_from(units, m.ConcernRow.case_id, created=m.ConcernRow.recorded_at))
        rows = self.work.session.scalars(stmt.order_by(m.ConcernRow.recorded_at, m.ConcernRow.id))
        return [mapping.concern(r) for r in rows]

    def family_cases(self) -> list[Case]:
        """Cases whose family view the guardian or youth may see, newest first; each one audited as read."""
        work = self.work
        children = select(m.GuardianshipRow.child_id).where(
            m.GuardianshipRow.guardian_id == work.actor.id,
            m.GuardianshipRow.parental_responsibility.is_(True),
        )
        rows = work.session.scalars(
            select(m.CaseRow)
            .where(m.CaseRow.municipality_id == work.municipality_id)
            .where(or_(m.CaseRow.subject_id == work.actor.id, m.CaseRow.subject_id.in_(children)))
            .order_by(m.CaseRow.opened_at.desc(), m.CaseRow.id)
        ).all()
        return [
            state.case
            for state in CaseState.many(work, rows)
            if work.permits(Action.READ_FAMILY_VIEW, state.facts())
        ]

    def change_level(
        self,
        case_id: str,
        to_level: object,
        *,
        unit_leader_informed: bool = False,
        guardians_informed: bool = False,
        note: str = "",
    ) -> Case:
        """Move a case up or down; every rule that stops it is listed in the refusal."""
        work = self.work
        try:
            target = levels.parse_level(to_level)
        except ValueError as exc:
            raise InvalidInput(str(exc), field="level", code="unknown_level") from None
        state = CaseState(work, case_id, lock=True)
        work.authorize(Action.CHANGE_LEVEL, case=state.facts())
        ctx = TransitionContext(
            snapshot=state.snapshot(),
            from_level=Level(state.row.level),
            to_level=target,
            actor_id=work.actor.id or "system",
            unit_leader_informed=unit_leader_informed,
            guardians_informed=guardians_informed,
        )
        refusals = levels.builtin_refusals(
            ctx, unit_names=state.unit_names(), required_holder_levels=work.plugins.required_holder_levels()
        )
        refusals += work.plugins.check_transition(ctx)
        if refusals:
            raise RuleRefused(refusals)
        state.row.level = int(target)
        self.log.write(
            state,
            LogEntryKind.LEVEL_CHANGED,
            text=check_text(note, N_("notat"), required=False),
            data={
                "from": int(ctx.from_level),
                "to": int(target),
                "unit_leader_informed": unit_leader_informed,
                "guardians_informed": guardians_informed,
            },
        )
        return mapping.case(state.row)

    def close(self, case_id: str, reason: object, *, note: str = "") -> Case:
        work = self.work
        close_reason = parse_choice(CloseReason, reason, field="reason", label=N_("avslutningsgrunn"))
        state = CaseState(work, case_id, lock=True)
        work.authorize(Action.CHANGE_LEVEL, case=state.facts())
        row = state.row
        row.status, row.closed_at, row.close_reason = str(CaseStatus.CLOSED), work.now, str(close_reason)
        for handover in work.session.scalars(
            select(m.HandoverRow).where(
                m.HandoverRow.case_id == case_id, m.HandoverRow.status == HandoverStatus.PENDING
            )
        ):
            handover.status, handover.decided_at = str(HandoverStatus.CANCELLED), work.now
        entry = self.log.write(
            state,
            LogEntryKind.CASE_CLOSED,
            text=check_text(note, N_("notat"), required=False),
            data={"reason": str(close_reason)},
        )
        ArchiveService(work).on_close(state, entry.id)  # the archive version goes out with the close
        return mapping.case(row)

    def add_participant(
        self, case_id: str, unit_id: str, *, basis: ParticipationBasis = ParticipationBasis.CONSENT
    ) -> Participant:
        """Bring another service in. Its basis must hold when it is recorded: a consent in force that names
        the unit, or child welfare under the duty to report; otherwise the rule refuses it (409)."""
        work = self.work
        state = CaseState(work, case_id, lock=True)
        action = (
            Action.REPORT_CHILD_WELFARE
            if basis is ParticipationBasis.REPORT_DUTY
            else Action.MANAGE_PARTICIPANTS
        )
        work.authorize(action, case=state.facts())
        unit = self._unit(unit_id)
        if basis is ParticipationBasis.OWNER:
            raise InvalidInput(_("En tjeneste kan ikke legges til som eier av saken."), field="basis")
        if basis is ParticipationBasis.REPORT_DUTY and unit.service_type != ServiceType.CHILD_WELFARE:
            raise InvalidInput(
                _("Bare barneverntjenesten kan delta på grunnlag av opplysningsplikten."), field="basis"
            )
        existing = work.session.get(m.ParticipantRow, (case_id, unit_id))
        if existing is not None and existing.removed_at is None:
            raise Conflict(
                _("{unit_name} deltar allerede i saken.").format(unit_name=unit.name),
                code="already_participant",
            )
        if basis is ParticipationBasis.CONSENT and unit_id not in state.consented_units():
            raise RuleRefused([no_consent_for(unit.name)])
        if existing is None:
            existing = m.ParticipantRow(case_id=case_id, unit_id=unit_id)
            work.session.add(existing)
        existing.basis, existing.added_at, existing.added_by, existing.removed_at = (
            str(basis),
            work.now,
            work.actor.id,
            None,
        )
        work.session.flush()
        state.refresh()
        self.log.write(
            state,
            LogEntryKind.PARTICIPANT_ADDED,
            text=unit.name,
            data={"unit_id": unit_id, "basis": str(basis)},
        )
        return next(p for p in state.participants if p.unit_id == unit_id)

    def participant(self, case_id: str, unit_id: str) -> Participant:
        """One service taking part, with whether its basis holds now."""
        found = next((p for p in self.state(case_id).participants if p.unit_id == unit_id), None)
        if found is None:
            raise NotFound(_("Tjenesten deltar ikke i saken."), code="not_participant")
        return found

    def remove_participant(self, case_id: str, unit_id: str) -> Case:
        work = self.work
        state = CaseState(work, case_id, lock=True)
        work.authorize(Action.MANAGE_PARTICIPANTS, case=state.facts())
        row = work.session.get(m.ParticipantRow, (case_id, unit_id))
        if row is None or row.removed_at is not None:
            raise NotFound(_("Tjenesten deltar ikke i saken."), code="not_participant")
        if row.basis == ParticipationBasis.OWNER:
            raise InvalidInput(_("Enheten som eier saken, kan ikke fjernes."), field="unit_id")
        row.removed_at = work.now
        work.session.flush()
        state.refresh()
        self.log.write(
            state, LogEntryKind.PARTICIPANT_REMOVED, text=self._unit(unit_id).name, data={"unit_id": unit_id}
        )
        return state.case

    def _write_concern(
        self,
        state: CaseState,
        unit_id: str,
        kind: ConcernKind,
        observation: str,
        observed_on: dt.date,
        shared: bool,
    ) -> m.ConcernRow:
        work = self.work
        concern = m.ConcernRow(
            id=new_id(),
            case_id=state.id,
            unit_id=unit_id,
            raised_by=work.actor.id,
            kind=str(kind),
            observation=observation,
            observed_on=observed_on,
            recorded_at=work.now,
        )
        work.session.add(concern)
        self.log.write(
            state,
            LogEntryKind.CONCERN,
            text=observation,
            data={"concern_id": concern.id, "kind": str(kind), "observed_on": observed_on.isoformat()},
            shared_with_family=shared,
        )
        return concern

    def _unit(self, unit_id: str) -> m.UnitRow:
        unit = self.work.session.get(m.UnitRow, unit_id)
        if unit is None or unit.municipality_id != self.work.municipality_id or not unit.active:
            raise NotFound(
                _("Fant ingen aktiv enhet «{unit_id}» i kommunen.").format(unit_id=unit_id),
                code="unit_not_found",
            )
        return unit

    def _acting_unit(self, state: CaseState) -> str:
        mine = set(self.work.actor.unit_roles)
        for unit in [state.row.owner_unit_id, *(p.unit_id for p in state.participant_rows)]:
            if unit in mine:
                return unit
        return state.row.owner_unit_id
