"""The FHIR outbox channel: its name, and the per-unit config table it reads.

A unit whose journal should receive its cases (under consent) gets, in the municipality's config::

    [[municipality.unit]]
    id = "fjordvik-helsestasjon"
    ...
    [municipality.unit.adapters.fhir]
    url = "https://journal.example/fhir/R4"
    token_env = "FJORDVIK_HS_FHIR_TOKEN"   # optional: bearer token from this environment variable

Core validates the table against ``SCHEMA`` at start-up; this module imports ``contracts`` and
msgspec only, so the ``fhir`` plugin can hand the channel over without importing core.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated, Any

import msgspec

from contracts import OutboxChannel

NAME = "fhir"
URL_PATTERN = r"^https?://[^\s]+$"
TOKEN_ENV_PATTERN = r"^[A-Z][A-Z0-9_]*$"
SCHEMA: dict[str, Any] = {
    "type": "object",
    "title": "FHIR-journal",
    "required": ["url"],
    "additionalProperties": False,
    "properties": {
        "url": {"type": "string", "title": "Adresse", "pattern": URL_PATTERN, "maxLength": 300},
        "token_env": {
            "type": "string",
            "title": "Miljøvariabel med tilgangsnøkkel",
            "pattern": TOKEN_ENV_PATTERN,
        },
    },
}
CHANNEL = OutboxChannel(name=NAME, title="FHIR-journal", config_schema=SCHEMA, endpoint_field="url")


class EndpointConfig(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """A unit's FHIR journal, as its ``adapters.fhir`` table says (already checked against ``SCHEMA``)."""

    url: Annotated[str, msgspec.Meta(pattern=URL_PATTERN, max_length=300)]
    token_env: Annotated[str, msgspec.Meta(pattern=TOKEN_ENV_PATTERN)] | None = None

    @classmethod
    def of(cls, table: Mapping[str, Any]) -> EndpointConfig:
        return msgspec.convert(dict(table), cls)
