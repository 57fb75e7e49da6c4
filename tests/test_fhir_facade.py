"""``/fhir/R4/`` read and search behind real tokens: the same policy and audit as the API."""

from __future__ import annotations

import pytest
from litestar.testing import TestClient
from sqlalchemy import func, select

from adapters.fhir import mapping
from core.app import create_app
from core.auth import issue_token
from core.storage import models as m
from tests.conftest import PPT, World

BASE = "http://testserver.local"
FNR = "urn:oid:2.16.578.1.12.4.1.4.1"


@pytest.fixture
def client(world: World):
    with TestClient(create_app(world.platform, public_url=BASE), base_url=BASE) as client:
        yield client


def get(world: World, client: TestClient, person: str | None, path: str, **kwargs):
    if person is None:
        return client.get(f"/fhir/R4/{path}")
    token = issue_token(world.platform, person, public_url=BASE, **kwargs)
    return client.get(f"/fhir/R4/{path}", headers={"Authorization": f"Bearer {token}"})


def audited_reads(world: World, person: str) -> int:
    with world.platform.database.session() as session:
        return session.scalar(
            select(func.count()).where(
                m.AuditEventRow.actor_id == person, m.AuditEventRow.action == "case.read"
            )
        )


def test_capability_statement_lists_the_types(world: World, client: TestClient) -> None:
    response = client.get("/fhir/R4/metadata")
    assert response.status_code == 200 and response.headers["content-type"].startswith(
        "application/fhir+json"
    )
    body = mapping.validate(response.json())
    assert {"Patient", "EpisodeOfCare", "Consent"} <= {r["type"] for r in body["rest"][0]["resource"]}


def test_read_and_search_a_case_as_the_employee_who_may_see_it(world: World, client: TestClient) -> None:
    case = world.open_case()
    episode = get(world, client, world.teacher, f"EpisodeOfCare/{case.id}")
    assert episode.status_code == 200, episode.text
    assert mapping.validate(episode.json())["id"] == case.id
    with world.platform.database.session() as session:
        national_id = session.get(m.PersonRow, world.child).national_id
    found = get(world, client, world.teacher, f"Patient?identifier={FNR}|{national_id}")
    assert found.status_code == 200, found.text
    bundle = found.json()
    assert bundle["type"] == "searchset" and bundle["total"] == 1
    assert mapping.validate(bundle["entry"][0]["resource"])["id"] == world.child
    by_patient = get(world, client, world.teacher, f"EpisodeOfCare?patient=Patient/{world.child}").json()
    assert [e["resource"]["id"] for e in by_patient["entry"]] == [case.id]
    assert audited_reads(world, world.teacher) >= 3


def test_another_service_sees_nothing_without_consent_and_loses_it_on_withdrawal(
    world: World, client: TestClient
) -> None:
    case = world.open_case()
    assert get(world, client, world.ppt, f"EpisodeOfCare/{case.id}").status_code == 404
    world.level_2(case.id, PPT)
    assert get(world, client, world.ppt, f"EpisodeOfCare/{case.id}").status_code == 200
    with world.as_(world.mother) as w:
        for consent in w.consents.list(case.id):
            w.consents.withdraw(consent.id)
    gone = get(world, client, world.ppt, f"EpisodeOfCare/{case.id}")
    assert gone.status_code == 404 and gone.json()["resourceType"] == "OperationOutcome"


def test_errors_are_operation_outcomes(world: World, client: TestClient) -> None:
    case = world.open_case()
    assert get(world, client, None, f"EpisodeOfCare/{case.id}").status_code == 401
    expired = get(world, client, world.teacher, f"EpisodeOfCare/{case.id}", lifetime=-3600)
    assert expired.status_code == 401
    unknown = get(world, client, world.teacher, "Observation/x")
    assert unknown.status_code == 400 and unknown.json()["issue"][0]["code"] == "not-supported"
    bad = get(world, client, world.teacher, "Patient?color=blue")
    assert bad.status_code == 400 and "color" in bad.json()["issue"][0]["diagnostics"]
