"""How the API answers (issue 13): a case one may not know exists is an unknown id, a refusal names its rule,
a closed case is a state conflict, the log is append-only, and every create names what it made."""

from __future__ import annotations

import msgspec
import pytest

from configs import CONFIG_DIR
from contracts import UnitMembership
from core.config import default_config, load_config
from core.domain.policy import Actor
from core.testing import configure
from tests.api_support import Api
from tests.conftest import PPT, World

OTHER_MUNICIPALITY = "4204"


@pytest.fixture
def config():
    """The demo municipality and Kristiansand in one deployment."""
    other = configure(load_config(CONFIG_DIR / "kristiansand.toml"), ["bti-standard"])
    return msgspec.structs.replace(
        default_config(), municipalities=[*default_config().municipalities, *other.municipalities]
    )


def without_id(body: dict, case_id: str) -> dict:
    return {k: (v.replace(case_id, "ID") if isinstance(v, str) else v) for k, v in body.items()}


def test_a_case_one_may_not_know_exists_answers_as_an_unknown_id(api: Api, world: World) -> None:
    case = world.open_case()
    nurse = api.as_(world.nurse)  # another unit of the municipality: not in the case
    before = api.audit_count(actor_id=world.nurse, outcome="refused")
    hidden = nurse.get(f"/api/v1/cases/{case.id}")
    unknown = nurse.get("/api/v1/cases/finnes-ikke")
    assert hidden.status_code == unknown.status_code == 404
    assert without_id(hidden.json(), case.id) == without_id(unknown.json(), "finnes-ikke")
    assert api.audit_count(actor_id=world.nurse, outcome="refused") == before + 1  # the refusal is audited
    event = api.last_audit()
    assert (event.actor_id, event.case_id, event.outcome) == (world.nurse, case.id, "refused")
    assert event.reason.startswith("taushetsplikt: ")

    with world.platform.work(Actor.system(OTHER_MUNICIPALITY), "seed") as w:
        other = w.people.register_employee(
            given_name="Ola", family_name="Nabo", memberships=[UnitMembership(unit_id="kristiansand-skole")]
        ).id
    elsewhere = api.as_(other).post(f"/api/v1/cases/{case.id}/log", {"text": "Hei"})
    assert elsewhere.status_code == 404 and elsewhere.json()["code"] == "case_not_found"
    reason = "other_municipality: Opplysningene tilhører en annen kommune."
    assert api.audit_count(actor_id=other, outcome="refused", case_id=case.id, reason=reason) == 1


def test_who_may_know_the_case_is_told_which_rule_refuses(api: Api, world: World) -> None:
    case = world.open_case()
    consent = world.consent(case.id, [PPT])
    with world.as_(world.teacher) as w:
        w.cases.add_participant(case.id, PPT)
    with world.as_(world.mother) as w:
        w.consents.withdraw(consent.id)
    refused = api.as_(world.ppt).get(f"/api/v1/cases/{case.id}")  # takes part, its consent withdrawn
    assert refused.status_code == 403 and refused.json()["code"] == "taushetsplikt"
    assert refused.json()["detail"] == (
        "Tjenesten din deltar i saken, men ingen samtykke i kraft dekker den; taushetsplikten gjelder."
    )
    family = api.as_(world.mother).get(f"/api/v1/cases/{case.id}")  # the family's view is elsewhere
    assert family.status_code == 403 and family.json()["code"] == "family_view"


def test_writing_to_a_closed_case_is_a_conflict(api: Api, world: World) -> None:
    case = world.open_case()
    teacher = api.as_(world.teacher)
    teacher.ok("POST", f"/api/v1/cases/{case.id}/close", {"reason": "resolved"})
    before = api.audit_count(actor_id=world.teacher, outcome="refused")
    response = teacher.post(f"/api/v1/cases/{case.id}/log", {"text": "Etterpå"})
    assert response.status_code == 409 and response.json()["code"] == "case_closed"
    assert response.json()["detail"] == "Saken er avsluttet; den kan leses, men ikke endres."
    assert api.audit_count(actor_id=world.teacher, outcome="refused") == before + 1
    assert teacher.get(f"/api/v1/cases/{case.id}").status_code == 200


def test_a_log_entry_is_read_but_never_changed(api: Api, world: World) -> None:
    case = world.open_case()
    teacher = api.as_(world.teacher)
    made = teacher.post(f"/api/v1/cases/{case.id}/log", {"text": "Notat."})
    entry = made.json()
    assert (
        made.status_code == 201 and made.headers["location"] == f"/api/v1/cases/{case.id}/log/{entry['id']}"
    )
    assert teacher.ok("GET", made.headers["location"]) == entry
    for method in ("PUT", "PATCH", "DELETE"):
        response = teacher.request(method, made.headers["location"], json={"text": "Endret."})
        assert response.status_code == 405 and response.headers["allow"] == "GET"
        assert response.json()["detail"] == "Stafettloggen kan ikke endres; skriv en retting."
    assert teacher.ok("GET", made.headers["location"])["text"] == "Notat."


def test_every_create_answers_what_it_made_with_its_location(api: Api, world: World) -> None:
    case = world.open_case()
    teacher = api.as_(world.teacher)
    concern = teacher.post(f"/api/v1/cases/{case.id}/concerns", {"observation": "Ny undring."})
    assert concern.status_code == 201
    assert (concern.json()["case_id"], concern.json()["observation"]) == (case.id, "Ny undring.")
    assert "level" not in concern.json()  # the concern, not the case
    assert concern.headers["location"] == f"/api/v1/cases/{case.id}/concerns"
    child = world.add_child(world.aged(6))
    opened = teacher.post(
        "/api/v1/cases", {"subject_id": child, "unit_id": case.owner_unit_id, "observation": "x"}
    )
    assert opened.headers["location"] == f"/api/v1/cases/{opened.json()['id']}"
    assert teacher.ok("GET", opened.headers["location"])["id"] == opened.json()["id"]
    employee = api.as_(world.admin).post("/api/v1/employees", {"given_name": "Ny", "family_name": "Ansatt"})
    assert employee.headers["location"] == f"/api/v1/employees/{employee.json()['id']}"
