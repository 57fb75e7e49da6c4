"""Case search (issue 13): over the cases the caller may read, by name, fødselsnummer (in the body only),
unit, level, stafettholder, overdue evaluation and status; paginated in the database, each case audited."""

from __future__ import annotations

import datetime as dt

from core.storage.models import CaseRow, PersonRow
from tests.api_support import Api
from tests.conftest import PPT, SCHOOL, World


def child(world: World, given_name: str, family_name: str) -> str:
    with world.system() as w:
        return w.people.register_child(
            given_name=given_name, family_name=family_name, birth_date=world.aged(8)
        ).id


def ids(page: dict) -> list[str]:
    return [c["id"] for c in page["items"]]


def test_search_filters_orders_and_pages_what_the_caller_may_read(api: Api, world: World) -> None:
    ola, kari = child(world, "Ola", "Nordmann"), child(world, "Kari", "Hansen")
    first, second = world.open_case(ola), world.open_case(kari)
    teacher = api.as_(world.teacher)
    with world.as_(world.leader) as w:  # an evaluation past its date puts the second case first
        w.measures.create(
            second.id, title="Tiltak", goal="Mål", responsible_id=world.leader,
            start_date=world.clock.today(), evaluation_date=world.clock.today() + dt.timedelta(days=1),
        )  # fmt: skip
    world.clock.now += dt.timedelta(days=3)
    everything = teacher.ok("GET", "/api/v1/cases")
    assert ids(everything) == [second.id, first.id] and everything["total"] == 2
    page = teacher.ok("GET", "/api/v1/cases?limit=1&offset=1")
    assert (ids(page), page["total"]) == ([first.id], 2)
    past_the_end = teacher.ok("GET", "/api/v1/cases?limit=1&offset=5")  # still says how many there are
    assert (ids(past_the_end), past_the_end["total"]) == ([], 2)
    assert ids(teacher.ok("GET", "/api/v1/cases?q=nordm")) == [first.id]
    assert ids(teacher.ok("GET", "/api/v1/cases?overdue=true")) == [second.id]
    assert ids(teacher.ok("GET", "/api/v1/cases?overdue=false")) == [first.id]
    assert ids(teacher.ok("GET", f"/api/v1/cases?unit_id={SCHOOL}&level=0")) == [second.id, first.id]
    assert ids(teacher.ok("GET", f"/api/v1/cases?unit_id={PPT}")) == []
    assert ids(teacher.ok("GET", f"/api/v1/cases?relay_holder_id={world.teacher}")) == []
    teacher.ok("POST", f"/api/v1/cases/{first.id}/close", {"reason": "resolved"})
    assert ids(teacher.ok("GET", "/api/v1/cases")) == [second.id]
    assert ids(teacher.ok("GET", "/api/v1/cases?status=closed")) == [first.id]
    assert api.as_(world.nurse).ok("GET", "/api/v1/cases?status=all")["total"] == 0  # reads none of them
    before = api.audit_count(actor_id=world.teacher, action="case.read")
    teacher.ok("GET", "/api/v1/cases?status=all&limit=1")
    assert api.audit_count(actor_id=world.teacher, action="case.read") == before + 1  # the page, audited


def test_a_fodselsnummer_is_searched_in_the_body_never_in_the_url(api: Api, world: World) -> None:
    case = world.open_case()
    with world.platform.database.session() as session:
        number = session.get_one(PersonRow, world.child).national_id
    found = api.as_(world.teacher).post("/api/v1/cases/search", {"national_id": number, "status": "all"})
    assert found.status_code == 200 and ids(found.json()) == [case.id]
    assert api.as_(world.nurse).ok("POST", "/api/v1/cases/search", {"national_id": number})["total"] == 0
    in_url = api.as_(world.teacher).get(f"/api/v1/cases?national_id={number}")
    assert in_url.status_code == 400 and in_url.json()["invalid-params"][0]["name"] == "national_id"


def stored_next_evaluation(world: World, case_id: str) -> dt.date | None:
    with world.platform.database.session() as session:
        return session.get_one(CaseRow, case_id).next_evaluation_date


def test_the_case_keeps_its_earliest_evaluation_through_every_change_of_its_tiltak(
    api: Api, world: World
) -> None:
    """Lists order by a date stored on the case (migration 0019's triggers): it must follow the tiltak."""
    case = world.open_case()
    teacher, today = api.as_(world.teacher), world.clock.today()

    def day(days: int) -> str:
        return (today + dt.timedelta(days=days)).isoformat()

    def measure(days: int) -> str:
        body = {"title": "Tiltak", "goal": "Mål", "responsible_id": world.teacher}
        body |= {"start_date": today.isoformat(), "evaluation_date": day(days)}
        return teacher.ok("POST", f"/api/v1/cases/{case.id}/measures", body)["id"]

    assert stored_next_evaluation(world, case.id) is None
    late, early = measure(20), measure(10)
    assert stored_next_evaluation(world, case.id) == today + dt.timedelta(days=10)
    teacher.ok("POST", f"/api/v1/measures/{early}/status", {"status": "paused", "reason": "Syk"})
    assert stored_next_evaluation(world, case.id) == today + dt.timedelta(days=20)  # paused: none due
    world.clock.advance(days=1)
    evaluation = {"outcome": "partly", "summary": "Litt bedre", "next_evaluation_date": day(30)}
    teacher.ok("POST", f"/api/v1/measures/{late}/evaluations", evaluation)
    assert stored_next_evaluation(world, case.id) == today + dt.timedelta(days=30)
    teacher.ok("POST", f"/api/v1/measures/{late}/status", {"status": "ended", "reason": "Målet er nådd."})
    assert stored_next_evaluation(world, case.id) is None
    teacher.ok(
        "POST", f"/api/v1/measures/{early}/status", {"status": "active", "next_evaluation_date": day(5)}
    )
    assert stored_next_evaluation(world, case.id) == today + dt.timedelta(days=5)
