"""Municipalities, units and the people a case is about or worked on by."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

import msgspec

from .base import Contract, Id, MunicipalityNumber, ShortText
from .enums import MunicipalRole, ServiceType, UnitRole

HprNumber = Annotated[str, msgspec.Meta(pattern=r"^[0-9]{1,9}$", description="HPR-nummer")]


class Municipality(Contract):
    id: MunicipalityNumber
    name: ShortText
    region: str | None = None


class Unit(Contract):
    """A service unit (enhet): one kindergarten, school, health station, PPT office, ..."""

    id: Id
    municipality_id: MunicipalityNumber
    name: ShortText
    service_type: ServiceType
    organization_number: str | None = None  # organisasjonsnummer, nine digits
    active: bool = True


class _Person(Contract):
    """What every person in the contracts has; each kind adds its own fields after these."""

    id: Id
    municipality_id: MunicipalityNumber
    given_name: ShortText
    family_name: ShortText


class Child(_Person, tag="child"):
    """A child or youth aged 0–23, the usual subject of a case."""

    birth_date: dt.date
    national_id: str | None = None  # fødselsnummer or D-nummer


class PregnantPerson(_Person, tag="pregnant"):
    """A pregnant woman: a case can start before the child is born."""

    birth_date: dt.date
    due_date: dt.date
    national_id: str | None = None


Subject = Child | PregnantPerson


class Guardian(_Person):
    """A parent or other guardian (foresatt)."""

    national_id: str | None = None
    email: str | None = None
    phone: str | None = None


class Guardianship(Contract):
    """Links a guardian to a child; only parental responsibility (foreldreansvar) lets them consent."""

    child_id: Id
    guardian_id: Id
    parental_responsibility: bool


class UnitMembership(Contract):
    unit_id: Id
    role: UnitRole = UnitRole.EMPLOYEE


class Employee(_Person):
    email: str | None = None
    title: str | None = None
    hpr_number: HprNumber | None = None  # Helsepersonellregisteret: health personnel only
    memberships: list[UnitMembership] = []
    municipal_roles: list[MunicipalRole] = []


class BirthInfo(Contract):
    """What a fødselsnummer or D-nummer tells: used by the school and FHIR adapters."""

    birth_date: dt.date
    is_d_number: bool
    sex: str  # "female" | "male", from the individual number's parity
