"""The hook implementations of the national baseline; each hands over the content of one module.

Named ``provide_*`` with ``specname`` so they do not shadow the modules ``tools`` and
``indicators`` of this package.
"""

from __future__ import annotations

from contracts import (
    ActionGuide,
    CaseSnapshot,
    CaseStatistics,
    Indicator,
    Municipality,
    Refusal,
    RelayHolderContext,
    RelayHolderRule,
    ToolDefinition,
    hookimpl,
)

from . import guide, indicators, rules, tools


@hookimpl(specname="action_guides")
def provide_action_guides(municipality: Municipality) -> list[ActionGuide]:
    return [guide.GUIDE]


@hookimpl(specname="tools")
def provide_tools(municipality: Municipality) -> list[ToolDefinition]:
    return list(tools.TOOLS)


@hookimpl(specname="relay_holder_rules")
def provide_relay_holder_rules(municipality: Municipality) -> list[RelayHolderRule]:
    return list(rules.RULES)


@hookimpl(specname="check_relay_holder")
def provide_check_relay_holder(context: RelayHolderContext) -> list[Refusal]:
    return rules.check(context)


@hookimpl(specname="suggest_relay_holder")
def provide_suggest_relay_holder(snapshot: CaseSnapshot, candidates: dict[str, list[str]]) -> str | None:
    return rules.suggest(snapshot, candidates)


@hookimpl(specname="indicators")
def provide_indicators(statistics: CaseStatistics) -> list[Indicator]:
    return indicators.compute(statistics)
