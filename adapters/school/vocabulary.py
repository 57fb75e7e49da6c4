"""OneRoster 1.2 vocabularies mapped to Stafett's, with the Norwegian profile's identifiers.

Used by both bindings (CSV and REST), so a package and a server mean the same thing.
"""

from __future__ import annotations

import re

from contracts import ServiceType

ONEROSTER_VERSION = "1.2"
# roles.csv / users[].roles[].role → the roster service's role kinds; None: known, not used by Stafett
ROLES: dict[str, str | None] = {
    "student": "pupil",
    "parent": "guardian",
    "guardian": "guardian",
    "relative": "relative",
    "teacher": "staff",
    "aide": "staff",
    "counselor": "staff",
    "proctor": "staff",
    "administrator": "staff",
    "principal": "leader",
    "siteAdministrator": "leader",
    "districtAdministrator": None,
    "systemAdministrator": None,
}
# orgs.csv type → service type of the unit; kindergartens use the extension token the spec allows
ORG_TYPES: dict[str, ServiceType | None] = {
    "school": ServiceType.SCHOOL,
    "ext:kindergarten": ServiceType.KINDERGARTEN,
    "district": None,
    "department": None,
    "local": None,
    "state": None,
    "national": None,
}
ENROLLMENT_ROLES: dict[str, str | None] = {
    "student": "pupil",
    "teacher": "teacher",
    "administrator": None,
    "proctor": None,
}
CLASS_TYPES = {"homeroom": True, "scheduled": False}
NATIONAL_ID_TYPES = {"fnr", "dnr", "nin", "noredupersonnin", "fodselsnummer", "fødselsnummer"}
STATUSES = {"": True, "active": True, "tobedeleted": False}
_PAIR = re.compile(r"\{([^{}:]+):([^{}]*)\}")


class VocabularyError(ValueError):
    """A value outside OneRoster's vocabulary (and not an ``ext:`` extension)."""


def lookup(table: dict, value: str, field: str):
    """The mapped value; ``ext:`` tokens the table does not know are allowed and ignored (None)."""
    value = (value or "").strip()
    if value in table:
        return table[value]
    if value.startswith("ext:"):
        return None
    allowed = ", ".join(k for k in table if k)
    raise VocabularyError(f"«{value}» er ikke en gyldig verdi for {field} (gyldige: {allowed}, eller ext:…)")


def active(status: str) -> bool:
    return lookup(STATUSES, (status or "").strip(), "status")


def boolean(value: str, field: str) -> bool:
    return lookup({"true": True, "false": False, "": False}, (value or "").strip().lower(), field)


def national_id_of(pairs: list[tuple[str, str]]) -> str | None:
    """The Norwegian profile: the fødselsnummer or D-nummer is a userIds entry of type FNR (or NIN)."""
    for kind, identifier in pairs:
        if kind.strip().lower() in NATIONAL_ID_TYPES and identifier.strip():
            return identifier.strip()
    return None


def hpr_of(pairs: list[tuple[str, str]]) -> str | None:
    """An employee's HPR-nummer (Helsepersonellregisteret): a userIds entry of type HPR."""
    return next((i.strip() for k, i in pairs if k.strip().lower() == "hpr" and i.strip()), None)


def user_ids(text: str) -> list[tuple[str, str]]:
    """CSV ``userIds``: ``{Feide:ola@skole.no},{FNR:01018012345}``."""
    text = (text or "").strip()
    pairs = _PAIR.findall(text)
    if text and _PAIR.sub("", text).replace(",", "").strip():
        raise VocabularyError(f"userIds «{text}» følger ikke formatet {{type:identifikator}},{{…}}")
    return pairs


def id_list(text: str) -> list[str]:
    """A CSV list of sourcedIds: comma-separated (``agentSourcedIds``, ``termSourcedIds``)."""
    return [part.strip() for part in (text or "").split(",") if part.strip()]
