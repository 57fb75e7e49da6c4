"""Finding installed plugins: the ``stafett`` entry-point group plus plugins handed in directly."""

from __future__ import annotations

import importlib
import importlib.metadata as md
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from types import ModuleType

import pluggy

import contracts
from contracts import hookspecs
from core import i18n

from .errors import PluginError

ENTRY_POINT_GROUP = contracts.PROJECT_NAME


@dataclass(frozen=True)
class InstalledPlugin:
    """A discovered plugin as an operator sees it; ``error`` tells why it could not be imported."""

    name: str
    version: str
    distribution: str
    hooks: tuple[str, ...]
    error: str | None = None


@dataclass
class Candidate:
    """A plugin that is known by name but maybe not yet imported (importing runs its code)."""

    name: str
    distribution: str
    version: str
    _load: Callable[[], object]
    _obj: object | None = None

    def load(self) -> object:
        if self._obj is None:
            try:
                self._obj = self._load()
            except Exception as exc:  # any import-time fault, named with the plugin
                raise PluginError(self.name, f"kan ikke importeres: {type(exc).__name__}: {exc}") from exc
        return self._obj


def _dist_of_module(module_name: str) -> tuple[str, str]:
    top = module_name.split(".")[0]
    for dist_name in md.packages_distributions().get(top, []):
        try:
            return dist_name, md.version(dist_name)
        except md.PackageNotFoundError:
            continue
    return "", ""


def _extra_candidate(name: str, target: object) -> Candidate:
    if isinstance(target, str):
        dist, version = _dist_of_module(target)
        return Candidate(name, dist, version, lambda: importlib.import_module(target))
    module = target.__name__ if isinstance(target, ModuleType) else type(target).__module__
    dist, version = _dist_of_module(module)
    return Candidate(name, dist, version, lambda: target)


def discover(extra: Mapping[str, object] | None = None) -> dict[str, Candidate]:
    """Every plugin by name; ``extra`` (tests, fixtures) overrides an entry point of the same name."""
    found: dict[str, Candidate] = {}
    for ep in md.entry_points(group=ENTRY_POINT_GROUP):
        dist = ep.dist.name if ep.dist else ""
        version = ep.dist.version if ep.dist else ""
        found[ep.name] = Candidate(ep.name, dist, version, ep.load)
    for name, target in (extra or {}).items():
        found[name] = _extra_candidate(name, target)
    return found


def implemented_hooks(name: str, plugin: object) -> tuple[str, ...]:
    """The hook names a plugin implements, checked against the contract (a misspelt hook fails)."""
    pm = new_manager()
    register(pm, name, plugin)
    return tuple(sorted(caller.name for caller in pm.get_hookcallers(plugin) or []))


def new_manager() -> pluggy.PluginManager:
    pm = pluggy.PluginManager(contracts.PROJECT_NAME)
    pm.add_hookspecs(hookspecs)
    return pm


def register(pm: pluggy.PluginManager, name: str, plugin: object, *, municipality: str | None = None) -> None:
    """Register and check one plugin; pluggy's validation errors become a PluginError naming it."""
    try:
        pm.register(plugin, name=name)
        pm.check_pending()
    except pluggy.PluginValidationError as exc:
        if pm.is_registered(plugin):
            pm.unregister(plugin)
        unknown = re.match(r"unknown hook '(\w+)'", str(exc))
        fault = (
            f"implementerer hooken «{unknown[1]}», som ikke finnes i kontrakten (skrivefeil?)"
            if unknown
            else f"bryter med kontrakten for hooks: {exc}"
        )
        raise PluginError(name, fault, municipality=municipality) from exc
    except ValueError as exc:  # the same object registered twice under different names
        raise PluginError(name, f"kan ikke registreres: {exc}", municipality=municipality) from exc
    for caller in pm.get_hookcallers(plugin) or []:
        for impl in caller.get_hookimpls():
            if impl.plugin is plugin and (impl.hookwrapper or impl.wrapper):
                raise PluginError(
                    name,
                    f"bruker en wrapper for «{caller.name}»; Stafett kaller hver implementasjon for seg",
                    municipality=municipality,
                )
    i18n.add_texts_of(plugin)  # its nynorsk, if it ships a locale folder (docs/languages.md)
