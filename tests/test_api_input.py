"""Strict input (issue 13): JSON types are not coerced, each fault names its field's JSON path and says
why in bokmål, unknown query parameters are refused, and dates and ages are checked the same everywhere."""

from __future__ import annotations

import datetime as dt
import random

import pytest

from core.domain.national_id import generate
from tests.api_support import Api
from tests.conftest import PPT, World


def case_level(api: Api, world: World, case_id: str) -> int:
    return api.as_(world.teacher).ok("GET", f"/api/v1/cases/{case_id}")["level"]


def test_json_types_are_not_coerced(api: Api, world: World) -> None:
    """The integrator's body moved the case; now it is refused and the case stays where it was."""
    case = world.open_case()
    body = {"level": "1", "unit_leader_informed": "true", "guardians_informed": 1}
    response = api.as_(world.teacher).post(f"/api/v1/cases/{case.id}/level", body)
    assert response.status_code == 400
    assert response.json()["invalid-params"] == [
        {"name": "$.level", "reason": "Forventet et heltall, fikk tekst."}
    ]
    for field, value in (("unit_leader_informed", "true"), ("guardians_informed", 1)):
        one = {"level": 1, "unit_leader_informed": True, "guardians_informed": True, field: value}
        refused = api.as_(world.teacher).post(f"/api/v1/cases/{case.id}/level", one)
        assert refused.status_code == 400
        assert refused.json()["invalid-params"][0]["name"] == f"$.{field}"
    assert case_level(api, world, case.id) == 0
    # path and query parameters arrive as text, and are still read as the numbers they are
    page = api.as_(world.teacher).ok("GET", "/api/v1/cases?limit=1&offset=0")
    assert (page["limit"], page["offset"]) == (1, 0)


def consent(**changes: object) -> dict:
    body = {
        "unit_ids": [PPT],
        "categories": ["observasjoner"],
        "purpose": "Samarbeid",
        "area": "general",
        "valid_from": "2025-01-01",
        "valid_to": "2025-03-01",
    }
    return {**body, **changes}


UNKNOWN = "Ukjent felt; det finnes ikke i denne forespørselen."
BAD_ENUM = "Ugyldig verdi 9; se de gyldige i API-beskrivelsen."
FAULTS = [  # (what, path under the case, body, field, reason)
    ("wrong type", "/level", {"level": "1"}, "$.level", "Forventet et heltall, fikk tekst."),
    ("unknown field", "/level", {"level": 1, "data": 1}, "$.data", UNKNOWN),
    ("missing field", "/level", {}, "$.level", "Feltet mangler; det er påkrevd."),
    ("unknown enum value", "/level", {"level": 9}, "$.level", BAD_ENUM),
    ("too long", "/log", {"text": "a" * 20_001}, "$.text", "Teksten er for lang: høyst 20000 tegn."),
    (
        "too short",
        "/consents",
        consent(categories=[""]),
        "$.categories[0]",
        "Teksten er for kort: minst 1 tegn.",
    ),
    (
        "item of a list",
        "/consents",
        consent(unit_ids=[PPT, "x", 3]),
        "$.unit_ids[2]",
        "Forventet tekst, fikk et heltall.",
    ),
    (
        "too many items",
        "/consents",
        consent(unit_ids=["x"] * 101),
        "$.unit_ids",
        "For mange elementer: høyst 100.",
    ),
    ("pattern", "/log", {"text": "nul \u0000"}, "$.text", "Teksten har ugyldige tegn eller feil form."),
    ("own check", "/log", {"tool_id": "t", "form": {"a": "\u0000"}}, "$.form", "NUL-tegn er ikke tillatt."),
    (
        "bad date",
        "/consents",
        consent(valid_from="2025-13-01"),
        "$.valid_from",
        "Ugyldig dato; skriv den som ÅÅÅÅ-MM-DD.",
    ),
    (
        "bool as number",
        "/log",
        {"text": "x", "bright_moment": 1},
        "$.bright_moment",
        "Forventet true eller false, fikk et heltall.",
    ),
]


@pytest.mark.parametrize(("what", "suffix", "body", "field", "reason"), FAULTS, ids=[f[0] for f in FAULTS])
def test_each_fault_names_its_json_path_in_bokmaal(
    api: Api, world: World, what: str, suffix: str, body: dict, field: str, reason: str
) -> None:
    case = world.open_case()
    response = api.as_(world.teacher).post(f"/api/v1/cases/{case.id}{suffix}", body)
    assert response.status_code == 400, response.text
    problem = response.json()
    assert problem["code"] == "invalid_request" and problem["detail"].startswith(
        "Forespørselen er ikke gyldig."
    )
    assert problem["invalid-params"] == [{"name": field, "reason": reason}]


def test_query_and_header_faults_are_named_and_said_in_bokmaal(api: Api, world: World) -> None:
    teacher = api.as_(world.teacher)
    for query, name, reason in (
        ("limit=0", "limit", "Verdien må være minst 1."),
        ("limit=201", "limit", "Verdien må være høyst 200."),
        ("limit=mange", "limit", "Forventet et heltall, fikk tekst."),
        ("subject_id=x", "subject_id", "Ukjent parameter; denne adressen tar den ikke."),
    ):
        response = teacher.get(f"/api/v1/cases?{query}")
        assert response.status_code == 400, (query, response.text)
        assert response.json()["invalid-params"] == [{"name": name, "reason": reason}]
    meeting = {"kind": "collaboration", "starts_at": "2025-03-01T10:00:00"}
    response = teacher.post("/api/v1/meetings", meeting)
    assert response.json()["invalid-params"] == [
        {"name": "$.starts_at", "reason": "Tidspunktet må ha tidssone."}
    ]


def test_unknown_query_parameters_are_refused_on_every_endpoint(api: Api, world: World) -> None:
    case = world.open_case()
    teacher = api.as_(world.teacher)
    for path in (
        "/api/v1/units",
        f"/api/v1/cases/{case.id}",
        f"/api/v1/cases/{case.id}/log",
        "/api/v1/handovers",
    ):
        assert teacher.get(path).status_code == 200
        response = teacher.get(f"{path}?q=Ola")
        assert response.status_code == 400 and response.json()["invalid-params"][0]["name"] == "q"
    assert teacher.post(f"/api/v1/cases/{case.id}/log?shared=1", {"text": "x"}).status_code == 400


def test_observed_on_in_the_future_is_refused_for_every_undring(api: Api, world: World) -> None:
    case = world.open_case()
    tomorrow = (world.clock.today() + dt.timedelta(days=1)).isoformat()
    teacher = api.as_(world.teacher)
    child = world.add_child(world.aged(9))
    opened = teacher.post(
        "/api/v1/cases",
        {"subject_id": child, "unit_id": case.owner_unit_id, "observation": "x", "observed_on": tomorrow},
    )
    added = teacher.post(
        f"/api/v1/cases/{case.id}/concerns", {"observation": "Ny undring.", "observed_on": tomorrow}
    )
    for response in (opened, added):
        assert response.status_code == 422, response.text
        assert response.json()["detail"] == "Datoen for observasjonen kan ikke være fram i tid."
        assert response.json()["invalid-params"] == [
            {"name": "observed_on", "reason": "Datoen for observasjonen kan ikke være fram i tid."}
        ]
    assert len(teacher.ok("GET", f"/api/v1/cases/{case.id}/concerns")["items"]) == 1


def test_a_child_is_0_to_23(api: Api, world: World) -> None:
    teacher = api.as_(world.teacher)
    old = world.aged(26)
    for body in (
        {"given_name": "Eldre", "family_name": "Person", "birth_date": old.isoformat()},
        {
            "given_name": "Eldre",
            "family_name": "Person",
            "national_id": generate(old, sex="female", rng=random.Random(26)),
        },
    ):
        response = teacher.post("/api/v1/children", body)
        assert response.status_code == 422, response.text
        assert response.json()["code"] == "out_of_target_group"
        assert response.json()["detail"] == "Personen er over 23 år og utenfor BTI-målgruppen."
    adult = teacher.post(
        "/api/v1/children",
        {"given_name": "Ung", "family_name": "Voksen", "birth_date": world.aged(23).isoformat()},
    )
    assert adult.status_code == 201, adult.text
