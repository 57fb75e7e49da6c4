"""RFC 9457 problem details: the one shape every error of the HTTP API has.

Core errors (``core.errors``) carry their status, a stable code and a message in bokmål;
Litestar's own errors (validation, unknown route, wrong method, no login) are given the same
shape here, and anything unexpected becomes a 500 problem that names no internals.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from typing import Any

import msgspec
from litestar import Request, Response
from litestar.exceptions import HTTPException, ValidationException
from litestar.openapi.datastructures import ResponseSpec
from litestar.types import ExceptionHandlersMap

from contracts import Refusal
from core.errors import InvalidInput, RuleRefused, StafettError
from core.i18n import N_, _
from core.storage.database import is_busy

log = logging.getLogger("stafett.api")

PROBLEM_JSON = "application/problem+json"
TYPE_PREFIX = "urn:stafett:problem:"

TITLES = {
    400: N_("Ugyldig forespørsel"),
    401: N_("Ikke innlogget"),
    403: N_("Ingen tilgang"),
    404: N_("Finnes ikke"),
    405: N_("Metoden er ikke tillatt"),
    409: N_("Konflikt"),
    413: N_("Forespørselen er for stor"),
    415: N_("Ukjent innholdstype"),
    422: N_("Ugyldig innhold"),
    429: N_("For mange forespørsler"),
    500: N_("Intern feil"),
    503: N_("Tjenesten er ikke klar"),
}
DETAILS = {
    400: N_("Forespørselen er ikke gyldig."),
    401: N_("Du må logge inn for å bruke Stafett."),
    403: N_("Du har ikke tilgang."),
    404: N_("Fant ikke det du ba om."),
    405: N_("Metoden er ikke tillatt for denne adressen."),
    413: N_("Forespørselen er for stor."),
    415: N_("Innholdstypen støttes ikke; send JSON."),
    500: N_("Det oppsto en uventet feil. Feilen er logget; prøv igjen senere."),
    503: N_("Tjenesten har mye å gjøre akkurat nå, og ingenting ble lagret. Prøv igjen om litt."),
}
RETRY_AFTER = 2  # seconds: a busy database is usually free again within a request or two
CODES = {
    400: "invalid_request",
    401: "not_authenticated",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    500: "internal_error",
    503: "not_ready",
}


class InvalidParam(msgspec.Struct, kw_only=True, frozen=True):
    """One field that is wrong, and why (RFC 9457 §3 example extension ``invalid-params``)."""

    name: str
    reason: str


class Problem(msgspec.Struct, kw_only=True, frozen=True, omit_defaults=True):
    """An error, as RFC 9457 problem details; ``detail`` is the sentence a user reads (bokmål or nynorsk)."""

    type: str
    title: str
    status: int
    detail: str
    code: str
    instance: str | None = None
    refusals: list[Refusal] | None = None  # every rule that stopped a change (code ``rule_refused``)
    invalid_params: list[InvalidParam] | None = msgspec.field(default=None, name="invalid-params")


def problem(
    request: Request,
    status: int,
    code: str,
    detail: str,
    *,
    headers: dict[str, str] | None = None,
    **extra: Any,
) -> Response[Problem]:
    body = Problem(
        type=f"{TYPE_PREFIX}{code}",
        title=_(TITLES.get(status, N_("Feil"))),
        status=status,
        detail=detail,
        code=code,
        instance=request.url.path,
        **extra,
    )
    return Response(body, status_code=status, media_type=PROBLEM_JSON, headers=headers)


def stafett_error(request: Request, exc: StafettError) -> Response[Problem]:
    extra: dict[str, Any] = {}
    if isinstance(exc, RuleRefused):
        extra["refusals"] = list(exc.refusals)
    if isinstance(exc, InvalidInput) and exc.field:
        extra["invalid_params"] = [InvalidParam(name=exc.field, reason=exc.message)]
    headers = {"Retry-After": str(exc.retry_after)} if exc.retry_after else None
    return problem(request, exc.status, exc.code, exc.message, headers=headers, **extra)


def http_error(request: Request, exc: HTTPException) -> Response[Problem]:
    status = exc.status_code
    headers = {k: v for k, v in (exc.headers or {}).items() if k.lower() in ("allow", "www-authenticate")}
    if isinstance(exc, ValidationException):
        return problem(
            request,
            400,
            "invalid_request",
            _(DETAILS[400]) + " " + _("Se «invalid-params»."),
            invalid_params=_invalid_params(exc.extra),
        )
    if status == 503:  # /ready: the operator reads the reason
        return problem(request, 503, "not_ready", str(exc.detail), headers=headers)
    code = CODES.get(status, f"http_{status}")
    detail = _(DETAILS[status]) if status in DETAILS else str(exc.detail)
    if status == 405:
        detail = _("Metoden {method} er ikke tillatt for {path}.").format(
            method=request.method, path=request.url.path
        )
    elif status == 404 and not request.url.path.startswith("/api/"):
        detail = _("Fant ingen side på adressen {path}.").format(path=request.url.path)
    return problem(request, status, code, detail, headers=headers)


def unexpected(request: Request, exc: Exception) -> Response[Problem]:
    if is_busy(exc):  # the transaction was rolled back whole: nothing was written, the client retries
        log.warning("Databasen var opptatt ved %s %s: %s", request.method, request.url.path, exc)
        return problem(request, 503, "busy", _(DETAILS[503]), headers={"Retry-After": str(RETRY_AFTER)})
    log.exception("Uventet feil ved %s %s", request.method, request.url.path, exc_info=exc)
    return problem(request, 500, "internal_error", _(DETAILS[500]))


def _invalid_params(extra: Any) -> list[InvalidParam]:
    """Validation faults as invalid-params: the field (a JSON path such as ``$.unit_ids[2]`` for the
    body, the name for a query parameter or header) and the reason in the reader's written form."""
    out: list[InvalidParam] = []
    for item in extra if isinstance(extra, list) else [extra] if extra else []:
        if isinstance(item, dict):
            key, source = str(item.get("key") or ""), item.get("source") or "body"
            name = key or "$"
            if source == "body" and not key.startswith("$"):
                name = "$" if key in ("", "data") else f"$.{key}"
            out.append(InvalidParam(name=name, reason=bokmaal(str(item.get("message", "")))))
        else:
            out.append(InvalidParam(name="$", reason=bokmaal(str(item))))
    return out or [InvalidParam(name="$", reason=_("Ugyldig innhold."))]


TYPE_WORDS = {
    "str": N_("tekst"),
    "int": N_("et heltall"),
    "float": N_("et tall"),
    "bool": N_("true eller false"),
    "object": N_("et objekt"),
    "array": N_("en liste"),
    "null": "null",
    "date": N_("en dato (ÅÅÅÅ-MM-DD)"),
    "datetime": N_("et tidspunkt med tidssone"),
    "uuid": N_("en UUID"),
}
BOUNDS = {">=": N_("minst"), "<=": N_("høyst"), ">": N_("større enn"), "<": N_("mindre enn")}
MSGSPEC_OPENERS = ("Expected", "Invalid", "Object", "JSON", "Missing", "unknown", "Unsupported")


def _type(name: str) -> str:
    return _(TYPE_WORDS[name]) if name in TYPE_WORDS else f"«{name}»"


def _length(kind: str, bound: str, n: str) -> str:
    if kind == "str":
        if bound == "<=":
            return _("Teksten er for lang: høyst {n} tegn.").format(n=n)
        return _("Teksten er for kort: minst {n} tegn.").format(n=n)
    if bound == "<=":
        return _("For mange elementer: høyst {n}.").format(n=n)
    return _("For få elementer: minst {n}.").format(n=n)


TRANSLATIONS: list[tuple[re.Pattern[str], Callable[[re.Match[str]], str]]] = [
    (
        re.compile(r"^Expected `(\w+)`, got `(\w+)`"),
        lambda m: _("Forventet {expected}, fikk {got}.").format(expected=_type(m[1]), got=_type(m[2])),
    ),
    (
        re.compile(r"^Object contains unknown field"),
        lambda m: _("Ukjent felt; det finnes ikke i denne forespørselen."),
    ),
    (re.compile(r"^Object missing required field"), lambda m: _("Feltet mangler; det er påkrevd.")),
    (re.compile(r"^Expected `(\w+)` of length (<=|>=) (\d+)"), lambda m: _length(m[1], m[2], m[3])),
    (
        re.compile(r"^Expected `str` matching regex"),
        lambda m: _("Teksten har ugyldige tegn eller feil form."),
    ),
    (
        re.compile(r"^Expected `(\w+)` (>=|<=|>|<) (\S+)"),
        lambda m: _("Verdien må være {bound} {value}.").format(bound=_(BOUNDS[m[2]]), value=m[3]),
    ),
    (
        re.compile(r"^Invalid enum value (.+)"),
        lambda m: _("Ugyldig verdi {value}; se de gyldige i API-beskrivelsen.").format(value=m[1]),
    ),
    (re.compile(r"^Invalid RFC3339 encoded date$"), lambda m: _("Ugyldig dato; skriv den som ÅÅÅÅ-MM-DD.")),
    (
        re.compile(r"^Invalid RFC3339 encoded datetime"),
        lambda m: _("Ugyldig tidspunkt; skriv det som 2025-03-01T10:00:00+01:00."),
    ),
    (re.compile(r"^Expected `datetime` with a timezone"), lambda m: _("Tidspunktet må ha tidssone.")),
    (re.compile(r"^unknown query parameter"), lambda m: _("Ukjent parameter; denne adressen tar den ikke.")),
    (re.compile(r"^JSON is malformed"), lambda m: _("Innholdet er ikke gyldig JSON.")),
]


def bokmaal(message: str) -> str:
    """msgspec's and Litestar's English reasons in the reader's written form (bokmål or nynorsk); our own
    reasons, already in it, pass as they are."""
    message = message.split(" - at `", 1)[0].strip()
    for pattern, say in TRANSLATIONS:
        if match := pattern.search(message):
            return say(match)
    if not message or message.startswith(MSGSPEC_OPENERS):
        return _("Ugyldig verdi.")
    return message.rstrip(".") + "."


EXCEPTION_HANDLERS: ExceptionHandlersMap = {
    StafettError: stafett_error,
    HTTPException: http_error,
    Exception: unexpected,
}


def problem_spec(description: str) -> ResponseSpec:
    return ResponseSpec(
        data_container=Problem, generate_examples=False, description=description, media_type=PROBLEM_JSON
    )


COMMON = {
    400: problem_spec(
        "Ugyldig forespørsel: et felt, en parameter eller en header er feil (se invalid-params)."
    ),
    401: problem_spec("Ikke innlogget."),
    403: problem_spec("Policyen avslo, og detail sier hvilken regel; avslaget er revisjonslogget."),
    404: problem_spec(
        "Finnes ikke, eller en sak du ikke kan vite om: samme svar som for en ukjent id (avslaget logges)."
    ),
}
READ_RESPONSES: dict[int, ResponseSpec] = COMMON
WRITE_RESPONSES: dict[int, ResponseSpec] = {
    **COMMON,
    409: problem_spec(
        "Konflikt med sakens tilstand (avsluttet), eller en regel i modellen stopper endringen (se refusals)."
    ),
    422: problem_spec("Innholdet er gyldig JSON, men ikke gyldig i saken (for eksempel en utløpt periode)."),
}
