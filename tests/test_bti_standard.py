"""The national baseline plugin: it validates, its forms check real input, its rules follow the model."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from contracts import CaseStatistics, Level, RelayHolderContext, ServiceType
from core.pluginhost import MunicipalityPlugins, PluginHost
from core.pluginhost.probe import snapshot
from plugins.bti_standard import guide, rules, tools

PLUGIN_DIR = Path(guide.__file__).parent


@pytest.fixture(scope="module")
def baseline() -> MunicipalityPlugins:
    from types import SimpleNamespace

    config = SimpleNamespace(
        municipalities=[
            SimpleNamespace(id="9901", name="Prøvekommune", region=None, plugins=["bti-standard"])
        ]
    )
    return PluginHost.load(config).for_municipality("9901")


def test_guide_covers_every_service_type_and_level(baseline: MunicipalityPlugins) -> None:
    for service_type in ServiceType:
        found = baseline.guide_for(service_type)
        assert found is not None and found.title == "Nasjonal grunnmodell"
    assert [lvl.level for lvl in guide.GUIDE.levels] == list(Level)
    assert all(lvl.purpose and lvl.target_group and lvl.goal and lvl.steps for lvl in guide.GUIDE.levels)
    used = {t for lvl in guide.GUIDE.levels for s in lvl.steps for t in s.tool_ids}
    assert used == set(baseline.tools), "every standard tool belongs to some step"


def test_the_model_requires_a_holder_from_level_two(baseline: MunicipalityPlugins) -> None:
    assert baseline.required_holder_levels() == {Level.COLLABORATE_TWO, Level.COLLABORATE_MANY}


VALID: dict[str, dict[str, Any]] = {
    "undringsnotat": {
        "dato": "2024-09-02",
        "observasjon": "Sitter alene i friminuttene den siste måneden.",
        "drofting": ["kollega"],
    },
    "samtale-barn": {
        "dato": "2024-09-05",
        "barnets_fortelling": "Sier at ingen vil leke.",
        "foreldre_informert": True,
    },
    "samtale-foreldre": {
        "dato": "2024-09-06",
        "uro_delt": "At hun ofte er alene.",
        "foreldrenes_syn": "De har sett det samme hjemme.",
        "neste_samtale": "2024-10-01",
    },
    "samtykke": {
        "samtykkegivere": [{"navn": "Kari Nordmann", "rolle": "foresatt"}],
        "tjenester": ["Skolen", "PPT"],
        "opplysninger": ["Observasjoner fra skolen"],
        "formal": "Finne tiltak for trivsel.",
        "gyldig_fra": "2024-09-10",
        "gyldig_til": "2025-09-10",
        "kjenner_retten_til_a_trekke": True,
        "dato": "2024-09-10",
    },
    "tiltaksplan": {
        "mal_for_barnet": "Trives i friminuttene.",
        "tiltak": [
            {
                "tiltak": "Vennegrupper",
                "mal": "Leker med minst én annen.",
                "ansvarlig": "Kontaktlærer",
                "oppstart": "2024-09-16",
                "evalueringsdato": "2024-11-01",
            }
        ],
    },
    "evaluering": {
        "dato": "2024-11-01",
        "tiltak": "Vennegrupper",
        "resultat": "partly",
        "beskrivelse": "Leker oftere med andre.",
        "videre": "fortsette",
        "neste_evaluering": "2024-12-15",
    },
    "motereferat": {
        "dato": "2024-10-10",
        "motetype": "collaboration",
        "deltakere": ["Foresatte", "Kontaktlærer", "PPT"],
        "drofting": "Status for tiltakene.",
        "avtaler": [{"hva": "Kartlegging", "hvem": "PPT", "frist": "2024-11-01"}],
    },
    "bekymringsmelding": {
        "dato": "2024-10-11",
        "melder_tjeneste": "Prøve skole",
        "grunnlag": "Barnet forteller om slag hjemme.",
        "foreldre_informert": "ikke_forsvarlig",
        "haster": True,
    },
}

WRONG: dict[str, tuple[dict[str, Any], str]] = {
    "undringsnotat": ({"dato": "2. september", "observasjon": "x"}, "dato"),
    "samtale-barn": ({"dato": "2024-09-05"}, "barnets_fortelling"),
    "samtale-foreldre": ({**VALID["samtale-foreldre"], "uro_delt": "x" * 8001}, "uro_delt"),
    "samtykke": ({**VALID["samtykke"], "kjenner_retten_til_a_trekke": False}, "kjenner_retten_til_a_trekke"),
    "tiltaksplan": ({"mal_for_barnet": "x", "tiltak": []}, "tiltak"),
    "evaluering": ({**VALID["evaluering"], "resultat": "bra"}, "resultat"),
    "motereferat": ({**VALID["motereferat"], "navn_på_barnet": "Ola"}, "navn_på_barnet"),
    "bekymringsmelding": ({**VALID["bekymringsmelding"], "haster": "ja"}, "haster"),
}


def test_every_tool_has_samples() -> None:
    assert set(VALID) == set(WRONG) == {t.id for t in tools.TOOLS}


@pytest.mark.parametrize("tool_id", sorted(VALID))
def test_correct_form_is_accepted(baseline: MunicipalityPlugins, tool_id: str) -> None:
    assert baseline.validate_form(tool_id, VALID[tool_id]) == []


@pytest.mark.parametrize("tool_id", sorted(WRONG))
def test_wrong_form_is_refused_naming_the_field(baseline: MunicipalityPlugins, tool_id: str) -> None:
    data, field = WRONG[tool_id]
    errors = baseline.validate_form(tool_id, data)
    assert errors and any(field in e for e in errors), errors


def _walk(schema: dict[str, Any]):
    yield schema
    for sub in schema.get("properties", {}).values():
        yield from _walk(sub)
    if isinstance(schema.get("items"), dict):
        yield from _walk(schema["items"])


@pytest.mark.parametrize("tool", tools.TOOLS, ids=lambda t: t.id)
def test_fields_have_titles_and_bounded_text(tool) -> None:
    for field in _walk(tool.form_schema):
        assert field.get("title"), field
        if field.get("type") == "string" and "format" not in field:
            assert field.get("maxLength"), field


# --- stafettholder rules ------------------------------------------------------------------------


def holder(level: int, units: list[str], coordinator: bool = False) -> RelayHolderContext:
    return RelayHolderContext(
        snapshot=snapshot("9901", Level(level)),
        candidate_id="ansatt-1",
        candidate_unit_ids=units,
        candidate_is_coordinator=coordinator,
        level=Level(level),
        is_handover=False,
    )


@pytest.mark.parametrize(
    ("level", "units", "coordinator", "refused"),
    [
        (0, ["probe-school"], False, False),
        (1, ["probe-ppt"], False, True),  # at level 1 the baton stays in the owner unit
        (1, ["annen-enhet"], True, False),  # the BTI coordinator may hold it anywhere
        (2, ["probe-ppt"], False, False),  # a collaborating service
        (3, ["barnevern-x"], False, True),  # not taking part in the case
    ],
)
def test_check_relay_holder(level: int, units: list[str], coordinator: bool, refused: bool) -> None:
    assert bool(rules.check(holder(level, units, coordinator))) == refused


def test_suggest_relay_holder_prefers_the_owner_unit() -> None:
    both = {"probe-ppt": ["ppt-1"], "probe-school": ["lærer-1"]}
    assert rules.suggest(snapshot("9901", Level(1)), both) == "lærer-1"
    assert rules.suggest(snapshot("9901", Level(1)), {"probe-ppt": ["ppt-1"]}) is None
    assert rules.suggest(snapshot("9901", Level(2)), {"probe-ppt": ["ppt-1"]}) == "ppt-1"


# --- indicators ---------------------------------------------------------------------------------


def stats(**numbers: Any) -> CaseStatistics:
    base: dict[str, Any] = dict.fromkeys(
        [
            "cases_opened",
            "cases_closed",
            "cases_with_relay_holder",
            "measures_created",
            "measures_evaluated_on_time",
            "measures_evaluated_late",
            "measures_overdue",
            "consents_given",
            "consents_withdrawn",
            "family_comments",
        ],
        0,
    )
    return CaseStatistics(
        municipality_id="9901",
        period_start=dt.date(2024, 1, 1),
        period_end=dt.date(2024, 12, 31),
        open_cases_by_level=numbers.pop("by_level", {}),
        cases_closed_by_reason={},
        **(base | numbers),
    )


def test_indicators_from_statistics(baseline: MunicipalityPlugins) -> None:
    result = baseline.indicators(
        stats(
            by_level={0: 5, 1: 3, 2: 1, 3: 1},
            cases_with_relay_holder=4,
            measures_evaluated_on_time=6,
            measures_evaluated_late=1,
            measures_overdue=1,
            consents_given=4,
            consents_withdrawn=1,
        )
    )
    values = {i.id: i.value for i in result}
    assert values["bti.tiltak-evaluert-i-tide"] == 75.0
    assert values["bti.saker-med-stafettholder"] == 40.0
    assert values["bti.samtykke-trukket"] == 25.0
    assert [values[f"bti.apne-saker-niva-{n}"] for n in range(4)] == [5, 3, 1, 1]


def test_shares_without_a_basis_are_left_out(baseline: MunicipalityPlugins) -> None:
    ids = {i.id for i in baseline.indicators(stats())}
    assert "bti.tiltak-evaluert-i-tide" not in ids
    assert "bti.apne-saker-niva-0" in ids
