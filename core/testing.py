"""A pytest plugin for plugin authors: start Stafett with chosen plugins on a temporary database.

Registered as the ``pytest11`` entry point ``stafett``, so it is active in every test run where
Stafett is installed; nothing to import. Fixtures:

- ``stafett_database_url`` – the database of one test: a fresh SQLite file under ``tmp_path``.
  Override it in your ``conftest.py`` to run on PostgreSQL (Stafett's own suite does).
- ``stafett_platform`` – a factory: ``stafett_platform(plugins=["bti-standard", "mitt"])`` starts
  the platform (plugins validated at start-up exactly as in production, so a contract breaker
  raises ``PluginError``) on the demo config, or on ``config=`` (a path or a DeploymentConfig);
  ``plugins`` is one list for every municipality or a dict per kommunenummer. ``extra_plugins``
  adds plugin objects that are not installed, by name. Platforms are closed after the test.
- ``stafett_municipality`` – a factory with the same arguments plus ``municipality_id``, giving a
  ``StafettMunicipality``: the municipality's plugins, and fictional employees, children and cases
  made through the real services, so a rule can be tried the way users meet it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from pathlib import Path

import pytest
from msgspec.structs import replace

from contracts import Case, MunicipalRole, ServiceType, UnitMembership, UnitRole
from core.config import DeploymentConfig, default_config, load_config
from core.domain.policy import Actor
from core.platform import Platform, Work, utcnow
from core.pluginhost import MunicipalityPlugins

Plugins = Sequence[str] | Mapping[str, Sequence[str]]


def configure(
    config: DeploymentConfig | str | Path | None = None, plugins: Plugins | None = None
) -> DeploymentConfig:
    """A config (the demo's by default) with the plugin lists replaced; unknown kommunenummer are refused."""
    base = (
        config
        if isinstance(config, DeploymentConfig)
        else load_config(config)
        if config
        else default_config()
    )
    if plugins is None:
        return base
    ids = [m.id for m in base.municipalities]
    per = dict(plugins) if isinstance(plugins, Mapping) else dict.fromkeys(ids, plugins)
    if unknown := sorted(set(per) - set(ids)):
        raise ValueError(
            f"Kommunenummer {', '.join(unknown)} finnes ikke i «{base.name}» ({', '.join(ids)})."
        )
    municipalities = [replace(m, plugins=list(per.get(m.id, m.plugins))) for m in base.municipalities]
    return replace(base, municipalities=municipalities)


@dataclass
class StafettMunicipality:
    """One municipality of a running platform, with helpers that make fictional people and cases."""

    platform: Platform
    id: str

    @property
    def plugins(self) -> MunicipalityPlugins:
        return self.platform.plugins.for_municipality(self.id)

    @property
    def unit_ids(self) -> list[str]:
        return [u.id for u in self.platform.municipality(self.id).units]

    def unit_of(self, service_type: ServiceType | str) -> str:
        """The first unit of a service type in the config."""
        wanted = ServiceType(service_type)
        for unit in self.platform.municipality(self.id).units:
            if unit.service_type is wanted:
                return unit.id
        raise LookupError(f"Kommune {self.id} har ingen enhet av typen «{wanted}» i konfigurasjonen.")

    def system(self, purpose: str = "test") -> AbstractContextManager[Work]:
        """A unit of work as the system (an operator's job): allowed everything inside the municipality."""
        return self.platform.work(Actor.system(self.id, operator="pytest"), purpose)

    def as_(self, person_id: str, purpose: str = "test") -> AbstractContextManager[Work]:
        """A unit of work as a registered person, with the roles the database gives them."""
        from core.services.people import actor_for

        with self.platform.database.session() as session:
            actor = actor_for(session, person_id)
        return self.platform.work(actor, purpose)

    def employee(
        self,
        unit_id: str | None = None,
        *,
        leader: bool = False,
        coordinator: bool = False,
        name: str = "Test",
    ) -> str:
        """A fictional employee of ``unit_id`` (or of no unit), optionally unit leader or BTI coordinator."""
        role = UnitRole.UNIT_LEADER if leader else UnitRole.EMPLOYEE
        with self.system("ansatt") as w:
            return w.people.register_employee(
                given_name=name,
                family_name="Ansatt",
                memberships=[UnitMembership(unit_id=unit_id, role=role)] if unit_id else [],
                municipal_roles=[MunicipalRole.COORDINATOR] if coordinator else [],
            ).id

    def child(self, birth_date: dt.date = dt.date(2016, 5, 17)) -> str:
        """A fictional child without a national id (so it works where synthetic ids are not allowed)."""
        with self.system("barn") as w:
            return w.people.register_child(given_name="Test", family_name="Barn", birth_date=birth_date).id

    def open_case(self, unit_id: str | None = None, *, by: str | None = None) -> Case:
        """A level-0 case for a new fictional child, opened by ``by`` (default: a new employee of it)."""
        unit_id = unit_id or self.unit_ids[0]
        by = by or self.employee(unit_id)
        with self.as_(by, "undring") as w:
            return w.cases.open_case(subject_id=self.child(), unit_id=unit_id, observation="Fiktiv undring.")


@pytest.fixture
def stafett_database_url(tmp_path: Path) -> str:
    """A fresh SQLite file for this test; Stafett migrates it on start."""
    return f"sqlite:///{tmp_path / 'stafett-test.db'}"


@pytest.fixture
def stafett_platform(stafett_database_url: str) -> Iterator[Callable[..., Platform]]:
    """Factory: ``stafett_platform(plugins=[...], *, config=None, extra_plugins=None, clock=None)``."""
    opened: list[Platform] = []

    def start(
        plugins: Plugins | None = None,
        *,
        config: DeploymentConfig | str | Path | None = None,
        extra_plugins: Mapping[str, object] | None = None,
        clock: Callable[[], dt.datetime] = utcnow,
    ) -> Platform:
        platform = Platform.open(
            configure(config, plugins),
            database_url=stafett_database_url,
            extra_plugins=dict(extra_plugins or {}),
            clock=clock,
        )
        opened.append(platform)
        return platform

    try:
        yield start
    finally:
        for platform in opened:
            platform.close()


@pytest.fixture
def stafett_municipality(stafett_platform: Callable[..., Platform]) -> Callable[..., StafettMunicipality]:
    """Factory: like ``stafett_platform``, plus ``municipality_id`` (default: the config's first)."""

    def start(
        plugins: Plugins | None = None, *, municipality_id: str | None = None, **kwargs
    ) -> StafettMunicipality:
        platform = stafett_platform(plugins, **kwargs)
        return StafettMunicipality(platform, municipality_id or platform.config.municipalities[0].id)

    return start
