"""``/fhir/R4/`` read and search on a served app with real local-realm tokens: the API's policy and audit.

Every resource the facade returns is validated with fhir.resources' R4B models; one is also posted to
Medplum's FHIR server (tests/fhir_peer), whose validateResource accepts it.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator

import httpx
import pytest
from sqlalchemy import select

from adapters.fhir import mapping
from core.app import create_app
from core.auth import issue_token
from core.storage import models as m
from tests.conftest import PPT, World

FHIR_JSON = "application/fhir+json"


@pytest.fixture
def base(world: World, serve_app) -> str:
    return serve_app(lambda url: create_app(world.platform, public_url=url))


@pytest.fixture
def http(base: str) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=f"{base}/fhir/R4", timeout=20) as client:
        yield client


def get(
    world: World, http: httpx.Client, base: str, person: str | None, path: str, **token
) -> httpx.Response:
    headers = {}
    if person is not None:
        headers["Authorization"] = f"Bearer {issue_token(world.platform, person, public_url=base, **token)}"
    return http.get(path, headers=headers)


def ok(response: httpx.Response) -> dict:
    """A 200 FHIR answer, validated as R4 (R4B models) resource by resource."""
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith(FHIR_JSON)
    body = mapping.validate(response.json())
    for entry in body.get("entry", []):
        mapping.validate(entry["resource"])
    return body


def problem(response: httpx.Response, status: int) -> str:
    """The diagnostics of an OperationOutcome with ``status``."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith(FHIR_JSON)
    body = mapping.validate(response.json())
    assert body["resourceType"] == "OperationOutcome"
    return body["issue"][0]["diagnostics"]


def ids(bundle: dict) -> list[str]:
    assert bundle["resourceType"] == "Bundle" and bundle["type"] == "searchset"
    return [e["resource"]["id"] for e in bundle["entry"]]


def audit(world: World, person: str, action: str, outcome: str) -> list[m.AuditEventRow]:
    with world.platform.database.session() as session:
        return list(
            session.scalars(
                select(m.AuditEventRow).where(
                    m.AuditEventRow.actor_id == person,
                    m.AuditEventRow.action == action,
                    m.AuditEventRow.outcome == outcome,
                )
            )
        )


def fnr(world: World, person: str) -> str:
    with world.platform.database.session() as session:
        return session.get_one(m.PersonRow, person).national_id


def busy_case(world: World) -> str:
    """A level 2 case with PPT under consent, the teacher as stafettholder and one measure."""
    case = world.open_case()
    world.level_2(case.id, PPT)
    world.measure(case.id, "Samtalegruppe", "Ola trives i friminuttene", days=42)
    with world.as_(world.teacher) as w:
        w.log.add_note(case.id, "Snakket med kontaktlærer.")
    return case.id


def test_the_capability_statement_needs_no_login_and_lists_types_and_search_parameters(
    http: httpx.Client,
) -> None:
    statement = ok(http.get("metadata"))
    assert statement["resourceType"] == "CapabilityStatement" and statement["fhirVersion"] == "4.0.1"
    resources = {r["type"]: r for r in statement["rest"][0]["resource"]}
    assert set(resources) >= {"Patient", "RelatedPerson", "EpisodeOfCare", "Consent", "Goal", "AuditEvent"}
    assert {p["name"] for p in resources["Consent"]["searchParam"]} == {
        "_id",
        "identifier",
        "patient",
        "episode-of-care",
    }
    assert {"subject", "patient"} <= {p["name"] for p in resources["Goal"]["searchParam"]}


def test_the_employee_on_the_case_reads_and_searches_it_and_every_case_read_is_audited(
    world: World, http: httpx.Client, base: str
) -> None:
    case_id = busy_case(world)
    reads_before = len(audit(world, world.teacher, "case.read", "allowed"))

    episode = ok(get(world, http, base, world.teacher, f"EpisodeOfCare/{case_id}"))
    assert episode["patient"]["reference"] == f"Patient/{world.child}"
    assert episode["careManager"]["reference"] == f"PractitionerRole/stafettholder.{case_id}"

    whole = ok(get(world, http, base, world.teacher, f"Goal?episode-of-care=EpisodeOfCare/{case_id}"))
    [goal_id] = ids(whole)
    assert ok(get(world, http, base, world.teacher, f"Goal/{goal_id}"))["lifecycleStatus"] == "active"
    consents = ok(get(world, http, base, world.teacher, f"Consent?patient=Patient/{world.child}"))
    assert len(consents["entry"]) == 1 and consents["entry"][0]["resource"]["status"] == "active"
    team = ok(get(world, http, base, world.teacher, f"CareTeam/team.{case_id}"))
    assert {p["member"]["reference"] for p in team["participant"]} >= {"Organization/ppt-fjordvik"}
    log = ok(get(world, http, base, world.teacher, f"Communication?subject={world.child}"))["entry"]
    texts = [p.get("contentString", "") for e in log for p in e["resource"].get("payload", [])]
    assert "Snakket med kontaktlærer." in texts
    parents = ids(ok(get(world, http, base, world.teacher, f"RelatedPerson?patient={world.child}")))
    assert len(parents) == 3  # mother, father, and the stepfather without parental responsibility

    # the child found by fødselsnummer, the way a journal knows them
    found = ok(
        get(world, http, base, world.teacher, f"Patient?identifier={mapping.FNR}|{fnr(world, world.child)}")
    )
    assert ids(found) == [world.child] and found["total"] == 1
    assert found["entry"][0]["fullUrl"] == f"{base}/fhir/R4/Patient/{world.child}"
    assert ok(get(world, http, base, world.teacher, f"Patient/{world.child}"))["name"][0]["given"] == ["Ola"]

    # units and colleagues without a case: the unit directory and the audited person look-up
    assert ok(get(world, http, base, world.teacher, "Organization/ppt-fjordvik"))["name"]
    colleague = ok(
        get(world, http, base, world.teacher, f"Practitioner?identifier=urn:stafett:person|{world.ppt}")
    )
    assert ids(colleague) == [world.ppt]

    assert len(audit(world, world.teacher, "case.read", "allowed")) - reads_before >= 8


def test_an_unrelated_employee_is_refused_and_the_refusal_is_audited(
    world: World, http: httpx.Client, base: str
) -> None:
    case_id = busy_case(world)
    # the nurse's unit is not in the case: a read is not found, a search finds nothing (both audited)
    for path in (f"EpisodeOfCare/{case_id}", f"Patient/{world.child}"):
        assert "taushetsplikt" not in problem(get(world, http, base, world.nurse, path), 404).lower()
    for path in (
        f"Consent?patient=Patient/{world.child}",
        f"Patient?identifier={mapping.FNR}|{fnr(world, world.child)}",
    ):
        assert ids(ok(get(world, http, base, world.nurse, path))) == []
    refusals = audit(world, world.nurse, "case.read", "refused")
    assert len(refusals) == 4 and {r.case_id for r in refusals} == {case_id}
    assert audit(world, world.nurse, "case.read", "allowed") == []
    # a search that names no case only finds the cases the caller may read: none
    assert ids(ok(get(world, http, base, world.nurse, "EpisodeOfCare"))) == []
    # the family has its own view in the API; the full record is not theirs (refused, audited)
    problem(get(world, http, base, world.mother, f"EpisodeOfCare/{case_id}"), 403)
    assert len(audit(world, world.mother, "case.read", "refused")) == 1


def test_ppt_loses_access_when_consent_is_withdrawn(world: World, http: httpx.Client, base: str) -> None:
    case_id = busy_case(world)
    assert ok(get(world, http, base, world.ppt, f"EpisodeOfCare/{case_id}"))["id"] == case_id
    assert ids(ok(get(world, http, base, world.ppt, f"EpisodeOfCare?patient={world.child}"))) == [case_id]
    with world.as_(world.mother) as w:
        for consent in w.consents.list(case_id):
            w.consents.withdraw(consent.id)
    problem(get(world, http, base, world.ppt, f"EpisodeOfCare/{case_id}"), 403)
    problem(get(world, http, base, world.ppt, f"Goal?patient={world.child}"), 403)
    assert ids(ok(get(world, http, base, world.ppt, "EpisodeOfCare"))) == []
    assert len(audit(world, world.ppt, "case.read", "refused")) == 2


def test_login_and_bad_requests_are_operation_outcomes(world: World, http: httpx.Client, base: str) -> None:
    case_id = busy_case(world)
    no_token = get(world, http, base, None, f"EpisodeOfCare/{case_id}")
    assert "Innlogging" in problem(no_token, 401) and no_token.headers["www-authenticate"].startswith(
        "Bearer"
    )
    problem(get(world, http, base, world.teacher, f"EpisodeOfCare/{case_id}", lifetime=-3600), 401)
    forged = {
        "Authorization": "Bearer " + issue_token(world.platform, world.teacher, public_url=base)[:-4] + "AAAA"
    }
    problem(http.get(f"EpisodeOfCare/{case_id}", headers=forged), 401)

    teacher = world.teacher
    assert "Observation" in problem(get(world, http, base, teacher, "Observation/x"), 400)
    assert "color" in problem(get(world, http, base, teacher, "Patient?color=blue"), 400)
    problem(get(world, http, base, teacher, "Organization?patient=x"), 400)  # not a parameter of units
    problem(get(world, http, base, teacher, "Goal?patient=Practitioner/x"), 400)
    problem(get(world, http, base, teacher, "Goal?_count=0"), 400)
    problem(get(world, http, base, teacher, "Goal?_id=a&_id=b"), 400)
    problem(
        get(world, http, base, teacher, f"Patient?identifier={mapping.FNR}|123"), 400
    )  # not a fødselsnummer
    problem(get(world, http, base, teacher, "Practitioner"), 400)  # a whole staff list is not served
    problem(get(world, http, base, teacher, "EpisodeOfCare/" + "x" * 300), 400)

    problem(get(world, http, base, teacher, "EpisodeOfCare/ukjent"), 404)
    problem(get(world, http, base, teacher, "Goal/goal.ukjent"), 404)
    problem(get(world, http, base, teacher, "Goal/uten-prefiks"), 404)
    assert ids(ok(get(world, http, base, teacher, "Patient?_id=ukjent"))) == []


def test_an_independent_validator_accepts_what_the_facade_returns(
    world: World, http: httpx.Client, base: str
) -> None:
    from tests.fhir_peer.peer import FhirPeer, ensure_installed

    case_id = busy_case(world)
    ensure_installed()
    with FhirPeer() as peer, httpx.Client(base_url=peer.base, timeout=20) as medplum:
        for path in (
            f"Patient/{world.child}",
            f"EpisodeOfCare/{case_id}",
            f"Consent?episode-of-care={case_id}",
            f"Goal?episode-of-care={case_id}",
        ):
            body = ok(get(world, http, base, world.teacher, path))
            for resource in [e["resource"] for e in body.get("entry", [])] or [body]:
                resource = {k: v for k, v in resource.items() if k != "id"}
                answer = medplum.post(
                    resource["resourceType"], json=resource, headers={"Content-Type": FHIR_JSON}
                )
                assert answer.status_code == 201, (path, answer.text)


class Lines(logging.Handler):
    """Every log line, formatted as a handler would write it."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(self.format(record))


@pytest.fixture
def log_lines() -> Iterator[list[str]]:
    """Lines of the root, uvicorn's (its access log at INFO) and Stafett's loggers while the test runs."""
    handler = Lines()
    loggers = [logging.getLogger(n) for n in ("", "uvicorn", "uvicorn.access", "uvicorn.error", "stafett")]
    levels = [lg.level for lg in loggers]
    for lg in loggers:
        lg.addHandler(handler)
    logging.getLogger("uvicorn.access").setLevel(logging.INFO)
    try:
        yield handler.lines
    finally:
        for lg, level in zip(loggers, levels, strict=True):
            lg.removeHandler(handler)
            lg.setLevel(level)


def test_post_search_takes_the_fodselsnummer_in_the_body_and_no_log_line_has_it_or_the_token(
    world: World, http: httpx.Client, base: str, log_lines: list[str]
) -> None:
    busy_case(world)
    number = fnr(world, world.child)
    token = issue_token(world.platform, world.teacher, public_url=base)
    headers = {"Authorization": f"Bearer {token}"}
    form = {"identifier": f"{mapping.FNR}|{number}", "_count": "5"}
    posted = ok(http.post("Patient/_search", data=form, headers=headers))
    assert ids(posted) == [world.child]
    guardians = ok(
        http.post("RelatedPerson/_search", data={"patient": f"Patient/{world.child}"}, headers=headers)
    )
    [kari] = [e["resource"] for e in guardians["entry"] if e["resource"]["name"][0]["given"] == ["Kari"]]
    assert len(kari["id"]) <= 64
    assert ok(http.get(f"RelatedPerson/{kari['id']}", headers=headers))["id"] == kari["id"]  # read by its id
    got = ok(http.get("Patient", params={"identifier": f"{mapping.FNR}|{number}"}, headers=headers))
    assert ids(got) == [world.child]  # the GET form still works, but its URL reaches the access log
    as_json = http.post("Patient/_search", json=form, headers=headers)
    assert "x-www-form-urlencoded" in problem(as_json, 415)
    logging.getLogger("stafett.test").warning("søkte etter %s med %s", number, f"Bearer {token}")

    text = "\n".join(log_lines)
    assert "/fhir/R4/Patient/_search" in text and "/fhir/R4/Patient?identifier=" in text  # the access log ran
    assert number not in text and token not in text
    assert "«fnr»" in text and "Bearer «token»" in text


def test_bulk_export_kick_off_status_and_one_ndjson_per_type_for_what_the_caller_may_read(
    world: World, http: httpx.Client, base: str, tmp_path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import json
    import time

    from tests.fhir_peer.peer import FhirPeer, ensure_installed

    monkeypatch.setenv("STAFETT_FHIR_EXPORT_DIR", str(tmp_path / "jobs"))
    case_id = busy_case(world)
    other = world.add_child(world.aged(9))
    with world.as_(world.nurse) as w:
        hidden = w.cases.open_case(subject_id=other, unit_id="fjordvik-helsestasjon", observation="Sliten.")
    headers = {"Authorization": f"Bearer {issue_token(world.platform, world.teacher, public_url=base)}"}
    reads = len(audit(world, world.teacher, "case.read", "allowed"))

    assert "respond-async" in problem(http.get("$export", headers=headers), 400)
    assert "_type" in problem(
        http.get("$export?_type=Bogus", headers={**headers, "Prefer": "respond-async"}), 400
    )
    kick_off = http.get("$export", headers={**headers, "Prefer": "respond-async"})
    assert kick_off.status_code == 202, kick_off.text
    status_url = kick_off.headers["Content-Location"]
    assert status_url.startswith(f"{base}/fhir/R4/$export-status/")
    nurse = {"Authorization": f"Bearer {issue_token(world.platform, world.nurse, public_url=base)}"}
    assert http.get(status_url, headers=nurse).status_code == 404  # someone else's job is unknown to them
    deadline = time.monotonic() + 30
    while (status := http.get(status_url, headers=headers)).status_code == 202:
        assert status.headers["X-Progress"] and time.monotonic() < deadline
        time.sleep(0.1)
    assert status.status_code == 200, status.text
    manifest = status.json()
    assert manifest["requiresAccessToken"] is True and manifest["error"] == []
    outputs = {o["type"]: o for o in manifest["output"]}
    assert {"Patient", "EpisodeOfCare", "Consent", "Goal", "Communication"} <= set(outputs)
    assert "AuditEvent" not in outputs
    resources = []
    for kind, entry in outputs.items():
        assert http.get(entry["url"], headers=nurse).status_code == 404
        answer = http.get(entry["url"], headers=headers)
        assert answer.status_code == 200 and answer.headers["content-type"].startswith(
            "application/fhir+ndjson"
        )
        lines = [json.loads(line) for line in answer.text.splitlines()]
        assert len(lines) == entry["count"] and {r["resourceType"] for r in lines} == {kind}
        resources += lines
    episodes = [r["id"] for r in resources if r["resourceType"] == "EpisodeOfCare"]
    assert episodes == [case_id] and hidden.id not in episodes  # only what the teacher may read
    assert len(audit(world, world.teacher, "case.read", "allowed")) > reads  # each case read audited
    for resource in resources:
        assert mapping.r4_fault(mapping.validate(resource)) is None

    ensure_installed()
    with FhirPeer() as peer, httpx.Client(base_url=peer.base, timeout=20) as medplum:
        for resource in resources:
            body = {k: v for k, v in resource.items() if k != "id"}
            answer = medplum.post(body["resourceType"], json=body, headers={"Content-Type": FHIR_JSON})
            assert answer.status_code == 201, (resource["resourceType"], answer.text)
    assert http.delete(status_url, headers=headers).status_code == 202
    assert http.get(status_url, headers=headers).status_code == 404
