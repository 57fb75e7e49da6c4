"""The level model (nivå 0–3): each built-in transition rule, allowed and refused, and a plugin's rule."""

from __future__ import annotations

import datetime as dt

import msgspec
import pytest

from contracts import (
    CaseStatus,
    CloseReason,
    Level,
    LogEntryKind,
    MeetingKind,
    Refusal,
    TransitionContext,
    hookimpl,
)
from core.config import default_config
from core.errors import Conflict, InvalidInput, RuleRefused
from core.platform import Platform
from tests.conftest import CHILD_WELFARE, HEALTH, PPT, SCHOOL, World


def codes(exc: pytest.ExceptionInfo[RuleRefused]) -> list[str]:
    return [r.code for r in exc.value.refusals]


def log_kinds(world: World, case_id: str) -> list[str]:
    with world.as_(world.teacher, "les") as w:
        return [e.kind for e in w.log.entries(case_id)]


def change(world: World, case_id: str, level: object, by: str | None = None, **informed: bool):
    with world.as_(by or world.teacher, "nivå") as w:
        return w.cases.change_level(case_id, level, **informed)


@pytest.mark.parametrize(
    ("leader", "guardians", "expected"),
    [
        (
            False,
            False,
            {
                "unit_leader_not_informed": "Leder for enheten må være informert.",
                "guardians_not_informed": "Foresatte må være informert.",
            },
        ),
        (True, False, {"guardians_not_informed": "Foresatte må være informert."}),
        (False, True, {"unit_leader_not_informed": "Leder for enheten må være informert."}),
    ],
)
def test_level_1_needs_unit_leader_and_guardians_informed(world: World, leader, guardians, expected) -> None:
    case = world.open_case()
    with pytest.raises(RuleRefused) as exc:
        change(world, case.id, 1, unit_leader_informed=leader, guardians_informed=guardians)
    assert codes(exc) == list(expected)
    for message in expected.values():
        assert message in exc.value.message
    assert log_kinds(world, case.id) == ["concern"]


def test_level_1_allowed_when_both_are_informed_and_logged(world: World) -> None:
    case = world.open_case()
    assert (
        change(world, case.id, 1, unit_leader_informed=True, guardians_informed=True).level == Level.INTERNAL
    )
    with world.as_(world.teacher) as w:
        entry = w.log.entries(case.id)[-1]
    assert entry.kind == LogEntryKind.LEVEL_CHANGED
    assert entry.data == {"from": 0, "to": 1, "unit_leader_informed": True, "guardians_informed": True}


def test_skipping_a_level_is_refused(world: World) -> None:
    case = world.open_case()
    with pytest.raises(RuleRefused) as exc:
        change(world, case.id, 2, unit_leader_informed=True, guardians_informed=True)
    assert codes(exc) == ["skip_level"]
    assert "ett nivå opp om gangen" in exc.value.message and "nivå 1 – intern innsats" in exc.value.message


def test_same_level_is_refused(world: World) -> None:
    case = world.open_case()
    with pytest.raises(RuleRefused) as exc:
        change(world, case.id, 0)
    assert codes(exc) == ["same_level"]
    assert exc.value.message == "Saken er allerede på nivå 0 – avklar undring."


@pytest.mark.parametrize("level", [7, -1, "x", None, "2.5"])
def test_unknown_level_is_invalid_input_and_writes_nothing(world: World, level: object) -> None:
    case = world.open_case()
    with pytest.raises(InvalidInput) as exc:
        change(world, case.id, level, unit_leader_informed=True, guardians_informed=True)
    assert exc.value.code == "unknown_level"
    assert f"Ukjent nivå «{level}»" in exc.value.message and "0, 1, 2 og 3" in exc.value.message
    assert log_kinds(world, case.id) == ["concern"]
    with world.as_(world.teacher) as w:
        assert w.cases.get(case.id).level == Level.CLARIFY


def test_level_given_as_text_digit_is_accepted(world: World) -> None:
    case = world.open_case()
    assert change(world, case.id, "1", unit_leader_informed=True, guardians_informed=True).level == 1


# --- level 2: a second service and consent covering it ---------------------------------------------


def at_level_1_with_holder(world: World) -> str:
    case = world.open_case()
    world.level_1(case.id)
    with world.as_(world.teacher) as w:
        w.relay_holder.assign(case.id, world.teacher)
    return case.id


def test_level_2_needs_a_second_service(world: World) -> None:
    case_id = at_level_1_with_holder(world)
    with pytest.raises(RuleRefused) as exc:
        change(world, case_id, 2)
    assert codes(exc) == ["no_second_service"]
    assert exc.value.message == "Nivå 2 – samarbeid to krever at minst én tjeneste til deltar i saken."


def test_level_2_needs_a_relay_holder_under_bti_standard(world: World) -> None:
    case = world.open_case()
    world.level_1(case.id)
    world.consent(case.id, [PPT])
    with world.as_(world.teacher) as w:
        w.cases.add_participant(case.id, PPT)
    with pytest.raises(RuleRefused) as exc:
        change(world, case.id, 2)
    assert codes(exc) == ["relay_holder_missing"]
    assert "Kommunens regler krever en stafettholder på nivå 2 – samarbeid to." in exc.value.message


def add_ppt(world: World, case_id: str) -> None:
    with world.as_(world.teacher) as w:
        w.cases.add_participant(case_id, PPT)


def test_a_service_cannot_join_on_consent_before_a_consent_names_it(world: World) -> None:
    case_id = at_level_1_with_holder(world)
    with pytest.raises(RuleRefused) as exc:
        add_ppt(world, case_id)
    assert codes(exc) == ["no_consent_for_service"]
    assert exc.value.message.startswith("PPT Fjordvik kan ikke tas med på grunnlag av samtykke")
    with world.as_(world.teacher) as w:
        assert [p.unit_id for p in w.cases.state(case_id).participants] == [SCHOOL]  # nothing written
    with pytest.raises(RuleRefused) as exc:
        change(world, case_id, 2)
    assert codes(exc) == ["no_second_service"]


def test_a_consent_for_another_service_is_no_basis(world: World) -> None:
    case_id = at_level_1_with_holder(world)
    world.consent(case_id, [HEALTH])
    with pytest.raises(RuleRefused) as exc:
        add_ppt(world, case_id)
    assert codes(exc) == ["no_consent_for_service"]


def test_a_service_joins_once_every_guardian_has_given_the_consent(world: World) -> None:
    case_id = at_level_1_with_holder(world)
    consent = world.consent(case_id, [PPT], give=False)
    with world.as_(world.mother) as w:
        w.consents.give(consent.id)
    with pytest.raises(RuleRefused) as exc:
        add_ppt(world, case_id)
    assert codes(exc) == ["no_consent_for_service"]
    with world.as_(world.father) as w:
        w.consents.give(consent.id)
    add_ppt(world, case_id)
    assert change(world, case_id, 2).level == Level.COLLABORATE_TWO


def test_level_2_refused_when_consent_has_expired(world: World) -> None:
    case_id = at_level_1_with_holder(world)
    world.consent(case_id, [PPT], days=30)
    add_ppt(world, case_id)
    world.clock.advance(days=31)
    with pytest.raises(RuleRefused) as exc:
        change(world, case_id, 2)
    assert codes(exc) == ["consent_missing"]
    assert exc.value.message == "Det mangler gyldig samtykke fra foresatte som omfatter «PPT Fjordvik»."


def test_level_2_refused_when_consent_is_withdrawn(world: World) -> None:
    case_id = at_level_1_with_holder(world)
    consent = world.consent(case_id, [PPT])
    add_ppt(world, case_id)
    with world.as_(world.father) as w:
        w.consents.withdraw(consent.id, reason="Vi vil vente")
    with pytest.raises(RuleRefused) as exc:
        change(world, case_id, 2)
    assert codes(exc) == ["consent_missing"]


# --- level 3: consent for every service, a stafettholder and a coordination meeting ------------------


def coordination_meeting(world: World, case_id: str) -> None:
    with world.as_(world.teacher, "møte") as w:
        w.meetings.schedule(
            case_id, kind=MeetingKind.COORDINATION, starts_at=world.clock.now + dt.timedelta(days=7)
        )


def test_level_3_needs_consent_for_every_service_and_a_coordination_meeting(world: World) -> None:
    case = world.open_case()
    world.level_2(case.id)
    first = world.consent(case.id, [CHILD_WELFARE])
    with world.as_(world.teacher) as w:
        w.cases.add_participant(case.id, CHILD_WELFARE)
    with world.as_(world.mother) as w:
        w.consents.withdraw(first.id)
    with pytest.raises(RuleRefused) as exc:
        change(world, case.id, 3)
    assert codes(exc) == ["consent_missing", "coordination_meeting_missing"]
    assert "«Barneverntjenesten i Fjordvik»" in exc.value.message
    assert "Nivå 3 krever at et koordineringsmøte er avholdt eller avtalt." in exc.value.message

    world.consent(case.id, [CHILD_WELFARE])
    with pytest.raises(RuleRefused) as exc:
        change(world, case.id, 3)
    assert codes(exc) == ["coordination_meeting_missing"]

    coordination_meeting(world, case.id)
    assert change(world, case.id, 3).level == Level.COLLABORATE_MANY


class TestWithoutPlugins:
    @pytest.fixture
    def config(self):
        config = default_config()
        bare = msgspec.structs.replace(config.municipalities[0], plugins=[])
        return msgspec.structs.replace(config, municipalities=[bare])

    def test_level_3_needs_a_relay_holder(self, world: World) -> None:
        case = world.open_case()
        world.level_1(case.id)
        world.consent(case.id, [PPT])
        add_ppt(world, case.id)
        assert change(world, case.id, 2).level == 2  # no plugin asks for a holder at level 2
        coordination_meeting(world, case.id)
        with pytest.raises(RuleRefused) as exc:
            change(world, case.id, 3)
        assert codes(exc) == ["relay_holder_missing"]
        assert exc.value.message == "Nivå 3 krever at saken har en stafettholder."


def test_stepping_down_is_always_allowed(world: World) -> None:
    case = world.open_case()
    world.level_2(case.id)
    with world.as_(world.teacher) as w:
        consent_id = w.consents.list(case.id)[0].id
    with world.as_(world.mother) as w:
        w.consents.withdraw(consent_id)
    assert change(world, case.id, 0).level == Level.CLARIFY  # two steps down, without consent
    entries = [e for e in _entries(world, case.id) if e.kind == LogEntryKind.LEVEL_CHANGED]
    assert [(e.data["from"], e.data["to"]) for e in entries] == [(0, 1), (1, 2), (2, 0)]


def _entries(world: World, case_id: str):
    with world.as_(world.teacher) as w:
        return w.log.entries(case_id)


# --- closing --------------------------------------------------------------------------------------


@pytest.mark.parametrize("reason", list(CloseReason))
def test_close_with_each_reason(world: World, reason: CloseReason) -> None:
    case = world.open_case()
    with world.as_(world.teacher) as w:
        closed = w.cases.close(case.id, reason.value, note="Avsluttet")
    assert (closed.status, closed.close_reason, closed.closed_at) == (
        CaseStatus.CLOSED,
        reason,
        world.clock.now,
    )
    last = _entries(world, case.id)[-1]
    assert (last.kind, last.data, last.text) == (
        LogEntryKind.CASE_CLOSED,
        {"reason": reason.value},
        "Avsluttet",
    )


def test_close_with_unknown_reason_is_refused(world: World) -> None:
    case = world.open_case()
    with pytest.raises(InvalidInput) as exc, world.as_(world.teacher) as w:
        w.cases.close(case.id, "lei")
    assert "Ukjent avslutningsgrunn «lei»" in exc.value.message
    assert log_kinds(world, case.id) == ["concern"]


def test_closed_case_refuses_level_change_and_writes_but_can_be_read(world: World) -> None:
    case = world.open_case()
    with world.as_(world.teacher) as w:
        w.cases.close(case.id, CloseReason.RESOLVED)
    for attempt in (
        lambda w: w.cases.change_level(case.id, 1, unit_leader_informed=True, guardians_informed=True),
        lambda w: w.log.add_note(case.id, "Etter avslutning"),
        lambda w: w.cases.close(case.id, CloseReason.MOVED),
    ):
        with pytest.raises(Conflict) as exc, world.as_(world.teacher) as w:  # a state conflict: 409
            attempt(w)
        assert exc.value.code == "case_closed"
        assert exc.value.message == "Saken er avsluttet; den kan leses, men ikke endres."
    assert log_kinds(world, case.id) == ["concern", "case_closed"]


# --- a plugin's check_transition --------------------------------------------------------------------


class ExtraLevelOneRule:
    """A municipality's own rule that refuses every move to level 1."""

    @hookimpl
    def check_transition(self, context: TransitionContext) -> list[Refusal]:
        if context.to_level == Level.INTERNAL:
            return [Refusal(code="test.extra", message="Kommunens egen regel stopper nivå 1.")]
        return []


class TestPluginRule:
    @pytest.fixture
    def config(self):
        config = default_config()
        municipality = config.municipalities[0]
        municipality = msgspec.structs.replace(municipality, plugins=[*municipality.plugins, "test-rule"])
        return msgspec.structs.replace(config, municipalities=[municipality])

    @pytest.fixture
    def platform(self, config, database_url: str, clock):
        p = Platform.open(
            config,
            database_url=database_url,
            clock=lambda: clock.now,
            extra_plugins={"test-rule": ExtraLevelOneRule()},
        )
        yield p
        p.close()

    def test_plugin_refusal_adds_to_builtins_and_cannot_lift_them(self, world: World) -> None:
        case = world.open_case()
        with pytest.raises(RuleRefused) as exc:
            change(world, case.id, 1, unit_leader_informed=True, guardians_informed=True)
        assert codes(exc) == ["test.extra"]
        assert exc.value.message == "Kommunens egen regel stopper nivå 1."
        with pytest.raises(RuleRefused) as exc:
            change(world, case.id, 1, unit_leader_informed=False, guardians_informed=True)
        assert codes(exc) == ["unit_leader_not_informed", "test.extra"]
        with pytest.raises(RuleRefused) as exc:  # a plugin answering [] does not lift a built-in refusal
            change(world, case.id, 2)
        assert codes(exc) == ["skip_level"]
        assert log_kinds(world, case.id) == ["concern"]
