"""Reminders that are due in a municipality: a case without the stafettholder its level requires, a case
at level 2–3 whose services on consent are no longer all covered by a consent in force, and an active
measure whose evaluation date has passed. Each is one SQL scan over the municipality's open cases.

Which levels require a stafettholder is the plugins' word (``relay_holder_rules`` with
``required=True``) plus core's own level 3, so a municipality whose rules change sees the open cases
that no longer meet them. Listing is a read of case data: a system job or a BTI coordinator may do
it, through the policy, and it leaves one audit event. A reminder carries ids, levels and dates, never
a name or free text. This lists what is due for a coordinator or the CLI; telling the people in
question is the varsler's (``core.notify.scans``, run by ``stafett worker``: docs/notifications.md);
``recipient_id`` says who should act, and the same facts are on that person's Mine saker and case page.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Any

import msgspec
from sqlalchemy import Select, or_, select

from contracts import CaseStatus, Level, MeasureStatus, ParticipationBasis
from contracts.words import LEVEL_NAMES
from core.domain.policy import Action
from core.i18n import _, ngettext
from core.services.base import Service
from core.storage import models as m


class ReminderKind(StrEnum):
    RELAY_HOLDER_MISSING = "relay_holder_missing"
    EVALUATION_OVERDUE = "evaluation_overdue"
    CONSENT_MISSING = "consent_missing"  # the level needs a consent in force for services that have none


class Reminder(msgspec.Struct, kw_only=True, frozen=True):
    """One thing someone should do; ``message`` is what they read (bokmål)."""

    kind: ReminderKind
    case_id: str
    level: Level
    owner_unit_id: str
    message: str
    recipient_id: str | None = (
        None  # who should act: the stafettholder or the responsible; None: the owner unit
    )
    relay_holder_id: str | None = None
    measure_id: str | None = None
    responsible_id: str | None = None  # who is responsible for the measure
    due: dt.date | None = None
    days_overdue: int = 0
    unit_ids: list[str] = []  # consent_missing: the services on consent without a consent in force


class ReminderService(Service):
    def due(self) -> list[Reminder]:
        """Every reminder due today in the actor's municipality, cases without a holder first."""
        work = self.work
        work.authorize(Action.READ_REMINDERS)
        return self._missing_holders() + self._missing_consents() + self._overdue_evaluations()

    def required_levels(self) -> set[Level]:
        return {Level.COLLABORATE_MANY, *self.work.plugins.required_holder_levels()}

    def _open_cases(self, *columns: Any) -> Select[Any]:
        """The municipality's open cases: id, level, owner unit and stafettholder, then ``columns``."""
        return (
            select(
                m.CaseRow.id, m.CaseRow.level, m.CaseRow.owner_unit_id, m.CaseRow.relay_holder_id, *columns
            )
            .where(m.CaseRow.municipality_id == self.work.municipality_id)
            .where(m.CaseRow.status == CaseStatus.OPEN)
        )

    def _missing_holders(self) -> list[Reminder]:
        rows = self.work.session.execute(
            self._open_cases()
            .where(m.CaseRow.relay_holder_id.is_(None))
            .where(m.CaseRow.level.in_(sorted(int(level) for level in self.required_levels())))
            .order_by(m.CaseRow.level.desc(), m.CaseRow.opened_at, m.CaseRow.id)
        )
        return [
            _reminder(
                ReminderKind.RELAY_HOLDER_MISSING,
                case_id,
                level,
                unit_id,
                _("Saken er på {level} og skal ha stafettholder, men har ingen.").format(
                    level=_(LEVEL_NAMES[Level(level)])
                ),
            )
            for case_id, level, unit_id, _holder in rows
        ]

    def _missing_consents(self) -> list[Reminder]:
        """Open cases at level 2–3 with a service on consent that no consent in force covers now."""
        work, now = self.work, self.work.now
        today = now.date()
        unsigned = select(m.ConsentGiverRow.consent_id).where(
            m.ConsentGiverRow.consent_id == m.ConsentRow.id,
            or_(m.ConsentGiverRow.given_at.is_(None), m.ConsentGiverRow.given_at > now),
        )
        covered = (
            select(m.ConsentUnitRow.unit_id)
            .join(m.ConsentRow, m.ConsentRow.id == m.ConsentUnitRow.consent_id)
            .where(m.ConsentRow.case_id == m.ParticipantRow.case_id)
            .where(m.ConsentUnitRow.unit_id == m.ParticipantRow.unit_id)
            .where(or_(m.ConsentRow.withdrawn_at.is_(None), m.ConsentRow.withdrawn_at > now))
            .where(m.ConsentRow.valid_from <= today, m.ConsentRow.valid_to >= today)
            .where(~unsigned.exists())
        )
        rows = work.session.execute(
            self._open_cases(m.ParticipantRow.unit_id)
            .join(m.ParticipantRow, m.ParticipantRow.case_id == m.CaseRow.id)
            .where(m.CaseRow.level >= int(Level.COLLABORATE_TWO))
            .where(m.ParticipantRow.removed_at.is_(None))
            .where(m.ParticipantRow.basis == ParticipationBasis.CONSENT)
            .where(~covered.exists())
            .order_by(m.CaseRow.level.desc(), m.CaseRow.opened_at, m.CaseRow.id, m.ParticipantRow.unit_id)
        )
        cases: dict[str, tuple[int, str, str | None, list[str]]] = {}
        for case_id, level, unit_id, holder_id, lapsed in rows:
            cases.setdefault(case_id, (level, unit_id, holder_id, []))[3].append(lapsed)
        holder_units: dict[str, set[str]] = {}
        for person_id, unit_id in work.session.execute(
            select(m.UnitMembershipRow.person_id, m.UnitMembershipRow.unit_id).where(
                m.UnitMembershipRow.person_id.in_({c[2] for c in cases.values() if c[2]})
            )
        ):
            holder_units.setdefault(person_id, set()).add(unit_id)

        def recipient(holder_id: str | None, lapsed: list[str]) -> str | None:
            """The stafettholder, unless the withdrawal took their own access (all their units lapsed):
            then the owning unit (None) acts."""
            units = holder_units.get(holder_id or "", set())
            return None if holder_id is None or (units and units <= set(lapsed)) else holder_id

        return [
            _reminder(
                ReminderKind.CONSENT_MISSING,
                case_id,
                level,
                unit_id,
                ngettext(
                    "Saken er på {level}, men samtykket nivået krever, gjelder ikke lenger for {num} "
                    "tjeneste som deltar: be om nytt samtykke, ta tjenesten ut av saken eller flytt "
                    "saken ned.",
                    "Saken er på {level}, men samtykket nivået krever, gjelder ikke lenger for {num} "
                    "tjenester som deltar: be om nytt samtykke, ta tjenesten ut av saken eller flytt "
                    "saken ned.",
                    len(lapsed),
                ).format(level=_(LEVEL_NAMES[Level(level)]), num=len(lapsed)),
                recipient_id=recipient(holder_id, lapsed),
                relay_holder_id=holder_id,
                unit_ids=lapsed,
            )
            for case_id, (level, unit_id, holder_id, lapsed) in cases.items()
        ]

    def _overdue_evaluations(self) -> list[Reminder]:
        today = self.work.now.date()
        rows = self.work.session.execute(
            self._open_cases(m.MeasureRow.id, m.MeasureRow.responsible_id, m.MeasureRow.next_evaluation_date)
            .join(m.MeasureRow, m.MeasureRow.case_id == m.CaseRow.id)
            .where(m.MeasureRow.status == MeasureStatus.ACTIVE)
            .where(m.MeasureRow.next_evaluation_date < today)
            .order_by(m.MeasureRow.next_evaluation_date, m.MeasureRow.id)
        )
        out = []
        for case_id, level, unit_id, holder_id, measure_id, responsible_id, due in rows:
            assert due is not None  # the query's "< today" leaves out measures without a date
            days = (today - due).days
            out.append(
                _reminder(
                    ReminderKind.EVALUATION_OVERDUE,
                    case_id,
                    level,
                    unit_id,
                    ngettext(
                        "Tiltaket skulle vært evaluert {due} ({num} dag siden).",
                        "Tiltaket skulle vært evaluert {due} ({num} dager siden).",
                        days,
                    ).format(due=due.strftime("%d.%m.%Y"), num=days),
                    recipient_id=responsible_id,
                    relay_holder_id=holder_id,
                    measure_id=measure_id,
                    responsible_id=responsible_id,
                    due=due,
                    days_overdue=days,
                )
            )
        return out


def _reminder(
    kind: ReminderKind, case_id: str, level: int, unit_id: str, message: str, **more: Any
) -> Reminder:
    """A reminder about an open case at ``level`` owned by ``unit_id``; ``more`` says whom and what about."""
    return Reminder(
        kind=kind, case_id=case_id, level=Level(level), owner_unit_id=unit_id, message=message, **more
    )
