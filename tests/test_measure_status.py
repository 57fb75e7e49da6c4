"""Tiltak (issue 13): the responsible is someone who can do the work, and a measure can be paused and
resumed, ended or cancelled with a reason in the stafettlogg; only an active one has an evaluation due."""

from __future__ import annotations

import datetime as dt

from core.services.reminders import ReminderKind, ReminderService
from tests.api_support import Api, Client
from tests.conftest import PPT, World


def new_measure(client: Client, world: World, case_id: str, responsible: str, **extra) -> dict:
    today = world.clock.today()
    return client.post(
        f"/api/v1/cases/{case_id}/measures",
        json={
            "title": "Fast voksen i friminuttet",
            "goal": "Ola leker med andre.",
            "responsible_id": responsible,
            "start_date": today.isoformat(),
            "evaluation_date": (today + dt.timedelta(days=14)).isoformat(),
            **extra,
        },
    )


def test_the_responsible_must_reach_the_case_under_the_policy(api: Api, world: World) -> None:
    case = world.open_case()
    teacher = api.as_(world.teacher)
    for outsider in (world.nurse, world.ppt):  # another unit; PPT before it takes part under consent
        refused = new_measure(teacher, world, case.id, outsider)
        assert refused.status_code == 422, refused.text
        problem = refused.json()
        assert problem["code"] == "responsible_without_access"
        assert "har ikke tilgang til saken og kan ikke være ansvarlig" in problem["detail"]
        assert problem["invalid-params"][0]["name"] == "responsible_id"
    assert teacher.ok("GET", f"/api/v1/cases/{case.id}/measures")["total"] == 0
    world.join(case.id, PPT)
    assert new_measure(teacher, world, case.id, world.ppt).status_code == 201
    assert new_measure(teacher, world, case.id, world.leader).status_code == 201  # the owning unit


def test_a_home_task_is_for_the_family_of_the_case(api: Api, world: World) -> None:
    case = world.open_case()
    teacher = api.as_(world.teacher)
    assert new_measure(teacher, world, case.id, world.mother, for_family=True).status_code == 201
    stepfather = new_measure(teacher, world, case.id, world.stepfather, for_family=True)  # no responsibility
    assert stepfather.status_code == 422, stepfather.text
    other_parent = world.add_child(world.aged(5))
    with world.system() as w:
        stranger = w.people.register_guardian(given_name="Åse", family_name="Annen", child_id=other_parent).id
    assert new_measure(teacher, world, case.id, stranger, for_family=True).status_code == 422
    assert new_measure(teacher, world, case.id, world.mother).status_code == 422  # not a home task


def status(client: Client, measure_id: str, body: dict):
    return client.post(f"/api/v1/measures/{measure_id}/status", json=body)


def test_a_paused_measure_has_no_evaluation_due_and_resumes_with_a_new_date(api: Api, world: World) -> None:
    case = world.open_case()
    world.level_1(case.id)
    teacher = api.as_(world.teacher)
    measure = new_measure(teacher, world, case.id, world.teacher).json()
    log_size = teacher.ok("GET", f"/api/v1/cases/{case.id}/log")["total"]

    no_reason = status(teacher, measure["id"], {"status": "paused"})
    assert no_reason.status_code == 422 and "begrunnelse" in no_reason.json()["detail"]
    paused = status(teacher, measure["id"], {"status": "paused", "reason": "Ola er på sykehus i tre uker."})
    assert paused.status_code == 200, paused.text
    assert (paused.json()["status"], paused.json()["next_evaluation_date"]) == ("paused", None)
    entry = teacher.ok("GET", f"/api/v1/cases/{case.id}/log?limit=200")["items"][-1]
    assert (entry["kind"], entry["text"], entry["data"]["from"], entry["data"]["to"]) == (
        "measure_status_changed",
        "Ola er på sykehus i tre uker.",
        "active",
        "paused",
    )
    assert teacher.ok("GET", f"/api/v1/cases/{case.id}/log")["total"] == log_size + 1

    world.clock.advance(days=20)  # past the evaluation date: nothing is due while paused
    with world.system() as w:
        assert ReminderService(w).due() == []
    with world.as_(world.teacher) as w:
        (row,), _ = w.cases.overview()
    assert (row.next_evaluation, row.overdue) == (None, 0)
    evaluation = teacher.post(
        f"/api/v1/measures/{measure['id']}/evaluations", json={"outcome": "partly", "summary": "Litt bedre"}
    )
    assert evaluation.status_code == 409 and evaluation.json()["code"] == "measure_paused"
    again = status(teacher, measure["id"], {"status": "paused", "reason": "Fortsatt syk"})
    assert again.status_code == 409 and again.json()["detail"] == "Tiltaket er allerede satt på pause."

    no_date = status(teacher, measure["id"], {"status": "active"})
    assert (
        no_date.status_code == 422 and no_date.json()["invalid-params"][0]["name"] == "next_evaluation_date"
    )
    new_date = (world.clock.today() + dt.timedelta(days=10)).isoformat()
    resumed = teacher.ok(
        "POST",
        f"/api/v1/measures/{measure['id']}/status",
        {"status": "active", "next_evaluation_date": new_date},
    )
    assert (resumed["status"], resumed["next_evaluation_date"]) == ("active", new_date)
    world.clock.advance(days=11)
    with world.system() as w:
        (due,) = ReminderService(w).due()
    assert (due.kind, due.measure_id, due.recipient_id) == (
        ReminderKind.EVALUATION_OVERDUE,
        measure["id"],
        world.teacher,
    )


def test_ended_and_cancelled_measures_are_final(api: Api, world: World) -> None:
    case = world.open_case()
    teacher = api.as_(world.teacher)
    ended = new_measure(teacher, world, case.id, world.teacher).json()
    cancelled = new_measure(teacher, world, case.id, world.teacher).json()
    assert (
        teacher.ok(
            "POST", f"/api/v1/measures/{ended['id']}/status", {"status": "ended", "reason": "Målet er nådd."}
        )["status"]
        == "ended"
    )
    assert (
        teacher.ok(
            "POST",
            f"/api/v1/measures/{cancelled['id']}/status",
            {"status": "cancelled", "reason": "Ble ikke gjennomført."},
        )["status"]
        == "cancelled"
    )
    for measure, code, words in (
        (ended, "measure_ended", "avsluttet"),
        (cancelled, "measure_cancelled", "avlyst"),
    ):
        for body in (
            {"status": "active", "next_evaluation_date": "2099-01-01"},
            {"status": "paused", "reason": "x"},
        ):
            refused = status(teacher, measure["id"], body)
            assert refused.status_code == 409 and refused.json()["code"] == code, refused.text
            assert words in refused.json()["detail"]
    world.clock.advance(days=30)
    with world.system() as w:
        assert ReminderService(w).due() == []
    unknown = status(teacher, ended["id"], {"status": "finished", "reason": "x"})
    assert unknown.status_code == 400  # not one of the statuses
    other = status(api.as_(world.nurse), cancelled["id"], {"status": "ended", "reason": "x"})
    assert other.status_code == 404  # the nurse's unit takes no part: no such measure for it


def test_an_evaluation_without_a_next_date_ends_the_measure(api: Api, world: World) -> None:
    case = world.open_case()
    teacher = api.as_(world.teacher)
    measure = new_measure(teacher, world, case.id, world.teacher).json()
    done = teacher.ok(
        "POST", f"/api/v1/measures/{measure['id']}/evaluations", {"outcome": "achieved", "summary": "Bra"}
    )
    assert (done["status"], done["next_evaluation_date"]) == ("ended", None)
    refused = status(teacher, measure["id"], {"status": "paused", "reason": "x"})
    assert refused.status_code == 409 and refused.json()["code"] == "measure_ended"


def test_a_units_journal_reads_the_measures_status_in_fhir(api: Api, world: World) -> None:
    from adapters.fhir import mapping

    case = world.open_case()
    teacher = api.as_(world.teacher)
    measure = new_measure(teacher, world, case.id, world.teacher).json()
    status(teacher, measure["id"], {"status": "paused", "reason": "Sykehusopphold."})
    with world.as_(world.teacher) as w:
        (paused,) = w.measures.list(case.id)
        the_case = w.cases.get(case.id)
    assert mapping.goal(the_case, paused)["lifecycleStatus"] == "on-hold"
    assert mapping.care_plan(the_case, [paused])["activity"][0]["detail"]["status"] == "on-hold"
