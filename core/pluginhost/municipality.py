"""What the enabled plugins of one municipality supply, and the calls core makes on them at runtime."""

from __future__ import annotations

import logging
from typing import Any

import msgspec
import pluggy

from contracts import (
    ActionGuide,
    ArchiveReceipt,
    CaseEvent,
    CaseSnapshot,
    CaseStatistics,
    Indicator,
    LearningModule,
    Level,
    MeetingArena,
    Municipality,
    NotificationChannel,
    NotificationKind,
    OutboxChannel,
    OutboxMessage,
    PlanTemplate,
    PracticeCase,
    Refusal,
    RelayHolderContext,
    RelayHolderRule,
    ServiceDirectoryEntry,
    ServiceType,
    ToolDefinition,
    TransitionContext,
)
from core.i18n import _

from . import forms
from .calling import call, coerce, ordered_impls
from .channels import OutboxEndpoint
from .static import StaticResults

log = logging.getLogger("stafett.plugins")


def _failed(plugin: str) -> Refusal:
    return Refusal(
        code="plugin_error",
        message=_("Regelen i programtillegget «{plugin}» feilet; endringen er stoppet.").format(
            plugin=plugin
        ),
    )


def one_rule_per_level(rules: list[RelayHolderRule]) -> list[RelayHolderRule]:
    """The plugins' stafettholder rules merged to one per level, in level order: the words of the most
    specific plugin (the first in call order), required when any plugin requires a holder there, since
    a plugin may add a requirement but never lift another's."""
    merged: dict[Level, RelayHolderRule] = {}
    for rule in rules:
        first = merged.setdefault(rule.level, rule)
        if rule.required and not first.required:
            merged[rule.level] = msgspec.structs.replace(first, required=True)
    return [merged[level] for level in sorted(merged)]


def plan_template(templates: list[PlanTemplate]) -> PlanTemplate:
    """The individuell plan as the most specific template sets it up (``templates`` in call order),
    with the sections of every template from the general to the specific; core's defaults without one."""
    if not templates:
        return PlanTemplate()
    sections = [s for t in reversed(templates) for s in t.sections]
    return msgspec.structs.replace(templates[0], sections=sections)


class MunicipalityPlugins:
    """One municipality's view of its plugins: cached static results and fail-closed rule calls.

    Every list is in call order: the plugin enabled last (the most specific, e.g. the
    municipality's own after the national baseline) comes first, so it wins in ``guide_for``
    and ``suggest_relay_holder``.
    """

    def __init__(
        self,
        municipality: Municipality,
        plugin_names: list[str],
        pm: pluggy.PluginManager,
        static: StaticResults,
        config_services: list[ServiceDirectoryEntry],
        outbox_endpoints: list[OutboxEndpoint] | None = None,
    ) -> None:
        self.municipality = municipality
        self.plugin_names = plugin_names
        self._pm = pm
        self.guides: list[ActionGuide] = [g for _, g in static.guides]
        self.tools: dict[str, ToolDefinition] = {t.id: t for _, t in static.tools}
        self.arenas: dict[str, MeetingArena] = {a.id: a for _, a in static.arenas}
        self.services: list[ServiceDirectoryEntry] = [s for _, s in static.services] + config_services
        self.relay_holder_rules: list[RelayHolderRule] = one_rule_per_level([r for _, r in static.rules])
        self._validators = {t.id: forms.validator(t.form_schema) for t in self.tools.values()}
        self.outbox_channels: dict[str, OutboxChannel] = {c.name: c for _, c in static.channels}
        self.outbox_endpoints: list[OutboxEndpoint] = outbox_endpoints or []  # the channel registry
        # varsler (docs/notifications.md): the most specific plugin's kind wins an id
        self.notification_kinds: dict[str, NotificationKind] = {k.id: k for _, k in reversed(static.kinds)}
        self.plan_template: PlanTemplate = plan_template([t for _, t in static.plans])
        self.notification_channels: dict[str, NotificationChannel] = {
            c.name: c for _, c in static.notification_channels
        }
        # øving (docs/practice.md): the general plugin's material first, as it was enabled
        self.practice_cases: dict[str, PracticeCase] = {c.id: c for _, c in static.practice_cases}
        self.learning_modules: dict[str, LearningModule] = {lm.id: lm for _, lm in static.learning_modules}

    def __repr__(self) -> str:
        return f"<MunicipalityPlugins {self.municipality.id} {self.plugin_names}>"

    def guide_for(self, service_type: ServiceType | str) -> ActionGuide | None:
        """The guide of the most specific plugin that covers ``service_type``, or None."""
        wanted = ServiceType(service_type)
        return next((g for g in self.guides if wanted in g.service_types), None)

    def required_holder_levels(self) -> set[Level]:
        """Levels where some plugin requires a stafettholder; core adds its own built-in level 3."""
        return {r.level for r in self.relay_holder_rules if r.required}

    def check_transition(self, ctx: TransitionContext) -> list[Refusal]:
        """Every plugin's refusals for a level change; a failing rule refuses (fails closed)."""
        return self._refusals("check_transition", ctx)

    def check_relay_holder(self, ctx: RelayHolderContext) -> list[Refusal]:
        """Every plugin's refusals for a proposed stafettholder; a failing rule refuses."""
        return self._refusals("check_relay_holder", ctx)

    def _refusals(self, hook: str, ctx: object) -> list[Refusal]:
        out: list[Refusal] = []
        for impl in ordered_impls(self._pm, hook):
            try:
                raw = call(impl, context=ctx)
                out.extend(coerce(raw, list[Refusal]) if raw is not None else [])
            except Exception:
                log.exception("Programtillegget «%s» feilet i %s; endringen stoppes", impl.plugin_name, hook)
                out.append(_failed(impl.plugin_name))
        return out

    def suggest_relay_holder(self, snapshot: CaseSnapshot, candidates: dict[str, list[str]]) -> str | None:
        """The first suggestion that names one of the candidates; faulty answers are logged and skipped."""
        allowed = {e for ids in candidates.values() for e in ids}
        for impl in ordered_impls(self._pm, "suggest_relay_holder"):
            try:
                answer = call(impl, snapshot=snapshot, candidates=candidates)
            except Exception:
                log.exception("Programtillegget «%s» feilet i suggest_relay_holder", impl.plugin_name)
                continue
            if answer is None:
                continue
            if answer in allowed:
                return answer
            log.warning("Programtillegget «%s» foreslo en som ikke er kandidat: %r", impl.plugin_name, answer)
        return None

    def notify(self, event: CaseEvent) -> None:
        """Tell every plugin about a committed event; a plugin's exception is logged, never raised."""
        self._tell("case_event", f"case_event ({event.kind!s})", event=event)

    def outbox_changed(self, message: OutboxMessage) -> None:
        """Tell every plugin a delivery ended (delivered, dead, cancelled); an exception is logged."""
        self._tell("outbox_changed", "outbox_changed", message=message)

    def case_archived(self, receipt: ArchiveReceipt) -> None:
        """Tell every plugin the archive confirmed a case (``case_archived``); an exception is logged."""
        self._tell("case_archived", "case_archived", receipt=receipt)

    def _tell(self, hook: str, what: str, **arguments: Any) -> None:
        """Call every plugin's ``hook``, whose answer is not used; an exception is logged, naming ``what``
        the plugin was told, and the next plugin is told."""
        for impl in ordered_impls(self._pm, hook):
            try:
                call(impl, **arguments)
            except Exception:
                log.exception("Programtillegget «%s» feilet i %s", impl.plugin_name, what)

    def outbox_endpoint(self, unit_id: str, channel: str) -> OutboxEndpoint | None:
        """The unit's configured system on ``channel`` (its raw config table for the channel's sender)."""
        return next((e for e in self.outbox_endpoints if (e.unit_id, e.channel) == (unit_id, channel)), None)

    def indicators(self, stats: CaseStatistics) -> list[Indicator]:
        """All plugins' indicators; a faulty plugin is logged and left out, a repeated id keeps the first."""
        out: dict[str, Indicator] = {}
        for impl in ordered_impls(self._pm, "indicators"):
            try:
                raw = call(impl, statistics=stats)
                items = coerce(raw, list[Indicator]) if raw is not None else []
            except Exception:
                log.exception("Programtillegget «%s» feilet i indicators", impl.plugin_name)
                continue
            for item in items:
                if item.id in out:
                    log.warning("Indikatoren «%s» fra «%s» finnes fra før", item.id, impl.plugin_name)
                    continue
                out[item.id] = item
        return list(out.values())

    def validate_form(self, tool_id: str, data: dict) -> list[str]:
        """Errors of a filled-in form, in the reader's written form, with the field's title and path;
        empty when valid."""
        v = self._validators.get(tool_id)
        if v is None:
            return [
                _("Verktøyet «{tool_id}» finnes ikke i {municipality}.").format(
                    tool_id=tool_id, municipality=self.municipality.name
                )
            ]
        return forms.errors(v, data)
