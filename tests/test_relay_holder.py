"""The stafettholder: assigned, handed over like a baton the receiver accepts, under bti-standard."""

from __future__ import annotations

import pytest

from contracts import CloseReason, HandoverStatus, LogEntryKind
from core.errors import Conflict, Forbidden, InvalidInput, RuleRefused
from tests.conftest import PPT, World


def holder(world: World, case_id: str) -> str | None:
    with world.as_(world.teacher) as w:
        return w.cases.get(case_id).relay_holder_id


def last_kind(world: World, case_id: str) -> str:
    with world.as_(world.teacher) as w:
        return w.log.entries(case_id)[-1].kind


def offer(world: World, case_id: str, to: str, by: str | None = None):
    with world.as_(by or world.teacher, "overlevering") as w:
        return w.relay_holder.request_handover(case_id, to, note="Du tar over")


@pytest.fixture
def case_id(world: World) -> str:
    """A case at level 2 with PPT under consent; the teacher holds the baton."""
    case = world.open_case()
    world.level_2(case.id)
    return case.id


def test_assign_the_first_holder(world: World) -> None:
    case = world.open_case()
    with world.as_(world.teacher) as w:
        w.relay_holder.assign(case.id, world.teacher)
    assert holder(world, case.id) == world.teacher
    assert last_kind(world, case.id) == LogEntryKind.RELAY_HOLDER_ASSIGNED
    with pytest.raises(Conflict) as exc, world.as_(world.teacher) as w:
        w.relay_holder.assign(case.id, world.leader)
    assert exc.value.code == "has_relay_holder"


def test_handover_takes_effect_only_when_the_receiver_accepts(world: World, case_id: str) -> None:
    handover = offer(world, case_id, world.ppt)
    assert (handover.status, handover.from_id, handover.to_id) == (
        HandoverStatus.PENDING,
        world.teacher,
        world.ppt,
    )
    assert holder(world, case_id) == world.teacher
    for other in (world.teacher, world.leader):
        with pytest.raises(Forbidden) as exc, world.as_(other) as w:
            w.relay_holder.accept(handover.id)
        assert (exc.value.code, exc.value.message) == (
            "not_receiver",
            "Bare mottakeren kan svare på overleveringen.",
        )
    with world.as_(world.ppt) as w:
        assert [h.id for h in w.relay_holder.pending_for_me()] == [handover.id]
        assert w.relay_holder.accept(handover.id).status == HandoverStatus.ACCEPTED
    assert holder(world, case_id) == world.ppt
    assert last_kind(world, case_id) == LogEntryKind.HANDOVER_ACCEPTED
    with pytest.raises(Conflict) as exc, world.as_(world.ppt) as w:
        w.relay_holder.accept(handover.id)
    assert exc.value.code == "handover_decided"


def test_receiver_may_decline(world: World, case_id: str) -> None:
    handover = offer(world, case_id, world.ppt)
    with world.as_(world.ppt) as w:
        assert (
            w.relay_holder.decline(handover.id, reason="Har ikke kapasitet").status == HandoverStatus.DECLINED
        )
    assert holder(world, case_id) == world.teacher
    assert last_kind(world, case_id) == LogEntryKind.HANDOVER_DECLINED


def test_only_one_handover_may_wait_for_an_answer(world: World, case_id: str) -> None:
    offer(world, case_id, world.ppt)
    with pytest.raises(Conflict) as exc:
        offer(world, case_id, world.leader)
    assert (exc.value.code, exc.value.message) == (
        "handover_pending",
        "Det finnes allerede en overlevering som venter på svar.",
    )


def test_only_the_holder_or_the_unit_leader_hands_over(world: World, case_id: str) -> None:
    with pytest.raises(InvalidInput) as exc:
        offer(world, case_id, world.leader, by=world.ppt)
    assert exc.value.code == "not_holder"
    assert offer(world, case_id, world.ppt, by=world.leader).status == HandoverStatus.PENDING


def test_receiver_without_access_is_refused(world: World, case_id: str) -> None:
    with pytest.raises(RuleRefused) as exc:
        offer(world, case_id, world.nurse)  # the health station takes no part in the case
    assert [r.code for r in exc.value.refusals] == ["no_access", "bti.holder_outside_collaboration"]
    assert "Stafettholderen må tilhøre en tjeneste som deltar i saken med samtykke" in exc.value.message


def test_bti_standard_keeps_the_baton_in_the_owner_unit_at_levels_0_and_1(world: World) -> None:
    case = world.open_case()
    world.level_1(case.id)
    world.join(case.id, PPT)  # PPT can reach the case, but the work is still the school's own
    with pytest.raises(RuleRefused) as exc, world.as_(world.teacher) as w:
        w.relay_holder.assign(case.id, world.ppt)
    assert [r.code for r in exc.value.refusals] == ["bti.holder_outside_owner_unit"]
    assert (
        "På nivå 0 og 1 skal stafettholderen være ansatt i enheten som meldte undringen" in exc.value.message
    )
    with world.as_(world.teacher) as w:
        w.relay_holder.assign(case.id, world.leader)
    assert holder(world, case.id) == world.leader


def test_a_coordinator_may_hold_the_baton_while_consent_is_in_force(world: World) -> None:
    case = world.open_case()
    with pytest.raises(RuleRefused) as exc, world.as_(world.teacher) as w:
        w.relay_holder.assign(case.id, world.coordinator)  # no consent yet: taushetsplikt
    assert [r.code for r in exc.value.refusals] == ["no_access"]
    world.join(case.id, PPT)
    with world.as_(world.teacher) as w:
        w.relay_holder.assign(case.id, world.coordinator)
    with world.as_(world.coordinator) as w:
        assert w.cases.get(case.id).relay_holder_id == world.coordinator


def test_closing_the_case_cancels_a_pending_handover(world: World, case_id: str) -> None:
    handover = offer(world, case_id, world.ppt)
    with world.as_(world.teacher) as w:
        w.cases.close(case_id, CloseReason.RESOLVED)
    with world.as_(world.ppt) as w:
        assert w.relay_holder.pending_for_me() == []
    with pytest.raises(Conflict) as exc, world.as_(world.ppt) as w:
        w.relay_holder.accept(handover.id)
    assert exc.value.code == "case_closed"
    assert holder(world, case_id) == world.teacher
