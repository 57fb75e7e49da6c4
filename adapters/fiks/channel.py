"""The Fiks outbox channel: its name, and the table a barnevern unit that receives reports gets.

The municipality's barnevern (one per bydel where the municipality has them) gets::

    [[municipality.unit]]
    id = "fjordvik-barnevern"
    service_type = "barnevern"
    ...
    [municipality.unit.adapters.fiks]
    receiver = "fiks-io:6a1f0c2e-…"      # barnevern's Fiks IO account; or "file:/srv/drop" (tests, demo)
    account_id = "2f6d…"                  # Stafett's own Fiks IO account (the sender)
    integration_id = "b1e7…"              # the Fiks integration Stafett runs as
    integration_password_env = "FIKS_INTEGRATION_PASSWORD"
    private_key_file = "/etc/stafett/fiks/privat.pem"      # the account's key (receipts are encrypted to it)
    certificate_file = "/etc/stafett/fiks/virksomhet.pem"  # virksomhetssertifikat, for Maskinporten
    certificate_key_file = "/etc/stafett/fiks/virksomhet.key"
    maskinporten_client_id = "…"
    bydelsnummer = "02"                   # optional: the bydel this unit serves, and its postal codes
    bydelsnavn = "Bergenhus"
    postnumre = ["5003", "5004"]

Core validates the table against ``SCHEMA`` at start-up; this module imports ``contracts`` and
msgspec only, so the ``fiks`` plugin hands the channel over without importing core.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import msgspec

from contracts import OutboxChannel

NAME = "fiks"
RECEIVER_PATTERN = r"^(fiks-io:[0-9a-fA-F-]{36}|file:/[^\s]*)$"
# https, or plain http to a peer on loopback (tests)
URL = {"type": "string", "pattern": r"^(https://[^\s]+|http://(127\.0\.0\.1|localhost)(:[0-9]+)?(/[^\s]*)?)$"}
UUID = {"type": "string", "pattern": r"^[0-9a-fA-F-]{36}$"}
FILE = {"type": "string", "minLength": 1, "maxLength": 500}
SCHEMA: dict[str, Any] = {
    "type": "object",
    "title": "Bekymringsmelding via KS Fiks",
    "required": ["receiver"],
    "additionalProperties": False,
    "properties": {
        "receiver": {"type": "string", "title": "Mottaker", "pattern": RECEIVER_PATTERN, "maxLength": 300},
        "account_id": {**UUID, "title": "Stafetts Fiks IO-konto"},
        "integration_id": {**UUID, "title": "Fiks-integrasjon"},
        "integration_password_env": {"type": "string", "pattern": r"^[A-Z][A-Z0-9_]*$"},
        "private_key_file": FILE,
        "certificate_file": FILE,
        "certificate_key_file": FILE,
        "maskinporten_client_id": {"type": "string", "minLength": 1, "maxLength": 200},
        "maskinporten_url": URL,
        "fiks_url": URL,
        "bydelsnummer": {"type": "string", "pattern": r"^[0-9]{2}$"},
        "bydelsnavn": {"type": "string", "minLength": 1, "maxLength": 100},
        "postnumre": {"type": "array", "items": {"type": "string", "pattern": r"^[0-9]{4}$"}},
    },
    # Fiks IO needs the whole sender set-up; a drop folder needs none of it
    "if": {"properties": {"receiver": {"pattern": "^fiks-io:"}}},
    "then": {
        "required": [
            "account_id",
            "integration_id",
            "integration_password_env",
            "certificate_file",
            "certificate_key_file",
            "maskinporten_client_id",
        ]
    },
}
CHANNEL = OutboxChannel(
    name=NAME,
    title="Bekymringsmelding (KS Fiks)",
    config_schema=SCHEMA,
    endpoint_field="receiver",
    carries="child_welfare_report",
)


class EndpointConfig(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """A barnevern unit's ``adapters.fiks`` table (already checked against ``SCHEMA``)."""

    receiver: str
    account_id: str = ""
    integration_id: str = ""
    integration_password_env: str = ""
    private_key_file: str = ""
    certificate_file: str = ""
    certificate_key_file: str = ""
    maskinporten_client_id: str = ""
    maskinporten_url: str = "https://maskinporten.no/token"
    fiks_url: str = "https://api.fiks.ks.no"
    bydelsnummer: str = ""
    bydelsnavn: str = ""
    postnumre: list[str] = []

    @classmethod
    def of(cls, table: Mapping[str, Any]) -> EndpointConfig:
        return msgspec.convert(dict(table), cls)
