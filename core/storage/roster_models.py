"""Tables of the school roster: where each row came from, a child's link to a school, classes.

Only ``core.services.roster`` writes these. ``roster_record`` remembers, per source system,
which of its identifiers (sourcedId) became which unit, person, class or link, and a digest of
what the source said last time: importing the same data again compares digests and writes
nothing. Case data never hangs off these rows, so ending a link never touches a case.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Boolean, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from core.storage.base import ID, Base, UTCDateTime


class RosterSourceRow(Base):
    """A school administration system feeding one municipality, and how far its delta sync has come."""

    __tablename__ = "roster_source"
    municipality_id: Mapped[str] = mapped_column(ForeignKey("municipality.id"), primary_key=True)
    name: Mapped[str] = mapped_column(String(200), primary_key=True)
    last_import_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    delta_since: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)  # REST: dateLastModified watermark


class RosterRecordRow(Base):
    """One source identifier of one kind (org, child, guardian, employee, role, agent, class, enrollment)."""

    __tablename__ = "roster_record"
    __table_args__ = (Index("ix_roster_record_target", "target_id"),)
    municipality_id: Mapped[str] = mapped_column(ForeignKey("municipality.id"), primary_key=True)
    source: Mapped[str] = mapped_column(String(200), primary_key=True)
    kind: Mapped[str] = mapped_column(String(16), primary_key=True)
    sourced_id: Mapped[str] = mapped_column(String(512), primary_key=True)
    target_id: Mapped[str | None] = mapped_column(String(64))  # unit, person or class it became
    other_id: Mapped[str | None] = mapped_column(String(64))  # a link's other end: unit, class or guardian
    digest: Mapped[str] = mapped_column(String(32))
    active: Mapped[bool] = mapped_column(Boolean)


class SchoolEnrollmentRow(Base):
    """A child's link to a school or kindergarten. Ending it sets ``active`` false; the row stays."""

    __tablename__ = "school_enrollment"
    person_id: Mapped[str] = mapped_column(ForeignKey("person.id"), primary_key=True)
    unit_id: Mapped[str] = mapped_column(ForeignKey("unit.id"), primary_key=True, index=True)
    active: Mapped[bool] = mapped_column(Boolean)
    since: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    ended_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)


class SchoolClassRow(Base):
    """A class or group at a unit; a homeroom class (basisgruppe, avdeling) names the contact teacher."""

    __tablename__ = "school_class"
    id: Mapped[str] = mapped_column(ID, primary_key=True)
    municipality_id: Mapped[str] = mapped_column(ForeignKey("municipality.id"))
    unit_id: Mapped[str] = mapped_column(ForeignKey("unit.id"), index=True)
    name: Mapped[str] = mapped_column(String(300))
    homeroom: Mapped[bool] = mapped_column(Boolean)
    active: Mapped[bool] = mapped_column(Boolean)


class ClassMemberRow(Base):
    """A pupil or teacher in a class; a homeroom class's primary teacher is its pupils' contact teacher."""

    __tablename__ = "class_member"
    class_id: Mapped[str] = mapped_column(ForeignKey("school_class.id"), primary_key=True)
    person_id: Mapped[str] = mapped_column(ForeignKey("person.id"), primary_key=True, index=True)
    role: Mapped[str] = mapped_column(String(16))  # "pupil" | "teacher"
    is_primary: Mapped[bool] = mapped_column(Boolean)
    active: Mapped[bool] = mapped_column(Boolean)
