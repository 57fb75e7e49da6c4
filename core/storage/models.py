"""The relational schema. Only core services touch these classes; plugins and adapters see contracts.

Every personal-data row carries ``municipality_id`` (directly or through its case) so
one deployment can hold a whole region without anything crossing municipalities.
Sized for a country: about 1.2 million children, so every list a user opens is an
index range (cases by unit and status, log by case and sequence, audit by case).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import (
    Boolean,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    false,
    text,
    true,
)
from sqlalchemy.orm import Mapped, mapped_column

from core.storage.base import ID, Base, JSONType, UTCDateTime


class MunicipalityRow(Base):
    __tablename__ = "municipality"
    id: Mapped[str] = mapped_column(String(4), primary_key=True)
    name: Mapped[str] = mapped_column(String(300))
    region: Mapped[str | None] = mapped_column(String(300))
    # følgeevaluering: named to the region's other municipalities (from the config; 0012)
    named_in_region: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())


class UnitRow(Base):
    __tablename__ = "unit"
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    municipality_id: Mapped[str] = mapped_column(ForeignKey("municipality.id"), index=True)
    name: Mapped[str] = mapped_column(String(300))
    service_type: Mapped[str] = mapped_column(String(32))
    organization_number: Mapped[str | None] = mapped_column(String(9))
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class PersonRow(Base):
    """Children, pregnant persons, guardians and employees in one table: any of them can author an entry."""

    __tablename__ = "person"
    __table_args__ = (UniqueConstraint("municipality_id", "national_id"),)
    id: Mapped[str] = mapped_column(ID, primary_key=True)
    municipality_id: Mapped[str] = mapped_column(ForeignKey("municipality.id"), index=True)
    kind: Mapped[str] = mapped_column(String(16))
    given_name: Mapped[str] = mapped_column(String(300))
    family_name: Mapped[str] = mapped_column(String(300))
    national_id: Mapped[str | None] = mapped_column(String(11))
    birth_date: Mapped[dt.date | None] = mapped_column(Date)
    due_date: Mapped[dt.date | None] = mapped_column(Date)
    email: Mapped[str | None] = mapped_column(String(300))
    phone: Mapped[str | None] = mapped_column(String(40))
    title: Mapped[str | None] = mapped_column(String(300))
    hpr_number: Mapped[str | None] = mapped_column(String(9))  # employees: HPR-nummer, if health personnel
    # reserved against digital contact (KRR): varsler stay in Stafett, never e-mail
    digital_contact_reserved: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    language: Mapped[str | None] = mapped_column(
        String(2)
    )  # their own choice, nb/nn; None: the municipality's


class GuardianshipRow(Base):
    __tablename__ = "guardianship"
    child_id: Mapped[str] = mapped_column(ForeignKey("person.id"), primary_key=True)
    guardian_id: Mapped[str] = mapped_column(ForeignKey("person.id"), primary_key=True, index=True)
    parental_responsibility: Mapped[bool] = mapped_column(Boolean)


class UnitMembershipRow(Base):
    __tablename__ = "unit_membership"
    person_id: Mapped[str] = mapped_column(ForeignKey("person.id"), primary_key=True)
    unit_id: Mapped[str] = mapped_column(ForeignKey("unit.id"), primary_key=True, index=True)
    role: Mapped[str] = mapped_column(String(32))


class MunicipalRoleRow(Base):
    __tablename__ = "municipal_role"
    person_id: Mapped[str] = mapped_column(ForeignKey("person.id"), primary_key=True)
    role: Mapped[str] = mapped_column(String(32), primary_key=True)


class CaseRow(Base):
    __tablename__ = "case"
    __table_args__ = (
        Index("ix_case_unit_status", "owner_unit_id", "status"),
        Index("ix_case_municipality_status", "municipality_id", "status"),
        Index("ix_case_status_next_evaluation", "status", "next_evaluation_date"),
    )
    id: Mapped[str] = mapped_column(ID, primary_key=True)
    municipality_id: Mapped[str] = mapped_column(ForeignKey("municipality.id"))
    subject_id: Mapped[str] = mapped_column(ForeignKey("person.id"), index=True)
    owner_unit_id: Mapped[str] = mapped_column(ForeignKey("unit.id"))
    level: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(16))
    opened_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    relay_holder_id: Mapped[str | None] = mapped_column(ForeignKey("person.id"), index=True)
    closed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    close_reason: Mapped[str | None] = mapped_column(String(32))
    # The earliest evaluation date of the active tiltak; kept by triggers on ``measure`` (migration
    # 0019), never written by the services. Lists order by it.
    next_evaluation_date: Mapped[dt.date | None] = mapped_column(Date)


class ConcernRow(Base):
    __tablename__ = "concern"
    id: Mapped[str] = mapped_column(ID, primary_key=True)
    case_id: Mapped[str] = mapped_column(ForeignKey("case.id"), index=True)
    unit_id: Mapped[str] = mapped_column(ForeignKey("unit.id"))
    raised_by: Mapped[str] = mapped_column(ForeignKey("person.id"))
    kind: Mapped[str] = mapped_column(String(32))
    observation: Mapped[str] = mapped_column(Text)
    observed_on: Mapped[dt.date] = mapped_column(Date)
    recorded_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)


class MeasureRow(Base):
    """A tiltak. ``status`` and ``next_evaluation_date`` change; the date is set exactly while the measure
    is active (None when paused, ended or cancelled), so every scan for evaluations due skips the rest."""

    __tablename__ = "measure"
    id: Mapped[str] = mapped_column(ID, primary_key=True)
    case_id: Mapped[str] = mapped_column(ForeignKey("case.id"), index=True)
    title: Mapped[str] = mapped_column(String(300))
    goal: Mapped[str] = mapped_column(Text)
    responsible_id: Mapped[str] = mapped_column(ForeignKey("person.id"), index=True)
    unit_id: Mapped[str] = mapped_column(ForeignKey("unit.id"))
    start_date: Mapped[dt.date] = mapped_column(Date)
    evaluation_date: Mapped[dt.date] = mapped_column(Date)
    next_evaluation_date: Mapped[dt.date | None] = mapped_column(Date, index=True)
    for_family: Mapped[bool] = mapped_column(Boolean, default=False)
    created_by: Mapped[str] = mapped_column(ForeignKey("person.id"))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    status: Mapped[str] = mapped_column(String(16), default="active", server_default="active")
    # a tiltak the youth asked to keep from the guardians: its log entries are hidden from them too
    hidden_from_guardians: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())


class EvaluationRow(Base):
    __tablename__ = "measure_evaluation"
    # følgeevaluering reads each tiltak's evaluations in order with the date the one before set (0024)
    __table_args__ = (
        Index("ix_measure_evaluation_measure_at", "measure_id", "evaluated_at", "next_evaluation_date"),
    )
    id: Mapped[str] = mapped_column(ID, primary_key=True)
    measure_id: Mapped[str] = mapped_column(ForeignKey("measure.id"), index=True)
    outcome: Mapped[str] = mapped_column(String(32))
    summary: Mapped[str] = mapped_column(Text)
    evaluated_by: Mapped[str] = mapped_column(ForeignKey("person.id"))
    evaluated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    next_evaluation_date: Mapped[dt.date | None] = mapped_column(Date)


# the level changes' partial index (0024); a query uses it when it says ``kind = 'level_changed'`` as is
LEVEL_CHANGED = "kind = 'level_changed'"


class LogEntryRow(Base):
    """The stafettlogg. Append-only: triggers in the migration refuse UPDATE and DELETE."""

    __tablename__ = "log_entry"
    __table_args__ = (
        UniqueConstraint("case_id", "seq"),
        # følgeevaluering counts entries by kind and time (0012); with the case and the author in the index,
        # the family's entries are counted from the index alone (0024)
        Index("ix_log_entry_kind_at_case_author", "kind", "at", "case_id", "author_id"),
        # and the level changes with their data ("from", "to"), from the index alone (0023; with the kind
        # in it too, or SQLite does not see that the index covers the query)
        Index(
            "ix_log_entry_level_changes",
            "kind",
            "case_id",
            "at",
            "data",
            sqlite_where=text(LEVEL_CHANGED),
            postgresql_where=text(LEVEL_CHANGED),
        ),
    )
    id: Mapped[str] = mapped_column(ID, primary_key=True)
    case_id: Mapped[str] = mapped_column(ForeignKey("case.id"))
    seq: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(32))
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    author_id: Mapped[str | None] = mapped_column(ForeignKey("person.id"))
    text: Mapped[str] = mapped_column(Text, default="")
    data: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    corrects: Mapped[str | None] = mapped_column(ForeignKey("log_entry.id"), index=True)
    shared_with_family: Mapped[bool] = mapped_column(Boolean, default=True)
    # shared with the youth but not the guardians: the youth's own say (docs/youth.md)
    hidden_from_guardians: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())


class ConsentRow(Base):
    """A samtykke. Only ``withdrawn_*`` and ``refused_*`` change after insert (once each); the log keeps
    the story."""

    __tablename__ = "consent"
    id: Mapped[str] = mapped_column(ID, primary_key=True)
    case_id: Mapped[str] = mapped_column(ForeignKey("case.id"), index=True)
    purpose: Mapped[str] = mapped_column(Text)
    area: Mapped[str] = mapped_column(String(32))
    categories: Mapped[list[str]] = mapped_column(JSONType)
    valid_from: Mapped[dt.date] = mapped_column(Date)
    valid_to: Mapped[dt.date] = mapped_column(Date)
    recorded_by: Mapped[str] = mapped_column(ForeignKey("person.id"))
    recorded_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    withdrawn_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    withdrawn_by: Mapped[str | None] = mapped_column(ForeignKey("person.id"))
    refused_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    refused_by: Mapped[str | None] = mapped_column(ForeignKey("person.id"))


class ConsentGiverRow(Base):
    __tablename__ = "consent_giver"
    consent_id: Mapped[str] = mapped_column(ForeignKey("consent.id"), primary_key=True)
    person_id: Mapped[str] = mapped_column(ForeignKey("person.id"), primary_key=True)
    as_role: Mapped[str] = mapped_column(String(16))
    given_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)  # None: still to sign
    method: Mapped[str] = mapped_column(String(16), default="", server_default="")  # digital | paper
    received_by: Mapped[str | None] = mapped_column(ForeignKey("person.id"))  # who took the paper form


class ConsentUnitRow(Base):
    __tablename__ = "consent_unit"
    consent_id: Mapped[str] = mapped_column(ForeignKey("consent.id"), primary_key=True)
    unit_id: Mapped[str] = mapped_column(ForeignKey("unit.id"), primary_key=True, index=True)


class ParticipantRow(Base):
    __tablename__ = "participant"
    case_id: Mapped[str] = mapped_column(ForeignKey("case.id"), primary_key=True)
    unit_id: Mapped[str] = mapped_column(ForeignKey("unit.id"), primary_key=True, index=True)
    basis: Mapped[str] = mapped_column(String(32))
    added_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    added_by: Mapped[str | None] = mapped_column(ForeignKey("person.id"))
    removed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)


class HandoverRow(Base):
    __tablename__ = "handover"
    id: Mapped[str] = mapped_column(ID, primary_key=True)
    case_id: Mapped[str] = mapped_column(ForeignKey("case.id"), index=True)
    from_id: Mapped[str | None] = mapped_column(ForeignKey("person.id"))
    to_id: Mapped[str] = mapped_column(ForeignKey("person.id"), index=True)
    status: Mapped[str] = mapped_column(String(16))
    note: Mapped[str] = mapped_column(Text, default="")
    requested_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    decided_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)


class MeetingRow(Base):
    __tablename__ = "meeting"
    id: Mapped[str] = mapped_column(ID, primary_key=True)
    municipality_id: Mapped[str] = mapped_column(ForeignKey("municipality.id"))
    case_id: Mapped[str | None] = mapped_column(ForeignKey("case.id"), index=True)
    arena_id: Mapped[str | None] = mapped_column(String(64))
    kind: Mapped[str] = mapped_column(String(32))
    starts_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    summary: Mapped[str] = mapped_column(Text, default="")
    created_by: Mapped[str | None] = mapped_column(ForeignKey("person.id"))
    location: Mapped[str] = mapped_column(String(300), default="", server_default="")
    cancelled_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    sequence: Mapped[int] = mapped_column(Integer, default=0, server_default="0")  # iCalendar SEQUENCE


class MeetingUnitRow(Base):
    __tablename__ = "meeting_unit"
    meeting_id: Mapped[str] = mapped_column(ForeignKey("meeting.id"), primary_key=True)
    unit_id: Mapped[str] = mapped_column(ForeignKey("unit.id"), primary_key=True)


class AuditEventRow(Base):
    """One audited read or write. Chained by hash per municipality; append-only like the log."""

    __tablename__ = "audit_event"
    __table_args__ = (
        UniqueConstraint("municipality_id", "seq"),
        Index("ix_audit_event_case_at", "case_id", "at"),
        Index("ix_audit_event_actor_at", "actor_id", "at"),  # look-ups counted per person (0006)
    )
    id: Mapped[str] = mapped_column(ID, primary_key=True)
    municipality_id: Mapped[str] = mapped_column(ForeignKey("municipality.id"))
    seq: Mapped[int] = mapped_column(Integer)
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    actor_id: Mapped[str | None] = mapped_column(String(64))
    actor_kind: Mapped[str] = mapped_column(String(16))
    on_behalf_of: Mapped[str | None] = mapped_column(String(64))
    action: Mapped[str] = mapped_column(String(64))
    case_id: Mapped[str | None] = mapped_column(String(36))
    subject_id: Mapped[str | None] = mapped_column(String(36), index=True)
    purpose: Mapped[str] = mapped_column(String(300))
    outcome: Mapped[str] = mapped_column(String(16))
    reason: Mapped[str] = mapped_column(Text, default="")
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))
    personal_digest: Mapped[str | None] = mapped_column(String(64))  # None: chained before 0013
    erased_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)  # personal fields erased (retention)


class AuditHeadRow(Base):
    """The newest link of each municipality's audit chain; locked while a new event is appended."""

    __tablename__ = "audit_head"
    municipality_id: Mapped[str] = mapped_column(ForeignKey("municipality.id"), primary_key=True)
    seq: Mapped[int] = mapped_column(Integer)
    hash: Mapped[str] = mapped_column(String(64))


# The tables of core's other parts live beside their code; importing them here puts every table on
# Base.metadata, which Alembic compares against the migrations.
from core.storage import (  # noqa: E402, F401
    archive_models,  # the archive version of closed cases, its receipt, and retention
    auth_models,  # identity: signing keys, realm sessions
    directory_models,  # enrolments at schools and kindergartens, classes
    notification_models,  # varsler
    outbox_models,  # the outbox: deliveries to units' journals
    practice_models,  # øving: practice cases and learning modules started and completed
    report_models,  # bekymringsmeldinger to barnevern
)
