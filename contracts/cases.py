"""The case and everything that happens in it: concerns, measures, consent, the stafettlogg."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Annotated, Any, Literal

import msgspec

from .base import Contract, Id, MunicipalityNumber, ShortText, Text
from .enums import (
    CaseStatus,
    CloseReason,
    ConcernKind,
    EvaluationOutcome,
    HandoverStatus,
    InformationArea,
    Level,
    LogEntryKind,
    MeasureStatus,
    MeetingKind,
    ParticipantStatus,
    ParticipationBasis,
    ServiceType,
)


class Case(Contract):
    """A case (sak): one child or pregnant person, followed through the levels by named services."""

    id: Id
    municipality_id: MunicipalityNumber
    subject_id: Id
    owner_unit_id: Id  # the unit that raised the concern and keeps the case at levels 0–1
    level: Level
    status: CaseStatus
    opened_at: dt.datetime
    relay_holder_id: Id | None = None  # the stafettholder
    closed_at: dt.datetime | None = None
    close_reason: CloseReason | None = None


class Concern(Contract):
    """An undring or bekymring: what was observed, by whom; the first one opens the case."""

    id: Id
    case_id: Id
    unit_id: Id
    raised_by: Id
    kind: ConcernKind
    observation: Text
    observed_on: dt.date
    recorded_at: dt.datetime


class Evaluation(Contract):
    """The evaluation of a measure; a measure can be evaluated several times."""

    measure_id: Id
    outcome: EvaluationOutcome
    summary: Text
    evaluated_by: Id
    evaluated_at: dt.datetime
    next_evaluation_date: dt.date | None = None  # set when the measure continues


class Measure(Contract):
    """A tiltak: goal, who is responsible, when it starts and when it is evaluated."""

    id: Id
    case_id: Id
    title: ShortText
    goal: Text
    responsible_id: Id
    unit_id: Id
    start_date: dt.date
    evaluation_date: dt.date
    created_by: Id
    created_at: dt.datetime
    evaluations: list[Evaluation] = []
    for_family: bool = False  # a home task: carried out by the family
    status: MeasureStatus = MeasureStatus.ACTIVE
    next_evaluation_date: dt.date | None = None  # the evaluation due; None unless the measure is active
    hidden_from_guardians: bool = False  # the youth asked that the guardians do not see it


class LogEntry(Contract):
    """One entry of the stafettlogg. Append-only: a correction is a new entry that names the old one."""

    id: Id
    case_id: Id
    seq: int
    kind: LogEntryKind
    at: dt.datetime
    author_id: Id | None  # None for entries the system writes
    text: Text = ""
    data: dict[str, Any] = {}
    corrects: Id | None = None
    shared_with_family: bool = True
    # with ``shared_with_family``: the youth reads it, the guardians do not (the youth's own say)
    hidden_from_guardians: bool = False
    corrected_by: Id | None = None  # filled when reading: the newest correction of this entry


class ConsentGiver(Contract):
    """One person whose consent is needed; ``given_at`` is None until they have given it."""

    person_id: Id
    as_role: str  # "guardian" | "youth" | "self" (the pregnant person, or an adult youth)
    given_at: dt.datetime | None = None
    # how it was given: "digital" (in Min side, after login) or "paper" (a signed form, received by
    # ``received_by``); "" until given
    method: Literal["", "digital", "paper"] = ""
    received_by: Id | None = None


class Consent(Contract):
    """Samtykke: who gives it, which units it covers, what may be shared, for what, and until when.

    It is in force only when every required giver has given it, inside its period, and
    until it is withdrawn; withdrawal by any one giver ends it at once. A giver who refuses it
    (``refused_at``, ``refused_by``) ends it too: the refusal is kept, and a new consent must be asked.
    """

    id: Id
    case_id: Id
    givers: list[ConsentGiver]
    unit_ids: list[Id]
    categories: list[ShortText]
    purpose: Text
    area: InformationArea
    valid_from: dt.date
    valid_to: dt.date
    recorded_by: Id
    recorded_at: dt.datetime
    withdrawn_at: dt.datetime | None = None
    withdrawn_by: Id | None = None
    refused_at: dt.datetime | None = None
    refused_by: Id | None = None

    def is_in_force(self, on: dt.datetime) -> bool:
        """In force on a moment: inside its period, not refused, and not withdrawn before it."""
        if self.refused_at is not None or (self.withdrawn_at is not None and self.withdrawn_at <= on):
            return False
        if any(g.given_at is None or g.given_at > on for g in self.givers):
            return False
        return self.valid_from <= on.date() <= self.valid_to


class Participant(Contract):
    """A unit that takes part in a case, and on which basis."""

    case_id: Id
    unit_id: Id
    basis: ParticipationBasis
    added_at: dt.datetime
    added_by: Id | None = None
    # ``basis_lapsed``: on consent, but no consent in force covers the unit now (withdrawn or expired);
    # the unit then has no access to the case, and a case at level 2–3 lacks the consent its level needs.
    status: ParticipantStatus = ParticipantStatus.ACTIVE


class Handover(Contract):
    """A hand-over of the baton: the receiver must accept before it takes effect."""

    id: Id
    case_id: Id
    from_id: Id | None
    to_id: Id
    status: HandoverStatus
    requested_at: dt.datetime
    note: Text = ""
    decided_at: dt.datetime | None = None


class Meeting(Contract):
    id: Id
    municipality_id: MunicipalityNumber
    kind: MeetingKind
    starts_at: dt.datetime
    case_id: Id | None = None  # None for an anonymous discussion
    arena_id: Id | None = None
    unit_ids: list[Id] = []
    summary: Text = ""
    location: Text = ""  # where it is held, as the organiser wrote it (goes in the calendar invitation)
    cancelled_at: dt.datetime | None = None
    sequence: int = 0  # how many times the time or place changed, or it was cancelled (iCalendar SEQUENCE)


class TransferStatus(StrEnum):
    AWAITING_CONSENT = "awaiting_consent"  # proposed; the receiving unit answers once the guardians consent
    ACCEPTED = "accepted"
    DECLINED = "declined"


class Transfer(Contract):
    """A case moving to another unit (barnehage → skole) with what the guardians consented to take along."""

    id: Id
    case_id: Id
    from_unit_id: Id
    to_unit_id: Id
    scope: Literal["all", "selected"]  # the whole log, or the entries chosen
    entry_ids: list[Id]  # with "selected": the entries that go over
    consent_id: Id
    status: TransferStatus
    proposed_by: Id
    proposed_at: dt.datetime
    decided_by: Id | None = None
    decided_at: dt.datetime | None = None


class CoordinatorRole(StrEnum):
    """The role a case's coordinator holds at nivå 3 (``contracts.words.COORDINATOR_ROLES`` explains each)."""

    RELAY_HOLDER = "stafettholder"  # BTI
    IP_COORDINATOR = "ip_koordinator"  # forskrift om individuell plan (2022)
    CHILD_COORDINATOR = "barnekoordinator"  # helse- og omsorgstjenesteloven § 7-2 a


class PlanSection(Contract):
    """A part of the individuell plan besides the goals, as the municipality's template sets it up."""

    id: Annotated[str, msgspec.Meta(pattern=r"^[a-z][a-z0-9_-]*$", max_length=64)]  # e.g. "kriseplan"
    title: ShortText  # what the page calls it, in bokmål: "Kriseplan"
    help: Text = ""  # what to write there, shown beside the field


class PlanTemplate(Contract):
    """How a municipality sets up its individuell plan (hook ``plan_templates``): the coordinator roles
    it uses, the consent the plan asks for, how long that runs, when the plan is revised by default,
    and the plan's sections besides the goals. Core's defaults are the national texts."""

    id: ShortText = "individuell-plan"
    title: ShortText = "Individuell plan"
    coordinator_roles: list[CoordinatorRole] = msgspec.field(default_factory=lambda: list(CoordinatorRole))
    consent_purpose: Text = (
        "Individuell plan: tjenestene samarbeider om målene familien har satt, med koordinator."
    )
    consent_categories: list[ShortText] = msgspec.field(
        default_factory=lambda: ["individuell plan", "stafettloggen"]
    )
    consent_days: Annotated[int, msgspec.Meta(ge=30, le=1095)] = 365
    revision_months: Annotated[int, msgspec.Meta(ge=1, le=24)] = 6  # the revision date a new plan suggests
    sections: list[PlanSection] = []


class PlanSectionText(Contract):
    """What a plan says under one of its template's sections."""

    id: str
    title: ShortText
    text: Text = ""


class IndividualPlan(Contract):
    """The individuell plan of a case: the coordinator, the goals in the family's own words, who takes
    part and the tiltak (the case's own), the revision date, and whether the consent it needs is in force."""

    case_id: Id
    coordinator_id: Id
    coordinator_role: CoordinatorRole
    goals: Text
    revision_date: dt.date | None
    consent_id: Id | None
    consent_in_force: bool
    participants: list[Participant]
    measures: list[Measure]
    comments: list[LogEntry] = []  # the family's comments on the plan
    title: ShortText = "Individuell plan"  # the template's
    sections: list[PlanSectionText] = []  # the template's sections, in its order, with what the plan says


class Refusal(Contract):
    """Why something is not allowed: a stable code for machines, a sentence for people (bokmål or nynorsk)."""

    code: ShortText
    message: Text


class UnitInfo(Contract):
    """The part of a unit a plugin needs to judge a rule."""

    id: Id
    service_type: ServiceType


class CaseSnapshot(Contract):
    """Everything a plugin may know about a case to judge a rule; no names, no free text."""

    case: Case
    owner_unit: UnitInfo
    participants: list[Participant]
    participant_units: list[UnitInfo]
    consents_in_force: list[Consent]
    meetings: list[Meeting]
    open_measures: int
    overdue_evaluations: int
    subject_age_years: int | None  # None before birth
    holder_unit_ids: list[Id] = []  # the units the stafettholder belongs to


class TransitionContext(Contract):
    """A requested level change, given to `check_transition`."""

    snapshot: CaseSnapshot
    from_level: Level
    to_level: Level
    actor_id: Id
    unit_leader_informed: bool = False
    guardians_informed: bool = False


class RelayHolderContext(Contract):
    """A proposed stafettholder for a case, given to `check_relay_holder`."""

    snapshot: CaseSnapshot
    candidate_id: Id
    candidate_unit_ids: list[Id]
    candidate_is_coordinator: bool
    level: Level
    is_handover: bool


class CaseEvent(Contract):
    """Something that happened in a case, told to `case_event` after it is committed."""

    kind: LogEntryKind
    municipality_id: MunicipalityNumber
    case_id: Id
    at: dt.datetime
    actor_id: Id | None
    level: Level
    unit_ids: list[Id]  # the units taking part when it happened
    entry_id: Id | None = None
    data: dict[str, Any] = {}
