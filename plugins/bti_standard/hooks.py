"""The hook implementations of the national baseline; each hands over the content of one module.

Named ``provide_*`` so they do not shadow the modules ``tools`` and ``indicators`` of this package.
"""

from __future__ import annotations

from contracts import (
    CaseSnapshot,
    CaseStatistics,
    Indicator,
    Refusal,
    RelayHolderContext,
    hookimpl,
    provides,
)

from . import guide, indicators, notifications, plan, practice, rules, tools

provide_action_guides = provides("action_guides", [guide.GUIDE])
provide_tools = provides("tools", tools.TOOLS)
provide_relay_holder_rules = provides("relay_holder_rules", rules.RULES)
provide_notification_kinds = provides("notification_kinds", notifications.KINDS)
provide_plan_templates = provides("plan_templates", [plan.PLAN])
provide_practice_cases = provides("practice_cases", practice.CASES)
provide_learning_modules = provides("learning_modules", practice.MODULES)


@hookimpl(specname="check_relay_holder")
def provide_check_relay_holder(context: RelayHolderContext) -> list[Refusal]:
    return rules.check(context)


@hookimpl(specname="suggest_relay_holder")
def provide_suggest_relay_holder(snapshot: CaseSnapshot, candidates: dict[str, list[str]]) -> str | None:
    return rules.suggest(snapshot, candidates)


@hookimpl(specname="indicators")
def provide_indicators(statistics: CaseStatistics) -> list[Indicator]:
    return indicators.compute(statistics)
