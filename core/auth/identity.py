"""Who a person is to the identity layer: their record, their roles as token claims, and the Actor.

Two directions, one vocabulary (docs/identity.md):

- ``claims_for``: the local realm mints tokens whose roles and groups come from the database
  memberships, exactly the claims a Keycloak realm configured from configs/keycloak/ carries;
- ``actor_from_claims``: any token (local realm or production Keycloak) becomes an ``Actor``.
  The roles and groups in the token are the source of the actor's roles, so in production
  Keycloak (and the municipal AD or Feide behind it) decides who leads which unit; the database
  only has to confirm that the person exists, is active and belongs to the token's municipality.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, cast

from sqlalchemy import Table, bindparam, select
from sqlalchemy.orm import Session

from contracts import MunicipalRole, PersonKind, UnitRole
from core.domain import national_id
from core.domain.consent import own_case_age
from core.domain.policy import Actor, ActorKind
from core.i18n import _
from core.platform import Platform
from core.services.people import actor_for
from core.storage import models as m

EMPLOYEE_ROLES = frozenset({"employee", "unit_leader", *(str(r) for r in MunicipalRole)})
GUARDIAN, YOUTH = "guardian", "youth"
REALM_ROLES = (*sorted(EMPLOYEE_ROLES), GUARDIAN, YOUTH)
_UNIT_ROLES = frozenset(str(r) for r in UnitRole)
_MUNICIPAL_ROLES = frozenset(str(r) for r in MunicipalRole)


class IdentityError(Exception):
    """The token is valid but names no one who may use Stafett; ``detail`` is in the written form of
    the block it was raised in (the request's)."""

    def __init__(self, detail: str) -> None:
        super().__init__(detail)
        self.detail = detail


@dataclass(frozen=True)
class Person:
    id: str
    municipality_id: str
    kind: PersonKind
    given_name: str
    family_name: str
    birth_date: dt.date | None
    language: str | None = None  # the written form they chose (core.i18n), else the municipality's

    @property
    def name(self) -> str:
        return f"{self.given_name} {self.family_name}"


def _person(row: m.PersonRow | Any) -> Person:
    return Person(
        row.id,
        row.municipality_id,
        PersonKind(row.kind),
        row.given_name,
        row.family_name,
        row.birth_date,
        row.language,
    )


def youth_age(platform: Platform, municipality_id: str) -> int:
    """From this age a child logs in and sees their own case (``core.domain.consent.own_case_age``)."""
    return own_case_age(platform.municipality(municipality_id).consent_ages)


def age(birth_date: dt.date | None, today: dt.date) -> int:
    return national_id.age_on(birth_date, today) if birth_date is not None else 0


_PEOPLE = cast(Table, m.PersonRow.__table__)
_FIND_PERSON = (  # built once on the Core table: every request asks it
    select(
        _PEOPLE.c.id,
        _PEOPLE.c.municipality_id,
        _PEOPLE.c.kind,
        _PEOPLE.c.given_name,
        _PEOPLE.c.family_name,
        _PEOPLE.c.birth_date,
        _PEOPLE.c.language,
    ).where(_PEOPLE.c.id == bindparam("person_id"), _PEOPLE.c.active.is_(True))
)


def find_person(session: Session, person_id: str) -> Person | None:
    """The active person of that id."""
    row = session.connection().execute(_FIND_PERSON, {"person_id": person_id}).first()
    return _person(row) if row is not None else None


def find_by_pid(session: Session, pid: str, municipality_id: str | None) -> list[Person]:
    """Active people with this fødselsnummer (ID-porten's ``pid``), in one municipality or in all."""
    query = select(m.PersonRow).where(m.PersonRow.national_id == "".join(pid.split()), m.PersonRow.active)
    if municipality_id:
        query = query.where(m.PersonRow.municipality_id == municipality_id)
    return [_person(row) for row in session.scalars(query)]


def claims_for(session: Session, platform: Platform, person_id: str) -> dict[str, Any]:
    """The identity claims of a token for this person, with roles and groups from the database."""
    person = find_person(session, person_id)
    if person is None:
        raise IdentityError(_("Fant ingen aktiv person «{person_id}».").format(person_id=person_id))
    actor = actor_for(session, person_id)
    groups: list[str] = []
    if actor.kind is ActorKind.EMPLOYEE:
        roles = {"employee"}
        for unit_id, role in sorted(actor.unit_roles.items()):
            groups.append(f"/{person.municipality_id}/{unit_id}/{role}")
            roles.add(str(role))
        for municipal_role in sorted(actor.municipal_roles):
            groups.append(f"/{person.municipality_id}/{municipal_role}")
            roles.add(str(municipal_role))
    elif person.kind is PersonKind.GUARDIAN:
        roles = {GUARDIAN}
    elif age(person.birth_date, dt.date.today()) >= youth_age(platform, person.municipality_id):
        roles = {YOUTH}
    else:
        raise IdentityError(_("Barn under aldersgrensen kan ikke logge inn selv."))
    return {
        "sub": person.id,
        "stafett_person": person.id,
        "municipality": person.municipality_id,
        "preferred_username": person.id,
        "name": person.name,
        "given_name": person.given_name,
        "family_name": person.family_name,
        "realm_access": {"roles": sorted(roles)},
        "groups": groups,
    }


def realm_roles(claims: Mapping[str, Any]) -> set[str]:
    access = claims.get("realm_access")
    roles = access.get("roles") if isinstance(access, Mapping) else None
    return {r for r in roles if isinstance(r, str)} if isinstance(roles, list) else set()


def _groups(claims: Mapping[str, Any]) -> Iterable[list[str]]:
    groups = claims.get("groups")
    for group in groups if isinstance(groups, list) else ():
        if isinstance(group, str):
            yield [part for part in group.strip("/").split("/") if part]


def resolve_person(session: Session, claims: Mapping[str, Any]) -> Person:
    """The registered person a token names: ``stafett_person``, or ID-porten's ``pid`` (fødselsnummer)."""
    municipality = claims.get("municipality")
    municipality = municipality if isinstance(municipality, str) and municipality else None
    person_id = claims.get("stafett_person")
    if isinstance(person_id, str) and person_id:
        person = find_person(session, person_id)
        if person is None:
            raise IdentityError(_("Brukeren er ikke registrert som aktiv person i Stafett."))
    elif isinstance(pid := claims.get("pid"), str) and pid:
        try:
            national_id.validate(pid, allow_synthetic=True)
        except national_id.InvalidNationalId:
            raise IdentityError(_("Fødselsnummeret fra ID-porten er ugyldig.")) from None
        found = find_by_pid(session, pid, municipality)
        if len(found) != 1:
            raise IdentityError(
                _("Fant ingen registrert person med dette fødselsnummeret.")
                if not found
                else _(
                    "Fødselsnummeret er registrert i flere kommuner; tokenet må angi kommune (municipality)."
                )
            )
        person = found[0]
    else:
        raise IdentityError(_("Tokenet sier ikke hvem brukeren er (mangler stafett_person eller pid)."))
    if municipality is not None and person.municipality_id != municipality:
        raise IdentityError(_("Personen tilhører ikke kommunen i tokenet."))
    return person


def actor_from_claims(claims: Mapping[str, Any], platform: Platform) -> Actor:
    """The Actor a validated token stands for. Roles and groups come from the token; the person from Stafett.

    Employees: realm role employee (or a finer one) and groups ``/{kommunenummer}/{unit}/{role}``
    and ``/{kommunenummer}/{coordinator|administrator|auditor}``; only groups of the person's own
    municipality and its configured units count. Family: realm role guardian or youth; which one
    the person is comes from the register (a guardian record or a child old enough).
    """
    with platform.database.reader() as session:
        person = resolve_person(session, claims)
    roles = realm_roles(claims)
    municipality = person.municipality_id
    try:
        units = {u.id for u in platform.municipality(municipality).units}
    except KeyError:
        raise IdentityError(_("Kommunen er ikke med i denne Stafett-installasjonen.")) from None
    if roles & EMPLOYEE_ROLES:
        if person.kind is not PersonKind.EMPLOYEE:
            raise IdentityError(_("Brukeren har en ansattrolle, men er ikke registrert som ansatt."))
        unit_roles: dict[str, UnitRole] = {}
        municipal: set[MunicipalRole] = set()
        for parts in _groups(claims):
            if parts[:1] != [municipality]:
                continue
            if len(parts) == 3 and parts[1] in units and parts[2] in _UNIT_ROLES:
                if unit_roles.get(parts[1]) is not UnitRole.UNIT_LEADER:  # the stronger role wins
                    unit_roles[parts[1]] = UnitRole(parts[2])
            elif len(parts) == 2 and parts[1] in _MUNICIPAL_ROLES:
                municipal.add(MunicipalRole(parts[1]))
        return Actor(
            kind=ActorKind.EMPLOYEE,
            municipality_id=municipality,
            id=person.id,
            unit_roles=unit_roles,
            municipal_roles=frozenset(municipal),
            language=person.language,
        )
    if person.kind is PersonKind.GUARDIAN and GUARDIAN in roles:
        return Actor(
            kind=ActorKind.GUARDIAN, municipality_id=municipality, id=person.id, language=person.language
        )
    if person.kind is PersonKind.CHILD and YOUTH in roles:
        if age(person.birth_date, dt.date.today()) < youth_age(platform, municipality):
            raise IdentityError(_("Barn under aldersgrensen kan ikke logge inn selv."))
        return Actor(
            kind=ActorKind.YOUTH, municipality_id=municipality, id=person.id, language=person.language
        )
    raise IdentityError(_("Brukeren har ingen rolle i Stafett."))
