"""Loads one case with what the policy and the rules need to judge it: participants, consents, meetings."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property
from types import SimpleNamespace
from typing import TYPE_CHECKING, Any, cast

from sqlalchemy import BindParameter, Date, bindparam, func, literal_column, select, union_all

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
from core.services.readable import consent_in_force
from core.services.transfer_scope import employee_units, hidden_from
from core.storage import models as m
from core.storage.base import UTCDateTime
from core.storage.queries import rows_in

if TYPE_CHECKING:
    from core.unit_of_work import UnitOfWork as Work


class _Plain(SimpleNamespace):
    """A row's columns as attributes, read-only by convention: what a read needs of a case or person."""

    def __init__(self, values: dict[str, Any]) -> None:
        super().__init__(**values)


def stand_in(values: dict[str, Any]) -> Any:
    """A row's columns as a stand-in for its ORM row, for what only reads it (``CaseState.many``)."""
    return _Plain(values)


# Built once, for a page of cases: a list runs them on every request.
_SUBJECTS = select(m.PersonRow).where(m.PersonRow.id.in_(bindparam("ids", expanding=True)))
_PARTICIPANTS = (
    select(m.ParticipantRow)
    .where(
        m.ParticipantRow.case_id.in_(bindparam("ids", expanding=True)), m.ParticipantRow.removed_at.is_(None)
    )
    .order_by(m.ParticipantRow.added_at)
)
_CASE_COLUMNS = [c.name for c in m.CaseRow.__table__.c]
_PERSON_COLUMNS = [c.name for c in m.PersonRow.__table__.c]
_READ_CASE = (
    select(
        *(c.label(f"case_{c.name}") for c in m.CaseRow.__table__.c),
        *(c.label(f"subject_{c.name}") for c in m.PersonRow.__table__.c),
    )
    .join_from(m.CaseRow, m.PersonRow, m.PersonRow.id == m.CaseRow.subject_id)
    .where(m.CaseRow.id == bindparam("case_id"))
)


@dataclass(frozen=True)
class Relations:
    """A case's relations that the policy judges by (``CaseFacts``)."""

    participants: dict[str, ParticipationBasis]  # current participants: unit id -> basis
    consented_units: frozenset[str]  # units a consent in force covers now
    former_units: frozenset[str]
    offered_to: frozenset[str]
    guardian_ids: tuple[str, ...]  # of the subject, with parental responsibility


class CaseState:
    """One case as seen inside a unit of work. Load with ``lock=True`` before writing to it."""

    @classmethod
    def read(cls, work: Work, case_id: str) -> CaseState:
        """The case for reading: in a read-only work loaded once however many services read it (a case
        page reads it for the record, the guide and the reports); elsewhere loaded afresh."""
        if not work.read_only:
            return cls(work, case_id)
        key = (cls, case_id)
        state = work.loaded.get(key)
        if state is None:
            state = work.loaded[key] = cls(work, case_id)
        return state

    def __init__(self, work: Work, case_id: str, *, lock: bool = False) -> None:
        self.work = work
        if work.read_only and not lock:  # a read: plain rows, no ORM identity or change tracking
            found = work.session.connection().execute(_READ_CASE, {"case_id": case_id}).first()
            if found is None:
                raise case_not_found(case_id)
            values = found._mapping
            # stand-ins with the rows' attributes: a read only reads them
            self.row = cast(m.CaseRow, _Plain({c: values[f"case_{c}"] for c in _CASE_COLUMNS}))
            self.__dict__["subject"] = _Plain({c: values[f"subject_{c}"] for c in _PERSON_COLUMNS})
            return
        stmt = select(m.CaseRow, m.PersonRow).join(m.PersonRow, m.PersonRow.id == m.CaseRow.subject_id)
        found = work.session.execute(
            stmt.where(m.CaseRow.id == case_id).with_for_update(of=m.CaseRow)
            if lock
            else stmt.where(m.CaseRow.id == case_id)
        ).first()
        if found is None:
            raise case_not_found(case_id)
        self.row, self.__dict__["subject"] = found

    @classmethod
    def many(
        cls,
        work: Work,
        rows: Sequence[m.CaseRow],
        *,
        subjects: Mapping[str, m.PersonRow] | None = None,
        participants: bool = False,
    ) -> list[CaseState]:
        """Read-only states of many cases with what the policy needs loaded in two queries in all, not
        a few per case (a list asks the policy about each one). ``rows`` and ``subjects`` (by id,
        loaded here unless given): ORM rows or ``stand_in``s. ``participants``: also the services
        taking part and the consents (a worklist shows their status)."""
        states = []
        for row in rows:
            state = cls.__new__(cls)
            state.work, state.row = work, row
            states.append(state)
        ids = [r.id for r in rows]
        subject_ids = list({r.subject_id for r in rows})
        if subjects is None:
            subjects = {p.id: p for p in work.session.scalars(_SUBJECTS, {"ids": subject_ids})}
        relations = _load_relations(work, ids, subject_ids)
        rows_of: dict[str, list[m.ParticipantRow]] = {}
        consents: dict[str, list[Consent]] = {}
        if participants:
            for p in work.session.scalars(_PARTICIPANTS, {"ids": ids}):
                rows_of.setdefault(p.case_id, []).append(p)
            consents = load_consents_of(work, ids)
        for state in states:
            state.__dict__["subject"] = subjects[state.row.subject_id]
            state._keep_relations(relations.get(state.id, {}), relations.get(state.row.subject_id, {}))
            if participants:
                state.__dict__["participant_rows"] = rows_of.get(state.id, [])
                state.__dict__["consents"] = consents.get(state.id, [])
        return states

    def _keep_relations(self, of_case: dict[str, list[tuple[str, str]]], of_subject: dict) -> None:
        """Cache what ``_load_relations`` found for this case and its subject."""
        self.__dict__["relations"] = Relations(
            participants={k: ParticipationBasis(v) for k, v in of_case.get("participant", [])},
            consented_units=frozenset(k for k, _ in of_case.get("consented", [])),
            former_units=frozenset(k for k, _ in of_case.get("former", [])),
            offered_to=frozenset(k for k, _ in of_case.get("offered", [])),
            guardian_ids=tuple(sorted(k for k, _ in of_subject.get("guardian", []))),
        )

    @property
    def relations(self) -> Relations:
        """Participants, consented units, former units, pending hand-overs, guardians: one query."""
        if "relations" not in self.__dict__:
            found = _load_relations(self.work, [self.id], [self.row.subject_id])
            self._keep_relations(found.get(self.id, {}), found.get(self.row.subject_id, {}))
        return self.__dict__["relations"]

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

    @property
    def guardian_ids(self) -> tuple[str, ...]:
        """Guardians with parental responsibility: the ones who consent and see the family view."""
        return self.relations.guardian_ids

    def subject_facts(self) -> SubjectFacts:
        return SubjectFacts(
            id=self.subject.id,
            kind=PersonKind(self.subject.kind),
            age=self.subject_age,
            guardians_with_responsibility=self.guardian_ids,
        )

    @cached_property
    def participant_rows(self) -> list[m.ParticipantRow]:
        return list(self.work.session.scalars(_PARTICIPANTS, {"ids": [self.row.id]}))

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
        """The case's meetings; a transfer of chosen entries keeps those held before it from the receiver."""
        session = self.work.session
        stmt = select(m.MeetingRow).where(m.MeetingRow.case_id == self.row.id)
        if mine := employee_units(self.work):
            stmt = stmt.where(~hidden_from(mine, m.MeetingRow.case_id, created=m.MeetingRow.starts_at))
        rows = session.scalars(stmt.order_by(m.MeetingRow.starts_at)).all()
        invited = session.scalars(rows_in(m.MeetingUnitRow, "meeting_id"), {"values": [r.id for r in rows]})
        units = _group((i.meeting_id, i.unit_id) for i in invited)
        return [mapping.meeting(r, units.get(r.id, [])) for r in rows]

    @property
    def former_units(self) -> frozenset[str]:
        return self.relations.former_units

    @property
    def offered_to(self) -> frozenset[str]:
        return self.relations.offered_to

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
        """What the policy needs (it asks on every request): the case row and ``relations``."""
        relations = self.relations
        return CaseFacts(
            case_id=self.row.id,
            municipality_id=self.row.municipality_id,
            subject_id=self.row.subject_id,
            owner_unit_id=self.row.owner_unit_id,
            status=self.case.status,
            relay_holder_id=self.row.relay_holder_id,
            participants=relations.participants,
            consented_units=relations.consented_units,
            family_ids=self.family_ids(),
            former_units=relations.former_units,
            offered_to=relations.offered_to,
        )

    def refresh(self) -> None:
        """Forget cached relations after a write inside the same unit of work."""
        names = ("case", "relations", "participant_rows", "participants", "consents", "meetings")
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
    session = work.session
    consents = rows_in(m.ConsentRow, "case_id", "recorded_at", "id")
    rows = session.scalars(consents, {"values": case_ids}).all()
    ids = {"values": [r.id for r in rows]}
    givers: dict[str, list[m.ConsentGiverRow]] = {}
    for g in session.scalars(rows_in(m.ConsentGiverRow, "consent_id", "person_id"), ids):
        givers.setdefault(g.consent_id, []).append(g)
    units = _group(
        (u.consent_id, u.unit_id) for u in session.scalars(rows_in(m.ConsentUnitRow, "consent_id"), ids)
    )
    out: dict[str, list[Consent]] = {}
    for r in rows:
        out.setdefault(r.case_id, []).append(mapping.consent(r, givers.get(r.id, []), units.get(r.id, [])))
    return out


def _tagged(owner, tag: str, key, value=None):
    return select(
        owner.label("owner"),
        literal_column(f"'{tag}'").label("tag"),
        key.label("key"),
        (value if value is not None else literal_column("''")).label("value"),
    )


def _relations_query():
    """Built once: the policy asks on every request, and building the statement costs more than
    running it. Bound: ``case_ids``, ``subject_ids`` (lists), ``now``, ``today``."""
    p, h, g = m.ParticipantRow, m.HandoverRow, m.GuardianshipRow
    cases: BindParameter[list[str]] = bindparam("case_ids", expanding=True)
    now, today = bindparam("now", type_=UTCDateTime()), bindparam("today", type_=Date())
    return union_all(
        _tagged(p.case_id, "participant", p.unit_id, p.basis).where(
            p.case_id.in_(cases), p.removed_at.is_(None)
        ),
        _tagged(p.case_id, "former", p.unit_id).where(p.case_id.in_(cases), p.removed_at.is_not(None)),
        _tagged(h.case_id, "offered", h.to_id).where(
            h.case_id.in_(cases), h.status == HandoverStatus.PENDING
        ),
        _tagged(m.ConsentRow.case_id, "consented", m.ConsentUnitRow.unit_id)
        .join(m.ConsentRow, m.ConsentRow.id == m.ConsentUnitRow.consent_id)
        .where(m.ConsentRow.case_id.in_(cases), consent_in_force(now, today)),
        _tagged(g.child_id, "guardian", g.guardian_id).where(
            g.child_id.in_(bindparam("subject_ids", expanding=True)), g.parental_responsibility.is_(True)
        ),
    )


_RELATIONS = _relations_query()


def _load_relations(work: Work, case_ids: list[str], subject_ids: list[str]):
    """{case or subject id: {tag: [(key, value)]}} of every relation ``CaseFacts`` names, for many
    cases in one round trip: participants, former units, pending hand-overs, consented units (by case)
    and guardians with parental responsibility (by subject)."""
    params = {"case_ids": case_ids, "subject_ids": subject_ids, "now": work.now, "today": work.now.date()}
    found = work.execute(_RELATIONS, params)
    out: dict[str, dict[str, list[tuple[str, str]]]] = {}
    for owner, tag, key, value in found:
        out.setdefault(owner, {}).setdefault(tag, []).append((key, value))
    return out


def _group(pairs) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for key, value in pairs:
        out.setdefault(key, []).append(value)
    return out
