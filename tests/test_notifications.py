"""Varsler written with what caused them, and the scheduled ones found by SQL scans, once each."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from core.domain.policy import Actor
from core.errors import StafettError
from core.notify import scans
from core.storage.notification_models import NotificationRow
from tests.conftest import MUNICIPALITY, World


def rows(world: World, kind: str | None = None) -> list[NotificationRow]:
    with world.platform.database.session() as s:
        stmt = select(NotificationRow).order_by(NotificationRow.created_at, NotificationRow.id)
        return [r for r in s.scalars(stmt) if kind is None or r.kind == kind]


def scan(world: World) -> int:
    with world.platform.work(Actor.system(MUNICIPALITY), "varsler") as w:
        return scans.scan(w.uow)


def test_handover_notifies_the_receiver_in_the_same_transaction_and_the_giver_on_answer(world: World) -> None:
    case = world.open_case()
    world.level_2(case.id)
    with world.as_(world.teacher) as w:
        handover = w.relay_holder.request_handover(case.id, world.ppt)
    [offered] = rows(world, "handover_offered")
    assert offered.recipient_id == world.ppt and offered.link == f"/saker/{case.id}#stafett"
    assert offered.read_at is None
    with world.as_(world.ppt) as w:
        w.relay_holder.accept(handover.id)
    [accepted] = rows(world, "handover_accepted")
    assert accepted.recipient_id == world.teacher  # the giver; never the one who acted
    assert not [r for r in rows(world) if r.recipient_id == world.ppt and r.kind == "handover_accepted"]


def test_a_change_rolled_back_leaves_no_notification(world: World) -> None:
    case = world.open_case()
    world.level_2(case.id)
    before = len(rows(world))
    with pytest.raises(StafettError), world.as_(world.teacher) as w:
        w.relay_holder.request_handover(case.id, world.ppt)
        w.relay_holder.request_handover(case.id, world.nurse)  # a second pending offer: refused
    assert len(rows(world)) == before


def test_the_family_hears_only_of_entries_shared_with_them(world: World) -> None:
    case = world.open_case()
    with world.as_(world.teacher) as w:
        w.log.add_note(case.id, "Delt med familien.")
        w.log.add_note(case.id, "Internt notat.", shared_with_family=False)
    family = rows(world, "family_entry")
    assert {r.recipient_id for r in family} == {world.mother, world.father}  # not the stepfather
    assert len(family) == 2 and all(r.link == f"/min-side/saker/{case.id}" for r in family)


def test_scans_find_due_evaluations_expiring_consents_and_cases_without_holder_once(world: World) -> None:
    case = world.open_case()
    world.level_2(case.id)
    world.measure(case.id, "Fast friminuttsvenn", "Leker med andre", days=10)
    scan(world)
    assert not rows(world, "evaluation_due")  # 10 days away: not yet
    world.clock.advance(days=4)
    scan(world)
    [due] = rows(world, "evaluation_due")
    assert due.recipient_id == world.teacher and due.link.endswith("#tiltak")
    scan(world)
    assert len(rows(world, "evaluation_due")) == 1  # idempotent: the same due date is told once
    world.clock.advance(days=8)
    scan(world)
    assert [r.recipient_id for r in rows(world, "evaluation_overdue")] == [world.teacher]

    # the consent (365 days) comes within 30 days of its end: the holder and both givers are told
    world.clock.now = dt.datetime(2026, 2, 10, 9, 0, tzinfo=dt.UTC)
    scan(world)
    expiring = rows(world, "consent_expiring")
    assert {r.recipient_id for r in expiring} == {world.teacher, world.mother, world.father}
    world.clock.now = dt.datetime(2026, 3, 10, 9, 0, tzinfo=dt.UTC)
    scan(world)
    assert {r.recipient_id for r in rows(world, "consent_expired")} == {
        world.teacher,
        world.mother,
        world.father,
    }


def test_a_consent_asked_for_tells_each_giver_once_until_they_give_it(world: World) -> None:
    case = world.open_case()
    consent = world.consent(case.id, ["ppt-fjordvik"], give=False)
    scan(world)
    scan(world)
    asked = rows(world, "consent_requested")
    assert sorted(r.recipient_id for r in asked) == sorted([world.mother, world.father])
    assert all(r.link == f"/min-side/saker/{case.id}" for r in asked)
    with world.as_(world.mother) as w:
        w.consents.give(consent.id)
    scan(world)
    assert len(rows(world, "consent_requested")) == 2  # nobody told again


def test_a_case_without_stafettholder_tells_the_unit_leader_after_the_municipalitys_days(
    world: World,
) -> None:
    world.open_case()
    scan(world)
    assert not rows(world, "no_relay_holder")
    world.clock.advance(days=14)
    scan(world)
    scan(world)
    [row] = rows(world, "no_relay_holder")
    assert row.recipient_id == world.leader
    assert row.email == "none"  # the leader has no e-mail address: in Stafett only


def test_the_api_lists_my_varsler_counts_the_unread_and_marks_them_read(api, world: World) -> None:
    case = world.open_case()
    world.level_2(case.id)
    with world.as_(world.teacher) as w:
        w.relay_holder.request_handover(case.id, world.ppt)
    ppt = api.as_(world.ppt)
    assert ppt.ok("GET", "/api/v1/notifications/unread") == {"unread": 1}
    page = ppt.ok("GET", "/api/v1/notifications?limit=10")
    [item] = page["items"]
    assert page["total"] == 1 and item["kind"] == "handover_offered" and not item["read"]
    assert item["title"] == "Du er tilbudt stafetten i en sak" and item["link"] == f"/saker/{case.id}#stafett"
    assert (
        api.as_(world.nurse).post(f"/api/v1/notifications/{item['id']}/read").status_code == 404
    )  # not hers
    assert ppt.ok("POST", f"/api/v1/notifications/{item['id']}/read")["read"] is True
    assert ppt.ok("GET", "/api/v1/notifications/unread") == {"unread": 0}
    teacher = api.as_(world.teacher)
    assert teacher.ok("GET", "/api/v1/notifications")["total"] == 0  # she acted: nothing for her
    assert teacher.ok("POST", "/api/v1/notifications/read-all") == {"unread": 0}
