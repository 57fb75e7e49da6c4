"""FHIR → contracts for Patient and RelatedPerson, so a journal can be the source of a child and guardians.

The resource is validated first; what Stafett cannot use (no name, no birth date and no national
identifier) is refused with a message that names the field. Registering the result goes through
core's people service like any other registration (policy, audit, national-id checks).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from adapters.fhir import mapping
from contracts import Child, Guardian, Guardianship


class NotMappable(ValueError):
    """The resource lacks what Stafett needs; the message names the field (bokmål)."""


def _national_id(resource: dict[str, Any]) -> str | None:
    for identifier in resource.get("identifier") or []:
        if identifier.get("system") in (mapping.FNR, mapping.DNR) and identifier.get("value"):
            return "".join(str(identifier["value"]).split())
    return None


def _stafett_id(resource: dict[str, Any], kind: str) -> str | None:
    for identifier in resource.get("identifier") or []:
        if identifier.get("system") == mapping.sid(kind) and identifier.get("value"):
            return identifier["value"]
    return None


def _names(resource: dict[str, Any]) -> tuple[str, str]:
    names = resource.get("name") or []
    chosen = next((n for n in names if n.get("use") == "official"), names[0] if names else {})
    given, family = " ".join(chosen.get("given") or []).strip(), (chosen.get("family") or "").strip()
    if not given or not family:
        raise NotMappable(f"{resource['resourceType']}.name: fornavn og etternavn må være med.")
    return given, family


def child(resource: dict[str, Any], municipality_id: str) -> Child:
    """A Patient as a child; ``id`` is the Stafett id when the journal has it, else ``fhir.<id>``."""
    mapping.validate(resource)
    if resource["resourceType"] != "Patient":
        raise NotMappable(f"Forventet Patient, fikk {resource['resourceType']}.")
    given, family = _names(resource)
    birth = resource.get("birthDate")
    if not birth or len(birth) != 10:
        raise NotMappable("Patient.birthDate: en hel fødselsdato (ÅÅÅÅ-MM-DD) må være med.")
    return Child(
        id=_stafett_id(resource, "person") or f"fhir.{resource.get('id') or 'ukjent'}",
        municipality_id=municipality_id,
        given_name=given,
        family_name=family,
        birth_date=dt.date.fromisoformat(birth),
        national_id=_national_id(resource),
    )


def guardian(resource: dict[str, Any], municipality_id: str, child_id: str) -> tuple[Guardian, Guardianship]:
    """A RelatedPerson as a guardian of ``child_id``; parental responsibility from the GUARD relationship."""
    mapping.validate(resource)
    if resource["resourceType"] != "RelatedPerson":
        raise NotMappable(f"Forventet RelatedPerson, fikk {resource['resourceType']}.")
    given, family = _names(resource)
    codes = {
        (c.get("system"), c.get("code"))
        for r in resource.get("relationship") or []
        for c in r.get("coding") or []
    }
    responsibility = (mapping.V3_ROLE, "GUARD") in codes or any(
        system == mapping.PARENTAL_RESPONSIBILITY for system, _ in codes
    )
    telecom = resource.get("telecom") or []
    email = next((t["value"] for t in telecom if t.get("system") == "email" and t.get("value")), None)
    phone = next((t["value"] for t in telecom if t.get("system") == "phone" and t.get("value")), None)
    guardianship_id = _stafett_id(resource, "guardianship")
    guardian_id = (
        guardianship_id.split(".")[0] if guardianship_id else f"fhir.{resource.get('id') or 'ukjent'}"
    )
    return (
        Guardian(
            id=guardian_id,
            municipality_id=municipality_id,
            given_name=given,
            family_name=family,
            national_id=_national_id(resource),
            email=email,
            phone=phone,
        ),
        Guardianship(child_id=child_id, guardian_id=guardian_id, parental_responsibility=responsibility),
    )
