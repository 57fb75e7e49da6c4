"""Tiltak: a goal, who is responsible, a start and an evaluation date; evaluated, and continued or ended."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from sqlalchemy import select

from contracts import EvaluationOutcome, LogEntryKind, Measure, PersonKind
from core.domain.policy import Action, ActorKind
from core.errors import InvalidInput, NotFound
from core.ids import new_id
from core.services import mapping
from core.services.inputs import check_text, parse_choice
from core.services.state import CaseState, unit_ids_of
from core.storage import models as m

if TYPE_CHECKING:
    from core.platform import Work


class MeasureService:
    def __init__(self, work: Work) -> None:
        self.work = work

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
    ) -> Measure:
        """A measure, or with ``for_family`` a home task (hjemmelekse) the family carries out."""
        work = self.work
        state = CaseState(work, case_id, lock=True)
        work.authorize(Action.WRITE_CASE, case=state.facts())
        title, goal = check_text(title, "tiltak")[:300], check_text(goal, "mål")
        if evaluation_date < start_date:
            raise InvalidInput(
                "Evalueringsdatoen kan ikke være før tiltaket starter.", field="evaluation_date"
            )
        responsible = work.session.get(m.PersonRow, responsible_id)
        allowed = {PersonKind.GUARDIAN, PersonKind.EMPLOYEE} if for_family else {PersonKind.EMPLOYEE}
        if (
            responsible is None
            or responsible.municipality_id != work.municipality_id
            or responsible.kind not in allowed
        ):
            raise InvalidInput(
                "Den ansvarlige må være en ansatt (eller en foresatt for hjemmelekse).",
                field="responsible_id",
            )
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
            created_by=work.actor.id,
            created_at=work.now,
        )
        work.session.add(row)
        work.session.flush()
        work.log.write(
            state,
            LogEntryKind.HOME_TASK if for_family else LogEntryKind.MEASURE_CREATED,
            text=title,
            data={"measure_id": row.id, "goal": goal, "evaluation_date": evaluation_date.isoformat()},
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
        row = work.session.get(m.MeasureRow, measure_id)
        missing = NotFound(f"Fant ikke tiltaket «{measure_id}».", code="measure_not_found")
        if row is None:
            raise missing
        state = CaseState(work, row.case_id, lock=True)
        work.authorize(Action.WRITE_CASE, case=state.facts(), missing=missing)
        outcome = parse_choice(EvaluationOutcome, outcome, field="outcome", label="resultat")
        if row.next_evaluation_date is None:
            raise InvalidInput("Tiltaket er avsluttet og kan ikke evalueres igjen.", code="measure_ended")
        if next_evaluation_date is not None and next_evaluation_date <= work.now.date():
            raise InvalidInput("Neste evaluering må være fram i tid.", field="next_evaluation_date")
        work.session.add(
            m.EvaluationRow(
                id=new_id(),
                measure_id=measure_id,
                outcome=str(outcome),
                summary=check_text(summary, "evaluering"),
                evaluated_by=work.actor.id,
                evaluated_at=work.now,
                next_evaluation_date=next_evaluation_date,
            )
        )
        due, row.next_evaluation_date = row.next_evaluation_date, next_evaluation_date
        work.session.flush()
        work.log.write(
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
        )
        return mapping.measure(row, self._evaluations(measure_id))

    def list(self, case_id: str) -> list[Measure]:
        state = CaseState(self.work, case_id)
        family = self.work.actor.kind in (ActorKind.GUARDIAN, ActorKind.YOUTH)
        self.work.authorize(Action.READ_FAMILY_VIEW if family else Action.READ_CASE, case=state.facts())
        rows = self.work.session.scalars(
            select(m.MeasureRow).where(m.MeasureRow.case_id == case_id).order_by(m.MeasureRow.created_at)
        ).all()
        return [mapping.measure(r, self._evaluations(r.id)) for r in rows]

    def _evaluations(self, measure_id: str) -> list[m.EvaluationRow]:
        return list(
            self.work.session.scalars(
                select(m.EvaluationRow)
                .where(m.EvaluationRow.measure_id == measure_id)
                .order_by(m.EvaluationRow.evaluated_at, m.EvaluationRow.id)
            )
        )
