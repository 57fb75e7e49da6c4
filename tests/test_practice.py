"""Øving: the national baseline's practice cases open at the level their story starts at, in the
practice space's own database, and nothing of them reaches any real list, search, indicator, export
or table. Learning modules count as done when every answer is right."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from sqlalchemy import select

from contracts import Level
from core.practice import PracticeSpace
from core.storage import models as m
from core.storage.base import Base
from core.storage.notification_models import NotificationRow
from tests.api_support import Api
from tests.conftest import World

FAMILY = "Øvingsen"


@pytest.fixture
def space(api: Api) -> PracticeSpace:
    return api.http.app.state.practice


def test_every_baseline_case_starts_where_its_story_starts(world: World, space: PracticeSpace) -> None:
    who = world.actor(world.teacher)
    space.enter(who)
    offered = space.platform.plugins.for_municipality(who.municipality_id).practice_cases
    assert len(offered) >= 6
    levels = {c.level for c in offered.values()}
    assert levels == set(Level), "from an undring at nivå 0 to nivå 3"
    assert any("barnevern" in c.title.lower() for c in offered.values() if c.level == Level.COLLABORATE_MANY)
    for material in offered.values():
        case_id = space.start_case(who, material.id)
        with space.platform.work(who, "test", read_only=True) as w:
            state = w.cases.get(case_id)
            measures = w.measures.list(case_id)
            participants = w.cases.state(case_id).participants
        assert state.level == material.level, material.id
        assert [x.title for x in measures] == [x.title for x in material.measures], material.id
        if material.level >= Level.INTERNAL:
            assert state.relay_holder_id == world.teacher
        if material.level >= Level.COLLABORATE_TWO:
            partners = [p for p in participants if p.unit_id != state.owner_unit_id]
            assert len(partners) == len(material.partners)
        story, _ = space.material_of(who, case_id) or (None, None)
        assert story == material
    progress = space.progress(who)
    assert len(progress.cases) == len(offered) and all(c.completed_at is None for c in progress.cases)


def test_a_practice_case_is_only_its_starters_to_complete(world: World, space: PracticeSpace) -> None:
    teacher, nurse = world.actor(world.teacher), world.actor(world.nurse)
    space.enter(teacher)
    case_id = space.start_case(teacher, "stille-i-barnehagen")
    assert space.material_of(nurse, case_id) is None  # someone else's practice case shows no story
    with pytest.raises(Exception) as refused:
        space.complete_case(nurse, case_id)
    assert getattr(refused.value, "status", None) in (403, 404)
    space.complete_case(teacher, case_id)
    assert space.progress(teacher).cases[0].completed_at is not None


def test_a_learning_module_is_done_when_every_answer_is_right(world: World, space: PracticeSpace) -> None:
    who = world.actor(world.teacher)
    module = space.module(who, "samtykke-og-taushetsplikt")
    wrong = [(q.answer + 1) % len(q.options) for q in module.questions]
    assert space.answer_module(who, module.id, wrong) == [False] * len(module.questions)
    assert module.id not in space.progress(who).modules_done
    right: list[int | None] = [q.answer for q in module.questions]
    assert all(space.answer_module(who, module.id, right))
    assert module.id in space.progress(who).modules_done


def _texts(value: Any) -> str:
    return value if isinstance(value, str) else str(value) if isinstance(value, dict | list) else ""


def _rows_naming(database, needles: list[str]) -> list[str]:
    """Every row of every table in ``database`` that holds one of ``needles`` in any column."""
    found = []
    with database.engine.connect() as connection:
        for table in Base.metadata.sorted_tables:
            for row in connection.execute(table.select()):
                text = " ".join(_texts(v) for v in row)
                found += [f"{table.name}: {n}" for n in needles if n in text]
    return found


def test_the_practice_space_leaks_into_nothing(world: World, api: Api, space: PracticeSpace) -> None:
    admin, teacher = api.as_(world.admin), api.as_(world.teacher)
    before = {
        "indicators": admin.ok("GET", f"/api/v1/indicators?year={world.clock.today().year}"),
        "csv": admin.get("/api/v1/indicators/csv").text,
        "cases": teacher.ok("GET", "/api/v1/cases"),
    }
    who = world.actor(world.teacher)
    space.enter(who)
    case_ids = [space.start_case(who, material) for material in space.platform.plugins.for_municipality(
        who.municipality_id).practice_cases]  # fmt: skip
    today = world.clock.today()
    with space.platform.work(who, "test") as w:  # worked like a real case: a note, an evaluation
        w.log.add_note(case_ids[0], "Øvingsnotat: snakket med foreldrene.")
        measure = w.measures.list(case_ids[1])[0]
        w.measures.evaluate(
            measure.id, outcome="partly", summary="Litt bedre (øving).",
            next_evaluation_date=today + dt.timedelta(days=14),
        )  # fmt: skip
    with space.platform.database.session() as session:
        numbers = list(
            session.scalars(select(m.PersonRow.national_id).where(m.PersonRow.family_name == FAMILY))
        )
    needles = [FAMILY, "Øvingsnotat", *(n for n in numbers if n)]
    assert len(numbers) == 3 * len(case_ids)
    assert _rows_naming(space.platform.database, [FAMILY]), "control: the practice space holds them"

    # no table of the real database holds a practice family, note or fødselsnummer
    assert _rows_naming(world.platform.database, needles) == []
    # every list, search and export of the real platform is as it was
    for person in (world.teacher, world.leader, world.coordinator, world.admin):
        client = api.as_(person)
        for path in (
            "/api/v1/cases",
            "/api/v1/cases?q=vingsen",
            "/api/v1/cases?overdue=true",
            "/api/v1/reminders",
            "/fhir/R4/Patient?family=" + FAMILY,
        ):
            response = client.get(path)
            assert response.status_code < 500 and FAMILY not in response.text, (person, path)
    assert teacher.ok("GET", "/api/v1/cases") == before["cases"]
    for case_id in case_ids:
        assert teacher.get(f"/api/v1/cases/{case_id}").status_code == 404
    assert admin.ok("GET", f"/api/v1/indicators?year={today.year}") == before["indicators"]
    assert admin.get("/api/v1/indicators/csv").text == before["csv"]
    # and nothing waits to leave the practice space: no delivery to a journal, no e-mail or SMS
    with space.platform.database.session() as session:
        assert session.execute(Base.metadata.tables["outbox"].select()).first() is None
        varsler = session.execute(select(NotificationRow.email)).scalars().all()
        assert varsler and set(varsler) == {"none"}, "varsler in the practice space stay in it"
