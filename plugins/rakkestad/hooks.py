"""The hook implementations of Rakkestad kommune."""

from __future__ import annotations

from contracts import provides

from . import arenas, definitions, guides

provide_action_guides = provides("action_guides", guides.GUIDES)
provide_tools = provides("tools", [definitions.TOOL])
provide_meeting_arenas = provides("meeting_arenas", arenas.ARENAS)
