"""Reminders that are due in a municipality: a case without the stafettholder its level requires, and a
measure whose evaluation date has passed.

Which levels require a stafettholder is the plugins' word (``relay_holder_rules`` with
``required=True``) plus core's own level 3, so a municipality whose rules change sees the open cases
that no longer meet them. Listing is a read of case data: a system job or a BTI coordinator may do
it, through the policy, and it leaves one audit event. A reminder carries ids, levels and dates, never
a name or free text. This computes what is due; delivering it (e-mail, the holder's task list) is for
case events and notification adapters, which are not built yet.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import TYPE_CHECKING

import msgspec
from sqlalchemy import select

from contracts import CaseStatus, Level
from contracts.words import LEVEL_NAMES
from core.domain.policy import Action
from core.storage import models as m

if TYPE_CHECKING:
    from core.platform import Work


class ReminderKind(StrEnum):
    RELAY_HOLDER_MISSING = "relay_holder_missing"
    EVALUATION_OVERDUE = "evaluation_overdue"


class Reminder(msgspec.Struct, kw_only=True, frozen=True):
    """One thing someone should do; ``message`` is what they read (bokmål)."""

    kind: ReminderKind
    case_id: str
    level: Level
    owner_unit_id: str
    message: str
    relay_holder_id: str | None = None
    measure_id: str | None = None
    responsible_id: str | None = None  # who is responsible for the measure
    due: dt.date | None = None
    days_overdue: int = 0


class ReminderService:
    def __init__(self, work: Work) -> None:
        self.work = work

    def due(self) -> list[Reminder]:
        """Every reminder due today in the actor's municipality, cases without a holder first."""
        work = self.work
        work.authorize(Action.READ_REMINDERS)
        return self._missing_holders() + self._overdue_evaluations()

    def required_levels(self) -> set[Level]:
        return {Level.COLLABORATE_MANY, *self.work.plugins.required_holder_levels()}

    def _missing_holders(self) -> list[Reminder]:
        rows = self.work.session.execute(
            select(m.CaseRow.id, m.CaseRow.level, m.CaseRow.owner_unit_id)
            .where(m.CaseRow.municipality_id == self.work.municipality_id)
            .where(m.CaseRow.status == CaseStatus.OPEN)
            .where(m.CaseRow.relay_holder_id.is_(None))
            .where(m.CaseRow.level.in_(sorted(int(level) for level in self.required_levels())))
            .order_by(m.CaseRow.level.desc(), m.CaseRow.opened_at, m.CaseRow.id)
        )
        return [
            Reminder(
                kind=ReminderKind.RELAY_HOLDER_MISSING,
                case_id=case_id,
                level=Level(level),
                owner_unit_id=unit_id,
                message=f"Saken er på {LEVEL_NAMES[Level(level)]} og skal ha stafettholder, men har ingen.",
            )
            for case_id, level, unit_id in rows
        ]

    def _overdue_evaluations(self) -> list[Reminder]:
        today = self.work.now.date()
        rows = self.work.session.execute(
            select(
                m.MeasureRow.id,
                m.MeasureRow.responsible_id,
                m.MeasureRow.next_evaluation_date,
                m.CaseRow.id,
                m.CaseRow.level,
                m.CaseRow.owner_unit_id,
                m.CaseRow.relay_holder_id,
            )
            .join(m.CaseRow, m.CaseRow.id == m.MeasureRow.case_id)
            .where(m.CaseRow.municipality_id == self.work.municipality_id)
            .where(m.CaseRow.status == CaseStatus.OPEN)
            .where(m.MeasureRow.next_evaluation_date < today)
            .order_by(m.MeasureRow.next_evaluation_date, m.MeasureRow.id)
        )
        out = []
        for measure_id, responsible_id, due, case_id, level, unit_id, holder_id in rows:
            assert due is not None  # the query's "< today" leaves out measures without a date
            days = (today - due).days
            out.append(
                Reminder(
                    kind=ReminderKind.EVALUATION_OVERDUE,
                    case_id=case_id,
                    level=Level(level),
                    owner_unit_id=unit_id,
                    relay_holder_id=holder_id,
                    measure_id=measure_id,
                    responsible_id=responsible_id,
                    due=due,
                    days_overdue=days,
                    message=f"Tiltaket skulle vært evaluert {due.strftime('%d.%m.%Y')} "
                    f"({days} {'dag' if days == 1 else 'dager'} siden).",
                )
            )
        return out
