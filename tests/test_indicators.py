"""Følgeevaluering: the numbers leaders see, computed in SQL, under the small-number rule, through the
policy and audited. The attack test works out every hidden count it can from the published sums
(units to their municipality, months to their year) and finds no child."""

from __future__ import annotations

import datetime as dt
from fractions import Fraction
from pathlib import Path

import msgspec
import pytest
from sqlalchemy import func, select

import configs
from contracts import MunicipalRole, UnitMembership, UnitRole
from core.config import load_config
from core.domain.policy import Actor
from core.errors import Forbidden, InvalidInput
from core.platform import Platform
from core.services.indicators import IndicatorReport, ScopeReport
from core.services.people import actor_for
from core.services.small_numbers import Line, suppress
from core.storage.models import AuditEventRow
from tests.conftest import HEALTH, SCHOOL, World

KINDERGARTEN = "solsida-barnehage"


def cases_at(world: World, unit: str, count: int) -> list[str]:
    """``count`` children, each with a case opened by an employee of ``unit``."""
    with world.system() as w:
        staff = w.people.register_employee(
            given_name="Enhet",
            family_name="Ansatt",
            memberships=[UnitMembership(unit_id=unit, role=UnitRole.EMPLOYEE)],
        ).id
    out = []
    for _ in range(count):
        child = world.add_child(world.aged(8), guardians=(world.mother,))
        with world.as_(staff, "undring") as w:
            out.append(w.cases.open_case(subject_id=child, unit_id=unit, observation="Er stille.").id)
    return out


def report(world: World, person: str, scope: str = "municipality", **kw) -> IndicatorReport:
    with world.as_(person, "indicators.read") as w:
        return w.indicators.report(scope, **kw)


def series(scope: ScopeReport, id: str) -> dict[str, object]:
    s = next(s for s in scope.series if s.id == id)
    return {"values": [c.value if c.note == "" else c.note for c in s.values]}


def values(rep: IndicatorReport, scope: ScopeReport, id: str, period: str) -> object:
    return series(scope, id)["values"][rep.periods.index(period)]


def test_numbers_are_counted_per_unit_month_and_year(world: World) -> None:
    school = cases_at(world, SCHOOL, 6)
    for case_id in school[:5]:
        world.level_1(case_id)
        world.measure(case_id, "Fast voksen", "Trygg start", days=14)
    world.clock.advance(days=20)  # into the next month: five evaluations are due, three made in time
    with world.as_(world.teacher) as w:
        measures = [m for c in school[:5] for m in w.measures.list(c)]
    world.clock.advance(days=-8)
    for measure in measures[:3]:
        with world.as_(world.teacher) as w:
            w.measures.evaluate(measure.id, outcome="achieved", summary="Bra.")
    world.clock.advance(days=8)
    for case_id in school[:5]:
        with world.as_(world.teacher) as w:
            w.cases.close(case_id, "resolved")
    rep = report(world, world.admin)
    main = rep.main
    assert values(rep, main, "opened", "2025-03") == 6
    assert values(rep, main, "opened", "2025") == 6
    assert values(rep, main, "level_up", "2025-03") == 5
    assert values(rep, main, "closed.resolved", "2025") == 5
    assert values(rep, main, "evaluation_due", "2025") == 5  # three in time, two overdue (under 5 each)
    assert values(rep, main, "evaluation_due.on_time", "2025") == "under_5"
    assert values(rep, main, "evaluated_on_time", "2025") == "not_shown"  # a share built on under 5
    assert values(rep, main, "days_to_first_measure", "2025-03") == 0.0  # measures the day of the undring
    school_row = next(p for p in rep.parts if p.id == SCHOOL)
    assert values(rep, school_row, "opened", "2025") == 6
    assert values(rep, school_row, "opened", "2025-03") == "by_year"  # a unit's numbers are per year
    assert [c.value for c in main.levels] == [0, 0, 0, 0] or main.levels[0].note == "under_5"


def test_no_single_child_can_be_worked_out_from_units_and_months(world: World) -> None:
    """Five cases at the school in March, two at the health station in April, one in the
    kindergarten in April: the attacker sums units to the municipality and months to the year."""
    cases_at(world, SCHOOL, 5)
    world.clock.advance(days=31)
    cases_at(world, HEALTH, 2)
    cases_at(world, KINDERGARTEN, 1)
    rep = report(world, world.admin)
    for unit, sid, period in [(HEALTH, "opened", "2025"), (KINDERGARTEN, "opened", "2025")]:
        row = next(p for p in rep.parts if p.id == unit)
        assert values(rep, row, sid, period) in ("under_5", "hidden")
    recovered = attack(rep)
    assert not recovered, f"small counts worked out from the published sums: {recovered}"
    assert values(rep, rep.main, "opened", "2025") == 8  # the total itself is shown


def attack(rep: IndicatorReport) -> dict[object, Fraction]:
    """Every sum the published report shows (units to the municipality, months to the year), solved."""
    flows = {"concerns", "opened", "level_up", "level_down", "evaluation_due", "consents_requested", "closed"}
    cells: dict[object, float | None] = {}
    scopes = [rep.main, *rep.parts]
    for scope in scopes:
        for s in scope.series:
            if s.unit == "antall":
                for period, c in zip(rep.periods, s.values, strict=True):
                    if c.note != "by_year":  # a unit's months are not published
                        cells[(scope.id, s.id, period)] = c.value
    months = [p for p in rep.periods if len(p) == 7]
    sums: list[tuple[object, list[object]]] = []
    for sid in {k[1] for k in cells}:  # type: ignore[index]
        for period in rep.periods:
            parts = [(p.id, sid, period) for p in rep.parts]
            if all(part in cells for part in parts):
                sums.append(((rep.main.id, sid, period), parts))
        if sid.split(".")[0] in flows:
            for scope in scopes:
                if (scope.id, sid, months[0]) in cells:
                    sums.append(((scope.id, sid, str(rep.year)), [(scope.id, sid, p) for p in months]))
    return solve(cells, sums)


def solve(
    cells: dict[object, float | None], sums: list[tuple[object, list[object]]]
) -> dict[object, Fraction]:
    """Solve the sums for the hidden cells (None) exactly, by Gaussian elimination over fractions; return
    every hidden count the equations pin to a value from 1 to 4: a child who could be recognised."""
    hidden = sorted((k for k, v in cells.items() if v is None), key=str)
    index = {k: i for i, k in enumerate(hidden)}
    rows: list[list[Fraction]] = []
    for total, parts in sums:
        row = [Fraction(0)] * (len(hidden) + 1)
        for key, sign in [(total, -1), *((p, 1) for p in parts)]:
            value = cells.get(key, 0.0)
            if value is None:
                row[index[key]] += sign
            else:
                row[-1] -= sign * Fraction(int(value))
        if any(row[:-1]):
            rows.append(row)
    pivot_row = 0
    for col in range(len(hidden)):
        pick = next((r for r in range(pivot_row, len(rows)) if rows[r][col] != 0), None)
        if pick is None:
            continue
        rows[pivot_row], rows[pick] = rows[pick], rows[pivot_row]
        lead = rows[pivot_row][col]
        rows[pivot_row] = [v / lead for v in rows[pivot_row]]
        for r in range(len(rows)):
            if r != pivot_row and rows[r][col] != 0:
                factor = rows[r][col]
                rows[r] = [a - factor * b for a, b in zip(rows[r], rows[pivot_row], strict=True)]
        pivot_row += 1
    found = {}
    for row in rows:
        nonzero = [i for i, v in enumerate(row[:-1]) if v != 0]
        if len(nonzero) == 1 and 1 <= row[-1] / row[nonzero[0]] <= 4:
            found[hidden[nonzero[0]]] = row[-1] / row[nonzero[0]]
    return found


def test_suppression_hides_a_complement_and_a_total_when_it_must() -> None:
    counts = {"total": 7, "a": 2, "b": 5, "c": 0}
    hidden = suppress(counts, [Line("total", ("a", "b", "c"))])
    assert hidden == {"a", "b"}  # b is hidden with a, so 7 − shown no longer gives a
    counts = {"total": 3, "a": 3}
    assert suppress(counts, [Line("total", ("a",))]) == {"total", "a"}
    counts = {"total": 12, "a": 1, "b": 1, "c": 10}  # two small ones adding to 2 would give each away
    assert suppress(counts, [Line("total", ("a", "b", "c"))]) == {"a", "b", "c"}


def test_who_sees_what_is_the_policy_and_each_look_is_audited(world: World) -> None:
    cases_at(world, SCHOOL, 5)
    with pytest.raises(Forbidden):
        report(world, world.teacher)  # an employee without a leader's role
    with pytest.raises(Forbidden):
        report(world, world.leader)  # a unit leader sees their unit, not the municipality
    with pytest.raises(Forbidden):
        report(world, world.leader, "unit", unit_id=HEALTH)
    mine = report(world, world.leader, "unit", unit_id=SCHOOL)
    assert mine.main.id == SCHOOL and mine.parts == []
    assert values(mine, mine.main, "opened", "2025") == 5
    with pytest.raises(Forbidden):
        report(world, world.admin, "region")  # no region coordinator role
    with pytest.raises(InvalidInput):
        report(world, world.admin, year=2031)
    with world.platform.database.session() as session:
        looks = session.execute(
            select(AuditEventRow.actor_id, AuditEventRow.outcome, func.count())
            .where(AuditEventRow.action.like("indicators.%"))
            .group_by(AuditEventRow.actor_id, AuditEventRow.outcome)
        ).all()
    assert {(a, o): n for a, o, n in looks} == {
        (world.teacher, "refused"): 1,
        (world.leader, "refused"): 2,
        (world.leader, "allowed"): 1,
        (world.admin, "refused"): 1,
    }


def test_plugins_add_indicators_with_targets_under_the_same_rule(world: World) -> None:
    school = cases_at(world, SCHOOL, 10)
    for case_id in school:
        with world.as_(world.teacher) as w:
            w.relay_holder.assign(case_id, world.teacher)
    rep = report(world, world.coordinator)
    targets = {t.id: t for t in rep.main.targets}
    held = targets["bti.saker-med-stafettholder"]
    assert held.value.value == 100.0 and "10 av 10" in held.description
    on_time = targets.get("bti.tiltak-evaluert-i-tide")
    assert on_time is None  # nothing was due: nothing to measure, not 0 %
    family = targets["bti.familien-deltok"]
    assert family.target == 75.0 and family.value.value == 0.0 and family.met is False
    school_row = next(p for p in rep.parts if p.id == SCHOOL)
    assert {t.id: t.value.value for t in school_row.targets}["bti.saker-med-stafettholder"] == 100.0


def test_a_region_coordinator_sees_the_municipalities_side_by_side(database_url: str, clock) -> None:
    """BTI Agder's three municipalities; Lyngdal has chosen not to be named to the others."""
    agder = load_config(Path(configs.__file__).parent / "agder.toml")
    lyngdal = next(m for m in agder.municipalities if m.name.startswith("Lyngdal"))
    changed = [msgspec.structs.replace(m, named_in_region=m is not lyngdal) for m in agder.municipalities]
    platform = Platform.open(
        msgspec.structs.replace(agder, municipalities=changed),
        database_url=database_url,
        clock=lambda: clock.now,
    )
    try:
        people: dict[str, tuple[str, str]] = {}
        for mconf in changed:
            unit = next(u for u in mconf.units if u.service_type == "skole")
            with platform.work(Actor.system(mconf.id), "seed") as w:
                staff = w.people.register_employee(
                    given_name="Ansatt",
                    family_name="Skole",
                    memberships=[UnitMembership(unit_id=unit.id, role=UnitRole.EMPLOYEE)],
                ).id
                lead = w.people.register_employee(
                    given_name="Koordinator",
                    family_name="Region",
                    municipal_roles=[MunicipalRole.REGION_COORDINATOR],
                ).id
                children = [
                    w.people.register_child(
                        given_name="Barn", family_name="Agder", birth_date=dt.date(2017, 5, 1)
                    ).id
                    for _ in range(6)
                ]
            with platform.database.session() as session:
                employee = actor_for(session, staff)
            with platform.work(employee, "undring") as w:
                for child in children:
                    w.cases.open_case(subject_id=child, unit_id=unit.id, observation="Er stille.")
            people[mconf.id] = (lead, staff)
        kristiansand = next(m for m in changed if m.name.startswith("Kristiansand"))
        with platform.database.session() as session:
            coordinator = actor_for(session, people[kristiansand.id][0])
        with platform.work(coordinator, "indicators.read_region") as w:
            rep = w.indicators.report("region")
        assert rep.scope_name == "BTI Agder"
        names = {p.id: p.name for p in rep.parts}
        assert names[lyngdal.id] == "Kommune (ikke navngitt)"
        assert names[kristiansand.id] == kristiansand.name
        assert values(rep, rep.main, "opened", "2025") == 18
        assert all(values(rep, p, "opened", "2025") == 6 for p in rep.parts)
        with platform.database.session() as session:
            lyngdal_lead = actor_for(session, people[lyngdal.id][0])
        with platform.work(lyngdal_lead, "indicators.read_region") as w:
            assert {p.name for p in w.indicators.report("region").parts} >= {lyngdal.name}
    finally:
        platform.close()


def test_refused_consents_are_counted(world: World) -> None:
    today = world.clock.today()
    for case_id in cases_at(world, SCHOOL, 5):
        with world.as_(world.teacher, "samtykke") as w:
            consent = w.consents.request(
                case_id, unit_ids=[HEALTH], categories=["observasjoner"], purpose="Samarbeid",
                area="general", valid_from=today, valid_to=today + dt.timedelta(days=30),
            )  # fmt: skip
        with world.as_(world.mother, "samtykke") as w:
            w.consents.refuse(consent.id)
    rep = report(world, world.admin)
    assert values(rep, rep.main, "consents_refused", "2025") == 5
    assert values(rep, rep.main, "consents_requested", "2025") == 5
