"""Errors as RFC 9457 problem details, pagination limits, the audit purpose, and the OpenAPI document."""

from __future__ import annotations

from core.storage.models import AuditHeadRow
from tests.api_support import Api
from tests.conftest import MUNICIPALITY, PPT, World

PROBLEM = "application/problem+json"


def test_not_logged_in_unknown_route_and_wrong_method_are_problems(api: Api) -> None:
    nobody = api.as_(None)
    response = nobody.get("/api/v1/cases")
    assert response.status_code == 401 and response.headers["content-type"] == PROBLEM
    assert response.json()["code"] == "not_authenticated" and response.json()["title"] == "Ikke innlogget"

    missing = nobody.get("/api/v1/finnes-ikke")
    assert missing.status_code == 404 and missing.headers["content-type"] == PROBLEM

    wrong = nobody.request("PATCH", "/health")
    assert wrong.status_code == 405 and wrong.headers["content-type"] == PROBLEM
    assert (
        "GET" in wrong.headers["allow"]
        and wrong.json()["detail"] == "Metoden PATCH er ikke tillatt for /health."
    )

    assert nobody.get("/health").json() == {"status": "ok"}  # operator endpoints need no login
    assert nobody.get("/ready").json()["status"] == "ready"


def test_invalid_body_names_each_field(api: Api, world: World) -> None:
    response = api.as_(world.teacher).post("/api/v1/cases", {"subject_id": "", "unit_id": 7, "ukjent": True})
    assert response.status_code == 400 and response.headers["content-type"] == PROBLEM
    body = response.json()
    assert body["code"] == "invalid_request" and body["invalid-params"]
    assert all(p["name"] and p["reason"] for p in body["invalid-params"])

    broken = api.as_(world.teacher).http.post(
        "/api/v1/cases", content=b"{not json", headers={"X-Test-Person": world.teacher}
    )
    assert broken.status_code == 400 and broken.json()["code"] == "invalid_request"


def test_domain_errors_keep_their_code_and_norwegian_message(api: Api, world: World) -> None:
    teacher = api.as_(world.teacher)
    missing = teacher.get("/api/v1/cases/finnes-ikke")
    assert missing.status_code == 404
    assert missing.json()["code"] == "case_not_found" and missing.json()["detail"] == (
        "Fant ingen sak med id «finnes-ikke»."
    )

    case = world.open_case()
    refused = teacher.post(f"/api/v1/cases/{case.id}/level", {"level": 2})
    assert refused.status_code == 409 and refused.json()["code"] == "rule_refused"
    assert len(refused.json()["refusals"]) >= 1 and all(r["message"] for r in refused.json()["refusals"])

    closed_reason = teacher.post(f"/api/v1/cases/{case.id}/close", {"reason": "tja"})
    assert closed_reason.status_code == 400

    in_future = teacher.post(
        "/api/v1/cases",
        {
            "subject_id": world.child,
            "unit_id": "fjordvik-skole",
            "observation": "x",
            "observed_on": "2999-01-01",
        },
    )
    assert in_future.status_code == 422 and in_future.json()["invalid-params"] == [
        {"name": "observed_on", "reason": "Datoen for observasjonen kan ikke være fram i tid."}
    ]


def test_refusal_is_403_with_the_policy_reason_and_is_audited(api: Api, world: World) -> None:
    case = world.open_case()
    world.join(case.id, PPT, lapsed=True)
    before = api.audit_count(actor_id=world.ppt, outcome="refused")
    response = api.as_(world.ppt).get(f"/api/v1/cases/{case.id}")
    assert response.status_code == 403 and response.json()["code"] == "taushetsplikt"
    assert "samtykke" in response.json()["detail"]
    assert api.audit_count(actor_id=world.ppt, outcome="refused") == before + 1


def test_pagination_limits(api: Api, world: World) -> None:
    teacher = api.as_(world.teacher)
    assert teacher.get("/api/v1/units?limit=201").status_code == 400
    assert teacher.get("/api/v1/units?limit=0").status_code == 400
    assert teacher.get("/api/v1/units?offset=-1").status_code == 400
    page = teacher.ok("GET", "/api/v1/units?limit=200&offset=1000")
    assert page["items"] == [] and page["total"] > 0 and (page["limit"], page["offset"]) == (200, 1000)


def test_purpose_comes_from_the_route_or_the_header(api: Api, world: World) -> None:
    case = world.open_case()
    teacher = api.as_(world.teacher)
    teacher.ok("GET", f"/api/v1/cases/{case.id}")
    assert api.last_audit().purpose == "case.read via API"
    teacher.request(
        "GET",
        f"/api/v1/cases/{case.id}",
        headers={"X-Stafett-Purpose": "Forberedelse til samarbeidsmøte".encode()},  # UTF-8 bytes
    )
    assert api.last_audit().purpose == "Forberedelse til samarbeidsmøte (case.read via API)"
    too_long = teacher.request("GET", f"/api/v1/cases/{case.id}", headers={"X-Stafett-Purpose": "x" * 201})
    assert too_long.status_code == 400


def test_auditor_verifies_the_chain(api: Api, world: World) -> None:
    world.open_case()
    result = api.as_(world.auditor).ok("GET", "/api/v1/audit/verify")
    assert result["intact"] is True and result["faults"] == [] and result["events"] > 0
    assert api.as_(world.teacher).get("/api/v1/audit/verify").status_code == 403


def test_openapi_documents_every_operation_and_its_problems(api: Api) -> None:
    schema = api.as_(None).get("/schema/openapi.json").json()
    assert schema["openapi"].startswith("3.1")
    operations = [
        (path, method, op)
        for path, item in schema["paths"].items()
        if path.startswith("/api/")
        for method, op in item.items()
    ]
    assert len(operations) > 50
    for path, method, op in operations:
        codes = set(op["responses"])
        assert {"400", "401", "403", "404"} <= codes, (method, path, codes)
        assert any(c.startswith("2") for c in codes)
        for code in codes - {"200", "201"}:
            assert PROBLEM in op["responses"][code]["content"], (method, path, code)
        if method in ("post", "put", "delete"):
            assert {"409", "422"} <= codes, (method, path)


def test_a_busy_database_answers_503_try_again_and_writes_nothing(api: Api, world: World) -> None:
    """Someone holds the lock every write needs (the audit chain head) longer than a request waits:
    the request is rolled back whole and answered 503 with Retry-After, not 500."""
    case = world.open_case()
    teacher = api.as_(world.teacher)
    before = len(teacher.ok("GET", f"/api/v1/cases/{case.id}/log?limit=200")["items"])
    with api.platform.database.session() as holder:
        holder.get(AuditHeadRow, MUNICIPALITY, with_for_update=True)  # SQLite: the write lock itself
        answer = teacher.post(
            f"/api/v1/cases/{case.id}/log", json={"text": "Skrevet mens basen var opptatt."}
        )
        holder.rollback()
    assert answer.status_code == 503 and answer.headers["content-type"] == PROBLEM
    assert answer.headers["retry-after"] == "2" and answer.json()["code"] == "busy"
    assert "ingenting ble lagret" in answer.json()["detail"]
    assert len(teacher.ok("GET", f"/api/v1/cases/{case.id}/log?limit=200")["items"]) == before
