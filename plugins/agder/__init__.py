"""agder: what BTI Agder shares across its municipalities.

A regional guide, two tools, the two kinds of meeting arena the municipalities of BTI Agder use,
a role description of the stafettholder per level (and how it differs from a koordinator), and
one stafettlogg rule for level 3. Enable it after ``bti-standard``, whose tools its guide uses.
Imports ``contracts`` only.
"""

from __future__ import annotations

from .hooks import (
    provide_action_guides,
    provide_check_transition,
    provide_meeting_arenas,
    provide_plan_templates,
    provide_relay_holder_rules,
    provide_tools,
)

__all__ = [
    "provide_action_guides",
    "provide_check_transition",
    "provide_meeting_arenas",
    "provide_plan_templates",
    "provide_relay_holder_rules",
    "provide_tools",
]
