"""Issue 13, people through the API: the look-up by fødselsnummer (a stated purpose, little data, a
per-employee limit the administrator sees), and reads of a case's child and guardians under the policy."""

from __future__ import annotations

import datetime as dt

import msgspec
import pytest

from core.storage.models import AuditEventRow, PersonRow
from tests.api_support import Api
from tests.conftest import PPT, Clock, World

LOOKUP = "/api/v1/people/lookup"


@pytest.fixture
def config(config):
    """The demo municipality with a small look-up limit, so a burst is a few calls."""
    municipality = msgspec.structs.replace(config.municipalities[0], person_lookups_per_10_minutes=3)
    return msgspec.structs.replace(config, municipalities=[municipality])


def number_of(world: World, person_id: str) -> str:
    with world.platform.database.session() as session:
        return session.get_one(PersonRow, person_id).national_id


def test_a_lookup_needs_a_purpose_and_answers_only_what_confirms_the_person(api: Api, world: World) -> None:
    teacher = api.as_(world.teacher)
    number = number_of(world, world.child)

    missing = teacher.post(LOOKUP, {"national_id": number})
    assert missing.status_code == 422 and missing.headers["content-type"] == "application/problem+json"
    assert "formålet" in missing.json()["detail"]
    assert missing.json()["invalid-params"][0]["name"] == "purpose"
    assert teacher.post(LOOKUP, {"national_id": number, "purpose": "nysgjerrig"}).status_code == 400

    found = teacher.ok("POST", LOOKUP, {"national_id": number, "purpose": "undring"})
    assert found == {
        "id": world.child,
        "kind": "child",
        "given_name": found["given_name"],
        "family_name": found["family_name"],
        "birth_year": found["birth_year"],
    }
    assert number not in str(found) and "birth_date" not in found
    # the stated purpose is in the audit trail, beside the look-up of the child
    assert api.audit_count(subject_id=world.child, purpose="person.lookup:undring via API") == 1


def test_a_burst_of_lookups_is_refused_and_shown_to_the_administrator(
    api: Api, world: World, clock: Clock
) -> None:
    teacher, admin = api.as_(world.teacher), api.as_(world.admin)
    number = number_of(world, world.child)
    body = {"national_id": number, "purpose": "parorende"}
    for _ in range(3):
        assert teacher.post(LOOKUP, body).status_code == 200
    burst = teacher.post(LOOKUP, body)
    assert burst.status_code == 429, burst.text
    assert burst.json()["code"] == "lookup_limit" and "For mange oppslag" in burst.json()["detail"]
    assert teacher.post(LOOKUP, body).status_code == 429
    # another employee is not held back by the teacher's burst
    assert api.as_(world.nurse).post(LOOKUP, body).status_code == 200

    listed = admin.get("/api/v1/people/lookup-refusals")
    assert listed.status_code == 200, listed.text
    items = listed.json()["items"]
    assert [(i["employee_id"], i["refused"]) for i in items] == [(world.teacher, 2)]
    assert items[0]["employee_name"] and items[0]["first_at"] <= items[0]["last_at"]
    assert world.child not in listed.text and number not in listed.text
    assert api.audit_count(actor_id=world.admin, purpose="person.lookup_refusals via API") == 1
    # only the administrator: the teacher and the auditor may not list it
    assert teacher.get("/api/v1/people/lookup-refusals").status_code == 403
    assert api.as_(world.auditor).get("/api/v1/people/lookup-refusals").status_code == 403

    clock.advance(minutes=11)  # the window has passed
    assert teacher.post(LOOKUP, body).status_code == 200


def test_the_limit_is_counted_in_the_database_not_in_one_process(api: Api, world: World) -> None:
    """Look-ups another app process made are in the audit trail, and they count."""
    number = number_of(world, world.child)
    with world.as_(world.teacher, "person.lookup:undring via web") as w:  # as the web page does
        for _ in range(3):
            w.people.search_subjects(number)
    refused = api.as_(world.teacher).post(LOOKUP, {"national_id": number, "purpose": "undring"})
    assert refused.status_code == 429 and refused.headers["Retry-After"] == "60"
    with world.platform.database.session() as session:
        reasons = [e.reason for e in session.query(AuditEventRow).filter_by(outcome="refused")]
    assert any(r.startswith("lookup_limit:") for r in reasons)


def test_the_child_and_guardians_of_a_case_are_read_under_the_case_rule(api: Api, world: World) -> None:
    case = world.open_case()
    teacher, ppt = api.as_(world.teacher), api.as_(world.ppt)

    child = teacher.get(f"/api/v1/children/{world.child}")
    assert child.status_code == 200, child.text
    assert child.json()["id"] == world.child and child.json()["national_id"]
    guardians = teacher.get(f"/api/v1/children/{world.child}/guardians").json()["items"]
    assert {g["id"] for g in guardians} == {world.mother, world.father, world.stepfather}
    assert all("national_id" not in g for g in guardians)
    by_id = {g["id"]: g["parental_responsibility"] for g in guardians}
    assert by_id[world.mother] is True and by_id[world.stepfather] is False
    # each read is one audit event on the case, which innsyn lists
    assert api.audit_count(actor_id=world.teacher, case_id=case.id, purpose="person.read_child via API") == 1

    # PPT takes no part yet: 404 for the child, as for an id that does not exist; the refusal is audited
    for path in (f"/api/v1/children/{world.child}", f"/api/v1/children/{world.child}/guardians"):
        refused = ppt.get(path)
        assert refused.status_code == 404 and refused.json()["code"] == "person_not_found", refused.text
    assert ppt.get("/api/v1/children/finnes-ikke").json() == {
        **ppt.get(f"/api/v1/children/{world.child}").json(),
        "detail": ppt.get("/api/v1/children/finnes-ikke").json()["detail"],
        "instance": "/api/v1/children/finnes-ikke",
    }
    assert api.audit_count(actor_id=world.ppt, subject_id=world.child, outcome="refused") >= 2

    world.level_2(case.id, PPT)  # under consent PPT reads who the case is about
    assert ppt.get(f"/api/v1/children/{world.child}").status_code == 200
    assert ppt.get(f"/api/v1/children/{world.child}/guardians").status_code == 200
    # an administrator manages people and may read them
    admin = api.as_(world.admin).get(f"/api/v1/children/{world.child}/guardians")
    assert admin.status_code == 200 and {g["id"] for g in admin.json()["items"]} == set(by_id)
    # a guardian reads their family through the family view, not these reads
    assert api.as_(world.mother).get(f"/api/v1/children/{world.child}").status_code == 404


def test_the_family_sees_who_wrote_and_who_is_responsible(api: Api, world: World) -> None:
    """Issue 13: the family view names the employee and their unit, not only an id."""
    case = world.open_case()
    teacher, mother = api.as_(world.teacher), api.as_(world.mother)
    note = {"text": "Ola lo mye i dag!", "shared_with_family": True}
    teacher.ok("POST", f"/api/v1/cases/{case.id}/log", note)
    mother.ok("POST", f"/api/v1/family/cases/{case.id}/comments", {"text": "Takk."})
    entries = mother.ok("GET", f"/api/v1/family/cases/{case.id}/log")["items"]
    by_text = {e["text"]: e for e in entries}
    written = by_text["Ola lo mye i dag!"]
    assert (written["author_id"], written["author_name"], written["author_unit"]) == (
        world.teacher,
        "Tina Ansatt",
        "Fjordvik skole",
    )
    assert by_text["Takk."]["author_name"] and by_text["Takk."].get("author_unit") is None  # the family
    assert mother.get(f"/api/v1/employees/{world.teacher}").status_code == 403  # still no employee reads
    today = world.clock.today()
    teacher.ok(
        "POST",
        f"/api/v1/cases/{case.id}/measures",
        {
            "title": "Fast voksen i friminutt",
            "goal": "Ola leker med andre",
            "responsible_id": world.teacher,
            "start_date": today.isoformat(),
            "evaluation_date": (today + dt.timedelta(days=30)).isoformat(),
        },
    )
    measure = mother.ok("GET", f"/api/v1/family/cases/{case.id}/measures")["items"][0]
    assert (measure["responsible_name"], measure["responsible_unit"]) == ("Tina Ansatt", "Fjordvik skole")
