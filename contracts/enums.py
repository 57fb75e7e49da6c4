"""Closed vocabularies of the BTI model, shared by core, plugins and adapters.

Values are stable identifiers (English, lower case); the Norwegian words users
read are attached by the presentation layer, never stored in these values.
"""

from __future__ import annotations

from enum import IntEnum, StrEnum


class Level(IntEnum):
    """The four levels of the BTI model (nivå 0–3)."""

    CLARIFY = 0  # nivå 0 – avklar undring
    INTERNAL = 1  # nivå 1 – intern innsats
    COLLABORATE_TWO = 2  # nivå 2 – samarbeid to
    COLLABORATE_MANY = 3  # nivå 3 – samarbeid flere


class ServiceType(StrEnum):
    """Kinds of municipal service a unit belongs to (tjenestetype)."""

    HEALTH_STATION = "helsestasjon"  # helsestasjon og skolehelsetjeneste
    KINDERGARTEN = "barnehage"
    SCHOOL = "skole"
    AFTER_SCHOOL = "sfo"
    PPT = "ppt"  # pedagogisk-psykologisk tjeneste
    CHILD_WELFARE = "barnevern"
    FAMILY_SERVICE = "familietjeneste"
    MENTAL_HEALTH_SUBSTANCE = "psykisk-helse-rus"
    NAV = "nav"
    GP_EMERGENCY = "fastlege-legevakt"
    OTHER = "annet"


class InformationArea(StrEnum):
    """Which body of law a consent or disclosure falls under; decides the youth's age of consent."""

    GENERAL = "general"  # barnehage, skole, PPT, family services: guardians until 18
    HEALTH = "health"  # pasient- og brukerrettighetsloven: the youth alone from 16
    CHILD_WELFARE = "child_welfare"  # barnevernsloven: the youth alone from 15


class CaseStatus(StrEnum):
    OPEN = "open"
    CLOSED = "closed"


class CloseReason(StrEnum):
    RESOLVED = "resolved"  # undringen er avklart / målet nådd
    MOVED = "moved"  # flyttet fra kommunen
    CHILD_WELFARE = "child_welfare"  # overført til barneverntjenesten
    CONSENT_WITHDRAWN = "consent_withdrawn"
    OUT_OF_TARGET_GROUP = "out_of_target_group"  # e.g. turned 24
    OTHER_SERVICE = "other_service"  # the work goes on in another service (e.g. spesialisthelsetjenesten)
    INDIVIDUAL_PLAN = "individual_plan"  # the child got an individuell plan; the work moved there


class ConcernKind(StrEnum):
    WONDERING = "undring"  # a wondering: something to clarify
    CONCERN = "bekymring"  # a concern that calls for measures
    REPORT = "bekymringsmelding"  # a report to child welfare (the duty to report)


class PersonKind(StrEnum):
    CHILD = "child"
    PREGNANT = "pregnant"
    GUARDIAN = "guardian"
    EMPLOYEE = "employee"


class UnitRole(StrEnum):
    """Roles an employee holds in a unit."""

    EMPLOYEE = "employee"
    UNIT_LEADER = "unit_leader"


class MunicipalRole(StrEnum):
    """Roles that span a whole municipality."""

    COORDINATOR = "coordinator"  # BTI-koordinator: runs the arenas, may be stafettholder anywhere
    ADMINISTRATOR = "administrator"  # manages units and people; reads no case content
    AUDITOR = "auditor"  # reads the audit trail; reads no case content
    REGION_COORDINATOR = "region_coordinator"  # sees the region's følgeevaluering; reads no case content


class LogEntryKind(StrEnum):
    """Kinds of entry in the stafettlogg. Entries are never changed; a correction is a new entry."""

    NOTE = "note"
    BRIGHT_MOMENT = "bright_moment"  # lysglimt
    CONCERN = "concern"
    MEASURE_CREATED = "measure_created"
    MEASURE_EVALUATED = "measure_evaluated"
    MEASURE_STATUS_CHANGED = "measure_status_changed"  # paused, resumed, ended or cancelled, with a reason
    MEETING = "meeting"
    MEETING_CHANGED = "meeting_changed"  # a new time or place; the invitees are told (an updated invitation)
    MEETING_CANCELLED = "meeting_cancelled"  # the invitees are told (an iCalendar CANCEL by e-mail)
    CONSENT_GIVEN = "consent_given"
    CONSENT_WITHDRAWN = "consent_withdrawn"
    CONSENT_REFUSED = "consent_refused"  # a giver said no; kept, and a new consent must be asked
    LEVEL_CHANGED = "level_changed"
    PARTICIPANT_ADDED = "participant_added"
    PARTICIPANT_REMOVED = "participant_removed"
    PARTICIPANT_BASIS_LAPSED = "participant_basis_lapsed"  # a withdrawal left services without a basis
    RELAY_HOLDER_ASSIGNED = "relay_holder_assigned"
    HANDOVER_REQUESTED = "handover_requested"
    HANDOVER_ACCEPTED = "handover_accepted"
    HANDOVER_DECLINED = "handover_declined"
    HOME_TASK = "home_task"  # hjemmelekse: a task for the family
    FAMILY_COMMENT = "family_comment"
    CORRECTION = "correction"
    CASE_CLOSED = "case_closed"
    CHILD_WELFARE_REPORT = "child_welfare_report"  # a bekymringsmelding sent (that, not what: hidden)
    CHILD_WELFARE_RECEIPT = "child_welfare_receipt"  # the receiving system's mottatt or feilet
    CHILD_WELFARE_ANSWER = "child_welfare_answer"  # barnevern's answer: case opened or not
    CASE_ARCHIVED = "case_archived"  # the archive version delivered (the outbox's kind for it)
    TRANSFER_PROPOSED = "transfer_proposed"  # the stafettholder proposes moving the case to another unit
    TRANSFER_ACCEPTED = "transfer_accepted"  # the receiving unit took the case over
    TRANSFER_DECLINED = "transfer_declined"
    COORDINATOR_ASSIGNED = "coordinator_assigned"  # nivå 3: a coordinator, with the role they hold
    PLAN_UPDATED = "plan_updated"  # the individuell plan made or changed (its goals, its revision date)


class ParticipationBasis(StrEnum):
    """Why a unit may take part in a case."""

    OWNER = "owner"  # the unit that raised the concern
    CONSENT = "consent"  # taking part under the family's consent
    REPORT_DUTY = "report_duty"  # opplysningsplikt til barnevernet: the one path without consent


class ParticipantStatus(StrEnum):
    """Whether a participant's basis holds now: computed from the consents in force, never stored."""

    ACTIVE = "active"
    BASIS_LAPSED = "basis_lapsed"  # taking part on consent, but no consent in force covers the unit


class MeasureStatus(StrEnum):
    """Where a tiltak stands; only an active one has an evaluation due."""

    ACTIVE = "active"
    PAUSED = "paused"  # resumed with a new evaluation date
    ENDED = "ended"  # final: evaluated without a next date, or ended with a reason
    CANCELLED = "cancelled"  # final: stopped before it was carried out


class MeetingKind(StrEnum):
    DISCUSSION = "discussion"  # tverrfaglig drøfting, often anonymous (levels 1–2)
    COLLABORATION = "collaboration"  # samarbeidsmøte with the family (level 2)
    COORDINATION = "coordination"  # koordineringsmøte for several services (level 3)


class EvaluationOutcome(StrEnum):
    ACHIEVED = "achieved"
    PARTLY = "partly"
    NOT_ACHIEVED = "not_achieved"


class HandoverStatus(StrEnum):
    PENDING = "pending"
    ACCEPTED = "accepted"
    DECLINED = "declined"
    CANCELLED = "cancelled"
