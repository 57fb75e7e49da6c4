"""Children, pregnant persons, guardians and employees: registered, looked up, and turned into actors."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import TypeVar

from sqlalchemy import bindparam, func, or_, select
from sqlalchemy.orm import Session

from contracts import (
    Child,
    Employee,
    Guardian,
    MunicipalRole,
    PersonKind,
    PregnantPerson,
    UnitMembership,
    UnitRole,
)
from core import i18n
from core.domain import national_id
from core.domain.policy import Action, Actor, ActorKind
from core.errors import Conflict, InvalidInput, NotFound
from core.i18n import _
from core.ids import new_id
from core.services import lookups, mapping
from core.services.base import Service
from core.services.inputs import check_target_group
from core.services.lookups import PersonMatch
from core.storage import models as m
from core.storage.queries import rows_in

R = TypeVar("R", m.UnitMembershipRow, m.MunicipalRoleRow)  # the per-person tables of an employee


_COLLEAGUES = (  # active employees of some units, and the municipality's BTI coordinators
    select(m.PersonRow)
    .where(m.PersonRow.municipality_id == bindparam("municipality"))
    .where(m.PersonRow.kind == PersonKind.EMPLOYEE, m.PersonRow.active.is_(True))
    .where(
        or_(
            m.PersonRow.id.in_(
                select(m.UnitMembershipRow.person_id).where(
                    m.UnitMembershipRow.unit_id.in_(bindparam("unit_ids", expanding=True))
                )
            ),
            m.PersonRow.id.in_(
                select(m.MunicipalRoleRow.person_id).where(
                    m.MunicipalRoleRow.role == MunicipalRole.COORDINATOR
                )
            ),
        )
    )
    .order_by(m.PersonRow.given_name, m.PersonRow.family_name, m.PersonRow.id)
)


class PeopleService(Service):
    def register_child(
        self,
        *,
        given_name: str,
        family_name: str,
        birth_date: dt.date | None = None,
        national_id: str | None = None,
    ) -> Child:
        """A child or youth 0–23; with a fødselsnummer or D-nummer the birth date comes from it."""
        row = self._person(PersonKind.CHILD, given_name, family_name, national_id, birth_date)
        check_target_group(row.kind, row.birth_date, self.work.now.date())
        return mapping.child(row)

    def register_pregnant(
        self,
        *,
        given_name: str,
        family_name: str,
        due_date: dt.date,
        birth_date: dt.date | None = None,
        national_id: str | None = None,
    ) -> PregnantPerson:
        row = self._person(PersonKind.PREGNANT, given_name, family_name, national_id, birth_date)
        if due_date < self.work.now.date() - dt.timedelta(days=60):
            raise InvalidInput(_("Termindatoen er for langt tilbake i tid."), field="due_date")
        row.due_date = due_date
        self.work.session.flush()
        return mapping.pregnant(row)

    def register_guardian(
        self,
        *,
        given_name: str,
        family_name: str,
        child_id: str,
        parental_responsibility: bool = True,
        national_id: str | None = None,
        email: str | None = None,
        phone: str | None = None,
    ) -> Guardian:
        row = self._person(PersonKind.GUARDIAN, given_name, family_name, national_id, None)
        row.email, row.phone = email, phone
        self.link_guardian(
            child_id=child_id, guardian_id=row.id, parental_responsibility=parental_responsibility
        )
        return mapping.guardian(row)

    def set_contact(
        self,
        person_id: str,
        *,
        email: str | None,
        phone: str | None = None,
        digital_contact_reserved: bool = False,
    ) -> None:
        """A person's e-mail address and phone number for varsler (both are set), and whether they are
        reserved against digital contact (the contact register's reservation: then varsler stay in
        Stafett)."""
        self.work.authorize(Action.WRITE_PERSON, subject_id=person_id)
        row = self._get(person_id)
        row.email, row.phone = email or None, phone or None
        row.digital_contact_reserved = digital_contact_reserved

    def choose_language(self, locale: str) -> None:
        """My own written form, bokmål or nynorsk: my pages, e-mails and PDFs follow it (core.i18n).
        A preference of one's own, as the varsler's are (so the same rule)."""
        self.work.authorize(Action.READ_NOTIFICATIONS)
        if (chosen := i18n.valid(locale)) is None or self.work.actor.id is None:
            raise InvalidInput(i18n.gettext("Velg bokmål eller nynorsk."), field="maalform")
        self._get(self.work.actor.id).language = chosen

    def link_guardian(self, *, child_id: str, guardian_id: str, parental_responsibility: bool) -> None:
        self.work.authorize(Action.WRITE_PERSON, subject_id=child_id)
        child, guardian = self._get(child_id), self._get(guardian_id)
        if child.kind != PersonKind.CHILD or guardian.kind != PersonKind.GUARDIAN:
            raise InvalidInput(_("Bare en foresatt kan knyttes til et barn."), field="guardian_id")
        link = self.work.session.get(m.GuardianshipRow, (child_id, guardian_id))
        if link is None:
            link = m.GuardianshipRow(child_id=child_id, guardian_id=guardian_id)
            self.work.session.add(link)
        link.parental_responsibility = parental_responsibility
        self.work.session.flush()

    def register_employee(
        self,
        *,
        given_name: str,
        family_name: str,
        email: str | None = None,
        title: str | None = None,
        memberships: Sequence[UnitMembership] = (),
        municipal_roles: Sequence[MunicipalRole] = (),
        hpr_number: str | None = None,
    ) -> Employee:
        work = self.work
        if hpr_number is not None and not (
            hpr_number.isascii() and hpr_number.isdigit() and len(hpr_number) <= 9
        ):
            raise InvalidInput(_("HPR-nummeret er høyst ni sifre."), field="hpr_number")
        row = self._person(PersonKind.EMPLOYEE, given_name, family_name, None, None)
        row.email, row.title, row.hpr_number = email, title, hpr_number
        for membership in memberships:
            unit = work.session.get(m.UnitRow, membership.unit_id)
            if unit is None or unit.municipality_id != work.municipality_id:
                raise InvalidInput(
                    _("Ukjent enhet «{membership_unit_id}».").format(membership_unit_id=membership.unit_id),
                    field="memberships",
                )
            work.session.add(
                m.UnitMembershipRow(person_id=row.id, unit_id=unit.id, role=str(membership.role))
            )
        work.session.add_all(m.MunicipalRoleRow(person_id=row.id, role=str(r)) for r in set(municipal_roles))
        work.session.flush()
        return self.employee(row.id)

    def get_employee(self, person_id: str) -> Employee:
        """An employee's units and roles, for a colleague choosing a stafettholder or a responsible."""
        self.work.authorize(Action.READ_PERSON, subject_id=person_id)
        if self._get(person_id).kind != PersonKind.EMPLOYEE:
            raise NotFound(
                _("Fant ingen ansatt «{person_id}».").format(person_id=person_id), code="person_not_found"
            )
        return self.employee(person_id)

    def employee(self, person_id: str) -> Employee:
        row = self._get(person_id)
        return self._employees([row])[0]

    def _employees(self, rows: list[m.PersonRow]) -> list[Employee]:
        """Employees with their units and roles, in three queries whatever their number."""
        ids = [r.id for r in rows]
        memberships = self._by_person(m.UnitMembershipRow, ids, "unit_id")
        roles = self._by_person(m.MunicipalRoleRow, ids, "role")
        return [mapping.employee(r, memberships.get(r.id, []), roles.get(r.id, [])) for r in rows]

    def _by_person(self, row: type[R], ids: list[str], order: str) -> dict[str, list[R]]:
        """Rows of a per-person table for many people in one query, grouped by person."""
        grouped: dict[str, list[R]] = {}
        for found in self.work.session.scalars(rows_in(row, "person_id", order), {"values": ids}):
            grouped.setdefault(found.person_id, []).append(found)
        return grouped

    def find_by_national_id(self, number: str) -> PersonMatch:
        """Look up the subject of a new undring by fødselsnummer: counted, audited, little data."""
        number = self._valid_national_id(number)
        lookups.count_lookup(self.work)
        return self._by_number(number)

    def _by_number(self, number: str) -> PersonMatch:
        row = self.work.session.scalar(
            select(m.PersonRow).where(
                m.PersonRow.municipality_id == self.work.municipality_id, m.PersonRow.national_id == number
            )
        )
        self.work.authorize(Action.READ_PERSON, subject_id=row.id if row else None)
        if row is None or row.kind not in (PersonKind.CHILD, PersonKind.PREGNANT):
            raise NotFound(
                _("Fant ingen registrert person med dette fødselsnummeret."), code="person_not_found"
            )
        return lookups.match(row)

    def search_subjects(self, query: str, *, limit: int = 20) -> list[PersonMatch]:
        """Children and pregnant persons of the municipality by fødselsnummer or name (for a new undring).

        One call is one look-up against the caller's limit; every person shown is a look-up of that
        person, audited like ``find_by_national_id``.
        """
        text = " ".join((query or "").split())
        if len(text) < 2:
            raise InvalidInput(_("Skriv minst to tegn av navnet, eller hele fødselsnummeret."), field="q")
        if len(text) > 100:
            raise InvalidInput(_("Søket er for langt: skriv navnet eller fødselsnummeret."), field="q")
        if text.replace(" ", "").isdigit():
            number = self._valid_national_id(text)
            lookups.count_lookup(self.work)
            return [self._by_number(number)]
        lookups.count_lookup(self.work)
        name = m.PersonRow.given_name + " " + m.PersonRow.family_name
        stmt = select(m.PersonRow).where(
            m.PersonRow.municipality_id == self.work.municipality_id,
            m.PersonRow.kind.in_([PersonKind.CHILD, PersonKind.PREGNANT]),
            m.PersonRow.active.is_(True),
        )
        for word in text.lower().split()[:4]:
            stmt = stmt.where(func.lower(name).contains(word, autoescape=True))
        rows = self.work.session.scalars(
            stmt.order_by(m.PersonRow.family_name, m.PersonRow.given_name, m.PersonRow.id).limit(limit)
        ).all()
        for row in rows:
            self.work.authorize(Action.READ_PERSON, subject_id=row.id)
        return [lookups.match(r) for r in rows]

    def colleagues(self, unit_ids: list[str]) -> list[Employee]:
        """Active employees of ``unit_ids`` and the BTI coordinators: who may hold the baton or a measure."""
        self.work.authorize(Action.READ_PERSON)
        params = {"unit_ids": unit_ids, "municipality": self.work.municipality_id}
        rows = self.work.session.scalars(_COLLEAGUES, params).all()
        return self._employees(list(rows))

    def employee_names(self, ids: set[str]) -> dict[str, str]:
        """Names of employees (who wrote, who is responsible), acting in their office: no personal data
        about a child, so shown to anyone who may read the entry that names them."""
        rows = self.work.session.execute(
            select(m.PersonRow.id, m.PersonRow.given_name, m.PersonRow.family_name).where(
                m.PersonRow.id.in_(ids),
                m.PersonRow.kind == PersonKind.EMPLOYEE,
                m.PersonRow.municipality_id == self.work.municipality_id,
            )
        )
        return {pid: f"{given} {family}" for pid, given, family in rows}

    def _person(
        self,
        kind: PersonKind,
        given_name: str,
        family_name: str,
        number: str | None,
        birth_date: dt.date | None,
    ) -> m.PersonRow:
        work = self.work
        work.authorize(Action.WRITE_PERSON)
        given_name, family_name = (given_name or "").strip(), (family_name or "").strip()
        if not given_name or not family_name:
            raise InvalidInput(_("Fornavn og etternavn må fylles ut."), field="given_name")
        if number:
            number = self._valid_national_id(number)
            born = national_id.validate(number, allow_synthetic=True).birth_date
            if birth_date is not None and birth_date != born:
                raise InvalidInput(_("Fødselsdatoen stemmer ikke med fødselsnummeret."), field="birth_date")
            birth_date = born
            if work.session.scalar(
                select(m.PersonRow.id).where(
                    m.PersonRow.municipality_id == work.municipality_id, m.PersonRow.national_id == number
                )
            ):
                raise Conflict(
                    _("En person med dette fødselsnummeret er allerede registrert."), code="person_exists"
                )
        if kind in (PersonKind.CHILD, PersonKind.PREGNANT) and birth_date is None:
            raise InvalidInput(_("Fødselsdato eller fødselsnummer må oppgis."), field="birth_date")
        if birth_date is not None and birth_date > work.now.date():
            raise InvalidInput(_("Fødselsdatoen kan ikke være fram i tid."), field="birth_date")
        row = m.PersonRow(
            id=new_id(),
            municipality_id=work.municipality_id,
            kind=str(kind),
            given_name=given_name,
            family_name=family_name,
            national_id=number or None,
            birth_date=birth_date,
            created_at=work.now,
        )
        work.session.add(row)
        work.session.flush()
        return row

    def _valid_national_id(self, number: str) -> str:
        allow = self.work.municipality.allow_synthetic_national_ids
        try:
            national_id.validate(number, allow_synthetic=allow)
        except national_id.InvalidNationalId as exc:
            raise InvalidInput(str(exc), field="national_id", code="invalid_national_id") from None
        return "".join(number.split())

    def _get(self, person_id: str) -> m.PersonRow:
        row = self.work.session.get(m.PersonRow, person_id)
        if row is None or row.municipality_id != self.work.municipality_id:
            raise NotFound(
                _("Fant ingen person «{person_id}».").format(person_id=person_id), code="person_not_found"
            )
        return row


def actor_for(session: Session, person_id: str, *, on_behalf_of: str | None = None) -> Actor:
    """The actor a logged-in person acts as: their municipality, units and roles, read from the database."""
    person = session.get(m.PersonRow, person_id)
    if person is None or not person.active:
        raise NotFound(
            _("Fant ingen aktiv person «{person_id}».").format(person_id=person_id), code="person_not_found"
        )
    if person.kind == PersonKind.EMPLOYEE:
        units = session.execute(
            select(m.UnitMembershipRow.unit_id, m.UnitMembershipRow.role).where(
                m.UnitMembershipRow.person_id == person_id
            )
        )
        roles = session.scalars(
            select(m.MunicipalRoleRow.role).where(m.MunicipalRoleRow.person_id == person_id)
        )
        return Actor(
            kind=ActorKind.EMPLOYEE,
            municipality_id=person.municipality_id,
            id=person.id,
            unit_roles={unit: UnitRole(role) for unit, role in units},
            municipal_roles=frozenset(MunicipalRole(r) for r in roles),
            on_behalf_of=on_behalf_of,
            language=person.language,
        )
    kind = ActorKind.GUARDIAN if person.kind == PersonKind.GUARDIAN else ActorKind.YOUTH
    return Actor(
        kind=kind,
        municipality_id=person.municipality_id,
        id=person.id,
        on_behalf_of=on_behalf_of,
        language=person.language,
    )
