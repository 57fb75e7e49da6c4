"""``readable_cases`` (the SQL form of "may read this case") selects exactly the cases ``decide`` allows,
on generated cases, participants, consents and actors, in the real database."""

from __future__ import annotations

import datetime as dt

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from contracts import CaseStatus, MunicipalRole, ParticipationBasis, UnitRole
from core.domain.policy import Action, Actor, ActorKind, decide
from core.ids import new_id
from core.services.readable import readable_cases
from core.services.state import CaseState
from core.storage import models as m
from tests.conftest import CHILD_WELFARE, HEALTH, MUNICIPALITY, PPT, SCHOOL, World

UNITS = [SCHOOL, PPT, CHILD_WELFARE, HEALTH]
DAYS = st.integers(min_value=-3, max_value=3)  # relative to now, so "in force" falls on both sides

consents = st.fixed_dictionaries(
    {
        "units": st.sets(st.sampled_from(UNITS), max_size=3),
        "from": DAYS,
        "to": DAYS,
        "withdrawn": st.none() | DAYS,
        "givers": st.lists(st.none() | DAYS, max_size=2),
    }
)
cases = st.fixed_dictionaries(
    {
        "owner": st.sampled_from(UNITS),
        "closed": st.booleans(),
        "holder": st.sampled_from(["none", "coordinator", "teacher"]),
        "participants": st.dictionaries(
            st.sampled_from(UNITS),
            st.tuples(
                st.sampled_from([ParticipationBasis.CONSENT, ParticipationBasis.REPORT_DUTY]), st.booleans()
            ),
        ),
        "consents": st.lists(consents, max_size=3),
    }
)
actors = st.fixed_dictionaries(
    {
        "kind": st.sampled_from(
            [ActorKind.EMPLOYEE, ActorKind.EMPLOYEE, ActorKind.GUARDIAN, ActorKind.SYSTEM]
        ),
        "who": st.sampled_from(["coordinator", "teacher"]),
        "units": st.sets(st.sampled_from(UNITS), max_size=2),
        "coordinator": st.booleans(),
    }
)


def insert(world: World, spec: dict, now: dt.datetime) -> str:
    people = {"coordinator": world.coordinator, "teacher": world.teacher, "none": None}
    at = lambda days: now + dt.timedelta(days=days, hours=-1 if days == 0 else 0)  # noqa: E731
    with world.platform.database.session() as s, s.begin():
        case = m.CaseRow(
            id=new_id(),
            municipality_id=MUNICIPALITY,
            subject_id=world.child,
            owner_unit_id=spec["owner"],
            level=1,
            status=str(CaseStatus.CLOSED if spec["closed"] else CaseStatus.OPEN),
            opened_at=now,
            relay_holder_id=people[spec["holder"]],
        )
        s.add(case)
        s.flush()
        s.add(m.ParticipantRow(case_id=case.id, unit_id=spec["owner"], basis="owner", added_at=now))
        for unit, (basis, removed) in spec["participants"].items():
            if unit != spec["owner"]:
                s.add(
                    m.ParticipantRow(
                        case_id=case.id,
                        unit_id=unit,
                        basis=str(basis),
                        added_at=now,
                        removed_at=now if removed else None,
                    )
                )
        for c in spec["consents"]:
            consent = m.ConsentRow(
                id=new_id(),
                case_id=case.id,
                purpose="Samarbeid",
                area="general",
                categories=[],
                valid_from=(now + dt.timedelta(days=c["from"])).date(),
                valid_to=(now + dt.timedelta(days=c["to"])).date(),
                recorded_by=world.teacher,
                recorded_at=now,
                withdrawn_at=None if c["withdrawn"] is None else at(c["withdrawn"]),
            )
            s.add(consent)
            s.flush()
            s.add_all(m.ConsentUnitRow(consent_id=consent.id, unit_id=u) for u in c["units"])
            for giver, given in zip((world.mother, world.father), c["givers"], strict=False):
                s.add(
                    m.ConsentGiverRow(
                        consent_id=consent.id,
                        person_id=giver,
                        as_role="guardian",
                        given_at=None if given is None else at(given),
                    )
                )
        return case.id


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(specs=st.lists(cases, min_size=1, max_size=4), who=actors)
def test_readable_cases_is_exactly_what_decide_allows(world: World, specs: list[dict], who: dict) -> None:
    now = world.clock.now
    ids = {insert(world, spec, now) for spec in specs}
    person = world.coordinator if who["who"] == "coordinator" else world.teacher
    actor = Actor(
        kind=who["kind"],
        municipality_id=MUNICIPALITY,
        id=None if who["kind"] is ActorKind.SYSTEM else person,
        unit_roles={u: UnitRole.EMPLOYEE for u in who["units"]},
        municipal_roles=frozenset({MunicipalRole.COORDINATOR} if who["coordinator"] else ()),
    )
    with world.system() as w:
        assert w.now == now
        readable = readable_cases(actor, now)
        selected = set(w.session.scalars(select(m.CaseRow.id).where(readable.clause), readable.params))
        allowed = {
            case_id
            for case_id in ids
            if decide(
                actor, Action.READ_CASE, municipality_id=MUNICIPALITY, case=CaseState(w.uow, case_id).facts()
            )
        }
        facts = {case_id: CaseState(w.uow, case_id).facts() for case_id in ids}
    assert selected & ids == allowed, (specs, who, facts)
