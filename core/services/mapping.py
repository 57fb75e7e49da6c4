"""Rows to contract structs: the only place that knows both shapes."""

from __future__ import annotations

import datetime as dt
from typing import TypedDict

from contracts import (
    Case,
    CaseStatus,
    Child,
    CloseReason,
    Concern,
    ConcernKind,
    Consent,
    ConsentGiver,
    Employee,
    Evaluation,
    EvaluationOutcome,
    Guardian,
    Handover,
    HandoverStatus,
    InformationArea,
    Level,
    LogEntry,
    LogEntryKind,
    Measure,
    MeasureStatus,
    Meeting,
    MeetingKind,
    MunicipalRole,
    Participant,
    ParticipantStatus,
    ParticipationBasis,
    PersonKind,
    PregnantPerson,
    ServiceType,
    Unit,
    UnitMembership,
    UnitRole,
)
from core.storage import models as m


def case(row: m.CaseRow) -> Case:
    return Case(
        id=row.id,
        municipality_id=row.municipality_id,
        subject_id=row.subject_id,
        owner_unit_id=row.owner_unit_id,
        level=Level(row.level),
        status=CaseStatus(row.status),
        opened_at=row.opened_at,
        relay_holder_id=row.relay_holder_id,
        closed_at=row.closed_at,
        close_reason=CloseReason(row.close_reason) if row.close_reason else None,
    )


def unit(row: m.UnitRow) -> Unit:
    return Unit(
        id=row.id,
        municipality_id=row.municipality_id,
        name=row.name,
        service_type=ServiceType(row.service_type),
        organization_number=row.organization_number,
        active=row.active,
    )


class _SubjectFields(TypedDict):
    id: str
    municipality_id: str
    given_name: str
    family_name: str
    national_id: str | None
    birth_date: dt.date


def _subject_fields(row: m.PersonRow) -> _SubjectFields:
    if row.birth_date is None:  # registering a child or a pregnant woman always sets it
        raise ValueError(f"person {row.id} is a case subject without a birth date")
    return _SubjectFields(
        id=row.id,
        municipality_id=row.municipality_id,
        given_name=row.given_name,
        family_name=row.family_name,
        national_id=row.national_id,
        birth_date=row.birth_date,
    )


def subject(row: m.PersonRow) -> Child | PregnantPerson:
    return pregnant(row) if row.kind == PersonKind.PREGNANT else child(row)


def child(row: m.PersonRow) -> Child:
    return Child(**_subject_fields(row))


def pregnant(row: m.PersonRow) -> PregnantPerson:
    if row.due_date is None:  # register_pregnant always sets it
        raise ValueError(f"person {row.id} is pregnant without a due date")
    return PregnantPerson(due_date=row.due_date, **_subject_fields(row))


def guardian(row: m.PersonRow) -> Guardian:
    return Guardian(
        id=row.id,
        municipality_id=row.municipality_id,
        given_name=row.given_name,
        family_name=row.family_name,
        national_id=row.national_id,
        email=row.email,
        phone=row.phone,
    )


def employee(
    row: m.PersonRow, memberships: list[m.UnitMembershipRow], roles: list[m.MunicipalRoleRow]
) -> Employee:
    return Employee(
        id=row.id,
        municipality_id=row.municipality_id,
        given_name=row.given_name,
        family_name=row.family_name,
        email=row.email,
        title=row.title,
        memberships=[UnitMembership(unit_id=r.unit_id, role=UnitRole(r.role)) for r in memberships],
        municipal_roles=[MunicipalRole(r.role) for r in roles],
    )


def concern(row: m.ConcernRow) -> Concern:
    return Concern(
        id=row.id,
        case_id=row.case_id,
        unit_id=row.unit_id,
        raised_by=row.raised_by,
        kind=ConcernKind(row.kind),
        observation=row.observation,
        observed_on=row.observed_on,
        recorded_at=row.recorded_at,
    )


def log_entry(row: m.LogEntryRow, corrected_by: str | None = None) -> LogEntry:
    return LogEntry(
        id=row.id,
        case_id=row.case_id,
        seq=row.seq,
        kind=LogEntryKind(row.kind),
        at=row.at,
        author_id=row.author_id,
        text=row.text,
        data=dict(row.data or {}),
        corrects=row.corrects,
        shared_with_family=row.shared_with_family,
        corrected_by=corrected_by,
    )


def consent(row: m.ConsentRow, givers: list[m.ConsentGiverRow], unit_ids: list[str]) -> Consent:
    return Consent(
        id=row.id,
        case_id=row.case_id,
        givers=[ConsentGiver(person_id=g.person_id, as_role=g.as_role, given_at=g.given_at) for g in givers],
        unit_ids=sorted(unit_ids),
        categories=list(row.categories),
        purpose=row.purpose,
        area=InformationArea(row.area),
        valid_from=row.valid_from,
        valid_to=row.valid_to,
        recorded_by=row.recorded_by,
        recorded_at=row.recorded_at,
        withdrawn_at=row.withdrawn_at,
        withdrawn_by=row.withdrawn_by,
    )


def participant(row: m.ParticipantRow, consented_units: frozenset[str] | set[str]) -> Participant:
    """``consented_units``: the units a consent in force covers now, which decides the status."""
    basis = ParticipationBasis(row.basis)
    lapsed = basis is ParticipationBasis.CONSENT and row.unit_id not in consented_units
    return Participant(
        case_id=row.case_id,
        unit_id=row.unit_id,
        basis=basis,
        added_at=row.added_at,
        added_by=row.added_by,
        status=ParticipantStatus.BASIS_LAPSED if lapsed else ParticipantStatus.ACTIVE,
    )


def measure(row: m.MeasureRow, evaluations: list[m.EvaluationRow]) -> Measure:
    return Measure(
        id=row.id,
        case_id=row.case_id,
        title=row.title,
        goal=row.goal,
        responsible_id=row.responsible_id,
        unit_id=row.unit_id,
        start_date=row.start_date,
        evaluation_date=row.evaluation_date,
        created_by=row.created_by,
        created_at=row.created_at,
        for_family=row.for_family,
        status=MeasureStatus(row.status),
        next_evaluation_date=row.next_evaluation_date,
        evaluations=[
            Evaluation(
                measure_id=e.measure_id,
                outcome=EvaluationOutcome(e.outcome),
                summary=e.summary,
                evaluated_by=e.evaluated_by,
                evaluated_at=e.evaluated_at,
                next_evaluation_date=e.next_evaluation_date,
            )
            for e in evaluations
        ],
    )


def handover(row: m.HandoverRow) -> Handover:
    return Handover(
        id=row.id,
        case_id=row.case_id,
        from_id=row.from_id,
        to_id=row.to_id,
        status=HandoverStatus(row.status),
        requested_at=row.requested_at,
        note=row.note,
        decided_at=row.decided_at,
    )


def meeting(row: m.MeetingRow, unit_ids: list[str]) -> Meeting:
    return Meeting(
        id=row.id,
        municipality_id=row.municipality_id,
        kind=MeetingKind(row.kind),
        starts_at=row.starts_at,
        case_id=row.case_id,
        arena_id=row.arena_id,
        unit_ids=sorted(unit_ids),
        summary=row.summary,
    )
