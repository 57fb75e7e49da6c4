"""Delivering a case to a unit's FHIR journal: one transaction Bundle of conditional updates.

Every resource is sent as ``PUT <Type>?identifier=<system>|<value>``: the receiver updates the
resource it already has with that identifier or creates it, so a retry (or the same case sent
after every event) never makes a duplicate. References between the resources use ``urn:uuid``
placeholders the receiver resolves. An answer that is not a successful transaction-response is
raised as ``DeliveryError``; the outbox records it and retries with back-off.
"""

from __future__ import annotations

import datetime as dt
import os
import uuid
from typing import Any
from urllib.parse import quote

import httpx

from adapters.fhir import mapping, scope
from adapters.fhir.channel import EndpointConfig
from contracts import CaseRecord, OutboxMessage
from core.public import Platform

FHIR_JSON = "application/fhir+json"
NAMESPACE = uuid.UUID("5f3f5a8e-2b7c-4c1e-9a57-57afe77e7a01")  # Stafett's namespace for placeholder ids
# Provenance and AuditEvent have no identifier to match on, so they stay in Stafett (export has them).
NOT_SHARED = frozenset({"Provenance", "AuditEvent"})
WITHDRAWAL = frozenset({"Patient", "RelatedPerson", "Organization", "Consent"})


class DeliveryError(Exception):
    """The receiver did not accept the delivery; the message says what it answered."""


def placeholder(resource_type: str, id: str) -> str:
    return f"urn:uuid:{uuid.uuid5(NAMESPACE, f'{resource_type}/{id}')}"


def _match(resource: dict[str, Any]) -> str:
    """The conditional URL: a patient's national identifier when known (the journal may know the child
    already), else the Stafett id (a guardian's number would match their RelatedPerson of another child)."""
    identifiers = resource["identifier"]
    national = [i for i in identifiers if i["system"] in (mapping.FNR, mapping.DNR)]
    chosen = national[0] if national and resource["resourceType"] == "Patient" else identifiers[-1]
    system, value = quote(chosen["system"], safe=":"), quote(chosen["value"], safe="")
    return f"{resource['resourceType']}?identifier={system}|{value}"


def _rewrite(value: Any, ids: dict[str, str]) -> Any:
    if isinstance(value, dict):
        out = {k: _rewrite(v, ids) for k, v in value.items()}
        reference = out.get("reference")
        if isinstance(reference, str) and reference in ids:
            out["reference"] = ids[reference]
        return out
    if isinstance(value, list):
        return [_rewrite(v, ids) for v in value]
    return value


def transaction(record: CaseRecord, *, now: dt.datetime, unit_id: str) -> dict[str, Any]:
    """The case as ``unit_id``'s journal may receive it (``scope.scoped``: only what a consent in force
    covers) as a transaction Bundle of conditional updates, each resource validated first.

    With no consent in force for the unit (core hands such a record only for a withdrawal notice) it
    carries the withdrawn Consent (``inactive``, its period ended) and the people and units it names,
    nothing else: the journal must not go on showing the consent as active."""
    shared = scope.scoped(record, unit_id, now)
    covered = any(unit_id in c.unit_ids and c.is_in_force(now) for c in record.consents)
    kinds = None if covered else WITHDRAWAL
    resources = [
        mapping.validate(r)
        for r in mapping.resources(shared, now=now)
        if r["resourceType"] not in NOT_SHARED and (kinds is None or r["resourceType"] in kinds)
    ]
    ids = {f"{r['resourceType']}/{r['id']}": placeholder(r["resourceType"], r["id"]) for r in resources}
    entries = []
    for resource in resources:
        key = f"{resource['resourceType']}/{resource['id']}"
        body = _rewrite({k: v for k, v in resource.items() if k != "id"}, ids)
        entries.append(
            {"fullUrl": ids[key], "resource": body, "request": {"method": "PUT", "url": _match(resource)}}
        )
    return {"resourceType": "Bundle", "type": "transaction", "entry": entries}


def check_response(response: httpx.Response) -> dict[str, Any]:
    """A successful transaction-response, or ``DeliveryError`` naming what was wrong with the answer."""
    try:
        body = response.json()
    except ValueError:
        raise DeliveryError(
            f"Mottakeren svarte {response.status_code} uten gyldig JSON: {response.text[:200]!r}"
        ) from None
    if response.status_code >= 300:
        raise DeliveryError(f"Mottakeren svarte {response.status_code}: {_outcome_text(body)}")
    if (
        not isinstance(body, dict)
        or body.get("resourceType") != "Bundle"
        or not isinstance(body.get("entry"), list)
    ):
        raise DeliveryError(
            f"Mottakeren svarte {response.status_code}, men ikke med en Bundle: {str(body)[:200]}"
        )
    failed = [
        e
        for e in body["entry"]
        if not str((e.get("response") or {}).get("status", "")).lstrip().startswith("2")
    ]
    if failed:
        first = failed[0].get("response") or {}
        raise DeliveryError(
            f"Mottakeren avviste {len(failed)} ressurs(er): {first.get('status')} "
            f"{_outcome_text(first.get('outcome') or {})}"
        )
    return body


def _outcome_text(body: Any) -> str:
    if isinstance(body, dict) and body.get("resourceType") == "OperationOutcome":
        issues = body.get("issue") or []
        texts = [
            (i.get("details") or {}).get("text") or i.get("diagnostics") or i.get("code", "") for i in issues
        ]
        return "; ".join(t for t in texts if t)[:500]
    return str(body)[:200]


class FhirSender:
    """The outbox's ``send`` for the FHIR channel; a unit's token comes from its ``adapters.fhir`` table."""

    def __init__(self, platform: Platform, *, timeout: float = 10.0) -> None:
        self.platform = platform
        self.client = httpx.Client(timeout=timeout, headers={"Accept": FHIR_JSON})

    def _headers(self, message: OutboxMessage) -> dict[str, str]:
        headers = {"Content-Type": FHIR_JSON}
        plugins = self.platform.plugins.for_municipality(message.municipality_id)
        endpoint = plugins.outbox_endpoint(message.unit_id, message.channel)
        token_env = EndpointConfig.of(endpoint.config).token_env if endpoint else None
        if token_env:
            token = os.environ.get(token_env)
            if not token:
                raise DeliveryError(f"Miljøvariabelen {token_env} med tilgangsnøkkel er ikke satt.")
            headers["Authorization"] = f"Bearer {token}"
        return headers

    def __call__(self, message: OutboxMessage, record: CaseRecord) -> None:
        body = transaction(record, now=self.platform.clock(), unit_id=message.unit_id)
        try:
            response = self.client.post(
                message.endpoint.rstrip("/"), json=body, headers=self._headers(message)
            )
        except httpx.HTTPError as exc:
            raise DeliveryError(f"Fikk ikke kontakt med {message.endpoint}: {exc}") from None
        check_response(response)

    def close(self) -> None:
        self.client.close()
