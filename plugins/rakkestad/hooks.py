"""The hook implementations of Rakkestad kommune."""

from __future__ import annotations

from contracts import ActionGuide, MeetingArena, Municipality, ToolDefinition, hookimpl

from . import arenas, definitions, guides


@hookimpl(specname="action_guides")
def provide_action_guides(municipality: Municipality) -> list[ActionGuide]:
    return list(guides.GUIDES)


@hookimpl(specname="tools")
def provide_tools(municipality: Municipality) -> list[ToolDefinition]:
    return [definitions.TOOL]


@hookimpl(specname="meeting_arenas")
def provide_meeting_arenas(municipality: Municipality) -> list[MeetingArena]:
    return list(arenas.ARENAS)
