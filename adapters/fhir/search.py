"""Read and search requests of the FHIR facade, answered through core's service layer.

A request is parsed into a ``Query`` (bad parameters are a ``SearchError``, a 400), then the cases
it concerns are read with ``RecordService.case``: the one policy decides and every read is audited.
A query that names a case or a child the caller may not read is refused by the policy (``Forbidden``,
a 403, audited) rather than answered with a silent empty result. Without such a name the search
runs over the cases the caller may read. Units come from the (non-personal) unit directory and
employees from the audited people look-up, so they can be read without a case.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from adapters.fhir import mapping
from contracts import CaseRecord
from core.public import NotFound, RecordService, Work, _

NATIONAL_ID_SYSTEMS = (mapping.FNR, mapping.DNR)
CASE_TYPES = (
    "Patient",
    "RelatedPerson",
    "EpisodeOfCare",
    "CareTeam",
    "ServiceRequest",
    "Consent",
    "Goal",
    "CarePlan",
    "Task",
    "Communication",
    "Provenance",
    "AuditEvent",
)
DIRECTORY_TYPES = ("Organization", "Practitioner", "PractitionerRole")
TYPES = (*CASE_TYPES[:2], *DIRECTORY_TYPES, *CASE_TYPES[2:])
PATIENT_TYPES = frozenset(CASE_TYPES) - {"Patient"}
SUBJECT_TYPES = frozenset({"CareTeam", "CarePlan", "Goal", "Task", "ServiceRequest", "Communication"})
MAX_COUNT = 200

# Resource ids carry the id of the Stafett record they map (see mapping.py): how to find its case.
CASE_ID_PREFIX = {
    "EpisodeOfCare": "",
    "CareTeam": "team.",
    "CarePlan": "plan.",
    "ServiceRequest": "referral.",  # referral.<case>.<unit>
    "PractitionerRole": "stafettholder.",
}
ENTITY_ID_PREFIX = {
    "Goal": ("goal.", "measure"),
    "Task": ("handover.", "handover"),
    "Consent": ("consent.", "consent"),
    "Communication": ("log.", "log_entry"),
    "Provenance": ("prov.", "log_entry"),
    "AuditEvent": ("audit.", "audit_event"),
}


class SearchError(ValueError):
    """A request the facade cannot answer as asked: an unknown type or parameter, a malformed value."""


def search_params(resource_type: str) -> list[str]:
    """The search parameters a type supports (the CapabilityStatement lists the same)."""
    params = ["_id", "identifier", "episode-of-care"]
    if resource_type in PATIENT_TYPES:
        params.append("patient")
    if resource_type in SUBJECT_TYPES:
        params.append("subject")
    return params


@dataclass(frozen=True)
class Query:
    resource_type: str
    id: str | None = None
    identifier: tuple[str, str] | None = None  # (system or "", value)
    patient: str | None = None  # the child's (Patient) id
    case: str | None = None  # the case's (EpisodeOfCare) id
    count: int = 50


def parse(resource_type: str, items: list[tuple[str, str]]) -> Query:
    """The query of ``GET /{type}?…``; each parameter at most once, references as ``Type/id`` or ``id``."""
    if resource_type not in TYPES:
        raise SearchError(_("Ressurstypen «{type}» støttes ikke her.").format(type=resource_type))
    allowed = {*search_params(resource_type), "_count"}
    seen: dict[str, str] = {}
    for name, value in items:
        if name not in allowed:
            choices = ", ".join(sorted(allowed))
            raise SearchError(
                _("Søkeparameteren «{name}» støttes ikke for {type}; bruk {choices}.").format(
                    name=name, type=resource_type, choices=choices
                )
            )
        if name in seen:
            raise SearchError(_("Søkeparameteren «{name}» kan bare gis én gang.").format(name=name))
        if not value.strip():
            raise SearchError(_("Søkeparameteren «{name}» mangler verdi.").format(name=name))
        seen[name] = value.strip()
    identifier = None
    if "identifier" in seen:
        system, _sep, value = seen["identifier"].rpartition("|")
        if not value:
            raise SearchError(_("identifier må ha formen system|verdi eller verdi."))
        identifier = (system, value)
    patients = {_reference(seen[p], "Patient", p) for p in ("patient", "subject") if p in seen}
    if len(patients) > 1:
        raise SearchError(_("patient og subject må vise til det samme barnet."))
    return Query(
        resource_type=resource_type,
        id=seen.get("_id"),
        identifier=identifier,
        patient=next(iter(patients), None),
        case=_reference(seen["episode-of-care"], "EpisodeOfCare", "episode-of-care")
        if "episode-of-care" in seen
        else None,
        count=_count(seen.get("_count")),
    )


def _reference(value: str, resource_type: str, name: str) -> str:
    kind, slash, ref_id = value.rpartition("/")
    if slash and kind.rsplit("/", 1)[-1] != resource_type:
        raise SearchError(
            _("{name} må vise til en {type} ({type}/id).").format(name=name, type=resource_type)
        )
    if not ref_id:
        raise SearchError(_("{name} mangler id.").format(name=name))
    return ref_id


def _count(value: str | None) -> int:
    if value is None:
        return 50
    if not value.isdigit() or not 0 < int(value) <= MAX_COUNT:
        raise SearchError(f"_count må være et heltall fra 1 til {MAX_COUNT}.")
    return int(value)


def find(work: Work, query: Query) -> list[dict[str, Any]]:
    """The resources matching ``query`` that the caller may read; raises ``Forbidden`` when the policy
    refuses a case or child the query names. Each case read is audited by ``RecordService.case``."""
    try:
        if query.resource_type in DIRECTORY_TYPES and query.case is None:
            found = _directory(work, query)
            if found is not None:
                return found
        return _from_cases(work, query)
    except NotFound:
        return []


def _directory(work: Work, query: Query) -> list[dict[str, Any]] | None:
    """Units and employees looked up without a case; None when the query is about a case's role."""
    if query.resource_type == "Organization":
        units = work.directory.units()
        return [r for r in map(mapping.organization, units) if _matches(r, query)]
    if query.resource_type == "Practitioner":
        person_id = query.id or _stafett_id(query, "person")
    else:  # PractitionerRole <employee>.<unit>, or a case's stafettholder.<case>
        role_id = query.id or _stafett_id(query, "practitioner-role")
        if role_id and role_id.startswith(CASE_ID_PREFIX["PractitionerRole"]):
            return None
        person_id = mapping.long(role_id.partition(".")[0]) if role_id else None
    if not person_id:
        raise SearchError(
            f"Søk etter {query.resource_type} uten sak krever _id eller identifier (urn:stafett:…)."
        )
    employee = work.people.get_employee(person_id)  # audited person look-up; NotFound for non-employees
    if query.resource_type == "Practitioner":
        found = [mapping.practitioner(employee)]
    else:
        found = list(mapping.practitioner_roles(employee))
    return [r for r in found if _matches(r, query)]


def _stafett_id(query: Query, kind: str) -> str | None:
    if query.identifier is None:
        return None
    system, value = query.identifier
    return value if system in ("", mapping.sid(kind)) else None


def _from_cases(work: Work, query: Query) -> list[dict[str, Any]]:
    records = RecordService(work.uow)
    subject = query.patient
    case_ids: list[str] | None = [query.case] if query.case else None
    if query.id is not None and case_ids is None:
        case_ids, id_subject = _scope_of_id(records, query.resource_type, query.id)
        if subject not in (None, id_subject or subject):
            return []
        subject = id_subject or subject
    if query.resource_type == "Patient" and query.identifier and query.identifier[0] in NATIONAL_ID_SYSTEMS:
        child = work.people.find_by_national_id(query.identifier[1]).id  # audited look-up
        if subject not in (None, child):
            return []
        subject = child
    if case_ids is None and subject is not None:
        # The child's cases the caller may read; if none, the policy is asked for one and refuses (audited).
        case_ids = (
            list(records.visible_case_ids(subject_id=subject)) or records.case_ids_of("subject", subject)[:1]
        )
    if case_ids is None:
        case_ids = list(records.visible_case_ids())
    include_audit = query.resource_type == "AuditEvent"
    found: dict[str, dict[str, Any]] = {}
    for case_id in case_ids:
        record = records.case(case_id, include_audit=include_audit)
        if subject is not None and record.case.subject_id != subject:
            continue
        for resource in _resources(record, query.resource_type, work):
            if _matches(resource, query):
                found.setdefault(resource["id"], resource)
    return list(found.values())


def _scope_of_id(
    records: RecordService, resource_type: str, resource_id: str
) -> tuple[list[str] | None, str | None]:
    """The cases, or the child, a resource id belongs to, read from the id's form (see mapping.py)."""
    if resource_type == "Patient":
        return None, resource_id
    if resource_type == "RelatedPerson":  # <guardian>.<child>
        guardian, _sep, child = resource_id.partition(".")
        return ([], None) if not (guardian and child) else (None, mapping.long(child))
    if resource_type in CASE_ID_PREFIX:
        prefix = CASE_ID_PREFIX[resource_type]
        rest = resource_id.removeprefix(prefix) if resource_id.startswith(prefix) else ""
        return ([mapping.long(rest.split(".")[0])] if rest else []), None
    prefix, kind = ENTITY_ID_PREFIX[resource_type]
    if not resource_id.startswith(prefix):
        return [], None
    return records.case_ids_of(kind, resource_id.removeprefix(prefix)), None


def _resources(record: CaseRecord, resource_type: str, work: Work) -> list[dict[str, Any]]:
    include_log = resource_type in ("Communication", "Provenance")
    return [
        r
        for r in mapping.resources(record, now=work.now, include_log=include_log)
        if r["resourceType"] == resource_type
    ]


def _matches(resource: dict[str, Any], query: Query) -> bool:
    if query.id is not None and resource["id"] != query.id:
        return False
    if query.identifier is not None:
        system, value = query.identifier
        return any(
            i.get("value") == value and (not system or i.get("system") == system)
            for i in resource.get("identifier", [])
        )
    return True
