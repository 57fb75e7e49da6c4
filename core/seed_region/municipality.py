"""One municipality, start to end, in a worker process: staff, children, cases, then the audit chain.

Cases are shared out over the units that own cases (kindergartens, schools, helsestasjon, SFO); in the
region's town the big helsestasjon and the small SFO get exactly their planned number of open cases.
Each case has its own child, of an age that fits the unit, and a history of its own length (longer the
higher it climbs: about 50 entries on average).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from core.seed_region.case import CaseModel
from core.seed_region.chain import chained
from core.seed_region.history import Story
from core.seed_region.plan import MunicipalityPlan, UnitPlan
from core.seed_region.tables import columns
from core.seed_region.world import Send, World

OWNER_TYPES = ("barnehage", "skole", "helsestasjon", "sfo")
LEVEL_MIX = (40, 35, 18, 7)  # per cent of cases reaching level 0, 1, 2, 3
ENTRIES = (28, 48, 84, 118)  # mean log entries of a case by the highest level it reaches
CLOSED = 0.3
AGES = {  # the child's age in days when the unit raises the concern
    "helsestasjon": (30, 6 * 365),
    "barnehage": (365, 6 * 365),
    "skole": (6 * 365, 16 * 365),
    "sfo": (6 * 365, 10 * 365),
}
DAY = dt.timedelta(days=1)

_AUDIT = columns("audit_event")
_SEQ, _HASH = _AUDIT.index("seq"), _AUDIT.index("hash")  # the chain head is the last row's


def seed_municipality(plan: MunicipalityPlan, send: Send) -> dict[str, Any]:
    world = World(plan, send)
    world.register_staff()
    rng, now = world.rng, plan.now
    for owner, closed in _case_owners(plan, world):
        lowest, highest = AGES[owner.service_type]
        if closed:
            opened = now - dt.timedelta(days=rng.randint(120, 4 * 365 - 30))
            end = min(now - DAY, opened + dt.timedelta(days=rng.randint(60, 700)))
        else:
            opened = now - dt.timedelta(days=rng.randint(20, 3 * 365))
            end = now
        subject = world.register_child((opened - dt.timedelta(days=rng.randint(lowest, highest))).date())
        target = rng.choices(range(4), weights=LEVEL_MIX)[0]
        entries = max(20, round(ENTRIES[target] * rng.uniform(0.6, 1.4)))
        last = end - DAY if not closed else end
        span = (last - opened).total_seconds()
        times = sorted(opened + dt.timedelta(seconds=rng.random() * span) for _ in range(entries - 1))
        case = CaseModel(world, world.new_id(), subject, owner, opened)
        worker = rng.choice(world.staff[owner.id])
        story = Story(world, case, worker, [opened, *times], now)
        story.play(target, closed, withdraw=rng.random() < 0.12, lapse=rng.random() < 0.06)
        world.sink.flush_if_full()
    for _ in range(plan.children - world.children):  # children with no case
        world.register_child((now - dt.timedelta(days=rng.randint(30, 18 * 365))).date())
    world.sink.flush()
    head = plan.head
    events = len(world.events)
    for batch in chained(plan.id, world.events, plan.head, world.new_id, plan.dialect):
        send(("rows", "audit_event", batch))
        head = (batch[-1][_SEQ], batch[-1][_HASH])
    world.events = []
    send(("head", plan.id, head[0], head[1]))
    return {**world.sink.counts, "audit_event": events, "children": world.children}


def _case_owners(plan: MunicipalityPlan, world: World) -> list[tuple[UnitPlan, bool]]:
    """(owning unit, closed) for every case; the town's big and small units get their exact shares."""
    rng = world.rng
    fixed: list[tuple[UnitPlan, bool]] = []
    if plan.big_unit:
        big = world.units[plan.big_unit]
        fixed += [(big, False)] * plan.big_open + [(big, True)] * round(plan.big_open * CLOSED / (1 - CLOSED))
    if plan.small_unit:
        fixed += [(world.units[plan.small_unit], False)] * plan.small_open
    reserved = {plan.big_unit, plan.small_unit}
    owners = [u for u in plan.units if u.service_type in OWNER_TYPES and u.id not in reserved]
    rest = [(rng.choice(owners), rng.random() < CLOSED) for _ in range(max(0, plan.cases - len(fixed)))]
    cases = fixed + rest
    rng.shuffle(cases)
    return cases
