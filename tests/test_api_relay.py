"""The relay over the JSON API: transfers, the coordinator and plan, and the archive status, with RFC 9457
problem details for bad input and nothing written by a refused request."""

from __future__ import annotations

from contracts import UnitMembership
from tests.api_support import Api
from tests.conftest import SCHOOL, World
from tests.test_transfer import KINDERGARTEN, give, kindergarten_case


def test_transfer_over_the_api_with_problem_details_for_bad_input(api: Api, world: World) -> None:
    with world.system() as w:
        pedagogue = w.people.register_employee(
            given_name="Berit", family_name="Ansatt", memberships=[UnitMembership(unit_id=KINDERGARTEN)]
        ).id
    case_id, _ = kindergarten_case(world, pedagogue)
    kg, school = api.as_(pedagogue), api.as_(world.teacher)
    assert kg.ok("GET", f"/api/v1/cases/{case_id}/transfers/suggestion") == {"unit_id": SCHOOL}
    bad = kg.post(f"/api/v1/cases/{case_id}/transfers", {"to_unit_id": "finnes-ikke"})
    assert bad.status_code == 422 and bad.headers["content-type"].startswith("application/problem+json")
    assert "Fant ingen aktiv enhet" in bad.json()["detail"]
    unknown_field = kg.post(f"/api/v1/cases/{case_id}/transfers", {"to_unit_id": SCHOOL, "hele": True})
    assert unknown_field.status_code == 400
    empty = kg.post(f"/api/v1/cases/{case_id}/transfers", {"to_unit_id": SCHOOL, "entry_ids": []})
    assert empty.status_code == 422 and empty.json()["invalid-params"][0]["name"] == "entry_ids"
    transfer = kg.ok("POST", f"/api/v1/cases/{case_id}/transfers", {"to_unit_id": SCHOOL})
    assert school.ok("GET", "/api/v1/transfers/pending")["items"] == []
    assert school.post(f"/api/v1/transfers/{transfer['id']}/accept").status_code == 404
    give(world, transfer["consent_id"])
    assert [t["id"] for t in school.ok("GET", "/api/v1/transfers/pending")["items"]] == [transfer["id"]]
    assert school.ok("POST", f"/api/v1/transfers/{transfer['id']}/accept")["status"] == "accepted"
    assert school.ok("GET", f"/api/v1/cases/{case_id}")["owner_unit_id"] == SCHOOL
    again = school.post(f"/api/v1/transfers/{transfer['id']}/accept")
    assert again.status_code == 409 and again.json()["title"]

    roles = school.ok("GET", "/api/v1/coordinator-roles")["items"]
    assert [r["role"] for r in roles] == ["stafettholder", "ip_koordinator", "barnekoordinator"]
    early = school.put(
        f"/api/v1/cases/{case_id}/plan/coordinator", {"person_id": world.teacher, "role": "ip_koordinator"}
    )
    assert early.status_code == 409 and "nivå 3" in early.json()["detail"]
    wrong_role = school.put(
        f"/api/v1/cases/{case_id}/plan/coordinator", {"person_id": world.teacher, "role": "sjef"}
    )
    assert wrong_role.status_code == 400
    assert school.get(f"/api/v1/cases/{case_id}/plan").status_code == 404

    school.ok("POST", f"/api/v1/cases/{case_id}/close", {"reason": "resolved"})
    assert school.ok("GET", f"/api/v1/cases/{case_id}/archive") == {"status": "no_archive", "receipt": None}
