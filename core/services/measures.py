"""Tiltak: a goal, who is responsible, a start and an evaluation date; evaluated, and continued or ended;
paused and resumed, ended or cancelled with a reason.

The responsible is someone who can do the work: an active employee who reaches the case under the
policy (the same ``employee_basis`` the policy asks), or for a home task someone of the child's family.
A status change is written to the stafettlogg in the same transaction; ended and cancelled are final.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from contracts import EvaluationOutcome, LogEntryKind, Measure, MeasureStatus, PersonKind
from core.domain.policy import Action, ActorKind, employee_basis
from core.errors import Conflict, InvalidInput, NotFound
from core.i18n import N_, _
from core.ids import new_id
from core.services import mapping
from core.services.inputs import check_text, parse_choice
from core.services.people import actor_for
from core.services.relaylog import LogWriter, youth_say
from core.services.state import CaseState, unit_ids_of
from core.services.transfer_scope import employee_units, hidden_from
from core.storage import models as m

FINAL = frozenset({MeasureStatus.ENDED, MeasureStatus.CANCELLED})
NEXT = {  # the status changes a measure allows; ended and cancelled allow none
    MeasureStatus.ACTIVE: {MeasureStatus.PAUSED, MeasureStatus.ENDED, MeasureStatus.CANCELLED},
    MeasureStatus.PAUSED: {MeasureStatus.ACTIVE, MeasureStatus.ENDED, MeasureStatus.CANCELLED},
}
NOT_ACTIVE = {
    MeasureStatus.PAUSED: N_("Tiltaket er satt på pause; gjenoppta det med en ny evalueringsdato først."),
    MeasureStatus.ENDED: N_("Tiltaket er avsluttet og kan ikke endres eller evalueres igjen."),
    MeasureStatus.CANCELLED: N_("Tiltaket er avlyst og kan ikke endres eller evalueres."),
}
UNCHANGED = {
    MeasureStatus.ACTIVE: N_("Tiltaket er allerede i gang."),
    MeasureStatus.PAUSED: N_("Tiltaket er allerede satt på pause."),
}


class MeasureService(LogWriter):
    def create(
        self,
        case_id: str,
        *,
        title: str,
        goal: str,
        responsible_id: str,
        start_date: dt.date,
        evaluation_date: dt.date,
        for_family: bool = False,
        hidden_from_guardians: bool = False,
    ) -> Measure:
        """A measure, or with ``for_family`` a home task (hjemmelekse) the family carries out;
        ``hidden_from_guardians``: the youth asked that the guardians do not see it (``youth_say``)."""
        work = self.work
        state = CaseState(work, case_id, lock=True)
        work.authorize(Action.WRITE_CASE, case=state.facts())
        if hidden_from_guardians:
            if for_family:
                raise InvalidInput(
                    _("En hjemmelekse gjøres hjemme og kan ikke holdes skjult for foresatte."),
                    field="hidden_from_guardians",
                )
            youth_say(work, state)
        title, goal = check_text(title, N_("tiltak"))[:300], check_text(goal, N_("mål"))
        if evaluation_date < start_date:
            raise InvalidInput(
                _("Evalueringsdatoen kan ikke være før tiltaket starter."), field="evaluation_date"
            )
        self._check_responsible(state, responsible_id, for_family=for_family)
        case_units = [state.row.owner_unit_id, *(p.unit_id for p in state.participant_rows)]
        unit_id = next(
            (u for u in unit_ids_of(work, responsible_id) if u in case_units), state.row.owner_unit_id
        )
        row = m.MeasureRow(
            id=new_id(),
            case_id=case_id,
            title=title,
            goal=goal,
            responsible_id=responsible_id,
            unit_id=unit_id,
            start_date=start_date,
            evaluation_date=evaluation_date,
            next_evaluation_date=evaluation_date,
            for_family=for_family,
            hidden_from_guardians=hidden_from_guardians,
            created_by=work.actor.id,
            created_at=work.now,
        )
        work.session.add(row)
        work.session.flush()
        self.log.write(
            state,
            LogEntryKind.HOME_TASK if for_family else LogEntryKind.MEASURE_CREATED,
            text=title,
            data={"measure_id": row.id, "goal": goal, "evaluation_date": evaluation_date.isoformat()},
            hidden_from_guardians=hidden_from_guardians,
        )
        return mapping.measure(row, [])

    def evaluate(
        self,
        measure_id: str,
        *,
        outcome: EvaluationOutcome | str,
        summary: str,
        next_evaluation_date: dt.date | None = None,
    ) -> Measure:
        """Record an evaluation; a next date continues the measure, none ends it."""
        work = self.work
        row = self._row(measure_id)
        state = CaseState(work, row.case_id, lock=True)
        work.authorize(Action.WRITE_CASE, case=state.facts(), missing=_not_found(measure_id))
        outcome = parse_choice(EvaluationOutcome, outcome, field="outcome", label=N_("resultat"))
        if row.status != MeasureStatus.ACTIVE:
            raise Conflict(_(NOT_ACTIVE[MeasureStatus(row.status)]), code=f"measure_{row.status}")
        if next_evaluation_date is not None and next_evaluation_date <= work.now.date():
            raise InvalidInput(_("Neste evaluering må være fram i tid."), field="next_evaluation_date")
        work.session.add(
            m.EvaluationRow(
                id=new_id(),
                measure_id=measure_id,
                outcome=str(outcome),
                summary=check_text(summary, N_("evaluering")),
                evaluated_by=work.actor.id,
                evaluated_at=work.now,
                next_evaluation_date=next_evaluation_date,
            )
        )
        due = row.next_evaluation_date
        if due is None:  # an active measure always has a date; this guards the invariant
            raise Conflict(_("Tiltaket har ingen evalueringsdato."), code="measure_without_date")
        row.next_evaluation_date = next_evaluation_date
        if next_evaluation_date is None:
            row.status = str(MeasureStatus.ENDED)
        work.session.flush()
        self.log.write(
            state,
            LogEntryKind.MEASURE_EVALUATED,
            text=summary.strip(),
            data={
                "measure_id": measure_id,
                "outcome": str(outcome),
                "due": due.isoformat(),
                "on_time": work.now.date() <= due,
                "next_evaluation_date": next_evaluation_date.isoformat() if next_evaluation_date else None,
            },
            hidden_from_guardians=row.hidden_from_guardians,
        )
        return mapping.measure(row, evaluations_of(self.work.session, measure_id))

    def change_status(
        self,
        measure_id: str,
        status: MeasureStatus | str,
        *,
        reason: str = "",
        next_evaluation_date: dt.date | None = None,
    ) -> Measure:
        """Pause, resume (with a new evaluation date), end or cancel a measure, with a reason in the log.

        A paused measure has no evaluation due; ended and cancelled are final."""
        work = self.work
        row = self._row(measure_id)
        state = CaseState(work, row.case_id, lock=True)
        work.authorize(Action.WRITE_CASE, case=state.facts(), missing=_not_found(measure_id))
        target = parse_choice(MeasureStatus, status, field="status", label=N_("status for tiltaket"))
        current = MeasureStatus(row.status)
        if current in FINAL:
            raise Conflict(_(NOT_ACTIVE[current]), code=f"measure_{current}")
        if target not in NEXT[current]:
            raise Conflict(_(UNCHANGED[current]), code="measure_status_unchanged")
        resuming = target is MeasureStatus.ACTIVE
        reason = check_text(reason, N_("begrunnelse"), required=not resuming)
        if resuming:
            if next_evaluation_date is None or next_evaluation_date <= work.now.date():
                raise InvalidInput(
                    _("Et tiltak som gjenopptas, må ha en ny evalueringsdato fram i tid."),
                    field="next_evaluation_date",
                )
        elif next_evaluation_date is not None:
            raise InvalidInput(
                _("Bare et tiltak som gjenopptas, får ny evalueringsdato."), field="next_evaluation_date"
            )
        row.status, row.next_evaluation_date = str(target), next_evaluation_date
        work.session.flush()
        self.log.write(
            state,
            LogEntryKind.MEASURE_STATUS_CHANGED,
            text=reason,
            data={
                "measure_id": measure_id,
                "title": row.title,
                "from": str(current),
                "to": str(target),
                "next_evaluation_date": next_evaluation_date.isoformat() if next_evaluation_date else None,
            },
            hidden_from_guardians=row.hidden_from_guardians,
        )
        return mapping.measure(row, evaluations_of(self.work.session, measure_id))

    def list(self, case_id: str) -> list[Measure]:
        state = CaseState.read(self.work, case_id)
        family = self.work.actor.kind in (ActorKind.GUARDIAN, ActorKind.YOUTH)
        self.work.authorize(Action.READ_FAMILY_VIEW if family else Action.READ_CASE, case=state.facts())
        stmt = select(m.MeasureRow).where(m.MeasureRow.case_id == case_id)
        if self.work.actor.kind is ActorKind.GUARDIAN:  # what the youth keeps from them
            stmt = stmt.where(m.MeasureRow.hidden_from_guardians.is_(False))
        if units := employee_units(self.work):  # a transfer of chosen entries keeps earlier ones back
            stmt = stmt.where(~hidden_from(units, m.MeasureRow.case_id, created=m.MeasureRow.created_at))
        rows = self.work.session.scalars(stmt.order_by(m.MeasureRow.created_at)).all()
        return [mapping.measure(r, evaluations_of(self.work.session, r.id)) for r in rows]

    def _row(self, measure_id: str) -> m.MeasureRow:
        row = self.work.session.get(m.MeasureRow, measure_id)
        if row is None:
            raise _not_found(measure_id)
        return row

    def _check_responsible(self, state: CaseState, person_id: str, *, for_family: bool) -> None:
        """An active employee who reaches the case under the policy; for a home task also the family."""
        work = self.work
        person = work.session.get(m.PersonRow, person_id)
        if person is not None and person.municipality_id == work.municipality_id and person.active:
            if for_family and person.id in state.family_ids():
                return
            if person.kind == PersonKind.EMPLOYEE:
                if employee_basis(actor_for(work.session, person_id), state.facts()) is not None:
                    return
                raise InvalidInput(
                    _(
                        "{person_given_name} {person_family_name} har ikke tilgang til saken og kan ikke "
                        "være ansvarlig: den ansvarlige må arbeide i enheten som eier saken, eller i en "
                        "tjeneste som deltar med samtykke eller opplysningsplikt."
                    ).format(person_given_name=person.given_name, person_family_name=person.family_name),
                    field="responsible_id",
                    code="responsible_without_access",
                )
        raise InvalidInput(
            _(
                "Den ansvarlige må være en ansatt med tilgang til saken (eller en i familien for "
                "hjemmelekse)."
            ),
            field="responsible_id",
        )


def _not_found(measure_id: str) -> NotFound:
    """The answer for a measure that does not exist, and for one the caller may not know exists."""
    return NotFound(
        _("Fant ikke tiltaket «{measure_id}».").format(measure_id=measure_id), code="measure_not_found"
    )


def evaluations_of(session: Session, measure_id: str) -> list[m.EvaluationRow]:
    """A measure's evaluations, oldest first (the measure's history as its Struct shows it)."""
    return list(
        session.scalars(
            select(m.EvaluationRow)
            .where(m.EvaluationRow.measure_id == measure_id)
            .order_by(m.EvaluationRow.evaluated_at, m.EvaluationRow.id)
        )
    )
