"""Plugins as an employee's client sees them through the JSON API: each municipality of a region on one
server sees its own guides, arenas, tools and stafettholder rules; a plugin written with the kit shows
its hooks; every tool form of every shipped config is checked against its schema; reminders are for
BTI coordinators only.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from litestar.testing import TestClient

from configs import CONFIG_DIR
from contracts import (
    ActionGuide,
    GuideLevel,
    GuideStep,
    Level,
    MeetingArena,
    MeetingKind,
    RelayHolderRule,
    ServiceType,
    ToolDefinition,
    hookimpl,
)
from core.app import create_app
from core.config import load_config
from core.platform import Platform
from core.testing import StafettMunicipality
from tests.api_support import Api, Client, header_auth
from tests.conftest import World
from tests.plugin_kit import installed_kit_plugin, write_config

LOG = "/api/v1/cases/{}/log"


@pytest.fixture
def api_over() -> Iterator[Callable[[Platform], Api]]:
    """Factory: one app (one server) over a platform started by the test, with the X-Test-Person login."""
    clients: list[TestClient] = []

    def make(platform: Platform) -> Api:
        client = TestClient(create_app(platform, auth=header_auth()), raise_server_exceptions=False)
        clients.append(client.__enter__())
        return Api(client, platform)

    yield make
    for client in clients:
        client.__exit__(None, None, None)


def items(client: Client, path: str) -> list[dict[str, Any]]:
    return client.ok("GET", path)["items"]


# --- two (three) municipalities of one region on one server ------------------------------------------


class LyngdalLocal:
    """A local plugin only Lyngdal turns on: its own tool, arena, guide for schools and a stricter rule."""

    @hookimpl
    def tools(self, municipality):
        return [
            ToolDefinition(
                id="lyngdal-sjekk",
                title="Lyngdals sjekkliste",
                levels=[Level.CLARIFY],
                form_schema={"type": "object", "properties": {"dato": {"type": "string", "format": "date"}}},
            )
        ]

    @hookimpl
    def meeting_arenas(self, municipality):
        return [
            MeetingArena(
                id="lyngdal-team",
                name="Lyngdals oppvekstteam",
                kind=MeetingKind.DISCUSSION,
                mandate="Drøfte undringer anonymt.",
                levels=[Level.INTERNAL],
                anonymous_allowed=True,
            )
        ]

    @hookimpl
    def action_guides(self, municipality):
        levels = [
            GuideLevel(level=level, title=f"Nivå {int(level)}", steps=[GuideStep(number=1, title="Sjekk")])
            for level in Level
        ]
        return [
            ActionGuide(
                id="lyngdal-skole", title="Lyngdal skole", service_types=[ServiceType.SCHOOL], levels=levels
            )
        ]

    @hookimpl
    def relay_holder_rules(self, municipality):
        return [
            RelayHolderRule(level=Level.INTERNAL, required=True, description="Lyngdal: holder fra nivå 1.")
        ]


def test_each_municipality_of_one_region_on_one_server_sees_only_its_own(stafett_platform, api_over) -> None:
    region = load_config(CONFIG_DIR / "agder.toml")
    lyngdal = next(m for m in region.municipalities if m.id == "4225")
    platform = stafett_platform(
        {"4225": [*lyngdal.plugins, "lyngdal-lokal"]},  # the others exactly as configs/agder.toml says
        config=region,
        extra_plugins={"lyngdal-lokal": LyngdalLocal()},
    )
    api = api_over(platform)
    seen: dict[str, dict[str, set]] = {}
    for mid in ("4204", "4225", "4206"):
        kommune = StafettMunicipality(platform, mid)
        employee = api.as_(kommune.employee(kommune.unit_of("skole")))
        seen[mid] = {
            "guides": {g["id"] for g in items(employee, "/api/v1/guides")},
            "arenas": {a["id"] for a in items(employee, "/api/v1/arenas")},
            "tools": {t["id"] for t in items(employee, "/api/v1/tools")},
            "rules": {
                (r["level"], r["required"], r["description"])
                for r in items(employee, "/api/v1/relay-holder-rules")
            },
        }
        own = kommune.plugins  # what this municipality's enabled plugins supply, and nothing else
        assert seen[mid] == {
            "guides": {g.id for g in own.guides},
            "arenas": set(own.arenas),
            "tools": set(own.tools),
            "rules": {(int(r.level), r.required, r.description) for r in own.relay_holder_rules},
        }
        case = kommune.open_case(kommune.unit_of("skole"), by=employee.person_id)
        guide = employee.ok("GET", f"/api/v1/cases/{case.id}/guide")["guide_id"]
        seen[mid]["case guide"] = {guide}
        other_tool = employee.get("/api/v1/tools/lyngdal-sjekk")
        assert other_tool.status_code == (200 if mid == "4225" else 404), other_tool.text

    kristiansand, lyngdal_seen, farsund = seen["4204"], seen["4225"], seen["4206"]
    assert {"agder-drofting", "agder-overlevering"} <= kristiansand["tools"] & farsund["tools"]
    assert kristiansand["arenas"] == farsund["arenas"] == lyngdal_seen["arenas"] - {"lyngdal-team"}
    assert "farsund" in farsund["guides"] and "farsund" not in kristiansand["guides"] | lyngdal_seen["guides"]
    assert farsund["case guide"] == {"farsund"} and lyngdal_seen["case guide"] == {"lyngdal-skole"}
    assert "lyngdal-sjekk" not in kristiansand["tools"] | farsund["tools"]
    lyngdal_rule = (1, True, "Lyngdal: holder fra nivå 1.")
    assert lyngdal_rule in lyngdal_seen["rules"]
    assert lyngdal_rule not in kristiansand["rules"] | farsund["rules"]
    assert kristiansand["rules"] == farsund["rules"], "agder's rules where agder is on"


def test_relay_holder_rules_list_each_level_once_in_the_most_specific_plugins_words(
    stafett_platform, api_over
) -> None:
    """bti-standard and agder both describe every level, Lyngdal's own plugin level 1 again: an employee
    reads one rule per level, the most specific plugin's, required where any plugin requires a holder."""
    region = load_config(CONFIG_DIR / "agder.toml")
    lyngdal = next(m for m in region.municipalities if m.id == "4225")
    platform = stafett_platform(
        {"4225": [*lyngdal.plugins, "lyngdal-lokal"]},
        config=region,
        extra_plugins={"lyngdal-lokal": LyngdalLocal()},
    )
    api = api_over(platform)
    for mid in ("4204", "4225"):
        kommune = StafettMunicipality(platform, mid)
        rules = items(api.as_(kommune.employee(kommune.unit_of("skole"))), "/api/v1/relay-holder-rules")
        assert [r["level"] for r in rules] == [0, 1, 2, 3], mid
        assert rules[0]["description"].startswith("Nivå 0: ingen stafettholder"), (
            "agder's words, not the baseline's"
        )
        assert [r["required"] for r in rules] == [False, mid == "4225", True, True]
    assert rules[1]["description"] == "Lyngdal: holder fra nivå 1."


# --- a plugin written with `stafett plugins new` -----------------------------------------------------

# What the plugin's author adds to the generated module: a guide for schools built on the skeleton's tool.
GUIDE_HOOK = '''

from contracts import ActionGuide, GuideLevel, GuideStep, ServiceType  # noqa: E402

GUIDE_ID = TOOL_ID.removesuffix("-sjekkliste") + "-skole"


@hookimpl
def action_guides(municipality: Municipality) -> list[ActionGuide]:
    """The school's handlingsveileder: at every level, prepare with the checklist first."""
    step = GuideStep(number=1, title="Forbered drøftingen", tool_ids=[TOOL_ID], responsible="ansatt")
    return [
        ActionGuide(
            id=GUIDE_ID,
            title="Handlingsveileder for skolen",
            service_types=[ServiceType.SCHOOL],
            levels=[GuideLevel(level=level, title=f"Nivå {int(level)}", steps=[step]) for level in Level],
        )
    ]
'''


@pytest.fixture(scope="module")
def kit_plugin_with_guide(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    with installed_kit_plugin(tmp_path_factory.mktemp("kit"), extend=GUIDE_HOOK) as plugin:
        yield plugin


def test_a_plugin_made_with_the_kit_shows_its_hooks_in_the_api(
    kit_plugin_with_guide, stafett_municipality, api_over, tmp_path: Path
) -> None:
    name, _ = kit_plugin_with_guide
    kommune = stafett_municipality(config=write_config(tmp_path, ["bti-standard", name]))
    employee = api_over(kommune.platform).as_(kommune.employee("fjordvik-skole"))
    assert f"{name}-sjekkliste" in {t["id"] for t in items(employee, "/api/v1/tools")}
    tool = employee.ok("GET", f"/api/v1/tools/{name}-sjekkliste")
    assert tool["form_schema"]["required"] == ["dato", "sporsmal"]
    (arena,) = [a for a in items(employee, "/api/v1/arenas") if a["id"] == f"{name}-team"]
    assert arena["anonymous_allowed"] and arena["name"] == "Tverrfaglig team"
    assert {g["id"] for g in items(employee, "/api/v1/guides")} == {"bti-standard", f"{name}-skole"}

    case = kommune.open_case("fjordvik-skole", by=employee.person_id)
    guide = employee.ok("GET", f"/api/v1/cases/{case.id}/guide")
    assert (guide["guide_id"], guide["current_step"]) == (f"{name}-skole", 1), "the last plugin's guide"
    form = {"dato": "2025-03-03", "sporsmal": "Hva gjør vi nå?"}
    refused = employee.post(LOG.format(case.id), {"tool_id": f"{name}-sjekkliste", "form": {"dato": "i går"}})
    assert refused.status_code == 422 and "«Dato» (dato): må være en dato" in refused.json()["detail"]
    employee.ok("POST", LOG.format(case.id), {"tool_id": f"{name}-sjekkliste", "form": form})
    guide = employee.ok("GET", f"/api/v1/cases/{case.id}/guide")
    assert guide["steps"][0]["used_tool_ids"] == [f"{name}-sjekkliste"] and guide["current_step"] is None


# --- every tool form of every shipped config ---------------------------------------------------------


def shipped_municipalities() -> list[tuple[str, str]]:
    """(config file, kommunenummer) for each municipality of the shipped configs, each plugin set once."""
    out: dict[tuple[str, tuple[str, ...]], tuple[str, str]] = {}
    for path in sorted(CONFIG_DIR.glob("*.toml")):
        for m in load_config(path).municipalities:
            out.setdefault((m.id, tuple(m.plugins)), (path.name, m.id))
    return list(out.values())


def filled_in(schema: dict[str, Any]) -> Any:
    """Every field of a form schema filled in the simplest valid way: first choice, a date, a short text."""
    if "const" in schema:
        return schema["const"]
    if "oneOf" in schema:
        return filled_in(schema["oneOf"][0])
    kind = schema.get("type")
    if kind == "object":
        return {name: filled_in(field) for name, field in schema.get("properties", {}).items()}
    if kind == "array":
        return [filled_in(schema["items"])]
    if kind == "boolean":
        return True
    assert kind == "string", f"teach filled_in the schema type {kind!r}"
    return "2025-03-03" if schema.get("format") == "date" else "Fiktiv tekst."


@pytest.mark.parametrize(("config", "municipality_id"), shipped_municipalities())
def test_every_tool_form_is_validated_by_its_schema_through_the_api(
    stafett_municipality, api_over, config: str, municipality_id: str
) -> None:
    kommune = stafett_municipality(config=CONFIG_DIR / config, municipality_id=municipality_id)
    employee = api_over(kommune.platform).as_(kommune.employee(kommune.unit_ids[0]))
    case = kommune.open_case(kommune.unit_ids[0], by=employee.person_id)
    tools = items(employee, "/api/v1/tools?limit=200")
    assert {t["id"] for t in tools} == set(kommune.plugins.tools) and tools

    for tool in tools:
        schema = tool["form_schema"]
        field = schema["required"][0]
        wrong = filled_in(schema) | {field: {"feil": 1}, "hemmelig": "x"}
        refused = employee.post(LOG.format(case.id), {"tool_id": tool["id"], "form": wrong})
        assert refused.status_code == 422, (tool["id"], refused.text)
        assert refused.headers["content-type"].startswith("application/problem+json")
        problem = refused.json()
        assert f"«{schema['properties'][field]['title']}» ({field})" in problem["detail"], problem
        assert "ukjent felt «hemmelig»" in problem["detail"], problem
        assert problem["invalid-params"][0]["name"] == "form"
    assert [e["kind"] for e in items(employee, LOG.format(case.id))] == ["concern"], "nothing written"

    for tool in tools:
        form = filled_in(tool["form_schema"])
        created = employee.post(LOG.format(case.id), {"tool_id": tool["id"], "form": form})
        assert created.status_code == 201, (tool["id"], created.text)
        assert created.json()["data"] == {"tool_id": tool["id"], "form": form}
    logged = [e["data"]["tool_id"] for e in items(employee, LOG.format(case.id) + "?limit=200")[1:]]
    assert sorted(logged) == sorted(t["id"] for t in tools)


# --- reminders -------------------------------------------------------------------------------------


def test_reminders_are_for_the_coordinator_paginated_and_a_refusal_is_audited(api: Api, world: World) -> None:
    measures = []
    for _ in range(3):
        case = world.open_case(world.add_child(dt.date(2016, 5, 17)))
        world.level_1(case.id)
        measures.append(world.measure(case.id, "Fast voksen i friminuttet", "Barnet leker med andre.").id)
    coordinator, teacher = api.as_(world.coordinator), api.as_(world.teacher)
    assert coordinator.ok("GET", "/api/v1/reminders")["total"] == 0
    world.clock.advance(days=20)

    due = coordinator.ok("GET", "/api/v1/reminders")
    assert due["total"] == 3 and sorted(r["measure_id"] for r in due["items"]) == sorted(measures)
    for reminder in due["items"]:
        assert (reminder["kind"], reminder["days_overdue"], reminder["responsible_id"]) == (
            "evaluation_overdue",
            6,
            world.teacher,
        )
        assert reminder["message"] == "Tiltaket skulle vært evaluert 17.03.2025 (6 dager siden)."
    first, rest = (coordinator.ok("GET", f"/api/v1/reminders?limit=2&offset={o}") for o in (0, 2))
    assert (first["total"], len(first["items"]), len(rest["items"])) == (3, 2, 1)
    assert first["items"] + rest["items"] == due["items"]
    assert coordinator.get("/api/v1/reminders?limit=0").status_code == 400

    before = api.audit_count(actor_id=world.teacher, action="reminders.read", outcome="refused")
    refused = teacher.get("/api/v1/reminders")
    assert refused.status_code == 403, refused.text
    assert refused.headers["content-type"].startswith("application/problem+json")
    assert "Tiltaket" not in refused.text
    assert api.audit_count(actor_id=world.teacher, action="reminders.read", outcome="refused") == before + 1
    assert api.audit_count(actor_id=world.coordinator, action="reminders.read", outcome="allowed") == 4
