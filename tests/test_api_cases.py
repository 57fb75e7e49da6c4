"""A case through the HTTP API, the way the school, PPT and the family meet it."""

from __future__ import annotations

import datetime as dt

from core.storage.models import PersonRow
from tests.api_support import Api
from tests.conftest import PPT, SCHOOL, World


def test_undring_to_collaboration_and_the_family_sees_it(api: Api, world: World) -> None:
    teacher, ppt, mother = api.as_(world.teacher), api.as_(world.ppt), api.as_(world.mother)
    with world.platform.database.session() as session:
        fnr = session.get_one(PersonRow, world.child).national_id

    found = teacher.ok("POST", "/api/v1/people/lookup", {"national_id": fnr, "purpose": "undring"})
    assert found["id"] == world.child and found["kind"] == "child"

    case = teacher.ok(
        "POST",
        "/api/v1/cases",
        {"subject_id": world.child, "unit_id": SCHOOL, "observation": "Trekker seg unna i friminuttene."},
    )
    case_id = case["id"]
    assert case["level"] == 0 and case["owner_unit_id"] == SCHOOL

    teacher.ok(
        "POST", f"/api/v1/cases/{case_id}/log", {"text": "Samtale med Ola.", "shared_with_family": False}
    )
    glimt = teacher.ok(
        "POST", f"/api/v1/cases/{case_id}/log", {"text": "Ola lo i dag!", "bright_moment": True}
    )
    assert glimt["kind"] == "bright_moment"
    fix = teacher.ok(
        "POST",
        f"/api/v1/cases/{case_id}/log/{glimt['id']}/corrections",
        {"text": "Ola lo mye i dag!", "reason": "skrivefeil"},
    )
    assert fix["corrects"] == glimt["id"]

    mine = teacher.ok("GET", "/api/v1/cases")
    assert [c["id"] for c in mine["items"]] == [case_id] and mine["total"] == 1

    teacher.ok(
        "POST",
        f"/api/v1/cases/{case_id}/level",
        {"level": 1, "unit_leader_informed": True, "guardians_informed": True},
    )
    early = teacher.post(f"/api/v1/cases/{case_id}/participants", json={"unit_id": PPT})
    assert early.status_code == 409, early.text  # no consent names PPT yet: the basis would be false
    assert [r["code"] for r in early.json()["refusals"]] == ["no_consent_for_service"]
    assert ppt.get(f"/api/v1/cases/{case_id}").status_code == 404  # PPT takes no part: no such case for it

    today = world.clock.today()
    consent = teacher.ok(
        "POST",
        f"/api/v1/cases/{case_id}/consents",
        {
            "unit_ids": [PPT],
            "categories": ["observasjoner"],
            "purpose": "Samarbeid med PPT",
            "area": "general",
            "valid_from": today.isoformat(),
            "valid_to": (today + dt.timedelta(days=365)).isoformat(),
        },
    )
    mother.ok("POST", f"/api/v1/consents/{consent['id']}/give")
    given = api.as_(world.father).ok("POST", f"/api/v1/consents/{consent['id']}/give")
    assert all(g["given_at"] for g in given["givers"])
    joined = teacher.post(f"/api/v1/cases/{case_id}/participants", json={"unit_id": PPT})
    assert joined.status_code == 201, joined.text
    assert joined.headers["location"] == f"/api/v1/cases/{case_id}/participants/{PPT}"
    assert joined.json() == teacher.ok("GET", joined.headers["location"])  # the participant, not the case
    assert (joined.json()["unit_id"], joined.json()["basis"], joined.json()["status"]) == (
        PPT,
        "consent",
        "active",
    )
    assert ppt.ok("GET", f"/api/v1/cases/{case_id}")["id"] == case_id  # consent in force: PPT reads

    updated = teacher.ok("PUT", f"/api/v1/cases/{case_id}/relay-holder", {"employee_id": world.teacher})
    assert updated["relay_holder_id"] == world.teacher
    assert teacher.ok("POST", f"/api/v1/cases/{case_id}/level", {"level": 2})["level"] == 2

    measure = teacher.ok(
        "POST",
        f"/api/v1/cases/{case_id}/measures",
        {
            "title": "Fast voksen i friminutt",
            "goal": "Ola leker med andre",
            "responsible_id": world.teacher,
            "start_date": today.isoformat(),
            "evaluation_date": (today + dt.timedelta(days=30)).isoformat(),
        },
    )
    evaluated = teacher.ok(
        "POST",
        f"/api/v1/measures/{measure['id']}/evaluations",
        {
            "outcome": "partly",
            "summary": "Bedre",
            "next_evaluation_date": (today + dt.timedelta(days=60)).isoformat(),
        },
    )
    assert evaluated["evaluations"][0]["outcome"] == "partly"

    handover = teacher.ok(
        "POST", f"/api/v1/cases/{case_id}/handovers", {"to_id": world.ppt, "note": "Til PPT"}
    )
    assert [h["id"] for h in ppt.ok("GET", "/api/v1/handovers")["items"]] == [handover["id"]]
    assert ppt.ok("POST", f"/api/v1/handovers/{handover['id']}/accept")["status"] == "accepted"
    assert teacher.ok("GET", f"/api/v1/cases/{case_id}")["relay_holder_id"] == world.ppt

    # the family: their case, the shared log (not the private note), measures, a comment
    assert [c["id"] for c in mother.ok("GET", "/api/v1/family/cases")["items"]] == [case_id]
    shared = [e["text"] for e in mother.ok("GET", f"/api/v1/family/cases/{case_id}/log")["items"]]
    assert "Ola lo mye i dag!" in shared and "Samtale med Ola." not in shared
    assert mother.ok("GET", f"/api/v1/family/cases/{case_id}/measures")["items"][0]["id"] == measure["id"]
    mother.ok("POST", f"/api/v1/family/cases/{case_id}/comments", {"text": "Takk for god hjelp."})
    # a report on a home task names it; a measure that is not a home task is not one to report on
    not_home_task = mother.post(
        f"/api/v1/family/cases/{case_id}/comments", json={"text": "Gjort", "home_task_id": measure["id"]}
    )
    assert not_home_task.status_code == 404 and not_home_task.json()["code"] == "home_task_not_found"
    kinds = [e["kind"] for e in teacher.ok("GET", f"/api/v1/cases/{case_id}/log?limit=200")["items"]]
    assert "family_comment" in kinds

    # innsyn: the mother sees that PPT's employee read the case, with name, unit and purpose
    readers = mother.ok("GET", f"/api/v1/cases/{case_id}/access-log?limit=200")["items"]
    pia = [r for r in readers if r["reader_id"] == world.ppt]
    assert pia and pia[-1]["reader_name"] == "Pia Ansatt" and pia[-1]["units"] == ["PPT Fjordvik"]
    assert pia[-1]["purpose"] == "åpnet saken"  # a sentence (core.services.purposes), not the code

    # withdrawing consent cuts PPT's access at once
    mother.ok("POST", f"/api/v1/consents/{consent['id']}/withdraw", {"reason": "Vi vil tenke oss om."})
    refused = ppt.get(f"/api/v1/cases/{case_id}")
    assert refused.status_code == 403 and refused.json()["code"] == "taushetsplikt"


def filled(schema: dict) -> object:
    """A valid value for one form field of a tool, as a user would type it."""
    if "enum" in schema:
        return schema["enum"][0]
    kind = schema.get("type", "string")
    if kind == "boolean":
        return True
    if kind in ("integer", "number"):
        return max(schema.get("minimum", 1), 1)
    if kind == "array":
        return []
    if schema.get("format") == "date":
        return "2025-03-01"
    if schema.get("format") == "date-time":
        return "2025-03-01T09:00:00+00:00"
    return "Fylt ut"


def test_guide_shows_the_step_and_which_tools_the_log_has_used(api: Api, world: World) -> None:
    case = world.open_case()
    teacher = api.as_(world.teacher)
    guide = teacher.ok("GET", f"/api/v1/cases/{case.id}/guide")
    assert guide["level"] == 0 and guide["service_type"] == "skole" and guide["steps"]
    step = next(s for s in guide["steps"] if s["tools"])
    assert guide["current_step"] == step["step"]["number"] and step["used_tool_ids"] == []

    tool = step["tools"][0]
    props = tool["form_schema"].get("properties", {})
    form = {name: filled(props.get(name, {})) for name in tool["form_schema"].get("required", [])}
    bad = teacher.post(f"/api/v1/cases/{case.id}/log", {"tool_id": tool["id"], "form": {"ukjent": 1}})
    if tool["form_schema"].get("required") or tool["form_schema"].get("additionalProperties") is False:
        assert bad.status_code == 422 and bad.json()["invalid-params"][0]["name"] == "form"
    entry = teacher.post(f"/api/v1/cases/{case.id}/log", {"tool_id": tool["id"], "form": form})
    assert entry.status_code == 201, entry.text
    after = teacher.ok("GET", f"/api/v1/cases/{case.id}/guide")
    used = next(s for s in after["steps"] if s["step"]["number"] == step["step"]["number"])
    assert tool["id"] in used["used_tool_ids"]


def test_directory_lists_units_tools_arenas_and_services(api: Api, world: World) -> None:
    teacher = api.as_(world.teacher)
    units = teacher.ok("GET", "/api/v1/units?limit=2&offset=1")
    assert units["limit"] == 2 and units["offset"] == 1 and len(units["items"]) == 2 and units["total"] > 3
    assert teacher.ok("GET", f"/api/v1/units/{SCHOOL}")["name"] == "Fjordvik skole"
    tools = teacher.ok("GET", "/api/v1/tools?limit=200")["items"]
    assert tools and teacher.ok("GET", f"/api/v1/tools/{tools[0]['id']}") == tools[0]
    assert teacher.ok("GET", "/api/v1/guides")["total"] >= 1
    assert teacher.ok("GET", "/api/v1/services")["total"] >= 0


def test_people_are_registered_and_linked(api: Api, world: World) -> None:
    teacher, admin = api.as_(world.teacher), api.as_(world.admin)
    child = teacher.ok(
        "POST",
        "/api/v1/children",
        {"given_name": "Siri", "family_name": "Strand", "birth_date": "2019-06-01"},
    )
    guardian = teacher.ok(
        "POST",
        f"/api/v1/children/{child['id']}/guardians",
        {"given_name": "Mona", "family_name": "Strand", "email": "mona@example.invalid"},
    )
    link = teacher.ok(
        "PUT",
        f"/api/v1/children/{child['id']}/guardians/{guardian['id']}",
        {"parental_responsibility": False},
    )
    assert link == {"child_id": child["id"], "guardian_id": guardian["id"], "parental_responsibility": False}
    employee = admin.ok(
        "POST",
        "/api/v1/employees",
        {
            "given_name": "Ny",
            "family_name": "Lærer",
            "memberships": [{"unit_id": SCHOOL, "role": "employee"}],
        },
    )
    assert teacher.ok("GET", f"/api/v1/employees/{employee['id']}")["memberships"] == [
        {"unit_id": SCHOOL, "role": "employee"}
    ]
    pregnant = teacher.ok(
        "POST",
        "/api/v1/pregnant",
        {"given_name": "Eva", "family_name": "Berg", "birth_date": "1995-01-01", "due_date": "2025-08-01"},
    )
    assert pregnant["type"] == "pregnant"


def test_the_log_is_read_a_page_at_a_time_and_each_page_names_later_corrections(
    api: Api, world: World
) -> None:
    case = world.open_case()
    teacher = api.as_(world.teacher)
    notes = [teacher.ok("POST", f"/api/v1/cases/{case.id}/log", {"text": f"Notat {i}"}) for i in range(5)]
    fix = teacher.ok(
        "POST",
        f"/api/v1/cases/{case.id}/log/{notes[0]['id']}/corrections",
        {"text": "Notat null", "reason": "feil tall"},
    )
    page = teacher.ok("GET", f"/api/v1/cases/{case.id}/log?limit=2&offset=1")
    assert page["total"] == 7 and (page["limit"], page["offset"]) == (2, 1)  # the undring, 5 notes, 1 fix
    assert [e["id"] for e in page["items"]] == [notes[0]["id"], notes[1]["id"]]
    assert page["items"][0]["corrected_by"] == fix["id"]  # the correction is on a later page
    assert page["items"][1]["corrected_by"] is None
    last = teacher.ok("GET", f"/api/v1/cases/{case.id}/log?limit=50&offset=6")
    assert [e["id"] for e in last["items"]] == [fix["id"]]
