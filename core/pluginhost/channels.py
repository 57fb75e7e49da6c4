"""The outbox's channel registry for one municipality: which units receive cases, over which channel, where.

Plugins supply channels (``outbox_channels``); a unit opts in with a table
``[municipality.unit.adapters.<channel>]`` in the config. Both meet here at start-up: a table no
enabled plugin claims, or one its channel's schema refuses, stops the start with a message that
names the municipality, the unit and the field.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from contracts import Municipality, OutboxChannel

from . import forms


@dataclass(frozen=True, slots=True)
class OutboxEndpoint:
    """A unit's system on one channel: the address recorded on its messages, and the unit's raw table."""

    unit_id: str
    channel: str
    address: str
    config: Mapping[str, Any]
    carries: str = "case"  # the channel's ``carries``: "case" or "child_welfare_report"


def endpoints(
    municipality: Municipality, units: Iterable[Any], channels: Mapping[str, OutboxChannel]
) -> list[OutboxEndpoint]:
    out = []
    for unit in units:
        for name, table in sorted((getattr(unit, "adapters", None) or {}).items()):
            where = f"Kommune {municipality.id} {municipality.name}, enhet «{unit.id}», adapters.{name}"
            channel = channels.get(name)
            if channel is None:
                known = ", ".join(sorted(channels)) or "ingen"
                raise ValueError(
                    f"{where}: ingen av kommunens programtillegg gir en kanal med navnet «{name}» "
                    f"(kanaler: {known})"
                )
            problems = forms.errors(forms.validator(channel.config_schema), dict(table))
            if problems:
                raise ValueError(f"{where}: " + "; ".join(problems))
            address = table.get(channel.endpoint_field)
            if not isinstance(address, str) or not address:
                raise ValueError(f"{where}: feltet «{channel.endpoint_field}» mangler")
            out.append(OutboxEndpoint(unit.id, name, address, dict(table), channel.carries))
    return out
