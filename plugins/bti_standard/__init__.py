"""bti-standard: the national baseline of the BTI model — levels, steps, tools, stafettholder rules.

Enabled by default in every municipality; regional and municipal plugins add to it or, by
being enabled after it, override its guide. Imports ``contracts`` only.
"""

from __future__ import annotations

from .hooks import (
    provide_action_guides,
    provide_check_relay_holder,
    provide_indicators,
    provide_learning_modules,
    provide_notification_kinds,
    provide_plan_templates,
    provide_practice_cases,
    provide_relay_holder_rules,
    provide_suggest_relay_holder,
    provide_tools,
)

__all__ = [
    "provide_action_guides",
    "provide_check_relay_holder",
    "provide_indicators",
    "provide_learning_modules",
    "provide_notification_kinds",
    "provide_plan_templates",
    "provide_practice_cases",
    "provide_relay_holder_rules",
    "provide_suggest_relay_holder",
    "provide_tools",
]
