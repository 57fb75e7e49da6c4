"""The plugin host: one manager per municipality, start-up checks naming the plugin, fail-closed rules."""

from __future__ import annotations

import datetime as dt
import logging

import pytest

from contracts import (
    ActionGuide,
    CaseEvent,
    GuideLevel,
    GuideStep,
    Level,
    LogEntryKind,
    Refusal,
    RelayHolderContext,
    ServiceDirectoryEntry,
    ServiceType,
    ToolDefinition,
    TransitionContext,
    hookimpl,
)
from core.config import DeploymentConfig, MunicipalityConfig
from core.pluginhost import PluginError, PluginHost
from core.pluginhost.probe import snapshot

LOCAL_TOOL = ToolDefinition(
    id="lokal-sjekkliste",
    title="Lokal sjekkliste",
    form_schema={"type": "object", "properties": {"punkt": {"type": "string", "maxLength": 10}}},
)


def levels(step_tool: str = "lokal-sjekkliste", order: tuple[int, ...] = (0, 1, 2, 3)) -> list[GuideLevel]:
    return [
        GuideLevel(
            level=Level(n),
            title=f"Nivå {n}",
            steps=[GuideStep(number=1, title="Gjør noe", tool_ids=[step_tool])],
        )
        for n in order
    ]


def guide(**overrides: object) -> ActionGuide:
    fields = {"id": "lokal-skole", "title": "Lokal veileder", "service_types": [ServiceType.SCHOOL]}
    return ActionGuide(**{"levels": levels(), **fields, **overrides})


class LocalPlugin:
    """A municipality's own plugin: a guide for schools with its own tool."""

    @hookimpl
    def tools(self, municipality):
        return [LOCAL_TOOL]

    @hookimpl
    def action_guides(self, municipality):
        return [guide()]


class Recorder:
    def __init__(self) -> None:
        self.events: list[CaseEvent] = []

    @hookimpl
    def case_event(self, event):
        self.events.append(event)


def municipality(id: str, plugins: list[str], services: list[ServiceDirectoryEntry] | None = None):
    return MunicipalityConfig(
        id=id, name=f"Testkommune {id}", plugins=plugins, units=[], services=services or []
    )


def config(*municipalities: MunicipalityConfig) -> DeploymentConfig:
    return DeploymentConfig(name="test", municipalities=list(municipalities))


def load(plugins: list[str], **extra: object) -> PluginHost:
    return PluginHost.load(config(municipality("9901", plugins)), extra=extra)


def transition(to: int = 1, actor: str = "ansatt-1") -> TransitionContext:
    frm = to - 1
    return TransitionContext(
        snapshot=snapshot("9901", Level(frm)), from_level=Level(frm), to_level=Level(to), actor_id=actor
    )


def test_bti_standard_is_discovered_through_its_entry_point() -> None:
    host = load(["bti-standard"])
    (found,) = [p for p in host.installed() if p.name == "bti-standard"]
    assert found.distribution == "stafett"
    assert found.version
    assert {"action_guides", "tools", "check_relay_holder"} <= set(found.hooks)
    assert host.enabled("9901") == ["bti-standard"]


def test_each_municipality_sees_only_its_own_plugins() -> None:
    recorder = Recorder()
    host = PluginHost.load(
        config(
            municipality("9901", ["bti-standard"]), municipality("9902", ["bti-standard", "lokal", "rec"])
        ),
        extra={"lokal": LocalPlugin(), "rec": recorder},
    )
    plain, local = host.for_municipality("9901"), host.for_municipality("9902")
    assert "lokal-sjekkliste" in local.tools
    assert "lokal-sjekkliste" not in plain.tools
    assert plain.guide_for(ServiceType.SCHOOL).id == "bti-standard"
    assert local.guide_for(ServiceType.SCHOOL).id == "lokal-skole"  # enabled last: most specific wins
    assert local.guide_for(ServiceType.PPT).id == "bti-standard"
    event = CaseEvent(
        kind=LogEntryKind.NOTE,
        municipality_id="9901",
        case_id="c1",
        at=dt.datetime(2024, 5, 1, tzinfo=dt.UTC),
        actor_id="a1",
        level=Level.CLARIFY,
        unit_ids=["u1"],
    )
    plain.notify(event)
    assert recorder.events == []
    local.notify(event)
    assert recorder.events == [event]


def test_unknown_municipality_is_a_clear_key_error() -> None:
    with pytest.raises(KeyError, match="9999"):
        load(["bti-standard"]).for_municipality("9999")


def test_unknown_plugin_name_is_refused_and_installed_ones_listed() -> None:
    with pytest.raises(PluginError) as info:
        load(["bti-standard", "bti-standrad"])
    assert info.value.plugin == "bti-standrad"
    assert "bti-standrad" in str(info.value)
    assert "bti-standard" in info.value.fault  # the list of installed plugins


def test_plugin_that_cannot_be_imported_is_named() -> None:
    with pytest.raises(PluginError, match=r"«ødelagt».*ModuleNotFoundError"):
        load(["ødelagt"], **{"ødelagt": "no_such_module_for_stafett_tests"})


def test_config_services_join_plugin_services() -> None:
    entry = ServiceDirectoryEntry(id="ppt-test", name="PPT Test", service_type=ServiceType.PPT)
    host = PluginHost.load(config(municipality("9901", ["bti-standard"], [entry])))
    assert host.for_municipality("9901").services == [entry]


# --- broken plugins: each must stop start-up with its own name -----------------------------------


class SkipsLevel(LocalPlugin):
    @hookimpl
    def action_guides(self, municipality):
        return [guide(levels=levels(order=(0, 1, 3)))]


class StepsOutOfOrder(LocalPlugin):
    @hookimpl
    def action_guides(self, municipality):
        lvls = levels()
        lvls[2] = GuideLevel(
            level=Level(2),
            title="Nivå 2",
            steps=[GuideStep(number=2, title="a"), GuideStep(number=1, title="b")],
        )
        return [guide(levels=lvls)]


class UnknownTool(LocalPlugin):
    @hookimpl
    def action_guides(self, municipality):
        return [guide(levels=levels(step_tool="finnes-ikke"))]


class InvalidSchema:
    @hookimpl
    def tools(self, municipality):
        return [ToolDefinition(id="feil", title="Feil", form_schema={"type": "object", "properties": 5})]


class NotAnObjectSchema:
    @hookimpl
    def tools(self, municipality):
        return [ToolDefinition(id="feil", title="Feil", form_schema={"type": "array"})]


class DuplicateTool:
    @hookimpl
    def tools(self, municipality):
        return [ToolDefinition(id="undringsnotat", title="Kopi", form_schema={"type": "object"})]


class WrongShape:
    @hookimpl
    def tools(self, municipality):
        return [{"id": "x", "title": "X", "colour": "blå"}]


class RaisingStaticHook:
    @hookimpl
    def meeting_arenas(self, municipality):
        raise RuntimeError("database nede")


class RaisingRule:
    @hookimpl
    def check_transition(self, context):
        raise RuntimeError("glemte noe")


class WrongReturnType:
    @hookimpl
    def check_transition(self, context):
        return "nei"


class DividesByZero:
    @hookimpl
    def indicators(self, statistics):
        share = statistics.cases_closed / statistics.cases_opened
        return [{"id": "andel", "title": "Andel", "value": share}]


class MisspeltHook:
    @hookimpl
    def check_transitions(self, context):
        return []


@pytest.mark.parametrize(
    ("plugin", "fault"),
    [
        (SkipsLevel(), "nivå 0, 1, 2 og 3"),
        (StepsOutOfOrder(), "nummerert"),
        (UnknownTool(), "«finnes-ikke» finnes ikke"),
        (InvalidSchema(), "ugyldig skjema"),
        (NotAnObjectSchema(), "«object»"),
        (DuplicateTool(), "finnes allerede i programtillegget «bti-standard»"),
        (WrongShape(), "feil form"),
        (RaisingStaticHook(), "database nede"),
        (RaisingRule(), "check_transition.*glemte noe"),
        (WrongReturnType(), "check_transition.*feil form"),
        (DividesByZero(), "indicators.*ZeroDivisionError"),
        (MisspeltHook(), "check_transitions"),
    ],
    ids=lambda p: type(p).__name__ if not isinstance(p, str) else "",
)
def test_broken_plugin_stops_start_up_with_its_name(plugin: object, fault: str) -> None:
    with pytest.raises(PluginError, match=fault) as info:
        load(["bti-standard", "kommune-x"], **{"kommune-x": plugin})
    assert info.value.plugin == "kommune-x"
    assert str(info.value).startswith("Programtillegget «kommune-x» (kommune 9901 Testkommune 9901)")


def test_broken_plugin_is_harmless_when_no_municipality_enables_it() -> None:
    host = load(["bti-standard"], **{"kommune-x": SkipsLevel()})
    assert host.enabled("9901") == ["bti-standard"]


# --- runtime: plugins add refusals; a failing rule fails closed --------------------------------------


class NeedsLeader:
    @hookimpl
    def check_transition(self, context):
        if context.to_level >= 1 and not context.unit_leader_informed:
            return [{"code": "leder", "message": "Leder må være informert."}]
        return []


class FailsAtRuntime:
    """Passes the start-up probe, then misbehaves for a real actor."""

    @hookimpl
    def check_transition(self, context):
        if context.actor_id == "ekte":
            raise KeyError("uventet")
        return []

    @hookimpl
    def check_relay_holder(self, context):
        return None if context.candidate_id == "probe-employee" else [42]


def test_plugin_refusal_is_returned_as_contract_struct() -> None:
    rules = load(["bti-standard", "leder"], leder=NeedsLeader()).for_municipality("9901")
    assert rules.check_transition(transition()) == [Refusal(code="leder", message="Leder må være informert.")]


def test_rule_that_raises_at_runtime_fails_closed(caplog: pytest.LogCaptureFixture) -> None:
    rules = load(["bti-standard", "skjør"], skjør=FailsAtRuntime()).for_municipality("9901")
    assert rules.check_transition(transition(actor="annen")) == []
    with caplog.at_level(logging.ERROR, logger="stafett.plugins"):
        refusals = rules.check_transition(transition(actor="ekte"))
    assert [r.code for r in refusals] == ["plugin_error"]
    assert "«skjør»" in refusals[0].message
    assert "skjør" in caplog.text


def test_relay_holder_rule_with_wrong_answer_fails_closed() -> None:
    rules = load(["skjør"], skjør=FailsAtRuntime()).for_municipality("9901")
    ctx = RelayHolderContext(
        snapshot=snapshot("9901", Level(2)),
        candidate_id="ansatt-7",
        candidate_unit_ids=["probe-school"],
        candidate_is_coordinator=False,
        level=Level(2),
        is_handover=False,
    )
    assert [r.code for r in rules.check_relay_holder(ctx)] == ["plugin_error"]


class LoudListener:
    @hookimpl
    def case_event(self, event):
        raise ConnectionError("SMTP")


def test_notify_logs_a_failing_listener_and_carries_on(caplog: pytest.LogCaptureFixture) -> None:
    recorder = Recorder()
    rules = load(["rec", "støy"], rec=recorder, støy=LoudListener()).for_municipality("9901")
    event = CaseEvent(
        kind=LogEntryKind.NOTE,
        municipality_id="9901",
        case_id="c1",
        at=dt.datetime(2024, 5, 1, tzinfo=dt.UTC),
        actor_id=None,
        level=Level.CLARIFY,
        unit_ids=[],
    )
    with caplog.at_level(logging.ERROR, logger="stafett.plugins"):
        rules.notify(event)
    assert recorder.events == [event]
    assert "støy" in caplog.text


class SuggestsStranger:
    @hookimpl
    def suggest_relay_holder(self, snapshot, candidates):
        return "utenforstående"


def test_suggestion_outside_the_candidates_is_ignored() -> None:
    rules = load(["bti-standard", "fremmed"], fremmed=SuggestsStranger()).for_municipality("9901")
    candidates = {"probe-school": ["lærer-1"]}
    assert rules.suggest_relay_holder(snapshot("9901", Level(1)), candidates) == "lærer-1"


def test_validate_form_names_the_field_and_rejects_unknown_tools() -> None:
    rules = load(["lokal"], lokal=LocalPlugin()).for_municipality("9901")
    assert rules.validate_form("lokal-sjekkliste", {"punkt": "kort"}) == []
    (error,) = rules.validate_form("lokal-sjekkliste", {"punkt": "altfor lang tekst"})
    assert "punkt" in error and "for lang" in error
    assert "finnes ikke" in rules.validate_form("ukjent", {})[0]


class Routes:
    @hookimpl
    def routes(self):
        return ["handler"]


def test_routes_are_collected_once_per_plugin() -> None:
    host = PluginHost.load(
        config(municipality("9901", ["r"]), municipality("9902", ["r"]), municipality("9903", [])),
        extra={"r": Routes()},
    )
    assert host.all_routes() == ["handler"]


class Wrapper:
    @hookimpl(wrapper=True)
    def check_transition(self, context):
        return (yield)


class ClashingService:
    @hookimpl
    def services(self, municipality):
        return [{"id": "ppt-test", "name": "PPT", "service_type": "ppt"}]


def test_hook_wrappers_are_refused() -> None:
    with pytest.raises(PluginError, match="wrapper"):
        load(["w"], w=Wrapper())


def test_service_id_clashing_with_the_config_names_the_plugin() -> None:
    entry = ServiceDirectoryEntry(id="ppt-test", name="PPT Test", service_type=ServiceType.PPT)
    with pytest.raises(PluginError, match="finnes allerede i konfigurasjonen") as info:
        PluginHost.load(config(municipality("9901", ["klikk"], [entry])), extra={"klikk": ClashingService()})
    assert info.value.plugin == "klikk"


def test_installed_reports_a_plugin_that_cannot_be_imported() -> None:
    host = load([], **{"ødelagt": "no_such_module_for_stafett_tests"})
    (broken,) = [p for p in host.installed() if p.name == "ødelagt"]
    assert broken.hooks == () and "ModuleNotFoundError" in broken.error


def test_shipped_configs_load() -> None:
    from configs import CONFIG_DIR
    from core.config import load_config

    for path in sorted(CONFIG_DIR.glob("*.toml")):
        host = PluginHost.load(load_config(path))
        for municipality_id in host.municipality_ids():
            assert host.for_municipality(municipality_id).guide_for(ServiceType.SCHOOL) is not None


class CopiesIndicator:
    @hookimpl
    def indicators(self, statistics):
        return [{"id": "bti.tiltak-over-frist", "title": "Kopi", "value": 1.0}]


def test_indicator_id_clash_names_the_later_plugin() -> None:
    with pytest.raises(PluginError, match=r"indikatoren «bti\.tiltak-over-frist»") as info:
        load(["bti-standard", "kopi"], kopi=CopiesIndicator())
    assert info.value.plugin == "kopi"
