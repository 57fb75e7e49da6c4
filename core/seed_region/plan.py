"""How big each part of the region is: children, cases and staff per municipality and unit.

At fraction 1.0 the region has 60,000 children and 20,000 cases, shared out by the size of each
municipality (its number of units; the first, the region's town, counts three times). The town's
first helsestasjon gets 2,000 open cases and its first SFO 20: the two ends of "list my cases".
Everything here is plain data, so it can be sent to the worker processes.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

from contracts import ServiceType
from core.config import DeploymentConfig

CHILDREN, CASES = 60_000, 20_000
BIG_UNIT_OPEN, SMALL_UNIT_OPEN = 2_000, 20
STAFF = {  # employees per unit at full scale, a leader among them
    ServiceType.HEALTH_STATION: 12,
    ServiceType.KINDERGARTEN: 8,
    ServiceType.SCHOOL: 14,
    ServiceType.AFTER_SCHOOL: 4,
    ServiceType.PPT: 6,
    ServiceType.CHILD_WELFARE: 8,
    ServiceType.FAMILY_SERVICE: 5,
}
BIG_UNIT_STAFF = 40


@dataclass(frozen=True)
class UnitPlan:
    id: str
    name: str
    service_type: str
    staff: int


@dataclass(frozen=True)
class MunicipalityPlan:
    id: str
    name: str
    part: int  # its index: its share of the fødselsnummer space and its random seed
    parts: int
    units: tuple[UnitPlan, ...]
    children: int
    cases: int
    consent_ages: tuple[int, int, int]  # health, child welfare, general
    holder_levels: frozenset[int]  # levels the municipality's plugins require a stafettholder at
    now: dt.datetime
    dialect: str
    head: tuple[int, str]  # the audit chain's head before the seed
    big_unit: str | None = None
    big_open: int = 0
    small_unit: str | None = None
    small_open: int = 0


def plan_region(
    config: DeploymentConfig,
    fraction: float,
    *,
    now: dt.datetime,
    dialect: str,
    heads: dict[str, tuple[int, str]],
    holder_levels: dict[str, frozenset[int]],
) -> list[MunicipalityPlan]:
    if not 0 < fraction <= 1:
        raise ValueError("--fraction må være større enn 0 og høyst 1.")
    municipalities = config.municipalities
    weights = [len(mc.units) * (3 if i == 0 else 1) for i, mc in enumerate(municipalities)]
    total = sum(weights)
    staff_scale = fraction**0.5  # a small region still has a few people per unit
    plans = []
    for i, (mc, weight) in enumerate(zip(municipalities, weights, strict=True)):
        first = i == 0
        big = next((u.id for u in mc.units if u.service_type is ServiceType.HEALTH_STATION), None)
        small = next((u.id for u in mc.units if u.service_type is ServiceType.AFTER_SCHOOL), None)
        units = tuple(
            UnitPlan(
                u.id,
                u.name,
                str(u.service_type),
                max(
                    3,
                    round(
                        (BIG_UNIT_STAFF if first and u.id == big else STAFF.get(u.service_type, 4))
                        * staff_scale
                    ),
                ),
            )
            for u in mc.units
        )
        ages = mc.consent_ages
        plans.append(
            MunicipalityPlan(
                id=mc.id,
                name=mc.name,
                part=i,
                parts=len(municipalities),
                units=units,
                children=max(2, math.ceil(CHILDREN * fraction * weight / total)),
                cases=max(1, math.ceil(CASES * fraction * weight / total)),
                consent_ages=(ages.health, ages.child_welfare, ages.general),
                holder_levels=holder_levels[mc.id],
                now=now,
                dialect=dialect,
                head=heads[mc.id],
                big_unit=big if first else None,
                big_open=max(1, round(BIG_UNIT_OPEN * fraction)) if first and big else 0,
                small_unit=small if first else None,
                small_open=max(1, round(SMALL_UNIT_OPEN * fraction)) if first and small else 0,
            )
        )
    return plans
