"""``/fhir/R4/``: read and search the mapped resources, behind the same tokens, policy and audit as the API.

A resource is found through the cases the caller may read (``RecordService``): every case it
touches is an audited read, and a unit whose consent was withdrawn finds nothing more. Only
employees reach cases (the family has its own view in the API). The facade is served only to
people of municipalities that enable the ``fhir`` plugin.
"""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Request, Response, Router, get
from litestar.datastructures import State
from litestar.params import PathParameter

from adapters.fhir import mapping
from adapters.fhir.mapping import FNR as FNR_SYSTEM
from core.errors import StafettError
from core.platform import Platform, Work
from core.services.record import RecordService

FHIR_JSON = "application/fhir+json"
PURPOSE = "FHIR-oppslag"
PLUGIN = "fhir"
SEARCH_PARAMS = ("_id", "identifier", "patient", "_count")
TYPES = (
    "Patient",
    "RelatedPerson",
    "Organization",
    "Practitioner",
    "PractitionerRole",
    "EpisodeOfCare",
    "CareTeam",
    "ServiceRequest",
    "Consent",
    "Goal",
    "CarePlan",
    "Task",
    "Communication",
    "Provenance",
)
MAX_COUNT = 200
Segment = Annotated[str, PathParameter(pattern=r"^[A-Za-z0-9._:-]{1,64}$")]


class FhirError(Exception):
    def __init__(self, status: int, code: str, text: str) -> None:
        super().__init__(text)
        self.status, self.code, self.text = status, code, text


def outcome(status: int, code: str, text: str) -> Response[dict[str, Any]]:
    """An OperationOutcome, the FHIR form of an error."""
    body = {
        "resourceType": "OperationOutcome",
        "issue": [{"severity": "error", "code": code, "diagnostics": text}],
    }
    return Response(body, status_code=status, media_type=FHIR_JSON)


def fhir(body: dict[str, Any]) -> Response[dict[str, Any]]:
    return Response(body, media_type=FHIR_JSON)


@get("/metadata", sync_to_thread=False, include_in_schema=False)
def metadata(request: Request) -> Response[dict[str, Any]]:
    """The CapabilityStatement: which types can be read and searched, and with which parameters."""
    base = str(request.base_url).rstrip("/") + "/fhir/R4"
    searches = [{"name": "_id", "type": "token"}, {"name": "identifier", "type": "token"}]
    return fhir(
        {
            "resourceType": "CapabilityStatement",
            "status": "active",
            "date": "2026-11-23",
            "kind": "instance",
            "fhirVersion": "4.0.1",
            "format": ["json"],
            "software": {"name": "Stafett"},
            "implementation": {"description": "Stafett – BTI-saker som FHIR R4", "url": base},
            "rest": [
                {
                    "mode": "server",
                    "security": {"service": [{"text": "OAuth2 bearer token (Keycloak)"}]},
                    "resource": [
                        {
                            "type": t,
                            "interaction": [{"code": "read"}, {"code": "search-type"}],
                            "searchParam": searches
                            + ([] if t == "Patient" else [{"name": "patient", "type": "reference"}]),
                        }
                        for t in TYPES
                    ],
                }
            ],
        }
    )


@get("/{resource_type:str}/{resource_id:str}", sync_to_thread=True, include_in_schema=False)
def read(
    request: Request, state: State, resource_type: Segment, resource_id: Segment
) -> Response[dict[str, Any]]:
    try:
        found = _search(request, state.platform, resource_type, {"_id": resource_id})
    except FhirError as error:
        return outcome(error.status, error.code, error.text)
    if not found:
        return outcome(
            404, "not-found", f"{resource_type}/{resource_id} finnes ikke, eller du har ikke tilgang."
        )
    return fhir(found[0])


@get("/{resource_type:str}", sync_to_thread=True, include_in_schema=False)
def search(request: Request, state: State, resource_type: Segment) -> Response[dict[str, Any]]:
    params = dict(request.query_params)
    try:
        unknown = sorted(set(params) - set(SEARCH_PARAMS))
        if unknown:
            raise FhirError(400, "not-supported", f"Ukjente søkeparametre: {', '.join(unknown)}.")
        count = _count(params.pop("_count", None))
        found = _search(request, state.platform, resource_type, params)
    except FhirError as error:
        return outcome(error.status, error.code, error.text)
    return fhir(
        {
            "resourceType": "Bundle",
            "type": "searchset",
            "total": len(found),
            "entry": [{"resource": r, "search": {"mode": "match"}} for r in found[:count]],
        }
    )


def _count(value: str | None) -> int:
    if value is None:
        return 50
    if not value.isdigit() or not 0 < int(value) <= MAX_COUNT:
        raise FhirError(400, "value", f"_count må være et heltall fra 1 til {MAX_COUNT}.")
    return int(value)


def _search(request: Request, platform: Platform, resource_type: str, params: dict[str, str]) -> list[dict]:
    """Resources of one type matching the parameters, from the cases the caller may read."""
    actor = request.user
    if actor is None:
        raise FhirError(401, "login", "Innlogging kreves (bearer-token).")
    if PLUGIN not in platform.plugins.enabled(actor.municipality_id):
        raise FhirError(404, "not-found", "FHIR-tilgang er ikke slått på i denne kommunen.")
    if resource_type not in TYPES:
        raise FhirError(400, "not-supported", f"Ressurstypen «{resource_type}» støttes ikke her.")
    try:
        with platform.work(actor, PURPOSE) as work:
            records = RecordService(work)
            subject = _subject(work, params, resource_type)
            matches: dict[tuple[str, str], dict] = {}
            for case_id in list(records.visible_case_ids(subject_id=subject)):
                for resource in mapping.resources(records.case(case_id), now=work.now):
                    if resource["resourceType"] == resource_type and _matches(resource, params, subject):
                        matches.setdefault((resource_type, resource["id"]), resource)
            return list(matches.values())
    except StafettError as error:
        raise FhirError(
            error.status, "forbidden" if error.status == 403 else "processing", error.message
        ) from None


def _subject(work: Work, params: dict[str, str], resource_type: str) -> str | None:
    """The child the search is about, when the parameters name one (by id or by fødselsnummer)."""
    patient = params.get("patient", "").removeprefix("Patient/")
    if resource_type == "Patient":
        patient = params.get("_id", patient)
        system, _, value = params.get("identifier", "").partition("|")
        if value and system == FNR_SYSTEM:
            return work.people.find_by_national_id(value).id
    return patient or None


def _matches(resource: dict, params: dict[str, str], subject: str | None) -> bool:
    if "_id" in params and resource["id"] != params["_id"]:
        return False
    if "identifier" in params:
        system, _, value = params["identifier"].partition("|")
        if not any(
            i.get("value") == value and (not system or i.get("system") == system)
            for i in resource.get("identifier", [])
        ):
            return False
    return subject is None or resource["resourceType"] != "Patient" or resource["id"] == subject


fhir_router = Router(path="/fhir/R4", route_handlers=[metadata, read, search])
