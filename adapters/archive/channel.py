"""The archive outbox channel: its name, and the table of the unit that hosts the municipality's archive.

The archive belongs to the municipality, so one unit (the dokumentsenter or postmottak, or any unit the
municipality picks) carries the table, and every closed case of the municipality is delivered to it::

    [[municipality.unit]]
    id = "fjordvik-dokumentsenter"
    ...
    [municipality.unit.adapters.archive]
    target = "file:/srv/arkiv/stafett"   # a folder the archive system reads (folder drop)
    arkivdel = "BTI"                     # optional: the archive part the case folders go in
    klasse = "B"                         # optional: a class in the classification system below
    klassifikasjonssystem = "ARKNOKKEL"

Fiks Arkiv over Fiks IO takes the same arkivmelding and PDF; its sender is not built yet, so a target
other than a folder is refused at start-up. This module imports ``contracts`` only.
"""

from __future__ import annotations

from typing import Any

from contracts import OutboxChannel

NAME = "archive"
SCHEMA: dict[str, Any] = {
    "type": "object",
    "title": "Kommunens arkiv",
    "required": ["target"],
    "additionalProperties": False,
    "properties": {
        "target": {
            "type": "string",
            "title": "Mappe arkivet leser",
            "pattern": r"^file:/[^\s]*$",
            "maxLength": 300,
        },
        "arkivdel": {"type": "string", "title": "Arkivdel", "minLength": 1, "maxLength": 50},
        "klasse": {"type": "string", "title": "Klasse", "minLength": 1, "maxLength": 50},
        "klassifikasjonssystem": {
            "type": "string",
            "title": "Klassifikasjonssystem",
            "minLength": 1,
            "maxLength": 50,
        },
    },
}
CHANNEL = OutboxChannel(
    name=NAME,
    title="Kommunens arkiv (Noark 5)",
    config_schema=SCHEMA,
    endpoint_field="target",
    carries="archive",
)
