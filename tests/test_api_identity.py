"""The API behind the real identity layer: local-realm bearer tokens decide who may do what."""

from __future__ import annotations

import pytest
from litestar.testing import TestClient

from core.app import create_app
from core.auth import issue_token
from tests.conftest import PPT, World
from tests.test_auth_local import pkce_tokens

BASE = "http://testserver.local"


@pytest.fixture
def client(world: World):
    with TestClient(create_app(world.platform, public_url=BASE), base_url=BASE) as client:
        yield client


def bearer(world: World, person_id: str, **kwargs) -> dict[str, str]:
    return {"Authorization": f"Bearer {issue_token(world.platform, person_id, public_url=BASE, **kwargs)}"}


def test_without_a_token_the_api_answers_401_problem(client: TestClient) -> None:
    response = client.get("/api/v1/cases")
    assert response.status_code == 401
    assert response.headers["content-type"].startswith("application/problem+json")
    assert response.headers["www-authenticate"].startswith("Bearer")


def test_a_token_gives_the_person_their_cases_and_nothing_more(world: World, client: TestClient) -> None:
    case = world.open_case()
    mine = client.get("/api/v1/cases", headers=bearer(world, world.teacher))
    assert mine.status_code == 200
    assert [c["id"] for c in mine.json()["items"]] == [case.id]
    log = client.get(f"/api/v1/cases/{case.id}/log", headers=bearer(world, world.teacher))
    assert log.status_code == 200 and log.json()["items"][0]["kind"] == "concern"
    refused = client.get(f"/api/v1/cases/{case.id}/log", headers=bearer(world, world.ppt))  # not in the case
    assert refused.status_code == 404 and refused.json()["code"] == "case_not_found"


def test_consent_decides_the_other_service_access_through_tokens(world: World, client: TestClient) -> None:
    case = world.open_case()
    world.level_2(case.id, PPT)
    assert client.get(f"/api/v1/cases/{case.id}/log", headers=bearer(world, world.ppt)).status_code == 200
    consent = client.get(f"/api/v1/family/cases/{case.id}/consents", headers=bearer(world, world.mother))
    assert consent.status_code == 200
    consent_id = consent.json()["items"][0]["id"]
    withdrawn = client.post(
        f"/api/v1/consents/{consent_id}/withdraw", json={}, headers=bearer(world, world.mother)
    )
    assert withdrawn.status_code in (200, 201), withdrawn.text
    assert client.get(f"/api/v1/cases/{case.id}/log", headers=bearer(world, world.ppt)).status_code == 403


def test_expired_and_foreign_audience_tokens_are_refused(world: World, client: TestClient) -> None:
    expired = client.get("/api/v1/cases", headers=bearer(world, world.teacher, lifetime=-3600))
    assert expired.status_code == 401
    foreign = client.get("/api/v1/cases", headers=bearer(world, world.teacher, audience="annen-tjeneste"))
    assert foreign.status_code == 401


def test_the_login_id_token_does_not_open_a_case(world: World, client: TestClient) -> None:
    """Issue 13: the ID token from the login used as ``Authorization: Bearer`` on GET /cases/{id}."""
    case = world.open_case()
    client.follow_redirects = False
    answer, _ = pkce_tokens(client, BASE, world.teacher)
    tokens = answer.json()
    ok = client.get(f"/api/v1/cases/{case.id}", headers={"Authorization": f"Bearer {tokens['access_token']}"})
    assert ok.status_code == 200
    refused = client.get(
        f"/api/v1/cases/{case.id}", headers={"Authorization": f"Bearer {tokens['id_token']}"}
    )
    assert refused.status_code == 401 and "ID-token" in refused.json()["detail"]
    assert "subject_id" not in refused.text
