"""The hook implementations of BTI Agder; each hands over the content of one module."""

from __future__ import annotations

from contracts import (
    ActionGuide,
    MeetingArena,
    Municipality,
    Refusal,
    RelayHolderRule,
    ToolDefinition,
    TransitionContext,
    hookimpl,
)

from . import arenas, guide, rules, tools


@hookimpl(specname="action_guides")
def provide_action_guides(municipality: Municipality) -> list[ActionGuide]:
    return [guide.GUIDE]


@hookimpl(specname="tools")
def provide_tools(municipality: Municipality) -> list[ToolDefinition]:
    return list(tools.TOOLS)


@hookimpl(specname="meeting_arenas")
def provide_meeting_arenas(municipality: Municipality) -> list[MeetingArena]:
    return list(arenas.ARENAS)


@hookimpl(specname="relay_holder_rules")
def provide_relay_holder_rules(municipality: Municipality) -> list[RelayHolderRule]:
    return list(rules.RULES)


@hookimpl(specname="check_transition")
def provide_check_transition(context: TransitionContext) -> list[Refusal]:
    return rules.check_transition(context)
