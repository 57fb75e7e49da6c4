"""What plugins supply: action guides, tools, meeting arenas, the service directory, rules, indicators."""

from __future__ import annotations

import datetime as dt
from typing import Any

from .base import Contract, Id, MunicipalityNumber, ShortText, Text
from .enums import Level, MeetingKind, ServiceType
from .words import CONSENT_STEPS, LEVEL_GOALS, LEVEL_PURPOSES, LEVEL_TARGET_GROUPS, LEVEL_TITLES


class GuideStep(Contract):
    """A numbered step (trinn) of one level of an action guide, with the tools that belong to it."""

    number: int
    title: ShortText
    description: Text = ""
    responsible: str = ""  # who does it, in the guide's words ("ansatt", "leder", "stafettholder")
    tool_ids: list[Id] = []


class GuideLevel(Contract):
    level: Level
    title: ShortText
    purpose: Text = ""
    target_group: Text = ""
    goal: Text = ""
    steps: list[GuideStep] = []


def guide_step(number: int, title: str, description: str, responsible: str, *tool_ids: str) -> GuideStep:
    """A step in one line: its number, title, description, who does it, then the tools it uses."""
    return GuideStep(
        number=number, title=title, description=description, responsible=responsible, tool_ids=list(tool_ids)
    )


def consent_step(level: Level, number: int = 1) -> GuideStep:
    """The model's consent step opening nivå 2 (ask) and nivå 3 (widen), in the national words, so every
    guide asks for consent the same way."""
    title, description = CONSENT_STEPS[level]
    return guide_step(number, title, description, "stafettholder", "samtykke")


def guide_level(
    level: Level,
    steps: list[GuideStep],
    *,
    title: str | None = None,
    purpose: str | None = None,
    target_group: str | None = None,
    goal: str | None = None,
) -> GuideLevel:
    """A level of a guide; a text the guide does not give is the model's national one (contracts.words),
    so a regional guide writes only what it says differently."""
    return GuideLevel(
        level=level,
        title=title or f"Nivå {int(level)} – {LEVEL_TITLES[level].capitalize()}",
        purpose=LEVEL_PURPOSES[level] if purpose is None else purpose,
        target_group=LEVEL_TARGET_GROUPS[level] if target_group is None else target_group,
        goal=LEVEL_GOALS[level] if goal is None else goal,
        steps=steps,
    )


class ActionGuide(Contract):
    """A handlingsveileder for one or more service types: every level 0–3, in order, with its steps."""

    id: Id
    title: ShortText
    service_types: list[ServiceType]
    levels: list[GuideLevel]
    source: str = ""  # where the guide comes from, or that a detail is not known


def action_guide(
    id: str,
    title: str,
    levels: list[GuideLevel],
    *,
    source: str,
    service_types: list[ServiceType] | None = None,
) -> ActionGuide:
    """A guide in one line: for every service type unless it names some (most guides serve them all)."""
    types = list(ServiceType) if service_types is None else service_types
    return ActionGuide(id=id, title=title, service_types=types, levels=levels, source=source)


class ToolDefinition(Contract):
    """A verktøy: a form whose fields are a JSON Schema (draft 2020-12) object schema."""

    id: Id
    title: ShortText
    description: Text = ""
    levels: list[Level] = []
    form_schema: dict[str, Any] = {}
    shared_with_family: bool = True  # whether a filled-in form is shown on Min side


class MeetingArena(Contract):
    """A standing møtearena with a mandate: who meets, for which levels, and whether anonymously."""

    id: Id
    name: ShortText
    kind: MeetingKind
    mandate: Text
    levels: list[Level]
    anonymous_allowed: bool = False
    participants: list[str] = []  # roles or services that take part, in the arena's words
    frequency: str = ""


class ServiceDirectoryEntry(Contract):
    """One entry of the tjenesteoversikt: a service and how to reach it."""

    id: Id
    name: ShortText
    service_type: ServiceType
    description: Text = ""
    how_to_contact: Text = ""
    phone: str | None = None
    email: str | None = None
    url: str | None = None
    age_from: int | None = None
    age_to: int | None = None


class RelayHolderRule(Contract):
    """A rule for the stafettholder at one level, told to people; enforced by `check_relay_holder`."""

    level: Level
    required: bool  # whether a case at this level must have a stafettholder
    description: Text


def relay_holder_rules(*descriptions: str) -> list[RelayHolderRule]:
    """The rules of levels 0–3, one description each in the plugin's words; a stafettholder is required
    from nivå 2, where the services collaborate, as in the national model."""
    if len(descriptions) != len(Level):
        raise ValueError(f"one description for each of the {len(Level)} levels, not {len(descriptions)}")
    return [
        RelayHolderRule(level=level, required=level >= Level.COLLABORATE_TWO, description=description)
        for level, description in zip(Level, descriptions, strict=True)
    ]


class CaseStatistics(Contract):
    """Aggregate numbers for one unit, municipality or region and period, handed to `indicators`; no
    person data. Counts are of the period (``period_start`` to ``period_end``, both included); the
    ``open_*`` counts are of its last day. ``unit_id`` is set when the numbers are one unit's."""

    municipality_id: MunicipalityNumber
    period_start: dt.date
    period_end: dt.date
    open_cases_by_level: dict[int, int]
    cases_opened: int
    cases_closed: int
    cases_closed_by_reason: dict[str, int]
    cases_with_relay_holder: int
    measures_created: int
    measures_evaluated_on_time: int
    measures_evaluated_late: int
    measures_overdue: int
    consents_given: int
    consents_withdrawn: int
    family_comments: int
    unit_id: Id | None = None
    concerns_registered: int = 0  # undringer and bekymringer
    level_changes_up: int = 0
    level_changes_down: int = 0
    consents_requested: int = 0
    consents_refused: int = 0
    consents_expired: int = 0
    cases_active: int = 0  # cases open at some time in the period
    cases_with_family_participation: int = 0  # of cases_active: a comment, a home task or a consent given
    cases_discussed_in_arena: int = 0  # lifted to a drøftingsarena in the period


class Indicator(Contract):
    """A measurement of how the model is implemented, computed by a plugin from CaseStatistics.

    A share names its ``numerator`` and ``denominator``, so core can apply the small-number rule
    (shares built on fewer than 5 are not shown); a ``target`` ("90 % evaluert i tide") is compared
    with ``value`` in the direction ``higher_is_better``.
    """

    id: Id
    title: ShortText
    value: float
    unit: str = ""  # "%", "dager", "antall"
    description: Text = ""
    numerator: int | None = None
    denominator: int | None = None
    target: float | None = None
    higher_is_better: bool = True
