"""A service takes part on a basis that is true when it is recorded (issue 13): a consent in force that
names it, or child welfare under the duty to report. When the consent is withdrawn or runs out, the
service is shown as without a basis, the level says it lacks its consent, and the stafettholder is told
where they look: a reminder addressed to them, a log entry, and their Mine saker row."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from contracts import LogEntryKind, ParticipantStatus
from core.services.reminders import ReminderKind, ReminderService
from tests.api_support import Api
from tests.conftest import CHILD_WELFARE, HEALTH, PPT, SCHOOL, World


def participants(api: Api, world: World, case_id: str) -> dict[str, str]:
    items = api.as_(world.teacher).ok("GET", f"/api/v1/cases/{case_id}/participants")["items"]
    return {p["unit_id"]: p["status"] for p in items}


def test_a_service_on_consent_is_refused_until_a_consent_in_force_names_it(api: Api, world: World) -> None:
    case = world.open_case()
    teacher = api.as_(world.teacher)
    world.consent(case.id, [HEALTH])  # a consent for another service is no basis for PPT
    log_before = teacher.ok("GET", f"/api/v1/cases/{case.id}/log")["total"]

    refused = teacher.post(f"/api/v1/cases/{case.id}/participants", json={"unit_id": PPT, "basis": "consent"})
    assert refused.status_code == 409, refused.text
    problem = refused.json()
    assert (problem["code"], [r["code"] for r in problem["refusals"]]) == (
        "rule_refused",
        ["no_consent_for_service"],
    )
    assert problem["detail"].startswith(
        "PPT Fjordvik kan ikke tas med på grunnlag av samtykke: ingen samtykke"
    )
    assert participants(api, world, case.id) == {SCHOOL: "active"}  # nothing written
    assert teacher.ok("GET", f"/api/v1/cases/{case.id}/log")["total"] == log_before

    world.consent(case.id, [PPT])
    made = teacher.post(f"/api/v1/cases/{case.id}/participants", json={"unit_id": PPT, "basis": "consent"})
    assert made.status_code == 201, made.text
    assert made.headers["location"] == f"/api/v1/cases/{case.id}/participants/{PPT}"
    body = made.json()
    assert set(body) >= {"case_id", "unit_id", "basis", "added_at", "status"} and "level" not in body
    assert teacher.ok("GET", made.headers["location"]) == body
    missing = teacher.get(f"/api/v1/cases/{case.id}/participants/{CHILD_WELFARE}")
    assert missing.status_code == 404 and missing.json()["code"] == "not_participant"


def test_the_duty_to_report_is_a_basis_for_child_welfare_only(api: Api, world: World) -> None:
    case = world.open_case()
    teacher = api.as_(world.teacher)
    wrong = teacher.post(
        f"/api/v1/cases/{case.id}/participants", json={"unit_id": PPT, "basis": "report_duty"}
    )
    assert wrong.status_code == 422 and "barneverntjenesten" in wrong.json()["detail"]
    owner = teacher.post(f"/api/v1/cases/{case.id}/participants", json={"unit_id": HEALTH, "basis": "owner"})
    assert (
        owner.status_code == 422
        and owner.json()["detail"] == "En tjeneste kan ikke legges til som eier av saken."
    )
    made = teacher.post(
        f"/api/v1/cases/{case.id}/participants", json={"unit_id": CHILD_WELFARE, "basis": "report_duty"}
    )
    assert made.status_code == 201, made.text  # the one basis without consent
    assert (made.json()["basis"], made.json()["status"]) == ("report_duty", "active")


def test_a_withdrawal_shows_who_lost_their_basis_and_tells_the_stafettholder(api: Api, world: World) -> None:
    case = world.open_case()
    world.level_2(case.id)  # PPT under the guardians' consent; the teacher holds the baton
    with world.as_(world.teacher) as w:
        consent_id = w.consents.list(case.id)[0].id
    api.as_(world.father).ok("POST", f"/api/v1/consents/{consent_id}/withdraw", {"reason": "Vi vil vente"})

    assert participants(api, world, case.id) == {SCHOOL: "active", PPT: "basis_lapsed"}
    assert api.as_(world.ppt).get(f"/api/v1/cases/{case.id}").status_code == 403

    # the log, in the withdrawal's transaction: which services lost their basis, not shown to the family
    log = api.as_(world.teacher).ok("GET", f"/api/v1/cases/{case.id}/log?limit=200")["items"]
    withdrawn, lapsed = log[-2:]
    assert (withdrawn["kind"], lapsed["kind"]) == ("consent_withdrawn", "participant_basis_lapsed")
    assert (lapsed["author_id"], lapsed["shared_with_family"], lapsed["data"]["unit_ids"]) == (
        None,
        False,
        [PPT],
    )
    assert "PPT Fjordvik" in lapsed["text"] and "nivå 2 – samarbeid to" in lapsed["text"]
    family = api.as_(world.mother).ok("GET", f"/api/v1/family/cases/{case.id}/log?limit=200")["items"]
    assert "participant_basis_lapsed" not in {e["kind"] for e in family}

    # the reminder, addressed to the stafettholder
    reminders = api.as_(world.coordinator).ok("GET", "/api/v1/reminders")["items"]
    (missing,) = [r for r in reminders if r["kind"] == "consent_missing"]
    assert (missing["case_id"], missing["recipient_id"], missing["unit_ids"], missing["level"]) == (
        case.id,
        world.teacher,
        [PPT],
        2,
    )
    assert missing["message"].startswith("Saken er på nivå 2 – samarbeid to, men samtykket nivået krever")

    # the holder's Mine saker row
    with world.as_(world.teacher) as w:
        (row,), _ = w.cases.overview()
    assert (row.lapsed_unit_ids, row.level_lacks_consent) == ((PPT,), True)

    # a new consent in force: the same participant is active again, the reminder is gone
    world.consent(case.id, [PPT])
    assert participants(api, world, case.id)[PPT] == "active"
    assert [
        r
        for r in api.as_(world.coordinator).ok("GET", "/api/v1/reminders")["items"]
        if r["kind"] == "consent_missing"
    ] == []


def test_an_expired_consent_lapses_the_basis_without_anyone_acting(api: Api, world: World) -> None:
    case = world.open_case()
    world.level_1(case.id)
    world.join(case.id, PPT, days=30)
    with world.as_(world.teacher) as w:
        w.relay_holder.assign(case.id, world.teacher)
        w.cases.change_level(case.id, 2)
    world.clock.advance(days=31)
    assert participants(api, world, case.id)[PPT] == "basis_lapsed"
    with world.system() as w:
        kinds = [r.kind for r in ReminderService(w).due()]
    assert ReminderKind.CONSENT_MISSING in kinds
    with world.as_(world.teacher) as w:
        assert w.cases.state(case.id).participants[-1].status is ParticipantStatus.BASIS_LAPSED
        assert LogEntryKind.PARTICIPANT_BASIS_LAPSED not in {e.kind for e in w.log.entries(case.id)}


def test_a_case_at_level_1_is_not_reminded_of_consent(world: World) -> None:
    """Levels 0–1 need no consent: a lapsed participant there is shown, but no level lacks anything."""
    case = world.open_case()
    world.level_1(case.id)
    world.join(case.id, PPT, lapsed=True)
    with world.system() as w:
        assert ReminderService(w).due() == []
    with world.as_(world.teacher) as w:
        (row,), _ = w.cases.overview()
    assert (row.lapsed_unit_ids, row.level_lacks_consent) == ((PPT,), False)


@pytest.mark.parametrize("cases", [1, 3])
def test_reminders_are_one_scan_whatever_the_number_of_cases(world: World, cases: int) -> None:
    for _ in range(cases):
        case = world.open_case(world.add_child(world.aged(9), guardians=(world.mother, world.father)))
        world.level_2(case.id)
        with world.as_(world.teacher) as w:
            consent_id = w.consents.list(case.id)[0].id
        with world.as_(world.mother) as w:
            w.consents.withdraw(consent_id)
    statements: list[str] = []

    def count(conn, cursor, statement, *args) -> None:
        statements.append(statement)

    engine = world.platform.database.engine
    sa.event.listen(engine, "before_cursor_execute", count)
    try:
        with world.system() as w:
            due = ReminderService(w).due()
    finally:
        sa.event.remove(engine, "before_cursor_execute", count)
    assert [r.kind for r in due] == [ReminderKind.CONSENT_MISSING] * cases
    selects = [s for s in statements if s.lstrip().upper().startswith("SELECT")]
    assert len(selects) <= 6, selects  # the same few scans for one case or many


def test_a_stafettholder_who_lost_access_is_not_the_one_reminded(world: World) -> None:
    """PPT holds the baton when the consent is withdrawn: PPT cannot open the case, the owning unit acts."""
    case = world.open_case()
    world.level_2(case.id)
    world.hand_over(case.id, world.ppt)
    with world.as_(world.teacher) as w:
        consent_id = w.consents.list(case.id)[0].id
    with world.as_(world.mother) as w:
        w.consents.withdraw(consent_id)
    with world.system() as w:
        (reminder,) = ReminderService(w).due()
    assert (reminder.kind, reminder.relay_holder_id, reminder.recipient_id) == (
        ReminderKind.CONSENT_MISSING,
        world.ppt,
        None,
    )
