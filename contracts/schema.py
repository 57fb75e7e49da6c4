"""JSON Schema export of the contract, for integrators who do not read Python."""

from __future__ import annotations

from typing import Any

import msgspec

from . import cases, guides, notifications, people

EXPORTED: tuple[type, ...] = (
    people.Municipality,
    people.Unit,
    people.Child,
    people.PregnantPerson,
    people.Guardian,
    people.Guardianship,
    people.Employee,
    cases.Case,
    cases.Concern,
    cases.Measure,
    cases.Evaluation,
    cases.LogEntry,
    cases.Consent,
    cases.Participant,
    cases.Handover,
    cases.Meeting,
    cases.CaseEvent,
    cases.Refusal,
    cases.CaseSnapshot,
    cases.TransitionContext,
    cases.RelayHolderContext,
    guides.ActionGuide,
    guides.ToolDefinition,
    guides.MeetingArena,
    guides.ServiceDirectoryEntry,
    guides.RelayHolderRule,
    guides.CaseStatistics,
    guides.Indicator,
    notifications.NotificationKind,
    notifications.Notification,
)


def json_schema(version: str) -> dict[str, Any]:
    """One JSON Schema document (draft 2020-12) with every contract type under ``$defs``."""
    _, components = msgspec.json.schema_components(EXPORTED, ref_template="#/$defs/{name}")
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": f"https://stafett.example/contracts/{version}/schema.json",
        "title": f"Stafett contracts {version}",
        "$defs": dict(sorted(components.items())),
    }
