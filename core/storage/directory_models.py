"""What an administration system tells about a child's school or kindergarten: enrolments and classes.

Only ``core.services.directory_sync`` writes these (driven by an adapter, e.g. OneRoster in
``adapters/school``). Case data never hangs off these rows, so ending a link never touches a case.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Boolean, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from core.storage.base import ID, Base, UTCDateTime


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
