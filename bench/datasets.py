"""The benchmark's data sets, seeded through Stafett's own code, and the people whose tokens it uses."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import func, select

from core.config import DeploymentConfig, default_config, load_config
from core.platform import Platform
from core.storage import models as m


@dataclass
class Dataset:
    case_id: str  # a case with a full stafettlogg
    log_entries: int
    people: dict[str, str]  # role in the benchmark (reader, small, big) -> an employee's person id
    small_unit_cases: int
    big_unit_cases: int = 0
    config: Path | None = None  # the deployment config the server must load (None: the demo)
    tokens: dict[str, str] = field(default_factory=dict)

    def mint_tokens(self, database_url: str, base_url: str) -> None:
        from core.auth import issue_token

        platform = Platform.open(_config(self.config), database_url=database_url)
        try:
            for role, person in self.people.items():
                self.tokens[role] = issue_token(platform, person, lifetime=3600, public_url=base_url)
        finally:
            platform.close()


def _config(path: Path | None) -> DeploymentConfig:
    return load_config(path) if path else default_config()


def small(database_url: str) -> Dataset:
    """The demo municipality: 40 cases, each with a 50-entry stafettlogg."""
    from core.seed import seed

    platform = Platform.open(default_config(), database_url=database_url)
    try:
        seed(platform, children=40, cases=40, log_entries=50)
        with platform.database.session() as session:
            case = session.scalars(select(m.CaseRow).order_by(m.CaseRow.opened_at)).first()
            assert case is not None, "the seed made no case"
            author = session.scalar(
                select(m.LogEntryRow.author_id).where(
                    m.LogEntryRow.case_id == case.id, m.LogEntryRow.kind == "concern"
                )
            )
            assert author is not None
            entries = session.scalar(select(func.count()).where(m.LogEntryRow.case_id == case.id)) or 0
            in_unit = session.scalar(
                select(func.count()).where(
                    m.CaseRow.owner_unit_id == case.owner_unit_id, m.CaseRow.status == "open"
                )
            )
    finally:
        platform.close()
    return Dataset(
        case_id=case.id,
        log_entries=entries,
        people={"reader": author, "small": author},
        small_unit_cases=in_unit or 0,
    )


def region(database_url: str, *, fraction: float = 1.0) -> Dataset:
    """The region set (``stafett demo seed --scale region``): 25 municipalities, 20,000 cases; the case
    read is an open one with a 50-entry stafettlogg, ``small`` works in the town's SFO (about 20 open
    cases) and ``big`` in its helsestasjon (about 2,000)."""
    from configs import REGION_CONFIG
    from core.seed_region import seed_region
    from core.seed_region.plan import plan_region

    config = load_config(REGION_CONFIG)
    platform = Platform.open(config, database_url=database_url)
    try:
        seed_region(platform, fraction=fraction)
        town = plan_region(
            config,
            fraction,
            now=platform.clock(),
            dialect="sqlite",
            heads={m.id: (0, "") for m in config.municipalities},
            holder_levels={m.id: frozenset() for m in config.municipalities},
        )[0]
        with platform.database.session() as session:
            entries = (
                select(m.LogEntryRow.case_id, func.count().label("n"))
                .group_by(m.LogEntryRow.case_id)
                .subquery()
            )
            case = session.execute(
                select(m.CaseRow)
                .join(entries, entries.c.case_id == m.CaseRow.id)
                .where(m.CaseRow.status == "open")
                .order_by(func.abs(entries.c.n - 50), m.CaseRow.id)
                .limit(1)
            ).scalar_one()
            log_entries = session.scalar(select(func.count()).where(m.LogEntryRow.case_id == case.id)) or 0

            def member(unit_id: str | None) -> str:
                found = session.scalar(
                    select(m.UnitMembershipRow.person_id)
                    .where(m.UnitMembershipRow.unit_id == unit_id, m.UnitMembershipRow.role == "employee")
                    .order_by(m.UnitMembershipRow.person_id)
                    .limit(1)
                )
                assert found is not None, f"no employee in {unit_id}"
                return found

            def open_cases(unit_id: str | None) -> int:
                return (
                    session.scalar(
                        select(func.count()).where(
                            m.CaseRow.owner_unit_id == unit_id, m.CaseRow.status == "open"
                        )
                    )
                    or 0
                )

            people = {
                "reader": member(case.owner_unit_id),
                "small": member(town.small_unit),
                "big": member(town.big_unit),
            }
            counts = open_cases(town.small_unit), open_cases(town.big_unit)
    finally:
        platform.close()
    return Dataset(
        case_id=case.id,
        log_entries=log_entries,
        people=people,
        small_unit_cases=counts[0],
        big_unit_cases=counts[1],
        config=REGION_CONFIG,
    )


SCALES: dict[str, Callable[[str], Dataset]] = {"small": small, "region": region}


def add_scale_options(parser: argparse.ArgumentParser, *, backends: bool = False) -> None:
    """The options the benchmarks share: ``--scales`` (data sets), with ``backends`` also ``--backends``."""
    if backends:
        parser.add_argument(
            "--backends", default="sqlite,postgresql", help="comma-separated: sqlite, postgresql"
        )
    parser.add_argument("--scales", default="small", help="comma-separated: " + ", ".join(SCALES))


def chosen_scales(scales: str) -> list[str]:
    """The data sets ``--scales`` names; an unknown one stops the benchmark with the choices."""
    names = [s.strip() for s in scales.split(",") if s.strip()]
    for name in names:
        if name not in SCALES:
            sys.exit(f"unknown data set {name!r}: choose from {', '.join(SCALES)}")
    return names
