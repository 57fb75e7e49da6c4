"""The directory-sync seam: what a school or kindergarten administration system feeds Stafett.

An adapter (OneRoster in ``adapters/school``, a kindergarten system, a population register) knows
its source's format and identifiers; this module knows Stafett's people, units and links. The
adapter opens one unit of work, makes a ``DirectorySync`` on it and calls the operations below with
plain values; each compares with what is stored, writes only a difference and says what it did
(``created``, ``updated``, ``unchanged``). So a sync is all or nothing (one transaction: raise and
nothing is kept) and idempotent (the same input twice writes nothing, not even an audit event).

Every change goes through the policy with the unit of work's actor: one ``person.write`` per
person whose data or links change (once per sync), one ``unit.manage`` per unit or class created or
changed. Nothing here deletes a person, a case, a log entry or a consent: ending a link deactivates
it, and guardian links are never removed (foreldreansvar is recorded from Folkeregisteret).
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal, cast

import sqlalchemy as sa
from sqlalchemy import CursorResult, delete, select

from contracts import PersonKind, ServiceType, UnitRole
from core.domain.policy import Action
from core.ids import new_id
from core.services.base import Service
from core.storage import models as m
from core.storage.directory_models import ClassMemberRow, SchoolClassRow, SchoolEnrollmentRow

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from core.unit_of_work import UnitOfWork as Work

Outcome = Literal["created", "updated", "unchanged"]


@dataclass(frozen=True, slots=True)
class UnitData:
    name: str
    service_type: ServiceType
    organization_number: str | None = None


@dataclass(frozen=True, slots=True)
class PersonData:
    """A person as the source gives them; ``None`` in ``national_id`` means the source gives none."""

    kind: PersonKind  # child, guardian or employee
    given_name: str
    family_name: str
    national_id: str | None = None
    birth_date: dt.date | None = None
    email: str | None = None
    phone: str | None = None
    hpr_number: str | None = None  # employees: HPR-nummer (health personnel), when the source gives it


@dataclass(frozen=True, slots=True)
class PersonResult:
    person_id: str | None  # None when refused; ``problem`` says why
    outcome: Outcome | None
    problem: Literal["national_id_taken", "national_id_missing"] | None = None


@dataclass(frozen=True, slots=True)
class ContactTeacher:
    teacher_id: str
    class_id: str
    class_name: str
    unit_id: str


@dataclass(frozen=True, slots=True)
class SchoolLink:
    unit_id: str
    active: bool
    since: dt.datetime
    ended_at: dt.datetime | None


class DirectorySync:
    """Write persons, units, guardians, enrolments, memberships and classes from a source, in one work."""

    def __init__(self, work: Work) -> None:
        self.work = work
        self.municipality_id = work.municipality_id
        config = work.municipality
        self.allow_synthetic_national_ids = config.allow_synthetic_national_ids
        self.configured_unit_ids = frozenset(u.id for u in config.units)
        self._authorized: set[str] = set()
        self._new: dict[tuple[type, tuple[str, str]], object] = {}  # rows added since the last checkpoint

    @property
    def session(self) -> Session:
        """The unit of work's session, for the adapter's own bookkeeping tables only (its staging and
        source-id records); Stafett's tables are written through the methods of this class."""
        return self.work.session

    @property
    def now(self) -> dt.datetime:
        return self.work.now

    def checkpoint(self) -> None:
        """Flush and forget the loaded rows, so a long sync keeps memory flat (call between pages)."""
        self.session.flush()
        self.session.expunge_all()
        self._new.clear()

    def preload(self, person_ids: Iterable[str | None]) -> None:
        """Load these persons' links in four queries, so the row-by-row calls that follow hit memory."""
        if wanted := {i for i in person_ids if i}:
            for model, column in (
                (m.GuardianshipRow, m.GuardianshipRow.child_id),
                (SchoolEnrollmentRow, SchoolEnrollmentRow.person_id),
                (m.UnitMembershipRow, m.UnitMembershipRow.person_id),
                (ClassMemberRow, ClassMemberRow.person_id),
            ):
                self.session.scalars(select(model).where(column.in_(wanted))).all()

    # --- units -----------------------------------------------------------------------------------

    def upsert_unit(self, unit: UnitData, unit_id: str | None = None) -> tuple[str, Outcome]:
        """The unit known as ``unit_id``, else the one with the organisation number, else a new one
        (id from the name). A unit from the config keeps the config's name."""
        session, name = self.session, unit.name[:300]
        row = session.get(m.UnitRow, unit_id) if unit_id else None
        if row is None and unit.organization_number:
            row = session.scalar(
                select(m.UnitRow).where(
                    m.UnitRow.municipality_id == self.municipality_id,
                    m.UnitRow.organization_number == unit.organization_number,
                )
            )
        if row is None:
            new = self._new_unit_id(name)
            self.work.authorize(Action.MANAGE_UNITS, unit_id=new)
            row = m.UnitRow(
                id=new,
                municipality_id=self.municipality_id,
                name=name,
                service_type=str(unit.service_type),
                organization_number=unit.organization_number,
                active=True,
            )
            session.add(row)
            session.flush()
            return row.id, "created"
        if row.id in self.configured_unit_ids or (row.name, row.organization_number) == (
            name,
            unit.organization_number,
        ):
            return row.id, "unchanged"
        self.work.authorize(Action.MANAGE_UNITS, unit_id=row.id)
        row.name, row.organization_number = name, unit.organization_number
        return row.id, "updated"

    def _new_unit_id(self, name: str) -> str:
        text = name.lower().replace("æ", "ae").replace("ø", "o").replace("å", "a")
        text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
        base = re.sub(r"[^a-z0-9]+", "-", text).strip("-")[:56] or "enhet"
        candidate, n = base, 1
        while self.session.get(m.UnitRow, candidate) is not None:
            n += 1
            candidate = f"{base}-{n}"
        return candidate

    # --- persons ---------------------------------------------------------------------------------

    def upsert_people(self, batch: Sequence[tuple[PersonData, str | None]]) -> list[PersonResult]:
        """Create or update persons, each given with the id the source's key became earlier (or None).

        A child or guardian with a fødselsnummer is matched to the person who has it in the
        municipality (a child the helsestasjon registered is the same child); one held by a person of
        another kind, or by another person than the source's key names, is refused, as is a child
        without fødselsnummer. Employees are matched by the key only.
        """
        nins = [p.national_id for p, _ in batch if p.national_id]
        by_nin = {}
        if nins:
            by_nin = {
                p.national_id: p
                for p in self.session.scalars(
                    select(m.PersonRow).where(
                        m.PersonRow.municipality_id == self.municipality_id,
                        m.PersonRow.national_id.in_(nins),
                    )
                )
            }
        return [self._upsert_person(data, person_id, by_nin) for data, person_id in batch]

    def _upsert_person(self, data: PersonData, person_id: str | None, by_nin: dict) -> PersonResult:
        person = self.session.get(m.PersonRow, person_id) if person_id else None
        nin = data.national_id
        match = by_nin.get(nin) if nin else None
        if match is not None and (person is None or match.id != person.id):
            if match.kind != data.kind or person is not None:
                return PersonResult(None, None, "national_id_taken")
            person = match
        if data.kind == PersonKind.CHILD and nin is None and (person is None or person.national_id is None):
            return PersonResult(None, None, "national_id_missing")
        values: dict[str, object] = {
            "given_name": data.given_name,
            "family_name": data.family_name,
            "email": data.email,
            "active": True,
        }
        if data.kind == PersonKind.GUARDIAN:
            values["phone"] = data.phone
        if data.kind == PersonKind.EMPLOYEE:
            values["hpr_number"] = data.hpr_number
        if nin is not None:
            values |= {"national_id": nin, "birth_date": data.birth_date}
        if person is None:
            person = m.PersonRow(
                id=new_id(),
                municipality_id=self.municipality_id,
                kind=str(data.kind),
                created_at=self.now,
                **values,
            )
            self._write(person.id)
            self.session.add(person)
            return PersonResult(person.id, "created")
        if any(getattr(person, name) != value for name, value in values.items()):
            self._write(person.id)
            for name, value in values.items():
                setattr(person, name, value)
            return PersonResult(person.id, "updated")
        return PersonResult(person.id, "unchanged")

    def deactivate_person(self, person_id: str) -> bool:
        """An employee who left: they can no longer log in. Their data and every case stay."""
        person = self.session.get(m.PersonRow, person_id)
        if person is None or not person.active:
            return False
        self._write(person_id)
        person.active = False
        return True

    # --- guardians -------------------------------------------------------------------------------

    def parental_responsibility(self, child_id: str, guardian_id: str) -> bool | None:
        """Whether the stored guardian link carries foreldreansvar; None when there is no link."""
        link = self._get(m.GuardianshipRow, (child_id, guardian_id))
        return None if link is None else link.parental_responsibility

    def set_guardian(self, child_id: str, guardian_id: str, *, parental_responsibility: bool) -> Outcome:
        """Link a guardian to a child. There is no remove: ending foreldreansvar is an employee's act."""
        link = self._get(m.GuardianshipRow, (child_id, guardian_id))
        if link is not None and link.parental_responsibility == parental_responsibility:
            return "unchanged"
        self._write(child_id)
        if link is None:
            self._add(
                m.GuardianshipRow(
                    child_id=child_id,
                    guardian_id=guardian_id,
                    parental_responsibility=parental_responsibility,
                )
            )
            return "created"
        link.parental_responsibility = parental_responsibility
        return "updated"

    # --- enrolment and staff ---------------------------------------------------------------------

    def enrol(self, child_id: str, unit_id: str) -> Outcome:
        """The child attends this school or kindergarten (again, if the link had ended)."""
        link = self._get(SchoolEnrollmentRow, (child_id, unit_id))
        if link is not None and link.active:
            return "unchanged"
        self._write(child_id)
        if link is None:
            self._add(
                SchoolEnrollmentRow(
                    person_id=child_id, unit_id=unit_id, active=True, since=self.now, ended_at=None
                )
            )
            return "created"
        link.active, link.since, link.ended_at = True, self.now, None
        return "updated"

    def end_enrolment(self, child_id: str, unit_id: str) -> bool:
        """The child left the unit: the link is kept, inactive, with the date it ended."""
        link = self._get(SchoolEnrollmentRow, (child_id, unit_id))
        if link is None or not link.active:
            return False
        self._write(child_id)
        link.active, link.ended_at = False, self.now
        return True

    def set_membership(self, employee_id: str, unit_id: str, *, leader: bool) -> Outcome:
        """The employee works at the unit, as its leader or not."""
        role = str(UnitRole.UNIT_LEADER if leader else UnitRole.EMPLOYEE)
        membership = self._get(m.UnitMembershipRow, (employee_id, unit_id))
        if membership is not None and membership.role == role:
            return "unchanged"
        self._write(employee_id)
        if membership is None:
            self._add(m.UnitMembershipRow(person_id=employee_id, unit_id=unit_id, role=role))
            return "created"
        membership.role = role
        return "updated"

    def remove_membership(self, employee_id: str, unit_id: str) -> bool:
        """The employee no longer works at the unit: access through it ends at once."""
        self._write(employee_id)
        result = self.session.execute(
            delete(m.UnitMembershipRow).where(
                m.UnitMembershipRow.person_id == employee_id, m.UnitMembershipRow.unit_id == unit_id
            )
        )
        return bool(cast("CursorResult[Any]", result).rowcount)

    # --- classes ---------------------------------------------------------------------------------

    def upsert_class(
        self, class_id: str | None, *, unit_id: str, name: str, homeroom: bool
    ) -> tuple[str, Outcome]:
        """A class or group at a unit; a homeroom class (basisgruppe, avdeling) names contact teachers."""
        group = self.session.get(SchoolClassRow, class_id) if class_id else None
        self.work.authorize(Action.MANAGE_UNITS, unit_id=unit_id)
        outcome: Outcome = "updated"
        if group is None:
            group = SchoolClassRow(id=new_id(), municipality_id=self.municipality_id)
            self.session.add(group)
            outcome = "created"
        group.unit_id, group.name, group.homeroom, group.active = unit_id, name, homeroom, True
        return group.id, outcome

    def end_class(self, class_id: str) -> int:
        """The class is no longer taught: it and its memberships end. Returns the memberships ended."""
        group = self.session.get(SchoolClassRow, class_id)
        if group is None:
            return 0
        group.active = False
        ended = 0
        for member in self.session.scalars(
            select(ClassMemberRow).where(ClassMemberRow.class_id == class_id, ClassMemberRow.active)
        ):
            self._write(member.person_id)
            member.active = False
            ended += 1
        return ended

    def set_class_member(
        self, class_id: str, person_id: str, *, role: Literal["pupil", "teacher"], primary: bool = False
    ) -> Outcome:
        """A pupil or teacher in a class; the primary teacher of a homeroom is its contact teacher."""
        self._write(person_id)
        member = self._get(ClassMemberRow, (class_id, person_id))
        outcome: Outcome = "updated"
        if member is None:
            member = self._add(ClassMemberRow(class_id=class_id, person_id=person_id))
            outcome = "created"
        member.role, member.is_primary, member.active = role, primary, True
        return outcome

    def end_class_member(self, class_id: str, person_id: str) -> bool:
        member = self._get(ClassMemberRow, (class_id, person_id))
        if member is None or not member.active:
            return False
        self._write(person_id)
        member.active = False
        return True

    # --- helpers ---------------------------------------------------------------------------------

    def _get(self, model: type, key: tuple[str, str]):
        """A link row by primary key, including one added since the last flush (get cannot see those)."""
        return self._new.get((model, key)) or self.session.get(model, key)

    def _add(self, row):
        mapper = sa.inspect(type(row))
        key = tuple(getattr(row, c.key) for c in mapper.primary_key)
        self._new[(type(row), key)] = row
        self.session.add(row)
        return row

    def _write(self, person_id: str) -> None:
        """One policy decision and audit event per person whose data this sync changes, not one per row."""
        if person_id not in self._authorized:
            self.work.authorize(Action.WRITE_PERSON, subject_id=person_id)
            self._authorized.add(person_id)


class DirectoryReads(Service):
    """What the rest of Stafett reads from the synced directory; every read is audited."""

    def contact_teachers(self, child_id: str) -> list[ContactTeacher]:
        """The primary teachers of the child's active homeroom classes (all of them if none is primary)."""
        self.work.authorize(Action.READ_PERSON, subject_id=child_id)
        pupil, teacher = sa.orm.aliased(ClassMemberRow), sa.orm.aliased(ClassMemberRow)
        rows = self.work.session.execute(
            select(teacher.person_id, teacher.is_primary, SchoolClassRow)
            .join(pupil, pupil.class_id == SchoolClassRow.id)
            .join(teacher, teacher.class_id == SchoolClassRow.id)
            .where(
                pupil.person_id == child_id,
                pupil.role == "pupil",
                pupil.active,
                teacher.role == "teacher",
                teacher.active,
                SchoolClassRow.homeroom,
                SchoolClassRow.active,
                SchoolClassRow.municipality_id == self.work.municipality_id,
            )
            .order_by(SchoolClassRow.name, teacher.person_id)
        ).all()
        primary_classes = {c.id for _, is_primary, c in rows if is_primary}
        return [
            ContactTeacher(teacher_id=t, class_id=c.id, class_name=c.name, unit_id=c.unit_id)
            for t, is_primary, c in rows
            if is_primary or c.id not in primary_classes
        ]

    def school_links(self, child_id: str) -> list[SchoolLink]:
        """The schools and kindergartens a child is or was enrolled at."""
        self.work.authorize(Action.READ_PERSON, subject_id=child_id)
        rows = self.work.session.scalars(
            select(SchoolEnrollmentRow)
            .where(SchoolEnrollmentRow.person_id == child_id)
            .order_by(SchoolEnrollmentRow.since)
        )
        return [SchoolLink(r.unit_id, r.active, r.since, r.ended_at) for r in rows]
