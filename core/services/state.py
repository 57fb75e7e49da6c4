"""Loads one case with what the policy and the rules need to judge it: participants, consents, meetings."""

from __future__ import annotations

from collections.abc import Sequence
from functools import cached_property
from typing import TYPE_CHECKING

from sqlalchemy import func, select

from contracts import (
    CaseSnapshot,
    Consent,
    HandoverStatus,
    Level,
    Meeting,
    Participant,
    ParticipantStatus,
    ParticipationBasis,
    PersonKind,
    ServiceType,
    UnitInfo,
)
from core.domain.consent import SubjectFacts, own_case_age
from core.domain.national_id import age_on
from core.domain.policy import CaseFacts
from core.errors import case_not_found
from core.services import mapping
from core.storage import models as m

if TYPE_CHECKING:
    from core.unit_of_work import UnitOfWork as Work


class CaseState:
    """One case as seen inside a unit of work. Load with ``lock=True`` before writing to it."""

    def __init__(self, work: Work, case_id: str, *, lock: bool = False) -> None:
        self.work = work
        stmt = select(m.CaseRow).where(m.CaseRow.id == case_id)
        row = work.session.scalar(stmt.with_for_update() if lock else stmt)
        if row is None:
            raise case_not_found(case_id)
        self.row = row

    @classmethod
    def many(cls, work: Work, rows: Sequence[m.CaseRow]) -> list[CaseState]:
        """Read-only states of many cases with what the policy needs loaded in a few queries in all,
        not a few per case (a list of cases asks the policy about each one)."""
        states = []
        for row in rows:
            state = cls.__new__(cls)
            state.work, state.row = work, row
            states.append(state)
        ids = [r.id for r in rows]
        subject_ids = list({r.subject_id for r in rows})
        work.session.scalars(select(m.PersonRow).where(m.PersonRow.id.in_(subject_ids))).all()  # identity map
        guardians = _group(
            work.session.execute(
                select(m.GuardianshipRow.child_id, m.GuardianshipRow.guardian_id)
                .where(m.GuardianshipRow.child_id.in_(subject_ids))
                .where(m.GuardianshipRow.parental_responsibility.is_(True))
                .order_by(m.GuardianshipRow.guardian_id)
            )
        )
        participants: dict[str, list[m.ParticipantRow]] = {}
        for p in work.session.scalars(
            select(m.ParticipantRow)
            .where(m.ParticipantRow.case_id.in_(ids), m.ParticipantRow.removed_at.is_(None))
            .order_by(m.ParticipantRow.added_at)
        ):
            participants.setdefault(p.case_id, []).append(p)
        consents = load_consents_of(work, ids)
        former = _group(work.session.execute(_former_units(ids)))
        offered = _group(work.session.execute(_offered_to(ids)))
        for state in states:
            state.__dict__["guardian_ids"] = tuple(guardians.get(state.row.subject_id, []))
            state.__dict__["participant_rows"] = participants.get(state.id, [])
            state.__dict__["consents"] = consents.get(state.id, [])
            state.__dict__["former_units"] = frozenset(former.get(state.id, []))
            state.__dict__["offered_to"] = frozenset(offered.get(state.id, []))
        return states

    @property
    def id(self) -> str:
        return self.row.id

    @cached_property
    def case(self):
        return mapping.case(self.row)

    @cached_property
    def subject(self) -> m.PersonRow:
        return self.work.session.get_one(m.PersonRow, self.row.subject_id)

    @cached_property
    def subject_age(self) -> int | None:
        birth = self.subject.birth_date
        return age_on(birth, self.work.now.date()) if birth else None

    @cached_property
    def guardian_ids(self) -> tuple[str, ...]:
        """Guardians with parental responsibility: the ones who consent and see the family view."""
        rows = self.work.session.scalars(
            select(m.GuardianshipRow.guardian_id)
            .where(m.GuardianshipRow.child_id == self.row.subject_id)
            .where(m.GuardianshipRow.parental_responsibility.is_(True))
            .order_by(m.GuardianshipRow.guardian_id)
        )
        return tuple(rows)

    def subject_facts(self) -> SubjectFacts:
        return SubjectFacts(
            id=self.subject.id,
            kind=PersonKind(self.subject.kind),
            age=self.subject_age,
            guardians_with_responsibility=self.guardian_ids,
        )

    @cached_property
    def participant_rows(self) -> list[m.ParticipantRow]:
        return list(
            self.work.session.scalars(
                select(m.ParticipantRow)
                .where(m.ParticipantRow.case_id == self.row.id)
                .where(m.ParticipantRow.removed_at.is_(None))
                .order_by(m.ParticipantRow.added_at)
            )
        )

    @cached_property
    def participants(self) -> list[Participant]:
        """The services taking part, each with its status: a consent-based one lapses with its consent."""
        consented = self.consented_units()
        return [mapping.participant(p, consented) for p in self.participant_rows]

    def consented_units(self) -> frozenset[str]:
        """The units a consent in force covers now."""
        return frozenset(u for c in self.consents_in_force() for u in c.unit_ids)

    def lapsed_unit_ids(self) -> list[str]:
        """Units taking part on consent that no consent in force covers: they have no access now."""
        return [p.unit_id for p in self.participants if p.status is ParticipantStatus.BASIS_LAPSED]

    def level_lacks_consent(self) -> bool:
        """At level 2–3 every service taking part on consent needs a consent in force (levels.py)."""
        return self.row.level >= Level.COLLABORATE_TWO and bool(self.lapsed_unit_ids())

    @cached_property
    def consents(self) -> list[Consent]:
        return load_consents(self.work, self.row.id)

    def consents_in_force(self) -> list[Consent]:
        return [c for c in self.consents if c.is_in_force(self.work.now)]

    @cached_property
    def meetings(self) -> list[Meeting]:
        rows = self.work.session.scalars(
            select(m.MeetingRow).where(m.MeetingRow.case_id == self.row.id).order_by(m.MeetingRow.starts_at)
        ).all()
        units = _group(
            self.work.session.execute(
                select(m.MeetingUnitRow.meeting_id, m.MeetingUnitRow.unit_id).where(
                    m.MeetingUnitRow.meeting_id.in_([r.id for r in rows])
                )
            )
        )
        return [mapping.meeting(r, units.get(r.id, [])) for r in rows]

    @cached_property
    def former_units(self) -> frozenset[str]:
        return frozenset(u for _, u in self.work.session.execute(_former_units([self.row.id])))

    @cached_property
    def offered_to(self) -> frozenset[str]:
        return frozenset(p for _, p in self.work.session.execute(_offered_to([self.row.id])))

    def family_ids(self) -> frozenset[str]:
        """Who sees the family's view: guardians with responsibility, and the subject when old enough."""
        ids = set(self.guardian_ids)
        age = self.subject_age
        if self.subject.kind == PersonKind.PREGNANT or (
            age is not None and age >= own_case_age(self.work.consent_ages)
        ):
            ids.add(self.subject.id)
        return frozenset(ids)

    def facts(self) -> CaseFacts:
        return CaseFacts(
            case_id=self.row.id,
            municipality_id=self.row.municipality_id,
            subject_id=self.row.subject_id,
            owner_unit_id=self.row.owner_unit_id,
            status=self.case.status,
            relay_holder_id=self.row.relay_holder_id,
            participants={p.unit_id: ParticipationBasis(p.basis) for p in self.participant_rows},
            consented_units=self.consented_units(),
            family_ids=self.family_ids(),
            former_units=self.former_units,
            offered_to=self.offered_to,
        )

    def refresh(self) -> None:
        """Forget cached relations after a write inside the same unit of work."""
        names = (
            "case",
            "participant_rows",
            "participants",
            "consents",
            "meetings",
            "former_units",
            "offered_to",
        )
        for name in names:
            self.__dict__.pop(name, None)

    def unit_info(self, unit_id: str) -> UnitInfo:
        unit = self.work.session.get_one(m.UnitRow, unit_id)
        return UnitInfo(id=unit.id, service_type=ServiceType(unit.service_type))

    def unit_names(self) -> dict[str, str]:
        ids = {self.row.owner_unit_id, *(p.unit_id for p in self.participant_rows)}
        rows = self.work.session.execute(select(m.UnitRow.id, m.UnitRow.name).where(m.UnitRow.id.in_(ids)))
        return {unit_id: name for unit_id, name in rows}

    def holder_unit_ids(self) -> list[str]:
        if self.row.relay_holder_id is None:
            return []
        return unit_ids_of(self.work, self.row.relay_holder_id)

    def snapshot(self) -> CaseSnapshot:
        """The case as a plugin may see it: structure and dates, no names and no free text."""
        today = self.work.now.date()
        open_measures, overdue = self.work.session.execute(
            select(
                func.count(m.MeasureRow.id),
                func.count(m.MeasureRow.id).filter(m.MeasureRow.next_evaluation_date < today),
            )
            .where(m.MeasureRow.case_id == self.row.id)
            .where(m.MeasureRow.next_evaluation_date.is_not(None))
        ).one()
        return CaseSnapshot(
            case=self.case,
            owner_unit=self.unit_info(self.row.owner_unit_id),
            participants=self.participants,
            participant_units=[self.unit_info(p.unit_id) for p in self.participants],
            consents_in_force=self.consents_in_force(),
            meetings=self.meetings,
            open_measures=open_measures,
            overdue_evaluations=overdue,
            subject_age_years=self.subject_age,
            holder_unit_ids=self.holder_unit_ids(),
        )


def unit_ids_of(work: Work, person_id: str) -> list[str]:
    return list(
        work.session.scalars(
            select(m.UnitMembershipRow.unit_id)
            .where(m.UnitMembershipRow.person_id == person_id)
            .order_by(m.UnitMembershipRow.unit_id)
        )
    )


def load_consents(work: Work, case_id: str) -> list[Consent]:
    return load_consents_of(work, [case_id]).get(case_id, [])


def load_consents_of(work: Work, case_ids: list[str]) -> dict[str, list[Consent]]:
    """The consents of each case, oldest first, in three queries whatever the number of cases."""
    rows = work.session.scalars(
        select(m.ConsentRow)
        .where(m.ConsentRow.case_id.in_(case_ids))
        .order_by(m.ConsentRow.recorded_at, m.ConsentRow.id)
    ).all()
    ids = [r.id for r in rows]
    givers: dict[str, list[m.ConsentGiverRow]] = {}
    for g in work.session.scalars(
        select(m.ConsentGiverRow)
        .where(m.ConsentGiverRow.consent_id.in_(ids))
        .order_by(m.ConsentGiverRow.person_id)
    ):
        givers.setdefault(g.consent_id, []).append(g)
    units = _group(
        work.session.execute(
            select(m.ConsentUnitRow.consent_id, m.ConsentUnitRow.unit_id).where(
                m.ConsentUnitRow.consent_id.in_(ids)
            )
        )
    )
    out: dict[str, list[Consent]] = {}
    for r in rows:
        out.setdefault(r.case_id, []).append(mapping.consent(r, givers.get(r.id, []), units.get(r.id, [])))
    return out


def _former_units(case_ids: list[str]):
    """(case id, unit id) of units that took part and were removed: they still know the case exists."""
    return select(m.ParticipantRow.case_id, m.ParticipantRow.unit_id).where(
        m.ParticipantRow.case_id.in_(case_ids), m.ParticipantRow.removed_at.is_not(None)
    )


def _offered_to(case_ids: list[str]):
    """(case id, person id) of employees offered the baton and not yet answering."""
    return select(m.HandoverRow.case_id, m.HandoverRow.to_id).where(
        m.HandoverRow.case_id.in_(case_ids), m.HandoverRow.status == HandoverStatus.PENDING
    )


def _group(pairs) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for key, value in pairs:
        out.setdefault(key, []).append(value)
    return out
