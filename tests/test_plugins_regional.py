"""The regional and municipal plugins (agder, rakkestad, farsund) as a municipality's employees meet them.

Every platform here is started by the plugin-author fixtures of core.testing, on this run's backend.
"""

from __future__ import annotations

import datetime as dt

import pytest

from configs import CONFIG_DIR
from contracts import ConcernKind, Level, MeetingKind, ServiceType, hookimpl
from core.errors import InvalidInput, RuleRefused
from core.pluginhost import PluginError
from core.testing import StafettMunicipality
from plugins.agder import tools as agder_tools

AGDER = CONFIG_DIR / "agder.toml"
RAKKESTAD = CONFIG_DIR / "rakkestad.toml"
KRISTIANSAND, LYNGDAL, FARSUND = "4204", "4225", "4206"


@pytest.fixture
def region(stafett_platform):
    """BTI Agder on one server: the shipped config, except that Lyngdal has not turned on «agder»."""
    return stafett_platform({LYNGDAL: ["bti-standard"]}, config=AGDER)


def test_shipped_configs_enable_different_plugins() -> None:
    from core.config import default_config, load_config

    plugins = {m.id: m.plugins for m in load_config(AGDER).municipalities}
    assert plugins == {
        KRISTIANSAND: ["bti-standard", "agder", "fhir"],
        LYNGDAL: ["bti-standard", "agder"],
        FARSUND: ["bti-standard", "agder", "farsund"],
    }
    assert load_config(RAKKESTAD).municipalities[0].plugins == ["bti-standard", "rakkestad"]
    assert default_config().municipalities[0].plugins == ["bti-standard", "agder", "fhir"]


def test_each_municipality_of_a_region_sees_only_its_own_guides_arenas_and_rules(region) -> None:
    kristiansand, lyngdal, farsund = (
        region.plugins.for_municipality(m) for m in (KRISTIANSAND, LYNGDAL, FARSUND)
    )

    assert kristiansand.guide_for(ServiceType.SCHOOL).id == "agder"
    assert farsund.guide_for(ServiceType.SCHOOL).id == "farsund"  # enabled last: the most specific wins
    assert lyngdal.guide_for(ServiceType.SCHOOL).id == "bti-standard"
    assert {g.id for g in lyngdal.guides} == {"bti-standard"}

    agder_arenas = {"agder-tverrfaglig-drofting", "agder-koordinering"}
    assert set(kristiansand.arenas) == set(farsund.arenas) == agder_arenas
    assert lyngdal.arenas == {}

    assert "agder-drofting" in kristiansand.tools and "agder-drofting" not in lyngdal.tools
    role = "Stafettholder er ikke det samme som koordinator"
    assert any(role in r.description for r in kristiansand.relay_holder_rules)
    assert not any(role in r.description for r in lyngdal.relay_holder_rules)


def test_agder_discussion_arena_takes_anonymous_cases_only_where_enabled(region) -> None:
    starts = dt.datetime(2025, 3, 4, 12, 0, tzinfo=dt.UTC)
    kristiansand = StafettMunicipality(region, KRISTIANSAND)
    teacher = kristiansand.employee("kristiansand-skole")
    with kristiansand.as_(teacher, "drøfting") as w:
        meeting = w.meetings.schedule(
            None, kind=MeetingKind.DISCUSSION, starts_at=starts, arena_id="agder-tverrfaglig-drofting"
        )
    assert meeting.case_id is None and meeting.arena_id == "agder-tverrfaglig-drofting"

    lyngdal = StafettMunicipality(region, LYNGDAL)
    teacher = lyngdal.employee("lyngdal-skole")
    with pytest.raises(InvalidInput, match="Ukjent møtearena"), lyngdal.as_(teacher, "drøfting") as w:
        w.meetings.schedule(
            None, kind=MeetingKind.DISCUSSION, starts_at=starts, arena_id="agder-tverrfaglig-drofting"
        )


def _level_2_with_coordination_meeting(kommune: StafettMunicipality, prefix: str):
    """A school case at level 2 with PPT and child welfare under consent, and a coordination
    meeting to which child welfare is not invited."""
    school, ppt, child_welfare = f"{prefix}-skole", f"{prefix}-ppt", f"{prefix}-barnevern"
    teacher = kommune.employee(school)
    case = kommune.open_case(school, by=teacher)
    with kommune.system() as w:
        guardian = w.people.register_guardian(
            given_name="Test", family_name="Forelder", child_id=case.subject_id
        )
    today = kommune.platform.clock().date()
    with kommune.as_(teacher) as w:
        w.cases.change_level(case.id, 1, unit_leader_informed=True, guardians_informed=True)
        consent = w.consents.request(
            case.id,
            unit_ids=[ppt, child_welfare],
            categories=["observasjoner"],
            purpose="Samarbeid om barnet",
            area="general",
            valid_from=today,
            valid_to=today + dt.timedelta(days=365),
        )
    with kommune.as_(guardian.id) as w:
        w.consents.give(consent.id)
    with kommune.as_(teacher) as w:
        w.cases.add_participant(case.id, ppt)
        w.cases.add_participant(case.id, child_welfare)
        w.relay_holder.assign(case.id, teacher)
        w.cases.change_level(case.id, 2)
        w.meetings.schedule(
            case.id,
            kind=MeetingKind.COORDINATION,
            starts_at=kommune.platform.clock() + dt.timedelta(days=2),
            unit_ids=[school, ppt],
        )
    return case, teacher, child_welfare


def test_agder_asks_for_every_service_in_the_coordination_meeting_only_where_enabled(region) -> None:
    kristiansand = StafettMunicipality(region, KRISTIANSAND)
    case, teacher, child_welfare = _level_2_with_coordination_meeting(kristiansand, "kristiansand")
    with pytest.raises(RuleRefused) as refused, kristiansand.as_(teacher) as w:
        w.cases.change_level(case.id, 3)
    assert [r.code for r in refused.value.refusals] == ["agder.coordination_all_services"]
    assert child_welfare in refused.value.message and "BTI Agder" in refused.value.message

    lyngdal = StafettMunicipality(region, LYNGDAL)
    case, teacher, _ = _level_2_with_coordination_meeting(lyngdal, "lyngdal")
    with lyngdal.as_(teacher) as w:
        assert w.cases.change_level(case.id, 3).level == Level.COLLABORATE_MANY


def test_agder_stafettholder_role_is_described_for_every_level(region) -> None:
    rules = region.plugins.for_municipality(KRISTIANSAND).relay_holder_rules
    agder = [r for r in rules if "BTI-rollen" in r.description or "Nivå 0: ingen" in r.description]
    assert sorted(int(r.level) for r in agder) == [0, 1, 2, 3]
    assert {int(r.level) for r in agder if r.required} == {2, 3}
    assert all("koordinator" in r.description for r in agder if r.level >= Level.INTERNAL)


def test_rakkestad_has_a_guide_for_each_of_its_four_services(stafett_municipality) -> None:
    rakkestad = stafett_municipality(config=RAKKESTAD)
    for service, word in [
        (ServiceType.HEALTH_STATION, "helsestasjonen"),
        (ServiceType.KINDERGARTEN, "barnehagen"),
        (ServiceType.SCHOOL, "skolen"),
        (ServiceType.FAMILY_SERVICE, "familiehjelpen"),
    ]:
        guide = rakkestad.plugins.guide_for(service)
        assert guide.id == f"rakkestad-{service.value}" and word in guide.title
        assert "ikke kjent" in guide.source  # says what of Rakkestad's own text is unknown
        first = guide.levels[0].steps[0]
        assert first.tool_ids[0] == "rakkestad-begreper"
        assert all(w in first.description for w in ("Undring:", "Bekymring:", "BEKYMRING:"))
    assert rakkestad.plugins.guide_for(ServiceType.PPT).id == "bti-standard"  # no Rakkestad guide for PPT
    assert rakkestad.plugins.arenas.keys() == {"rakkestad-styringsgruppe", "rakkestad-prosessgruppe"}
    assert "Drøfter ikke enkeltsaker" in rakkestad.plugins.arenas["rakkestad-styringsgruppe"].mandate


def test_rakkestad_definitions_tool_tells_the_three_words_apart(stafett_municipality) -> None:
    rakkestad = stafett_municipality(config=RAKKESTAD)
    tool = rakkestad.plugins.tools["rakkestad-begreper"]
    options = tool.form_schema["properties"]["vurdering"]["oneOf"]
    assert [(o["const"], o["title"]) for o in options] == [
        (ConcernKind.WONDERING.value, "undring"),
        (ConcernKind.CONCERN.value, "bekymring"),
        (ConcernKind.REPORT.value, "BEKYMRING"),
    ]
    assert "barneverntjenesten" in options[2]["description"]
    ok = {"dato": "2025-03-03", "vurdering": "bekymringsmelding", "begrunnelse": "Barnet fortalte om vold."}
    assert rakkestad.plugins.validate_form("rakkestad-begreper", ok) == []
    errors = rakkestad.plugins.validate_form("rakkestad-begreper", ok | {"vurdering": "kanskje"})
    assert errors == ["«Hva er det?» (vurdering): har en verdi som ikke er et av valgene"]


def test_farsund_levels_are_its_four_processes_with_who_is_involved(stafett_municipality) -> None:
    farsund = stafett_municipality(config=AGDER, municipality_id=FARSUND)
    guide = farsund.plugins.guide_for(ServiceType.KINDERGARTEN)
    assert [lvl.title for lvl in guide.levels] == [
        "Nivå 0 – Identifisering",
        "Nivå 1 – Lokal innsats",
        "Nivå 2 – Tverretatlig samarbeid",
        "Nivå 3 – Komplekst samordning/barneverntjeneste",
    ]
    purposes = [lvl.purpose for lvl in guide.levels]
    assert "barnehage, helsestasjon og skole, og foreldrene" in purposes[0]
    assert "Ledelsen er informert" in purposes[1]
    assert "PPT" in purposes[2] and "samtykke" in purposes[2]
    assert "barneverntjenesten" in purposes[3]
    assert "Stafetts tolkning" in guide.source


class AgderAgain:
    """A copy of agder's tools under another name, as if a region had forked it: the ids collide."""

    @hookimpl
    def tools(self, municipality):
        return list(agder_tools.TOOLS)


@pytest.mark.parametrize(
    ("plugins", "culprit", "fault"),
    [
        (["farsund"], "farsund", "verktøyet «undringsnotat» finnes ikke"),
        (["agder"], "agder", "verktøyet «undringsnotat» finnes ikke"),
        (
            ["bti-standard", "agder", "agder-igjen"],
            "agder-igjen",
            "finnes allerede i programtillegget «agder»",
        ),
    ],
)
def test_a_plugin_enabled_without_what_it_builds_on_stops_start_up(
    stafett_platform, plugins, culprit, fault
) -> None:
    with pytest.raises(PluginError) as error:
        stafett_platform(plugins, extra_plugins={"agder-igjen": AgderAgain()})
    assert error.value.plugin == culprit and fault in str(error.value)
