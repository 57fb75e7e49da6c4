"""The youth's own say: from 12 (the municipality's ``youth_say_age``) an entry or a tiltak can be kept
from the guardians at the youth's wish. The services see it, the youth sees it once they have their
own Min side, and neither guardian sees it anywhere: not on Min side, in the family API, the case API,
FHIR, their varsler or their innsyn. The archive version and the FHIR resources carry the label."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from core.errors import InvalidInput
from core.storage import models as m
from core.storage.notification_models import NotificationRow
from tests.api_support import Api
from tests.conftest import PPT, World

SECRET = "Mia vil snakke med helsesykepleier om kjæresten sin."
SECRET_MEASURE = "Samtaler med helsesykepleier"
OPEN = "Mia hadde en fin uke i klassen."


def _case_of_a(world: World, years: int) -> str:
    child = world.add_child(world.aged(years), guardians=(world.mother, world.father))
    return world.open_case(child).id


def _kept_and_shared(world: World, case_id: str) -> tuple[str, str]:
    today = world.clock.today()
    with world.as_(world.teacher) as w:
        hidden = w.log.add_note(case_id, SECRET, hidden_from_guardians=True)
        w.log.add_note(case_id, OPEN)
        measure = w.measures.create(
            case_id, title=SECRET_MEASURE, goal="Mia har en voksen å snakke med.",
            responsible_id=world.teacher, start_date=today, evaluation_date=today,
            hidden_from_guardians=True,
        )  # fmt: skip
        w.measures.evaluate(
            measure.id, outcome="partly", summary="To samtaler så langt.",
            next_evaluation_date=today + dt.timedelta(days=14),
        )  # fmt: skip
    return hidden.id, measure.id


def test_a_13_year_olds_hidden_entry_reaches_the_services_and_neither_guardian(
    world: World, api: Api
) -> None:
    case_id = _case_of_a(world, 13)
    world.level_2(case_id, with_=PPT)
    entry_id, measure_id = _kept_and_shared(world, case_id)

    # the services: the case page, the log API and FHIR all have it, marked
    for employee in (world.teacher, world.ppt):
        log = api.as_(employee).ok("GET", f"/api/v1/cases/{case_id}/log?limit=100")
        assert SECRET in str(log) and any(e["hidden_from_guardians"] for e in log["items"])
    page = api.as_(world.teacher).get(f"/saker/{case_id}")
    assert SECRET in page.text and "skjult for foresatte" in page.text
    fhir = api.as_(world.teacher).get(f"/fhir/R4/Communication?subject=Patient/{_subject(world, case_id)}")
    assert fhir.status_code == 200 and SECRET in fhir.text and "hidden-from-guardians" in fhir.text

    # both guardians, every path they have
    for guardian in (world.mother, world.father):
        client = api.as_(guardian)
        paths = [
            f"/min-side/saker/{case_id}",
            f"/api/v1/family/cases/{case_id}",
            f"/api/v1/family/cases/{case_id}/log?limit=100",
            f"/api/v1/family/cases/{case_id}/measures",
            f"/api/v1/family/cases/{case_id}/consents",
            f"/api/v1/cases/{case_id}/access-log",  # innsyn: who has read about them
            f"/api/v1/cases/{case_id}/log",
            f"/api/v1/cases/{case_id}/log/{entry_id}",
            f"/api/v1/cases/{case_id}/measures",
            f"/fhir/R4/Communication?subject=Patient/{_subject(world, case_id)}",
            f"/fhir/R4/Goal?subject=Patient/{_subject(world, case_id)}",
            "/api/v1/notifications",
            "/varsler",
        ]
        for path in paths:
            response = client.get(path)
            assert response.status_code < 500, (guardian, path)
            ids = (entry_id, measure_id) if response.status_code < 400 else ()  # a refusal names its URL
            for kept in (SECRET, SECRET_MEASURE, "To samtaler så langt", *ids):
                assert kept not in response.text, (guardian, path, kept)
        shared = client.ok("GET", f"/api/v1/family/cases/{case_id}/log?limit=100")
        assert OPEN in str(shared), "the family's view itself still works"

    # no varsel told a guardian of the hidden entry (one did of the shared note)
    with world.platform.database.session() as session:
        told = session.scalars(
            select(NotificationRow.key).where(NotificationRow.recipient_id.in_([world.mother, world.father]))
        ).all()
    assert not any(entry_id in key for key in told) and told


def test_the_youth_sees_what_is_kept_from_the_guardians_on_their_own_min_side(world: World, api: Api) -> None:
    case_id = _case_of_a(world, 16)
    _kept_and_shared(world, case_id)
    with world.platform.database.session() as session:
        youth = session.scalar(select(m.CaseRow.subject_id).where(m.CaseRow.id == case_id))
    mine = api.as_(youth).ok("GET", f"/api/v1/family/cases/{case_id}/log?limit=100")
    assert SECRET in str(mine) and OPEN in str(mine)
    assert SECRET_MEASURE in api.as_(youth).get(f"/api/v1/family/cases/{case_id}/measures").text
    assert SECRET not in api.as_(world.mother).get(f"/api/v1/family/cases/{case_id}/log?limit=100").text


def test_an_11_year_old_has_no_hidden_entries_and_a_home_task_cannot_be_one(world: World, api: Api) -> None:
    young = _case_of_a(world, 11)
    refused = api.as_(world.teacher).post(
        f"/api/v1/cases/{young}/log", {"text": SECRET, "hidden_from_guardians": True}
    )
    assert refused.status_code == 422 and "12 år" in refused.json()["detail"]
    older = _case_of_a(world, 14)
    today = world.clock.today().isoformat()
    home_task = api.as_(world.teacher).post(
        f"/api/v1/cases/{older}/measures",
        {"title": "Lekser", "goal": "Mål", "responsible_id": world.mother, "start_date": today,
         "evaluation_date": today, "for_family": True, "hidden_from_guardians": True},
    )  # fmt: skip
    assert home_task.status_code == 422
    with world.as_(world.teacher) as w:
        assert SECRET not in str(w.log.entries(young))
        with pytest.raises(InvalidInput):
            w.log.add_note(young, SECRET, hidden_from_guardians=True)


def test_a_correction_of_a_hidden_entry_stays_hidden(world: World, api: Api) -> None:
    case_id = _case_of_a(world, 13)
    entry_id, _ = _kept_and_shared(world, case_id)
    with world.as_(world.teacher) as w:
        w.log.correct(case_id, entry_id, "Mia vil snakke med helsesykepleier.", reason="Skrev for mye.")
    log = api.as_(world.mother).get(f"/api/v1/family/cases/{case_id}/log?limit=100").text
    assert "helsesykepleier" not in log


def _subject(world: World, case_id: str) -> str:
    with world.platform.database.session() as session:
        return session.scalar(select(m.CaseRow.subject_id).where(m.CaseRow.id == case_id)) or ""
