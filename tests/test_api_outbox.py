"""The outbox through the API: administrators see deliveries (filtered, paginated) and retry dead ones.

The health station's journal is configured at a loopback port nobody listens on, so the worker's
deliveries really fail (connection refused) and die after the one try the test's retry policy allows.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from adapters.fhir.delivery import FhirSender
from core import outbox_worker as outbox
from core.config import DeploymentConfig, default_config
from core.outbox import RetryPolicy
from core.platform import Platform
from tests.api_support import Api
from tests.conftest import HEALTH, World
from tests.processes import free_port
from tests.test_fhir_outbox import with_journal

PROBLEM = "application/problem+json"
OUTBOX = "/api/v1/outbox"


@pytest.fixture
def closed_port() -> int:
    return free_port()


@pytest.fixture
def config(closed_port: int) -> DeploymentConfig:
    return with_journal(default_config(), f"http://127.0.0.1:{closed_port}/fhir/R4")


@pytest.fixture
def sender(platform: Platform) -> Iterator[FhirSender]:
    s = FhirSender(platform, timeout=2)
    yield s
    s.close()


def share(world: World, child: str | None = None) -> str:
    """A case the health station takes part in; the guardians consent to sharing with it."""
    case = world.open_case(child)
    world.level_1(case.id)
    world.join(case.id, HEALTH, area="health")
    return case.id


def test_the_administrator_lists_deliveries_by_status_page_by_page(api: Api, world: World) -> None:
    sister = world.add_child(world.aged(9), guardians=(world.mother,))
    cases = {share(world), share(world, sister)}
    admin = api.as_(world.admin)
    everything = admin.ok("GET", OUTBOX)
    assert everything["total"] >= 2 and {m["case_id"] for m in everything["items"]} == cases
    assert all(m["unit_id"] == HEALTH and m["status"] == "pending" for m in everything["items"])
    assert admin.ok("GET", f"{OUTBOX}?status=pending")["total"] == everything["total"]
    assert admin.ok("GET", f"{OUTBOX}?status=delivered") == {
        "items": [],
        "total": 0,
        "limit": 50,
        "offset": 0,
    }

    first, second = admin.ok("GET", f"{OUTBOX}?limit=1"), admin.ok("GET", f"{OUTBOX}?limit=1&offset=1")
    assert len(first["items"]) == len(second["items"]) == 1 and first["total"] == everything["total"]
    assert [first["items"][0], second["items"][0]] == everything["items"][:2]  # newest first, stable
    assert api.audit_count(actor_id=world.admin, action="unit.manage", purpose="outbox.list via API") == 5


def test_a_dead_delivery_shows_its_error_and_is_retried_once(
    api: Api, world: World, platform: Platform, sender: FhirSender
) -> None:
    share(world)
    ended = outbox.run(platform, sender, policy=RetryPolicy(max_attempts=1))
    assert ended and all(m.status == "dead" for m in ended)
    admin = api.as_(world.admin)
    dead = admin.ok("GET", f"{OUTBOX}?status=dead")["items"]
    assert len(dead) == len(ended) and all(m["last_error"] and m["attempts"] == 1 for m in dead)

    retried = admin.ok("POST", f"{OUTBOX}/{dead[0]['id']}/retry")
    assert (retried["id"], retried["status"], retried["attempts"]) == (dead[0]["id"], "pending", 0)
    assert admin.ok("GET", f"{OUTBOX}?status=dead")["total"] == len(dead) - 1
    assert api.audit_count(actor_id=world.admin, action="unit.manage", purpose="outbox.retry via API") == 1

    again = admin.post(f"{OUTBOX}/{dead[0]['id']}/retry")  # no longer dead: nothing to retry
    assert again.status_code == 404 and again.headers["content-type"] == PROBLEM
    assert again.json()["code"] == "outbox_not_found" and dead[0]["id"] in again.json()["detail"]
    unknown = admin.post(f"{OUTBOX}/finnes-ikke/retry")
    assert unknown.status_code == 404 and unknown.json()["code"] == "outbox_not_found"


def test_only_administrators_reach_the_outbox_and_bad_filters_are_named(api: Api, world: World) -> None:
    share(world)
    for person in (world.teacher, world.nurse, world.coordinator, world.auditor, world.mother):
        for response in (api.as_(person).get(OUTBOX), api.as_(person).post(f"{OUTBOX}/x/retry")):
            assert response.status_code == 403 and response.headers["content-type"] == PROBLEM, person
    assert api.audit_count(actor_id=world.nurse, action="unit.manage", outcome="refused") == 2

    assert api.as_(None).get(OUTBOX).status_code == 401
    bad = api.as_(world.admin).get(f"{OUTBOX}?status=sendt")
    assert bad.status_code == 400 and bad.headers["content-type"] == PROBLEM
    assert [p["name"] for p in bad.json()["invalid-params"]] == ["status"]
    assert api.as_(world.admin).get(f"{OUTBOX}?limit=0").status_code == 400
