"""Start-up validation of what plugins supply: shapes, levels, steps, tools, schemas, unique ids."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import jsonschema
import pluggy

from contracts import (
    ActionGuide,
    LearningModule,
    Level,
    MeetingArena,
    Municipality,
    NotificationChannel,
    NotificationKind,
    OutboxChannel,
    PlanTemplate,
    PracticeCase,
    RelayHolderRule,
    ServiceDirectoryEntry,
    ToolDefinition,
)

from .calling import SHAPE_ERRORS, call, coerce, ordered_impls
from .errors import PluginError

STATIC_HOOKS: dict[str, type] = {
    "action_guides": list[ActionGuide],
    "tools": list[ToolDefinition],
    "meeting_arenas": list[MeetingArena],
    "services": list[ServiceDirectoryEntry],
    "relay_holder_rules": list[RelayHolderRule],
    "outbox_channels": list[OutboxChannel],
    "notification_kinds": list[NotificationKind],
    "plan_templates": list[PlanTemplate],
    "practice_cases": list[PracticeCase],
    "learning_modules": list[LearningModule],
}
ALL_LEVELS = [Level(n) for n in range(4)]
EMAIL = "email"  # core's own varsel channel, over the deployment's SMTP relay
CONFIG = "konfigurasjonen"  # stands in for a plugin name when the municipality's config supplies an entry


@dataclass
class StaticResults:
    """What the enabled plugins of one municipality supply, each item with the plugin it came from."""

    guides: list[tuple[str, ActionGuide]] = field(default_factory=list)
    tools: list[tuple[str, ToolDefinition]] = field(default_factory=list)
    arenas: list[tuple[str, MeetingArena]] = field(default_factory=list)
    services: list[tuple[str, ServiceDirectoryEntry]] = field(default_factory=list)
    rules: list[tuple[str, RelayHolderRule]] = field(default_factory=list)
    channels: list[tuple[str, OutboxChannel]] = field(default_factory=list)
    kinds: list[tuple[str, NotificationKind]] = field(default_factory=list)
    plans: list[tuple[str, PlanTemplate]] = field(default_factory=list)
    practice_cases: list[tuple[str, PracticeCase]] = field(default_factory=list)
    learning_modules: list[tuple[str, LearningModule]] = field(default_factory=list)
    notification_channels: list[tuple[str, NotificationChannel]] = field(default_factory=list)


def collect(pm: pluggy.PluginManager, municipality: Municipality) -> StaticResults:
    """Call every static hook once per plugin, convert and validate; the first fault stops start-up."""
    out = StaticResults()
    buckets: dict[str, list[tuple[str, Any]]] = dict(
        zip(
            STATIC_HOOKS,
            (
                out.guides,
                out.tools,
                out.arenas,
                out.services,
                out.rules,
                out.channels,
                out.kinds,
                out.plans,
                out.practice_cases,
                out.learning_modules,
            ),
            strict=True,
        )
    )
    for hook, type_ in STATIC_HOOKS.items():
        for impl in ordered_impls(pm, hook):
            name = impl.plugin_name
            try:
                raw = call(impl, municipality=municipality)
            except Exception as exc:
                raise _fault(
                    name, municipality, f"hooken «{hook}» feilet: {type(exc).__name__}: {exc}"
                ) from exc
            try:
                items: list[Any] = coerce(raw if raw is not None else [], type_)
            except SHAPE_ERRORS as exc:
                raise _fault(name, municipality, f"hooken «{hook}» svarte med feil form: {exc}") from exc
            buckets[hook].extend((name, item) for item in items)
    out.notification_channels = _notification_channels(pm, municipality)
    _check(out, municipality)
    return out


def _notification_channels(
    pm: pluggy.PluginManager, m: Municipality
) -> list[tuple[str, NotificationChannel]]:
    """The varsel channels plugins add; taken as built (they carry a callable, so they are not converted)."""
    found: list[tuple[str, NotificationChannel]] = []
    for impl in ordered_impls(pm, "notification_channels"):
        try:
            answer = call(impl, municipality=m)
        except Exception as exc:
            raise _fault(impl.plugin_name, m, f"hooken «notification_channels» feilet: {exc}") from exc
        if not isinstance(answer, list | tuple) or not all(
            isinstance(c, NotificationChannel) for c in answer
        ):
            raise _fault(
                impl.plugin_name, m, "hooken «notification_channels» må svare med NotificationChannel"
            )
        found += [(impl.plugin_name, channel) for channel in answer]
    for plugin, channel in found:
        if channel.name == EMAIL:
            raise _fault(plugin, m, f"varselkanalen «{EMAIL}» er Stafetts egen e-post; velg et annet navn")
    unique(((p, c.name) for p, c in reversed(found)), "varselkanalen", m)
    return found


def _fault(plugin: str, municipality: Municipality, fault: str) -> PluginError:
    return PluginError(plugin, fault, municipality=f"{municipality.id} {municipality.name}")


def _check(out: StaticResults, m: Municipality) -> None:
    # Ids are checked in config order, so a duplicate is blamed on the plugin enabled later.
    unique(((p, t.id) for p, t in reversed(out.tools)), "verktøyet", m)
    unique(((p, g.id) for p, g in reversed(out.guides)), "handlingsveilederen", m)
    unique(((p, a.id) for p, a in reversed(out.arenas)), "møtearenaen", m)
    unique(((p, c.name) for p, c in reversed(out.channels)), "leveringskanalen", m)
    unique(((p, k.id) for p, k in reversed(out.kinds)), "varseltypen", m)
    unique(((p, c.id) for p, c in reversed(out.practice_cases)), "øvingssaken", m)
    unique(((p, lm.id) for p, lm in reversed(out.learning_modules)), "læringsmodulen", m)
    for plugin, kind in out.kinds:
        if bool(kind.on) == (kind.scan is not None):
            raise _fault(
                plugin, m, f"varseltypen «{kind.id}» må ha enten «on» eller «scan», ikke begge/ingen"
            )
        if not kind.recipients:
            raise _fault(plugin, m, f"varseltypen «{kind.id}» har ingen mottakere")
    for plugin, channel in out.channels:
        try:
            jsonschema.Draft202012Validator.check_schema(channel.config_schema)
        except jsonschema.SchemaError as exc:
            raise _fault(
                plugin, m, f"kanalen «{channel.name}» har et ugyldig config_schema: {exc.message}"
            ) from exc
    unique(
        ((p, s.id) for p, t in reversed(out.plans) for s in t.sections), "delen av den individuelle planen", m
    )
    for plugin, plan in out.plans:
        if not plan.coordinator_roles:
            raise _fault(plugin, m, f"planen «{plan.id}» har ingen koordinatorrolle")
    for plugin in {p for p, _ in out.rules}:  # one rule per level per plugin; plugins may add to each other
        unique(
            ((p, str(int(r.level))) for p, r in out.rules if p == plugin),
            "regelen for stafettholder på nivå",
            m,
        )
    for plugin, tool in out.tools:
        _check_tool(plugin, tool, m)
    tool_ids = {t.id for _, t in out.tools}
    for plugin, guide in out.guides:
        _check_guide(plugin, guide, tool_ids, m)


def unique(items: Iterable[tuple[str, str]], what: str, m: Municipality) -> None:
    """Ids must be unique across the plugins of one municipality; the error names both plugins."""
    seen: dict[str, str] = {}
    for plugin, id_ in items:
        if id_ in seen:
            first = seen[id_]
            other = {plugin: "samme programtillegg", CONFIG: "konfigurasjonen"}.get(
                first, f"programtillegget «{first}»"
            )
            raise _fault(plugin, m, f"{what} «{id_}» finnes allerede i {other}")
        seen[id_] = plugin


def _check_tool(plugin: str, tool: ToolDefinition, m: Municipality) -> None:
    try:
        jsonschema.Draft202012Validator.check_schema(tool.form_schema)
    except jsonschema.SchemaError as exc:
        path = "/".join(str(p) for p in exc.path) or "roten"
        raise _fault(
            plugin, m, f"verktøyet «{tool.id}» har ugyldig skjema ved {path}: {exc.message}"
        ) from exc
    if tool.form_schema.get("type") != "object":
        raise _fault(plugin, m, f"verktøyet «{tool.id}» må ha et skjema med type «object»")


def _check_guide(plugin: str, guide: ActionGuide, tool_ids: set[str], m: Municipality) -> None:
    levels = [lvl.level for lvl in guide.levels]
    if levels != ALL_LEVELS:
        shown = ", ".join(str(int(n)) for n in levels) or "ingen"
        raise _fault(
            plugin,
            m,
            f"handlingsveilederen «{guide.id}» må ha nivå 0, 1, 2 og 3 i rekkefølge, men har {shown}",
        )
    for lvl in guide.levels:
        numbers = [s.number for s in lvl.steps]
        if numbers != list(range(1, len(numbers) + 1)):
            raise _fault(
                plugin,
                m,
                f"handlingsveilederen «{guide.id}», nivå {int(lvl.level)}: trinnene må være nummerert "
                f"1, 2, 3 … i rekkefølge, men er {numbers}",
            )
        for step in lvl.steps:
            for tool_id in step.tool_ids:
                if tool_id not in tool_ids:
                    known = ", ".join(sorted(tool_ids)) or "ingen"
                    raise _fault(
                        plugin,
                        m,
                        f"handlingsveilederen «{guide.id}», nivå {int(lvl.level)} trinn {step.number}: "
                        f"verktøyet «{tool_id}» finnes ikke blant de påslåtte programtilleggene "
                        f"(kjente verktøy: {known})",
                    )
