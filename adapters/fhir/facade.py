"""``/fhir/R4/``: read and search the mapped resources, behind the same tokens, policy and audit as the API.

Mounted by the ``fhir`` plugin (``adapters.fhir.plugin``) through the ``routes`` hook. Unlike a
municipal plugin, which imports ``contracts`` only, this adapter reads through core's public service
layer: each request opens ``Platform.work`` for the logged-in actor (bearer token or session, set by
core.auth's middleware) and ``adapters.fhir.search`` reads the cases with ``RecordService``, so the
one policy decides and every case read is audited. Errors are OperationOutcomes with a 4xx status.
Served only to people of municipalities that enable the ``fhir`` plugin. The diagnostics are in the
request's written form (``Accept-Language``, set by core's language middleware for ``/fhir``).
"""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import parse_qsl

from litestar import Request, Response, Router, delete, get, post
from litestar.concurrency import sync_to_thread
from litestar.datastructures import State
from litestar.exceptions import HTTPException
from litestar.params import PathParameter
from litestar.response import File

from adapters.fhir import bulk, search
from adapters.fhir.search import Query, SearchError
from core.public import Platform, StafettError, _

FHIR_JSON = "application/fhir+json"
FORM = "application/x-www-form-urlencoded"
NDJSON = "application/fhir+ndjson"
PURPOSE = "FHIR-oppslag"
PLUGIN = "fhir"
BASE = "/fhir/R4"
Segment = Annotated[str, PathParameter(pattern=r"^[A-Za-z0-9.-]{1,200}$")]
ISSUE_CODE = {
    400: "invalid",
    401: "login",
    403: "forbidden",
    404: "not-found",
    409: "conflict",
    415: "not-supported",
}


class FhirError(Exception):
    def __init__(self, status: int, text: str, code: str | None = None) -> None:
        super().__init__(text)
        self.status, self.text, self.code = status, text, code or ISSUE_CODE.get(status, "processing")


def outcome(status: int, code: str, text: str) -> Response[dict[str, Any]]:
    """An OperationOutcome, the FHIR form of an error."""
    body = {
        "resourceType": "OperationOutcome",
        "issue": [{"severity": "error", "code": code, "diagnostics": text}],
    }
    headers = {"WWW-Authenticate": 'Bearer realm="stafett"'} if status == 401 else None
    return Response(body, status_code=status, media_type=FHIR_JSON, headers=headers)


def fhir(body: dict[str, Any]) -> Response[dict[str, Any]]:
    return Response(body, media_type=FHIR_JSON)


def _http_error(_: Request, exc: HTTPException) -> Response[dict[str, Any]]:
    """Litestar's own 4xx under /fhir/R4 (a malformed id in the path) as an OperationOutcome."""
    status = exc.status_code if 400 <= exc.status_code < 500 else 400
    return outcome(status, ISSUE_CODE.get(status, "invalid"), str(exc.detail))


@get("/metadata", sync_to_thread=False, include_in_schema=False)
def metadata(request: Request) -> Response[dict[str, Any]]:
    """The CapabilityStatement: which types can be read and searched, and with which parameters."""
    base = str(request.base_url).rstrip("/") + BASE
    docs = {
        "_id": ("token", "Ressursens id."),
        "identifier": ("token", "system|verdi: fødselsnummer/D-nummer (Patient), urn:stafett:<kind>."),
        "patient": ("reference", "Ressursene i sakene om dette barnet (Patient/id)."),
        "subject": ("reference", "Som patient."),
        "episode-of-care": ("reference", "Ressursene i denne saken (EpisodeOfCare/id)."),
    }
    return fhir(
        {
            "resourceType": "CapabilityStatement",
            "status": "active",
            "date": "2026-11-23",
            "publisher": "Stafett",
            "kind": "instance",
            "fhirVersion": "4.0.1",
            "format": ["json"],
            "software": {"name": "Stafett"},
            "implementation": {"description": "Stafett – BTI-saker som FHIR R4", "url": base},
            "rest": [
                {
                    "mode": "server",
                    "documentation": "Lesing og søk. Samme tilgangsregler og revisjonsspor som Stafetts API.",
                    "security": {
                        "service": [
                            {
                                "coding": [
                                    {
                                        "system": "http://terminology.hl7.org/CodeSystem/restful-security-service",
                                        "code": "OAuth",
                                    }
                                ],
                                "text": "OAuth2 bearer-token (Keycloak)",
                            }
                        ]
                    },
                    "resource": [
                        {
                            "type": t,
                            "interaction": [{"code": "read"}, {"code": "search-type"}],
                            "searchParam": [
                                {"name": p, "type": docs[p][0], "documentation": docs[p][1]}
                                for p in search.search_params(t)
                            ],
                        }
                        for t in search.TYPES
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
        found = _answer(request, state.platform, resource_type, [("_id", resource_id)])
    except FhirError as error:
        return outcome(error.status, error.code, error.text)
    if not found:
        return outcome(
            404, "not-found", _("{resource} finnes ikke.").format(resource=f"{resource_type}/{resource_id}")
        )
    return fhir(found[0])


@get("/{resource_type:str}", sync_to_thread=True, include_in_schema=False)
def search_type(request: Request, state: State, resource_type: Segment) -> Response[dict[str, Any]]:
    return _search(request, state.platform, resource_type, list(request.query_params.multi_items()))


@post("/{resource_type:str}/_search", status_code=200, include_in_schema=False)
async def search_form(request: Request, state: State, resource_type: Segment) -> Response[dict[str, Any]]:
    """``POST [type]/_search`` with an ``application/x-www-form-urlencoded`` body (FHIR's search by POST),
    so a fødselsnummer travels in the body, never in a URL that access logs keep. Parameters in the
    URL and the body are one search."""
    if request.headers.get("content-type", "").split(";")[0].strip() != FORM:
        return outcome(415, "not-supported", _("Søk med POST krever Content-Type: {type}.").format(type=FORM))
    try:
        body = (await request.body()).decode("utf-8")
    except UnicodeDecodeError:
        return outcome(400, "invalid", _("Skjemaet er ikke gyldig UTF-8."))
    items = list(request.query_params.multi_items())
    items += parse_qsl(body, keep_blank_values=True, max_num_fields=50)
    return await sync_to_thread(_search, request, state.platform, resource_type, items)


def _search(
    request: Request, platform: Platform, resource_type: str, items: list[tuple[str, str]]
) -> Response[dict[str, Any]]:
    try:
        found = _answer(request, platform, resource_type, items)
        count = search.parse(resource_type, items).count
    except FhirError as error:
        return outcome(error.status, error.code, error.text)
    return fhir(
        {
            "resourceType": "Bundle",
            "type": "searchset",
            "total": len(found),
            "link": [{"relation": "self", "url": str(request.url)}],
            "entry": [
                {
                    "fullUrl": f"{str(request.base_url).rstrip('/')}{BASE}/{r['resourceType']}/{r['id']}",
                    "resource": r,
                    "search": {"mode": "match"},
                }
                for r in found[:count]
            ],
        }
    )


def _answer(
    request: Request, platform: Platform, resource_type: str, items: list[tuple[str, str]]
) -> list[dict]:
    """Authenticate, parse and search in one audited unit of work; every failure becomes a ``FhirError``."""
    actor = request.user
    if actor is None:
        raise FhirError(401, _("Innlogging kreves (Authorization: Bearer …)."))
    if PLUGIN not in platform.plugins.enabled(actor.municipality_id):
        raise FhirError(404, _("FHIR-tilgang er ikke slått på i denne kommunen."), "not-supported")
    try:
        query: Query = search.parse(resource_type, items)
        with platform.work(actor, PURPOSE) as work:
            return search.find(work, query)
    except SearchError as error:
        raise FhirError(400, str(error), "not-supported") from None
    except StafettError as error:  # a malformed value (422 in the API) is a bad search here: 400
        raise FhirError(400 if error.status == 422 else error.status, error.message) from None


def _bulk_actor(request: Request, platform: Platform):
    actor = request.user
    if actor is None:
        raise FhirError(401, _("Innlogging kreves (Authorization: Bearer …)."))
    if PLUGIN not in platform.plugins.enabled(actor.municipality_id):
        raise FhirError(404, _("FHIR-tilgang er ikke slått på i denne kommunen."), "not-supported")
    return actor


def _base(request: Request) -> str:
    return str(request.base_url).rstrip("/") + BASE


@get(["/$export", "/Patient/$export"], sync_to_thread=False, include_in_schema=False)
def export_kick_off(request: Request, state: State) -> Response[Any]:
    """Bulk Data kick-off: 202 with the status URL in ``Content-Location`` (``Prefer: respond-async``)."""
    try:
        actor = _bulk_actor(request, state.platform)
        if "respond-async" not in request.headers.get("prefer", ""):
            raise FhirError(400, _("$export krever Prefer: respond-async."))
        types = bulk.parse(list(request.query_params.multi_items()))
    except FhirError as error:
        return outcome(error.status, error.code, error.text)
    except bulk.BulkError as error:
        return outcome(400, "not-supported", str(error))
    job_id = bulk.start(state.platform, actor, str(request.url), types)
    return Response(
        None, status_code=202, headers={"Content-Location": f"{_base(request)}/$export-status/{job_id}"}
    )


def _job(request: Request, state: State, job_id: str) -> Any:
    """The caller's own export job's folder, or the OperationOutcome that answers instead."""
    try:
        folder = bulk.job_folder(_bulk_actor(request, state.platform), job_id)
    except FhirError as error:
        return outcome(error.status, error.code, error.text)
    return folder if folder is not None else outcome(404, "not-found", _("Eksportjobben finnes ikke."))


@get("/$export-status/{job_id:str}", sync_to_thread=False, include_in_schema=False)
def export_status(request: Request, state: State, job_id: str) -> Response[Any]:
    """202 with ``X-Progress`` while the export runs, then the manifest (200) or an OperationOutcome."""
    folder = _job(request, state, job_id)
    if isinstance(folder, Response):
        return folder
    code, body = bulk.status(folder, _base(request))
    if code == 202:
        return Response(None, status_code=202, headers={"X-Progress": "pågår", "Retry-After": "2"})
    if code == 500:
        return outcome(500, "exception", str((body or {}).get("text")))
    return Response(body, media_type="application/json")


@delete("/$export-status/{job_id:str}", status_code=202, sync_to_thread=False, include_in_schema=False)
def export_delete(request: Request, state: State, job_id: str) -> Response[Any]:
    """The client is done (or gives up): the job's files are deleted."""
    folder = _job(request, state, job_id)
    if isinstance(folder, Response):
        return folder
    bulk.delete(folder)
    return Response(None, status_code=202)


@get("/$export-file/{job_id:str}/{name:str}", sync_to_thread=False, include_in_schema=False)
def export_file(request: Request, state: State, job_id: str, name: str) -> Response[Any]:
    """One NDJSON file of a finished job, for the person who asked for it."""
    try:
        folder = bulk.job_folder(_bulk_actor(request, state.platform), job_id)
    except FhirError as error:
        return outcome(error.status, error.code, error.text)
    path = bulk.output(folder, name) if folder is not None else None
    if path is None:
        return outcome(404, "not-found", _("Filen finnes ikke."))
    return File(path, media_type=NDJSON, content_disposition_type="inline")


fhir_router = Router(
    path=BASE,
    route_handlers=[
        metadata,
        read,
        search_type,
        search_form,
        export_kick_off,
        export_status,
        export_delete,
        export_file,
    ],
    exception_handlers={HTTPException: _http_error},
)
