"""Every text a plugin brings has its nynorsk (docs/languages.md): guides, tools and their forms, arenas,
rules, varsler, indicators, plans, practice cases and learning modules, and the refusals of its rules.

The texts are found the way a page meets them: every plugin is registered as core registers it, every
hook it implements is called (the static ones as at start-up, the rules and indicators on fictional
cases that make them speak), and every string a person reads is taken from the answer: each ``str``
field of the contract's structs, and the titles, descriptions and option labels of a form's JSON
schema. Ids, codes, addresses, names of fictional people and the form's keys are not texts.

A text a plugin builds with values (a refusal naming the units, an indicator's counts) cannot be a key
of the catalogue; it is checked against the catalogue's texts with ``{placeholders}``, which stand for
any value.

``python -m tests.test_languages_plugins`` adds every text lacking nynorsk to its plugin's catalogue
(``plugins/<name>/locale/nn/LC_MESSAGES/<name>.po``) with an empty translation, for a translator.
"""

from __future__ import annotations

import datetime as dt
import enum
import re
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType, SimpleNamespace
from typing import Any

import msgspec
import pluggy
import pytest
from babel.messages.pofile import read_po

from contracts import (
    CaseStatistics,
    Level,
    Meeting,
    MeetingKind,
    Municipality,
    RelayHolderContext,
    TransitionContext,
)
from core import i18n
from core.config import load_config
from core.i18n import _
from core.pluginhost import PluginHost, discovery, probe, static
from core.pluginhost.calling import call, ordered_impls

ROOT = Path(__file__).parent.parent
CONFIGS = sorted((ROOT / "configs").glob("*.toml"))
# the plugins of this repository, as each is enabled in some municipality (a regional one after the
# national baseline, whose tools its guides use)
ALONE = {"bti-standard": ["bti-standard"], "agder": ["bti-standard", "agder"]}
ALONE |= {"rakkestad": ["bti-standard", "rakkestad"], "farsund": ["bti-standard", "agder", "farsund"]}
NOT_TEXT = {  # fields of the contracts that hold no text a person reads
    "id",
    "code",
    "tool_ids",
    "url",
    "email",
    "phone",
    "municipality_id",
    "unit_id",
    "child_given_name",  # names of fictional people are names, in both written forms
    "child_family_name",
}
SCHEMA_TEXT = {"title", "description"}  # of a JSON schema; "const", "enum", "required", "format" are codes
SCHEMA_NOT_TEXT = {"const", "enum", "required", "format", "pattern", "$schema", "type", "default"}
BOKMAL_ONLY = re.compile(r"\b(ikke|jeg|hva|hvem|hvordan|noen|mye|være|ble)\b", re.IGNORECASE)
RUNTIME_HOOKS = ("check_transition", "check_relay_holder", "indicators")
NO_TEXT_HOOKS = {"suggest_relay_holder"}  # answers with an id
HEADER = """\
# Nynorsk for the texts the plugin «{plugin}» brings (docs/languages.md): msgid is its bokmål, exactly as
# the plugin gives it; tests/test_languages_plugins.py finds every text and adds a new one here.
msgid ""
msgstr ""
"Project-Id-Version: Stafett\\n"
"Language: nn\\n"
"MIME-Version: 1.0\\n"
"Content-Type: text/plain; charset=UTF-8\\n"
"Content-Transfer-Encoding: 8bit\\n"
"Plural-Forms: nplurals=2; plural=(n != 1);\\n"

"""


def is_text(value: str) -> bool:
    return any(c.isalpha() for c in value) and not value.startswith(("http://", "https://"))


def schema_texts(schema: Any, where: str) -> Iterator[tuple[str, str]]:
    """The titles, descriptions and option labels of a JSON schema (its keys and codes are not texts)."""
    if isinstance(schema, dict):
        for key, value in schema.items():
            if key in SCHEMA_TEXT and isinstance(value, str):
                if is_text(value):
                    yield value, f"{where}.{key}"
            elif key == "properties" and isinstance(value, dict):
                for name, field in value.items():
                    yield from schema_texts(field, f"{where}.{name}")
            elif key not in SCHEMA_NOT_TEXT:
                yield from schema_texts(value, f"{where}.{key}")
    elif isinstance(schema, list):
        for n, item in enumerate(schema):
            yield from schema_texts(item, f"{where}[{n}]")


def texts_of(value: Any, where: str) -> Iterator[tuple[str, str]]:
    """Every text in a hook's answer: the ``str`` fields of its structs, recursively, and form schemas."""
    if isinstance(value, enum.Enum | bool | int | float | dt.date) or value is None:
        return
    if isinstance(value, str):
        if is_text(value):
            yield value, where
    elif isinstance(value, msgspec.Struct):
        for field in msgspec.structs.fields(value):
            if field.name in NOT_TEXT:
                continue
            inner = getattr(value, field.name)
            if field.name == "form_schema":
                yield from schema_texts(inner, f"{where}.form_schema")
            else:
                yield from texts_of(inner, f"{where}.{field.name}")
    elif isinstance(value, list | tuple):
        for n, item in enumerate(value):
            yield from texts_of(item, f"{where}[{n}]")
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from texts_of(item, f"{where}[{key!r}]")


def _manager(names: list[str]) -> tuple[pluggy.PluginManager, Municipality]:
    """The plugins ``names`` registered as core registers them (which merges their catalogues)."""
    candidates = discovery.discover()
    pm = discovery.new_manager()
    for name in names:
        discovery.register(pm, name, candidates[name].load())
    return pm, Municipality(id="9901", name="Prøvekommune")


def _refusing_contexts(mid: str) -> Iterator[tuple[str, dict[str, object]]]:
    """Fictional cases on which the rules speak: a move to every level with a coordination meeting that
    leaves a service out, and a candidate stafettholder from no unit of the case at every level."""
    for frm, to in ((0, 1), (1, 2), (2, 3), (3, 2)):
        snapshot = probe.snapshot(mid, Level(frm))
        meeting = Meeting(
            id="probe-meeting",
            municipality_id=mid,
            case_id=snapshot.case.id,
            kind=MeetingKind.COORDINATION,
            starts_at=dt.datetime(2024, 1, 20, 9, 0, tzinfo=dt.UTC),
            unit_ids=[snapshot.case.owner_unit_id],
        )
        snapshot = msgspec.structs.replace(snapshot, meetings=[meeting])
        ctx = TransitionContext(
            snapshot=snapshot,
            from_level=Level(frm),
            to_level=Level(to),
            actor_id="probe-employee",
            unit_leader_informed=False,
            guardians_informed=False,
        )
        yield "check_transition", {"context": ctx}
    for level in Level:
        yield (
            "check_relay_holder",
            {
                "context": RelayHolderContext(
                    snapshot=probe.snapshot(mid, level),
                    candidate_id="probe-outsider",
                    candidate_unit_ids=["probe-elsewhere"],
                    candidate_is_coordinator=False,
                    level=level,
                    is_handover=False,
                )
            },
        )
    for empty in (False, True):
        yield "indicators", {"statistics": probe.statistics(mid, empty=empty)}
    yield "indicators", {"statistics": _busy_statistics(mid)}


def _busy_statistics(mid: str) -> CaseStatistics:
    stats = probe.statistics(mid, empty=False)
    return msgspec.structs.replace(stats, cases_active=12, cases_with_family_participation=9)


def plugin_texts() -> dict[str, dict[str, dict[str, str]]]:
    """Per plugin of this repository, per hook: each text it brings, with where it is in the answer."""
    found: dict[str, dict[str, dict[str, str]]] = {}
    for plugin, names in ALONE.items():
        pm, municipality = _manager(names)
        results = static.collect(pm, municipality)
        by_hook: dict[str, dict[str, str]] = found.setdefault(plugin, {})
        buckets = {
            "action_guides": results.guides,
            "tools": results.tools,
            "meeting_arenas": results.arenas,
            "services": results.services,
            "relay_holder_rules": results.rules,
            "outbox_channels": results.channels,
            "notification_kinds": results.kinds,
            "plan_templates": results.plans,
            "practice_cases": results.practice_cases,
            "learning_modules": results.learning_modules,
        }
        assert set(buckets) == set(static.STATIC_HOOKS), "a new static hook: walk its answer here"
        for hook, items in buckets.items():
            for n, (name, item) in enumerate(items):
                if name == plugin:
                    label = getattr(item, "id", None) or str(getattr(item, "level", n))
                    for text, where in texts_of(item, f"{label}"):
                        by_hook.setdefault(hook, {}).setdefault(text, where)
        for hook, kwargs in _refusing_contexts(municipality.id):
            for impl in ordered_impls(pm, hook):
                if impl.plugin_name == plugin:
                    answer = call(impl, **kwargs) or []
                    for text, where in texts_of(answer, hook):
                        by_hook.setdefault(hook, {}).setdefault(text, where)
    return found


def _pattern(msgid: str) -> re.Pattern[str] | None:
    """A catalogue text with ``{placeholders}`` as a pattern its filled-in texts match."""
    parts = re.split(r"\{[a-z_]+\}", msgid)
    if len(parts) == 1 or len("".join(parts).strip()) < 20:  # mostly placeholders («{a} i {b}»): no template
        return None
    return re.compile("(.+?)".join(re.escape(p) for p in parts) + r"\Z", re.DOTALL)


def missing(
    found: dict[str, dict[str, dict[str, str]]], table: i18n.Table
) -> list[tuple[str, str, str, str]]:
    """(plugin, hook, where, text) of every text ``found`` that ``table`` has no nynorsk for; a rule's or an
    indicator's text may be a catalogue text with its ``{placeholders}`` filled in."""
    patterns = [p for key in table if isinstance(key, str) and (p := _pattern(key))]
    out = []
    for plugin, hooks in found.items():
        for hook, texts in hooks.items():
            for text, where in texts.items():
                if text in table:
                    continue
                if hook in RUNTIME_HOOKS and any(p.match(text) for p in patterns):
                    continue
                out.append((plugin, hook, where, text))
    return out


def test_every_text_a_plugin_brings_has_nynorsk() -> None:
    found = plugin_texts()  # registers the plugins, which merges their catalogues into the table
    lacking = missing(found, i18n.table(i18n.NYNORSK))
    shown = [f"{plugin} / {hook} / {where}: {text!r}" for plugin, hook, where, text in lacking]
    assert not lacking, f"{len(lacking)} plugin texts have no nynorsk:\n" + "\n".join(shown)


def test_every_plugin_text_is_found_and_walked() -> None:
    """The walk itself: it reaches the texts of every hook of every plugin (an empty walk checks nothing)."""
    texts = plugin_texts()
    for plugin in ALONE:
        hooks = set(discovery.implemented_hooks(plugin, discovery.discover()[plugin].load()))
        unwalked = hooks - set(static.STATIC_HOOKS) - set(RUNTIME_HOOKS) - NO_TEXT_HOOKS
        assert not unwalked, f"{plugin} implements {sorted(unwalked)}: call it in plugin_texts"
    assert set(texts) == set(ALONE)
    assert {"action_guides", "tools", "relay_holder_rules", "practice_cases", "indicators"} <= set(
        texts["bti-standard"]
    )
    assert {"check_relay_holder", "notification_kinds", "learning_modules"} <= set(texts["bti-standard"])
    assert {"meeting_arenas", "plan_templates", "check_transition"} <= set(texts["agder"])
    assert {"action_guides", "tools", "meeting_arenas"} <= set(texts["rakkestad"])
    assert "action_guides" in texts["farsund"]
    tools = texts["bti-standard"]["tools"]
    assert "Hva har du sett og hørt?" in tools  # a form field's title
    assert "Tverrfaglig team (anonymt)" in tools  # an option's label
    assert any("Ikke invitert: " in t for t in texts["agder"]["check_transition"])  # a refusal with values


def test_a_text_without_nynorsk_fails_the_check() -> None:
    found = plugin_texts()
    table = dict(i18n.table(i18n.NYNORSK))
    text = "Hva har du sett og hørt?"
    assert not [m for m in missing(found, table) if m[3] == text]
    del table[text]
    assert next(m for m in missing(found, table) if m[3] == text)[:2] == ("bti-standard", "tools")
    refusal = (
        "BTI Agder: alle tjenestene som deltar i saken, skal være med i koordineringsmøtet før saken går "
    )
    del table[next(k for k in table if isinstance(k, str) and k.startswith(refusal))]
    assert next(m for m in missing(found, table) if m[3].startswith(refusal))[:2] == (
        "agder",
        "check_transition",
    )


@pytest.mark.parametrize("plugin", sorted(ALONE))
def test_each_plugin_ships_its_catalogue_and_core_finds_it(plugin: str) -> None:
    module = discovery.discover()[plugin].load()
    assert isinstance(module, ModuleType) and module.__file__
    package = module.__name__.rsplit(".", 1)[-1]
    catalogue = Path(module.__file__).parent / "locale" / "nn" / "LC_MESSAGES" / f"{package}.po"
    assert catalogue.is_file(), catalogue
    config = SimpleNamespace(
        municipalities=[SimpleNamespace(id="9901", name="Prøvekommune", region=None, plugins=ALONE[plugin])]
    )
    PluginHost.load(config)
    assert catalogue in i18n.catalogue_files(i18n.NYNORSK)
    with catalogue.open("rb") as file:
        ours = {m.id: m.string for m in read_po(file, locale=i18n.NYNORSK) if m.id}
    table = i18n.table(i18n.NYNORSK)
    assert len(ours) > 20 and all(table.get(msgid) == nynorsk for msgid, nynorsk in ours.items())


@pytest.mark.parametrize("path", CONFIGS, ids=[p.stem for p in CONFIGS])
def test_the_demo_configs_enable_only_plugins_checked_here(path: Path) -> None:
    enabled = {name for m in load_config(path).municipalities for name in m.plugins}
    ours = {name for name in enabled if _is_ours(name)}
    assert ours <= set(ALONE), f"{path.name} enables {sorted(ours - set(ALONE))}, not walked here"


def _is_ours(name: str) -> bool:
    target = discovery.discover()[name].load()
    module = target.__name__ if isinstance(target, ModuleType) else type(target).__module__
    return module.split(".")[0] == "plugins"


def test_plugin_texts_read_in_nynorsk_have_no_bokmal_words() -> None:
    texts = plugin_texts()
    samples = [  # the pages show these whole; the ones with values are checked by their catalogue text
        text
        for plugin in texts.values()
        for hook, hook_texts in plugin.items()
        if hook not in RUNTIME_HOOKS
        for text in hook_texts
    ]
    with i18n.use(i18n.NYNORSK):
        read = {text: _(text) for text in samples}
    assert len(read) > 100
    bokmal = [f"{text!r} -> {nn!r}" for text, nn in read.items() if BOKMAL_ONLY.search(nn)]
    assert not bokmal, "\n".join(bokmal)
    assert read["Hva har du sett og hørt?"] != "Hva har du sett og hørt?"


def write_missing() -> None:
    """Add every text lacking nynorsk to its plugin's catalogue, with an empty translation; a text the
    baseline brings too stays the baseline's (a regional plugin is enabled after it)."""
    from babel.messages.catalog import Catalog
    from babel.messages.pofile import write_po

    found = plugin_texts()
    catalogues: dict[str, tuple[Path, Catalog]] = {}
    for plugin in ALONE:
        module = discovery.discover()[plugin].load()
        assert isinstance(module, ModuleType) and module.__file__
        package = module.__name__.rsplit(".", 1)[-1]
        path = Path(module.__file__).parent / "locale" / "nn" / "LC_MESSAGES" / f"{package}.po"
        catalogue = Catalog(locale="nn")
        if path.is_file():
            with path.open("rb") as file:
                catalogue = read_po(file, locale="nn")
        catalogues[plugin] = (path, catalogue)
    known: dict[str | tuple[str, str], Any] = dict(i18n.table(i18n.NYNORSK))
    known |= {m.id: "" for _, c in catalogues.values() for m in c if isinstance(m.id, str) and m.id}
    added = dict.fromkeys(ALONE, 0)
    for plugin, hook, where, text in missing(found, known):
        if text not in known:
            catalogues[plugin][1].add(text, "", auto_comments=[f"{hook}: {where}"])
            known[text] = ""
            added[plugin] += 1
    for plugin, (path, catalogue) in catalogues.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("wb") as file:
            file.write(HEADER.format(plugin=plugin).encode())
            write_po(file, catalogue, width=0, omit_header=True, sort_output=False)
        print(f"{path.relative_to(ROOT)}: {added[plugin]} texts added", file=sys.stderr)


if __name__ == "__main__":
    write_missing()
