"""The hook implementations of BTI Agder; each hands over the content of one module."""

from __future__ import annotations

from contracts import hookimpl, provides

from . import arenas, guide, plan, rules, tools

provide_action_guides = provides("action_guides", [guide.GUIDE])
provide_tools = provides("tools", tools.TOOLS)
provide_meeting_arenas = provides("meeting_arenas", arenas.ARENAS)
provide_relay_holder_rules = provides("relay_holder_rules", rules.RULES)
provide_plan_templates = provides("plan_templates", [plan.PLAN])
provide_check_transition = hookimpl(specname="check_transition")(rules.check_transition)
