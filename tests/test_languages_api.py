"""The API answers in nynorsk when asked (``Accept-Language: nn``): problem titles, details, the reasons of
invalid-params and of refusals, and the policy's reasons (docs/languages.md). The same request without the
header answers in bokmål, as before."""

from __future__ import annotations

import re
from typing import Any

from tests.api_support import Api, Client
from tests.conftest import PPT, World

NYNORSK = {"accept-language": "nn"}
BOKMAL_ONLY = re.compile(r"\b(ikke|jeg|hva|hvem|hvordan|noen|mye|være|ble)\b", re.IGNORECASE)


def both(client: Client, method: str, path: str, json: Any = None) -> tuple[dict[str, Any], dict[str, Any]]:
    """The answer to the same request in nynorsk and in bokmål; both fail alike and say what they are in."""
    nn = client.request(method, path, json=json, headers=NYNORSK)
    nb = client.request(method, path, json=json)
    assert nn.status_code == nb.status_code >= 400, (nn.status_code, nb.status_code, nn.text)
    assert nn.headers["content-language"] == "nn" and nb.headers["content-language"] == "nb"
    assert nn.json()["code"] == nb.json()["code"]
    return nn.json(), nb.json()


def texts(problem: dict[str, Any]) -> list[str]:
    """Everything a person reads in a problem: title, detail, each reason."""
    return [
        problem["title"],
        problem["detail"],
        *(p["reason"] for p in problem.get("invalid-params", [])),
        *(r["message"] for r in problem.get("refusals", [])),
    ]


def assert_nynorsk(nn: dict[str, Any], nb: dict[str, Any]) -> None:
    assert nn["title"] != nb["title"] or nn["title"] in ("Konflikt", "Feil", "Intern feil")
    assert nn["detail"] != nb["detail"], nn["detail"]
    for said in texts(nn):
        assert not BOKMAL_ONLY.search(said), said
    for mine, theirs in zip(nn.get("invalid-params", []), nb.get("invalid-params", []), strict=True):
        assert mine["name"] == theirs["name"]
        assert mine["reason"] != theirs["reason"] or mine["reason"] == "Ugyldig verdi.", mine
    for mine, theirs in zip(nn.get("refusals", []), nb.get("refusals", []), strict=True):
        assert mine["code"] == theirs["code"] and mine["message"] != theirs["message"]


def test_an_unknown_case_is_404_in_nynorsk(api: Api, world: World) -> None:
    nn, nb = both(api.as_(world.teacher), "GET", "/api/v1/cases/ukjend-sak")
    assert_nynorsk(nn, nb)
    assert nn["title"] == "Finst ikkje" and nn["detail"] == "Fann inga sak med id «ukjend-sak»."
    assert nb["detail"] == "Fant ingen sak med id «ukjend-sak»."


def test_a_validation_error_names_the_field_in_nynorsk(api: Api, world: World) -> None:
    teacher = api.as_(world.teacher)
    case = {"subject_id": world.child, "unit_id": "fjordvik-skole", "observation": "x"}
    said = {}
    for body, field in (
        ({**case, "subject_id": ""}, "$.subject_id"),
        ({**case, "unit_id": 7}, "$.unit_id"),
        ({**case, "ukjent": True}, "$.ukjent"),
    ):
        nn, nb = both(teacher, "POST", "/api/v1/cases", body)
        assert nn["code"] == "invalid_request" and [p["name"] for p in nn["invalid-params"]] == [field]
        assert_nynorsk(nn, nb)
        assert nn["detail"] == "Førespurnaden er ikkje gyldig. Sjå «invalid-params»."
        said[field] = nn["invalid-params"][0]["reason"]
    assert said == {
        "$.subject_id": "Teksten er for kort: minst 1 teikn.",
        "$.unit_id": "Venta tekst, fekk eit heiltal.",
        "$.ukjent": "Ukjent felt; det finst ikkje i denne førespurnaden.",
    }


def test_a_policy_refusal_is_403_with_its_reason_in_nynorsk(api: Api, world: World) -> None:
    case = world.open_case()
    world.join(case.id, PPT, lapsed=True)
    nn, nb = both(api.as_(world.ppt), "GET", f"/api/v1/cases/{case.id}")
    assert nn["code"] == "taushetsplikt"
    assert_nynorsk(nn, nb)
    assert nn["title"] == "Inga tilgang" and "teieplikta" in nn["detail"]
    assert "taushetsplikten" in nb["detail"]


def test_a_rule_refusal_is_409_with_every_refusal_in_nynorsk(api: Api, world: World) -> None:
    case = world.open_case()
    nn, nb = both(api.as_(world.teacher), "POST", f"/api/v1/cases/{case.id}/level", {"level": 2})
    assert nn["code"] == "rule_refused" and len(nn["refusals"]) >= 1
    assert_nynorsk(nn, nb)
    assert nn["detail"] == " ".join(r["message"] for r in nn["refusals"])


def test_an_invalid_national_id_is_422_in_nynorsk(api: Api, world: World) -> None:
    body = {"given_name": "Ola", "family_name": "Nordmann", "national_id": "01010112345"}
    nn, nb = both(api.as_(world.teacher), "POST", "/api/v1/children", body)
    assert nn["title"] != nb["title"]
    assert_nynorsk(nn, nb)
    assert "fødselsnummeret" in nn["detail"].lower()


def test_a_closed_case_is_409_in_nynorsk(api: Api, world: World) -> None:
    case = world.open_case()
    teacher = api.as_(world.teacher)
    teacher.ok("POST", f"/api/v1/cases/{case.id}/close", {"reason": "resolved"})
    nn, nb = both(teacher, "POST", f"/api/v1/cases/{case.id}/log", {"text": "Ein merknad."})
    assert nn["code"] == "case_closed"
    assert_nynorsk(nn, nb)
    assert nn["detail"] == "Saka er avslutta; ho kan lesast, men ikkje endrast."
    assert nb["detail"] == "Saken er avsluttet; den kan leses, men ikke endres."
