"""The plugin host: one pluggy manager per municipality, validated at start-up, then cached."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any, Protocol

import msgspec
import pluggy

from contracts import Municipality, ServiceDirectoryEntry, WorkerJob

from . import channels, discovery, probe, static
from .calling import SHAPE_ERRORS, call, coerce, ordered_impls
from .discovery import Candidate, InstalledPlugin
from .errors import PluginError
from .municipality import MunicipalityPlugins

if TYPE_CHECKING:
    from litestar.types import ControllerRouterHandler


class MunicipalityConfigLike(Protocol):
    """The part of ``core.config.MunicipalityConfig`` the host reads (read-only, as the config is frozen)."""

    @property
    def id(self) -> str: ...
    @property
    def name(self) -> str: ...
    @property
    def region(self) -> str | None: ...
    @property
    def plugins(self) -> Sequence[str]: ...
    @property
    def services(self) -> Sequence[Any]: ...


class DeploymentConfigLike(Protocol):
    @property
    def municipalities(self) -> Sequence[MunicipalityConfigLike]: ...


class PluginHost:
    """All installed plugins, and for each municipality a manager with only the plugins it enabled.

    Nothing crosses municipalities: a plugin enabled in one is never called for another.
    ``load`` refuses to start (``PluginError``) when an enabled plugin is unknown, cannot be
    imported, breaks the contract, or fails on a synthetic probe case.
    """

    def __init__(
        self,
        candidates: dict[str, Candidate],
        municipalities: dict[str, MunicipalityPlugins],
        routes: list[ControllerRouterHandler],
        job_impls: dict[str, Any] | None = None,
    ) -> None:
        self._candidates = candidates
        self._municipalities = municipalities
        self._routes = routes
        self._job_impls = job_impls or {}

    @classmethod
    def load(cls, config: DeploymentConfigLike, *, extra: Mapping[str, object] | None = None) -> PluginHost:
        """Discover plugins (entry points plus ``extra``), build and validate every municipality."""
        candidates = discovery.discover(extra)
        municipalities: dict[str, MunicipalityPlugins] = {}
        route_impls: dict[str, Any] = {}
        job_impls: dict[str, Any] = {}
        for mc in config.municipalities:
            mp, pm = _build(mc, candidates)
            municipalities[mp.municipality.id] = mp
            for impl in ordered_impls(pm, "routes"):
                route_impls.setdefault(impl.plugin_name, impl)
            for impl in ordered_impls(pm, "worker_jobs"):
                job_impls.setdefault(impl.plugin_name, impl)
        return cls(candidates, municipalities, _routes(route_impls), job_impls)

    def installed(self) -> list[InstalledPlugin]:
        """Every discovered plugin with its distribution, version and the hooks it implements."""
        out = []
        for name, c in sorted(self._candidates.items()):
            try:
                hooks = discovery.implemented_hooks(name, c.load())
                out.append(InstalledPlugin(name, c.version, c.distribution, hooks))
            except PluginError as exc:
                out.append(InstalledPlugin(name, c.version, c.distribution, (), error=exc.fault))
        return out

    def municipality_ids(self) -> list[str]:
        return list(self._municipalities)

    def enabled(self, municipality_id: str) -> list[str]:
        """The plugins enabled for a municipality, in the config's order."""
        return list(self.for_municipality(municipality_id).plugin_names)

    def for_municipality(self, municipality_id: str) -> MunicipalityPlugins:
        try:
            return self._municipalities[municipality_id]
        except KeyError:
            known = ", ".join(self._municipalities) or "ingen"
            raise KeyError(
                f"Kommune «{municipality_id}» er ikke satt opp (kjente kommuner: {known})"
            ) from None

    def worker_jobs(self) -> list[WorkerJob]:
        """Background jobs of every plugin enabled for at least one municipality (``stafett worker``)."""
        jobs: dict[str, WorkerJob] = {}
        for name, impl in self._job_impls.items():
            try:
                answer = call(impl) or []
            except Exception as exc:
                raise PluginError(name, f"hooken «worker_jobs» feilet: {type(exc).__name__}: {exc}") from exc
            if not isinstance(answer, list | tuple) or not all(isinstance(j, WorkerJob) for j in answer):
                raise PluginError(name, "hooken «worker_jobs» må svare med en liste av WorkerJob")
            for job in answer:
                if job.name in jobs:
                    raise PluginError(name, f"jobben «{job.name}» finnes allerede")
                jobs[job.name] = job
        return list(jobs.values())

    def all_routes(self) -> list[ControllerRouterHandler]:
        """Extra HTTP routes of every plugin enabled for at least one municipality, each plugin once."""
        return list(self._routes)


def _municipality(mc: MunicipalityConfigLike) -> Municipality:
    try:
        raw = {"id": mc.id, "name": mc.name, "region": getattr(mc, "region", None)}
        return msgspec.convert(raw, Municipality)
    except msgspec.ValidationError as exc:
        raise ValueError(f"Kommunen «{mc.id}» i konfigurasjonen er ugyldig: {exc}") from exc


def _build(
    mc: MunicipalityConfigLike, candidates: dict[str, Candidate]
) -> tuple[MunicipalityPlugins, pluggy.PluginManager]:
    municipality = _municipality(mc)
    label = f"{municipality.id} {municipality.name}"
    pm = discovery.new_manager()
    names = list(dict.fromkeys(mc.plugins))
    for name in names:  # registered in config order: pluggy calls the last (most specific) first
        if name not in candidates:
            installed = ", ".join(sorted(candidates)) or "ingen"
            raise PluginError(
                name,
                "er slått på i konfigurasjonen, men er ikke installert "
                f"(installerte programtillegg: {installed})",
                municipality=label,
            )
        discovery.register(pm, name, candidates[name].load(), municipality=label)
    results = static.collect(pm, municipality)
    try:
        config_services = [coerce(s, ServiceDirectoryEntry) for s in getattr(mc, "services", ())]
    except SHAPE_ERRORS as exc:
        raise ValueError(
            f"Tjenesteoversikten for kommune {label} i konfigurasjonen er ugyldig: {exc}"
        ) from exc
    static.unique(
        [(static.CONFIG, s.id) for s in config_services] + [(p, s.id) for p, s in reversed(results.services)],
        "tjenesten",
        municipality,
    )
    probe.probe(pm, municipality)
    channels_by_name = {c.name: c for _, c in results.channels}
    outbox = channels.endpoints(municipality, getattr(mc, "units", ()), channels_by_name)
    return MunicipalityPlugins(municipality, names, pm, results, config_services, outbox), pm


def _routes(impls: dict[str, Any]) -> list[ControllerRouterHandler]:
    out: list[ControllerRouterHandler] = []
    for name, impl in impls.items():
        try:
            answer = call(impl)
        except Exception as exc:
            raise PluginError(name, f"hooken «routes» feilet: {type(exc).__name__}: {exc}") from exc
        if answer is None:
            continue
        if not isinstance(answer, list | tuple):
            raise PluginError(name, f"hooken «routes» må svare med en liste, ikke {type(answer).__name__}")
        out.extend(answer)
    return out
