"""The individuell plan as each municipality's plugins set it up (hook ``plan_templates``): the national
sections, a region's kriseplan added after them, the consent's text and length, the default revision
date, and the coordinator roles the municipality uses."""

from __future__ import annotations

import datetime as dt

import msgspec
import pytest

from configs import CONFIG_DIR
from contracts import CoordinatorRole, PlanSection, PlanTemplate, provides
from core.config import DeploymentConfig, default_config
from core.errors import InvalidInput
from core.pluginhost import PluginError
from core.services.plans import suggested_revision
from tests.conftest import World

KRISTIANSAND, LYNGDAL = "4204", "4225"
FJORDVIK_PLAN = PlanTemplate(
    id="fjordvik-plan",
    title="Fjordviks individuelle plan",
    coordinator_roles=[CoordinatorRole.IP_COORDINATOR, CoordinatorRole.CHILD_COORDINATOR],
    consent_purpose="Fjordvik: tjenestene lager en plan sammen med familien.",
    consent_days=180,
    revision_months=3,
    sections=[PlanSection(id="kriseplan", title="Kriseplan", help="Hva gjør vi hvis det blir vanskelig?")],
)


class FjordvikPlan:
    provide_plan_templates = provides("plan_templates", [FJORDVIK_PLAN])


@pytest.fixture
def config() -> DeploymentConfig:
    base = default_config()
    municipality = msgspec.structs.replace(
        base.municipalities[0], plugins=["bti-standard", "fhir", "fjordvik"]
    )
    return msgspec.structs.replace(base, municipalities=[municipality])


@pytest.fixture
def extra_plugins() -> dict[str, object]:
    return {"fjordvik": FjordvikPlan()}


def test_the_plan_follows_the_municipalitys_template(world: World) -> None:
    case_id = world.open_case().id
    world.level_3(case_id)
    with (
        world.as_(world.teacher) as w,
        pytest.raises(InvalidInput, match="bruker ikke denne koordinatorrollen"),
    ):
        w.plans.assign_coordinator(case_id, world.teacher, "stafettholder")  # Fjordvik does not use it
    with world.as_(world.teacher) as w:
        w.plans.assign_coordinator(case_id, world.nurse, "barnekoordinator")
    with world.as_(world.nurse) as w, pytest.raises(InvalidInput, match="ingen del som heter «hobby»"):
        w.plans.make_plan(case_id, goals="", sections={"hobby": "Fotball"})
    with world.as_(world.nurse) as w:
        plan = w.plans.make_plan(
            case_id, goals="Ola vil ha en venn.", sections={"ressurser": "Ola er god til å tegne."}
        )
        [consent] = [c for c in w.consents.list(case_id) if c.id == plan.consent_id]
    today = world.clock.today()
    assert plan.title == "Fjordviks individuelle plan"
    assert plan.revision_date == dt.date(
        today.year + (today.month + 2) // 12, (today.month + 2) % 12 + 1, today.day
    )
    assert consent.purpose == FJORDVIK_PLAN.consent_purpose and consent.valid_to == today + dt.timedelta(
        days=180
    )
    assert [(s.id, s.title, s.text) for s in plan.sections] == [
        ("ressurser", "Ressurser", "Ola er god til å tegne."),  # the national sections first
        ("behov", "Behov for tjenester", ""),
        ("kriseplan", "Kriseplan", ""),  # then the municipality's own
    ]
    with world.as_(world.nurse) as w:
        plan = w.plans.set_section(case_id, "kriseplan", "Ring mor først.")
        entries = w.log.entries(case_id)
    assert plan.sections[2].text == "Ring mor først." and entries[-1].text == "Kriseplan: Ring mor først."
    for giver in (world.mother, world.father):
        with world.as_(giver) as w:
            w.consents.give(plan.consent_id or "")
    with world.as_(world.mother) as w:  # the family reads the same plan
        assert [s.text for s in w.plans.plan(case_id).sections][2] == "Ring mor først."


def test_the_region_adds_a_kriseplan_to_the_national_plan(stafett_platform) -> None:
    region = stafett_platform({LYNGDAL: ["bti-standard"]}, config=CONFIG_DIR / "agder.toml")
    agder = region.plugins.for_municipality(KRISTIANSAND).plan_template
    national = region.plugins.for_municipality(LYNGDAL).plan_template
    assert [s.id for s in national.sections] == ["ressurser", "behov"] and national.revision_months == 6
    assert [s.id for s in agder.sections] == ["ressurser", "behov", "kriseplan"]
    assert (agder.title, agder.revision_months) == ("Individuell plan (BTI Agder)", 4)


def test_a_broken_template_stops_the_start(stafett_platform) -> None:
    class NoRoles:
        provide_plan_templates = provides("plan_templates", [PlanTemplate(id="tom", coordinator_roles=[])])

    class SameSection:
        provide_plan_templates = provides(
            "plan_templates", [PlanTemplate(sections=[PlanSection(id="behov", title="Behov")])]
        )

    with pytest.raises(PluginError, match="har ingen koordinatorrolle"):
        stafett_platform(["bti-standard", "tom"], extra_plugins={"tom": NoRoles()})
    with pytest.raises(PluginError, match="«behov» finnes allerede"):
        stafett_platform(["bti-standard", "dobbel"], extra_plugins={"dobbel": SameSection()})


def test_the_suggested_revision_is_months_ahead_on_the_same_day_or_the_months_last() -> None:
    assert suggested_revision(dt.date(2025, 3, 4), 6) == dt.date(2025, 9, 4)
    assert suggested_revision(dt.date(2025, 8, 31), 6) == dt.date(2026, 2, 28)
    assert suggested_revision(dt.date(2025, 11, 30), 3) == dt.date(2026, 2, 28)
