"""Plugins as API clients see them: each municipality its own set, a new plugin's hooks, every form."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from litestar.testing import TestClient

from configs import CONFIG_DIR
from core.app import create_app
from core.auth import issue_token
from core.platform import Platform
from core.testing import StafettMunicipality
from tests.test_plugins_forms import MUNICIPALITIES, VALID
from tests.test_plugins_kit import kit_plugin, write_config  # noqa: F401 - the fixture is used below

BASE = "http://testserver.local"


class Api:
    """One app over a platform; requests carry a real local-realm token for the person named."""

    def __init__(self, platform: Platform, client: TestClient) -> None:
        self.platform, self.client = platform, client

    def headers(self, person_id: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {issue_token(self.platform, person_id, public_url=BASE)}"}

    def items(self, person_id: str, path: str) -> list[dict]:
        response = self.client.get(path, headers=self.headers(person_id))
        assert response.status_code == 200, response.text
        return response.json()["items"]

    def post(self, person_id: str, path: str, body: dict):
        return self.client.post(path, json=body, headers=self.headers(person_id))


@pytest.fixture
def api_for() -> Iterator:
    clients: list[TestClient] = []

    def make(platform: Platform) -> Api:
        client = TestClient(create_app(platform, public_url=BASE), base_url=BASE)
        clients.append(client.__enter__())
        return Api(platform, client)

    yield make
    for client in clients:
        client.__exit__(None, None, None)


def test_each_municipality_of_one_region_on_one_server_sees_only_its_own(stafett_platform, api_for) -> None:
    platform = stafett_platform(
        {
            "4204": ["bti-standard"],
            "4225": ["bti-standard", "agder"],
            "4206": ["bti-standard", "agder", "farsund"],
        },
        config=CONFIG_DIR / "agder.toml",
    )
    kommuner = {m: StafettMunicipality(platform, m) for m in ("4204", "4225", "4206")}
    api = api_for(platform)
    seen = {}
    for mid, kommune in kommuner.items():
        person = kommune.employee(kommune.unit_ids[0])
        seen[mid] = {
            "guides": {g["id"] for g in api.items(person, "/api/v1/guides")},
            "arenas": {a["id"] for a in api.items(person, "/api/v1/arenas")},
            "tools": {t["id"] for t in api.items(person, "/api/v1/tools")},
            "rules": {r["description"] for r in api.items(person, "/api/v1/relay-holder-rules")},
        }
        plugins = kommune.plugins
        assert seen[mid]["guides"] == {g.id for g in plugins.guides}
        assert seen[mid]["arenas"] == set(plugins.arenas) and seen[mid]["tools"] == set(plugins.tools)
    assert not seen["4204"]["arenas"] and seen["4225"]["arenas"], "agder's arenas only where agder is on"
    assert seen["4225"]["tools"] < seen["4206"]["tools"] or seen["4225"]["guides"] < seen["4206"]["guides"]
    assert seen["4206"]["guides"] - seen["4225"]["guides"], "farsund's guide only in Farsund"
    assert seen["4204"]["rules"] != seen["4225"]["rules"], "agder refines the stafettholder rules"


@pytest.mark.parametrize(("config", "municipality_id"), MUNICIPALITIES)
def test_every_tool_form_is_validated_by_its_schema_through_the_api(
    stafett_municipality, api_for, config, municipality_id
) -> None:
    kommune: StafettMunicipality = stafett_municipality(
        config=CONFIG_DIR / config, municipality_id=municipality_id
    )
    api = api_for(kommune.platform)
    employee = kommune.employee(kommune.unit_ids[0])
    case = kommune.open_case(kommune.unit_ids[0], by=employee)
    log = f"/api/v1/cases/{case.id}/log"
    for tool_id in kommune.plugins.tools:
        refused = api.post(employee, log, {"tool_id": tool_id, "form": {"hemmelig": "x"}})
        assert refused.status_code == 422, (tool_id, refused.text)
        problem = refused.json()
        assert refused.headers["content-type"].startswith("application/problem+json")
        assert "hemmelig" in problem["detail"], problem
    assert [e["kind"] for e in api.items(employee, log)] == ["concern"], "nothing half-written"
    for tool_id, form in VALID.items():
        if tool_id in kommune.plugins.tools:
            created = api.post(employee, log, {"tool_id": tool_id, "form": form})
            assert created.status_code == 201, created.text
            assert created.json()["data"] == {"tool_id": tool_id, "form": form}


def test_a_plugin_made_with_the_kit_shows_its_hooks_in_the_api(
    kit_plugin,  # noqa: F811 - the fixture imported above
    stafett_municipality,
    api_for,
    tmp_path: Path,
) -> None:
    name, _ = kit_plugin
    kommune = stafett_municipality(config=write_config(tmp_path, ["bti-standard", name]))
    api = api_for(kommune.platform)
    employee = kommune.employee(kommune.unit_ids[0])
    assert f"{name}-sjekkliste" in {t["id"] for t in api.items(employee, "/api/v1/tools")}
    assert f"{name}-team" in {a["id"] for a in api.items(employee, "/api/v1/arenas")}
    case = kommune.open_case(kommune.unit_ids[0], by=employee)
    form = {"dato": "2025-03-03", "sporsmal": "Hva gjør vi nå?"}
    created = api.post(
        employee, f"/api/v1/cases/{case.id}/log", {"tool_id": f"{name}-sjekkliste", "form": form}
    )
    assert created.status_code == 201, created.text


def test_reminders_are_for_the_coordinator_and_a_refusal_is_audited(stafett_municipality, api_for) -> None:
    kommune = stafett_municipality()
    api = api_for(kommune.platform)
    coordinator, teacher = kommune.employee(coordinator=True), kommune.employee(kommune.unit_ids[0])
    assert api.items(coordinator, "/api/v1/reminders") == []
    refused = api.client.get("/api/v1/reminders", headers=api.headers(teacher))
    assert refused.status_code == 403 and refused.json()["code"] == "no_rule"
