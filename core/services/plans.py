"""Nivå 3: the coordinator of a case, and the individuell plan inside it.

A case at nivå 3 can get a coordinator holding one of three roles (``contracts.CoordinatorRole``, each
explained in ``contracts.words.COORDINATOR_ROLES``): stafettholder (BTI), koordinator for individuell
plan (forskrift om individuell plan, 2022) or barnekoordinator (helse- og omsorgstjenesteloven § 7-2 a).
Changing the coordinator, or the role, is an entry in the same stafettlogg, so the history carries over.
The plan lives in the case: who takes part and the tiltak are the case's own; the plan adds the goals in
the child's and family's own words (the family may write them), the revision date, the consent the
plan rests on (asked for when the plan is made) and the sections of the municipality's template
(``contracts.PlanTemplate``, from the hook ``plan_templates``: the roles it uses, the consent's text
and length, the default revision, extra sections such as a kriseplan). The family reads the plan and
comments on it.
"""

from __future__ import annotations

import calendar
import datetime as dt
from typing import TYPE_CHECKING

from sqlalchemy import select

from contracts import (
    CoordinatorRole,
    IndividualPlan,
    Level,
    LogEntryKind,
    PersonKind,
    PlanSectionText,
    Refusal,
    words,
)
from core.domain.policy import Action, ActorKind, employee_basis
from core.errors import InvalidInput, NotFound, RuleRefused
from core.i18n import N_, _
from core.services import mapping
from core.services.consents import ConsentService
from core.services.inputs import check_text, parse_choice
from core.services.measures import MeasureService
from core.services.people import actor_for
from core.services.relaylog import RelayLogService
from core.services.state import CaseState
from core.storage import models as m
from core.storage.archive_models import IndividualPlanRow

if TYPE_CHECKING:
    from core.unit_of_work import UnitOfWork as Work


def _family(work: Work) -> bool:
    return work.actor.kind in (ActorKind.GUARDIAN, ActorKind.YOUTH)


class PlanService:
    def __init__(self, work: Work) -> None:
        self.work = work
        self.log = RelayLogService(work)

    def assign_coordinator(self, case_id: str, person_id: str, role: object) -> IndividualPlan:
        """Give the case (at nivå 3) its coordinator, or hand the role over; the log keeps the history."""
        work = self.work
        coordinator_role = parse_choice(CoordinatorRole, role, field="role", label=N_("koordinatorrolle"))
        if coordinator_role not in work.plugins.plan_template.coordinator_roles:
            raise InvalidInput(_("Kommunen bruker ikke denne koordinatorrollen."), field="role")
        state = CaseState(work, case_id, lock=True)
        work.authorize(Action.MANAGE_RELAY_HOLDER, case=state.facts())
        if state.row.level != Level.COLLABORATE_MANY:
            raise RuleRefused(
                [
                    Refusal(
                        code="coordinator_level_3",
                        message=_("En koordinator oppnevnes når saken er på nivå 3."),
                    )
                ]
            )
        person = work.session.get(m.PersonRow, person_id)
        if (
            person is None
            or person.kind != PersonKind.EMPLOYEE
            or employee_basis(actor_for(work.session, person_id), state.facts()) is None
        ):
            raise InvalidInput(
                _("Koordinatoren må være en ansatt som har tilgang til saken."), field="person_id"
            )
        row = work.session.get(IndividualPlanRow, case_id)
        previous = (row.coordinator_id, row.coordinator_role) if row else (None, None)
        if row is None:
            row = IndividualPlanRow(case_id=case_id, goals="", created_at=work.now)
            work.session.add(row)
        row.coordinator_id, row.coordinator_role = person.id, str(coordinator_role)
        if coordinator_role is CoordinatorRole.RELAY_HOLDER:
            state.row.relay_holder_id = person.id
        work.session.flush()
        title = words.COORDINATOR_ROLES[str(coordinator_role)][0]
        self.log.write(
            state,
            LogEntryKind.COORDINATOR_ASSIGNED,
            text=f"{title}: {person.given_name} {person.family_name}",
            data={
                "from_id": previous[0],
                "from_role": previous[1],
                "to_id": person.id,
                "role": str(coordinator_role),
            },
        )
        return self.plan(case_id)

    def make_plan(
        self,
        case_id: str,
        *,
        goals: str,
        revision_date: dt.date | None = None,
        sections: dict[str, str] | None = None,
    ) -> IndividualPlan:
        """Make the individuell plan from the municipality's template; the guardians (or the youth) are
        asked to consent to it. Without a revision date, the template's default applies."""
        work = self.work
        template = work.plugins.plan_template
        state = CaseState(work, case_id, lock=True)
        work.authorize(Action.WRITE_CASE, case=state.facts())
        row = work.session.get(IndividualPlanRow, case_id)
        if row is None:
            raise RuleRefused(
                [Refusal(code="plan_needs_coordinator", message=_("Oppnevn en koordinator først."))]
            )
        today = work.now.date()
        revision_date = revision_date or suggested_revision(today, template.revision_months)
        if revision_date <= today:
            raise InvalidInput(_("Revisjonsdatoen må være fram i tid."), field="revision_date")
        texts = self._sections(sections or {})
        units = sorted(p.unit_id for p in state.participants)
        consent = ConsentService(work).request(
            case_id,
            unit_ids=units,
            categories=list(template.consent_categories),
            purpose=template.consent_purpose,
            area="general",
            valid_from=today,
            valid_to=today + dt.timedelta(days=template.consent_days),
        )
        row.goals, row.revision_date, row.consent_id = (
            check_text(goals, N_("mål"), required=False),
            revision_date,
            consent.id,
        )
        row.template_id, row.sections = template.id, texts
        work.session.flush()
        state.refresh()
        self.log.write(
            state,
            LogEntryKind.PLAN_UPDATED,
            text=row.goals,
            data={"revision_date": revision_date.isoformat(), "consent_id": consent.id},
        )
        return self.plan(case_id)

    def set_section(self, case_id: str, section_id: str, text: str) -> IndividualPlan:
        """What the plan says under one of the template's sections; a service in the case writes it."""
        work = self.work
        state = CaseState(work, case_id, lock=True)
        work.authorize(Action.WRITE_CASE, case=state.facts())
        row = self._row(case_id)
        row.sections = {**(row.sections or {}), **self._sections({section_id: text})}
        work.session.flush()
        title = next(s.title for s in work.plugins.plan_template.sections if s.id == section_id)
        self.log.write(state, LogEntryKind.PLAN_UPDATED, text=f"{title}: {row.sections[section_id]}",
                       data={"section": section_id})  # fmt: skip
        return self.plan(case_id)

    def _sections(self, texts: dict[str, str]) -> dict[str, str]:
        known = {s.id: s for s in self.work.plugins.plan_template.sections}
        out = {}
        for section_id, text in texts.items():
            section = known.get(section_id)
            if section is None:
                raise InvalidInput(
                    _("Planen har ingen del som heter «{section_id}».").format(section_id=section_id),
                    field=section_id,
                )
            out[section_id] = check_text(text, section.title.lower(), required=False)
        return out

    def set_goals(self, case_id: str, goals: str) -> IndividualPlan:
        """The goals in the child's and family's own words: the family writes them, or a service with them."""
        work = self.work
        state = CaseState(work, case_id, lock=True)
        work.authorize(Action.WRITE_FAMILY if _family(work) else Action.WRITE_CASE, case=state.facts())
        row = self._row(case_id)
        row.goals = check_text(goals, N_("mål"))
        work.session.flush()
        self.log.write(state, LogEntryKind.PLAN_UPDATED, text=row.goals, data={"goals": True})
        return self.plan(case_id)

    def comment(self, case_id: str, text: str) -> IndividualPlan:
        """The family's comment on the plan, in the log."""
        work = self.work
        state = CaseState(work, case_id, lock=True)
        work.authorize(Action.WRITE_FAMILY, case=state.facts())
        self._row(case_id)
        self.log.write(
            state, LogEntryKind.FAMILY_COMMENT, text=check_text(text, N_("kommentar")), data={"plan": True}
        )
        return self.plan(case_id)

    def plan(self, case_id: str) -> IndividualPlan:
        """The plan, for the services in the case and for the family (Min side)."""
        work = self.work
        state = CaseState(work, case_id)
        work.authorize(Action.READ_FAMILY_VIEW if _family(work) else Action.READ_CASE, case=state.facts())
        row = self._row(case_id)
        template = work.plugins.plan_template
        in_force = any(c.id == row.consent_id for c in state.consents_in_force())
        comments = work.session.scalars(
            select(m.LogEntryRow)
            .where(m.LogEntryRow.case_id == case_id, m.LogEntryRow.kind == LogEntryKind.FAMILY_COMMENT)
            .order_by(m.LogEntryRow.seq)
        ).all()
        return IndividualPlan(
            case_id=case_id,
            coordinator_id=row.coordinator_id,
            coordinator_role=CoordinatorRole(row.coordinator_role),
            goals=row.goals,
            revision_date=row.revision_date,
            consent_id=row.consent_id,
            consent_in_force=in_force,
            participants=state.participants,
            measures=MeasureService(work).list(case_id),
            comments=[mapping.log_entry(c, None) for c in comments if (c.data or {}).get("plan")],
            title=template.title,
            sections=[
                PlanSectionText(id=s.id, title=s.title, text=(row.sections or {}).get(s.id, ""))
                for s in template.sections
            ],
        )

    def _row(self, case_id: str) -> IndividualPlanRow:
        row = self.work.session.get(IndividualPlanRow, case_id)
        if row is None:
            raise NotFound(_("Saken har ingen koordinator eller individuell plan."), code="no_plan")
        return row


def suggested_revision(today: dt.date, months: int) -> dt.date:
    """``months`` months from ``today`` (the month's last day where the day does not exist in it)."""
    year, month = divmod(today.month - 1 + months, 12)
    year, month = today.year + year, month + 1
    return dt.date(year, month, min(today.day, calendar.monthrange(year, month)[1]))
