"""A bekymringsmelding in KS's format (``no.ks.fiks.bekymringsmelding.offentlig.v2``), checked against
KS's own JSON Schema before it may leave.

The schema files in ``schema/`` are KS's, unchanged; the report schema refers to ``../adresse.json``,
which resolves to ``https://fiks.ks.no/adresse.json``, so the address schema is registered under that
URI (nothing is fetched). A message the schema refuses raises ``MessageRefused`` naming the field
(``offentligMelder.telefonnummer``), and is not sent.
"""

from __future__ import annotations

import datetime as dt
import json
from functools import cache
from importlib import resources
from typing import Any
from zoneinfo import ZoneInfo

from jsonschema import Draft201909Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT201909

from contracts import Address, ChildWelfareReport, ReportPerson
from core.public import InvalidInput, _

MESSAGE_TYPE = "no.ks.fiks.bekymringsmelding.offentlig.v2"
RECEIVED_TYPE = "no.ks.fiks.bekymringsmelding.mottatt.v1"
FAILED_TYPE = "no.ks.fiks.bekymringsmelding.feilet.v1"
REPORT_SCHEMA = "offentlig.bekymringsmelding.v2.json"
ADDRESS_URI = "https://fiks.ks.no/adresse.json"  # ``../adresse.json`` from the report schema's $id
CHANNEL_NAME = "Fagsystem"  # leveringskanal: sent from a professional system, not the web form
OSLO = ZoneInfo("Europe/Oslo")
NO_DISTRICT = "00"  # KS requires a bydelsnummer; a municipality without bydeler sends "00"


class MessageRefused(InvalidInput):
    """KS's schema refuses the message; ``field`` is the path of the first fault."""

    code = "fiks_message_invalid"


def _load(name: str, folder: Any = None) -> dict[str, Any]:
    folder = folder or resources.files("adapters.fiks") / "schema"
    return json.loads((folder / name).read_text(encoding="utf-8"))


def validator(folder: Any = None) -> Draft201909Validator:
    """KS's report schema with its address schema registered, from ``folder`` (default: the adapter's
    copies; tests pass the reference copies in ``../shared/specs``)."""
    address = Resource.from_contents(_load("adresse.json", folder), default_specification=DRAFT201909)
    registry: Registry = Registry().with_resource(ADDRESS_URI, address)
    return Draft201909Validator(_load(REPORT_SCHEMA, folder), registry=registry)


@cache
def _own_validator() -> Draft201909Validator:
    return validator()


def problems(message: dict[str, Any], check: Draft201909Validator | None = None) -> list[tuple[str, str]]:
    """Every fault the schema finds, as (field path, what is wrong), in a stable order."""
    errors = (check or _own_validator()).iter_errors(message)
    out = []
    for e in sorted(errors, key=lambda e: (list(map(str, e.absolute_path)), e.message)):
        path = ".".join(str(p) for p in e.absolute_path)
        if e.validator == "required":
            missing = e.message.split("'")[1] if "'" in e.message else ""
            path = f"{path}.{missing}" if path else missing
        out.append((path, e.message))
    return out


def check(message: dict[str, Any]) -> dict[str, Any]:
    """The message, or ``MessageRefused`` naming the first field KS's schema refuses."""
    found = problems(message)
    if found:
        field, what = found[0]
        raise MessageRefused(
            _("Bekymringsmeldingen følger ikke KS' format: feltet «{field}» er feil ({what}).").format(
                field=field, what=what
            ),
            field=field,
        )
    return message


def _line(text: str) -> str:
    """One line: KS's ``^(.*)$`` fields (names, roles, reasons) take no line breaks."""
    return " ".join(text.split())


def _address(a: Address) -> dict[str, str]:
    return {
        "adresselinje1": a.line1,
        "adresselinje2": a.line2,
        "adresselinje3": "",
        "postnummer": a.postal_code,
        "poststed": a.postal_town,
    }


def _informed(p: ReportPerson) -> dict[str, Any]:
    out: dict[str, Any] = {"orientert": p.informed}
    if not p.informed and p.not_informed_reason:
        out["orientertGrunn"] = _line(p.not_informed_reason)
    return out


def local_time(at: dt.datetime) -> str:
    """Norwegian wall-clock time without offset, as KS's examples write ``sendingstidspunkt``."""
    return at.astimezone(OSLO).replace(tzinfo=None, microsecond=0).isoformat()


def build(report: ChildWelfareReport) -> dict[str, Any]:
    """The report in KS's format, checked against KS's schema (``MessageRefused`` if it is not)."""
    reporter = report.reporter
    business: dict[str, Any] = {"navn": _line(reporter.unit_name), "adresse": _address(reporter.unit_address)}
    if reporter.organization_number:
        business["orgnr"] = _line(reporter.organization_number)
    child: dict[str, Any] = {
        "fnr": report.child.national_id,
        "ufoedt": report.child.unborn,
        "personnavn": _line(report.child.name),
        "adresse": _address(report.child_address),
        **_informed(report.child),
    }
    if report.child.phone:
        child["telefonnummer"] = report.child.phone
    guardians = []
    for g in report.guardians:
        guardians.append(
            {
                "personnavn": _line(g.name),
                **({"telefonnummer": _line(g.phone)} if g.phone else {}),
                **_informed(g),
            }
        )
    worry = report.worry
    if report.urgent:
        worry = _("HASTER: ") + worry
    if report.child.party:
        worry += "\n\n" + _("Ungdommen er 15 år eller eldre og er part i saken (barnevernsloven § 12-3).")
    melding: dict[str, Any] = {"melding": worry, "historie": report.history}
    if report.other_views:
        melding["andreSynspunkter"] = report.other_views
    message: dict[str, Any] = {
        "kommunenummer": report.municipality_id,
        "kommunenavn": _line(report.municipality_name),
        "bydelsnummer": report.district_number or NO_DISTRICT,
        "bydelsnavn": _line(report.district_name),
        "offentligMelder": {
            "personnavn": _line(reporter.name),
            "rolle": _line(reporter.role),
            "telefonnummer": reporter.phone,
            "epost": reporter.email,
            "virksomhet": business,
        },
        "offentligBarn": [child],
        "foresatte": guardians,
        "melding": melding,
        "sendingstidspunkt": local_time(report.sent_at),
        "leveringskanal": CHANNEL_NAME,
    }
    if report.interpreter:
        message["behovForTolk"] = report.interpreter
    if report.other_services:
        message["andreHjelpeinstanser"] = report.other_services
    return check(message)
