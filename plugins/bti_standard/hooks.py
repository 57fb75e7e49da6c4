"""The hook implementations of the national baseline; each hands over the content of one module.

Named ``provide_*`` so they do not shadow the modules ``tools`` and ``indicators`` of this package.
"""

from __future__ import annotations

from contracts import CaseStatistics, Indicator, hookimpl, provides

from . import guide, indicators, notifications, plan, practice, rules, tools

provide_action_guides = provides("action_guides", [guide.GUIDE])
provide_tools = provides("tools", tools.TOOLS)
provide_relay_holder_rules = provides("relay_holder_rules", rules.RULES)
provide_notification_kinds = provides("notification_kinds", notifications.KINDS)
provide_plan_templates = provides("plan_templates", [plan.PLAN])
provide_practice_cases = provides("practice_cases", practice.CASES)
provide_learning_modules = provides("learning_modules", practice.MODULES)
provide_check_relay_holder = hookimpl(specname="check_relay_holder")(rules.check)
provide_suggest_relay_holder = hookimpl(specname="suggest_relay_holder")(rules.suggest)


@hookimpl(specname="indicators")
def provide_indicators(statistics: CaseStatistics) -> list[Indicator]:
    return indicators.compute(statistics)
