"""The case in FHIR R4: every resource valid, Norwegian identifiers and no-basis profiles, and back again."""

from __future__ import annotations

import datetime as dt

import pytest

from adapters.fhir import export, mapping, reverse
from core.domain.policy import Actor
from core.errors import NotFound
from core.services.mapping import subject as mapping_subject
from core.storage.models import PersonRow
from tests.conftest import HEALTH, MUNICIPALITY, PPT, World


def full_case(world: World) -> str:
    """A level-2 case with PPT under consent, a measure, a hand-over request and a correction."""
    case = world.open_case()
    world.level_2(case.id, with_=PPT)
    with world.as_(world.teacher, "tiltak") as w:
        measure = w.measures.create(
            case.id,
            title="Samtalegruppe",
            goal="Ola trives i friminuttene",
            responsible_id=world.teacher,
            start_date=world.clock.today(),
            evaluation_date=world.clock.today() + dt.timedelta(days=42),
        )
        note = w.log.add_note(case.id, "Ola lo mye i dag.", bright_moment=True)
        w.log.correct(case.id, note.id, "Ola lo mye i gymtimen i dag.", reason="presisering")
        w.relay_holder.request_handover(case.id, world.ppt, note="PPT tar over")
    world.clock.advance(days=43)
    with world.as_(world.teacher, "evaluering") as w:
        w.measures.evaluate(measure.id, outcome="partly", summary="Bedre", next_evaluation_date=None)
    return case.id


def by_type(bundle: dict) -> dict[str, list[dict]]:
    out: dict[str, list[dict]] = {}
    for entry in bundle["entry"]:
        out.setdefault(entry["resource"]["resourceType"], []).append(entry["resource"])
    return out


def test_case_bundle_maps_every_part_of_the_case(world: World) -> None:
    case_id = full_case(world)
    bundle = export.case_bundle(world.platform, world.actor(world.teacher), case_id)
    resources = by_type(bundle)
    for resources_of_type in resources.values():
        for resource in resources_of_type:
            mapping.validate(resource)  # each one is a valid R4 resource on its own
    [patient] = resources["Patient"]
    assert patient["meta"]["profile"] == ["http://hl7.no/fhir/StructureDefinition/no-basis-Patient"]
    assert patient["identifier"][0]["system"] == "urn:oid:2.16.578.1.12.4.1.4.1"
    assert patient["name"][0] == {"use": "official", "family": "Fjord", "given": ["Ola"]}
    guardians = {r["name"][0]["given"][0]: r for r in resources["RelatedPerson"]}
    assert guardians["Kari"]["relationship"][0]["coding"][0]["code"] == "GUARD"
    assert (
        guardians["Nils"]["relationship"][0]["coding"][0]["code"] == "FAMMEMB"
    )  # no parental responsibility
    [episode] = resources["EpisodeOfCare"]
    assert episode["type"][0]["text"] == "Nivå 2 – samarbeid to"
    assert episode["careManager"]["reference"] == f"PractitionerRole/stafettholder.{case_id}"
    holder_role = next(r for r in resources["PractitionerRole"] if r["id"] == f"stafettholder.{case_id}")
    assert holder_role["practitioner"]["reference"] == f"Practitioner/{world.teacher}"
    assert holder_role["code"][0]["coding"][0]["code"] == "stafettholder"
    [team] = resources["CareTeam"]
    assert {p["member"]["reference"] for p in team["participant"]} == {
        "Organization/fjordvik-skole",
        f"Organization/{PPT}",
    }
    [consent] = resources["Consent"]
    assert consent["status"] == "active"
    assert consent["provision"]["actor"][0]["reference"]["reference"] == f"Organization/{PPT}"
    assert len(consent["performer"]) == 2  # both parents gave it
    [plan] = resources["CarePlan"]
    assert plan["activity"][0]["detail"]["description"] == "Samtalegruppe"
    [goal] = resources["Goal"]
    assert goal["lifecycleStatus"] == "completed"
    assert goal["achievementStatus"]["coding"][0]["code"] == "improving"
    [task] = resources["Task"]
    assert (task["status"], task["owner"]["reference"]) == ("requested", f"Practitioner/{world.ppt}")
    [referral] = resources["ServiceRequest"]
    assert referral["performer"][0]["reference"] == f"Organization/{PPT}"
    texts = [c["payload"][0]["contentString"] for c in resources["Communication"]]
    assert "Ola lo mye i gymtimen i dag." in texts
    revisions = [p for p in resources["Provenance"] if p.get("entity")]
    assert len(revisions) == 1 and revisions[0]["entity"][0]["role"] == "revision"
    assert "AuditEvent" not in resources  # the teacher may not read the audit trail


def test_system_export_includes_the_audit_trail(world: World) -> None:
    case = world.open_case()
    with world.as_(world.teacher, "lese saken") as w:
        w.cases.get(case.id)  # an audited read, committed before the export
    bundle = export.case_bundle(world.platform, Actor.system(MUNICIPALITY), case.id)
    events = by_type(bundle)["AuditEvent"]
    assert any(e["subtype"][0]["code"] == "case.read" and e["outcome"] == "0" for e in events)


def test_organization_number_uses_the_norwegian_oid(world: World) -> None:
    from contracts import Unit

    unit = Unit(
        id="x", municipality_id=MUNICIPALITY, name="X", service_type="skole", organization_number="974760673"
    )
    org = mapping.validate(mapping.organization(unit))
    assert org["identifier"][0] == {"system": "urn:oid:2.16.578.1.12.4.1.4.101", "value": "974760673"}


def test_export_of_a_case_the_caller_may_not_see_is_refused_and_audited(world: World) -> None:
    case = world.open_case()
    with pytest.raises(NotFound):  # the nurse's unit is not in the case: not told it exists
        export.case_bundle(world.platform, world.actor(world.nurse), case.id)


def test_patient_and_related_person_map_back(world: World) -> None:
    case_id = world.open_case().id
    bundle = by_type(export.case_bundle(world.platform, world.actor(world.teacher), case_id))
    child = reverse.child(bundle["Patient"][0], MUNICIPALITY)
    with world.as_(world.teacher) as w:
        original = mapping_subject(w.session.get_one(PersonRow, child.id))
    assert child == original
    kari = next(r for r in bundle["RelatedPerson"] if r["name"][0]["given"] == ["Kari"])
    guardian, link = reverse.guardian(kari, MUNICIPALITY, child.id)
    assert (guardian.id, guardian.given_name, link.parental_responsibility) == (world.mother, "Kari", True)
    nils = next(r for r in bundle["RelatedPerson"] if r["name"][0]["given"] == ["Nils"])
    assert reverse.guardian(nils, MUNICIPALITY, child.id)[1].parental_responsibility is False


def test_a_journal_patient_without_a_name_is_refused_with_the_field_named() -> None:
    with pytest.raises(reverse.NotMappable, match=r"Patient.name"):
        reverse.child({"resourceType": "Patient", "birthDate": "2018-03-04"}, MUNICIPALITY)
    with pytest.raises(mapping.InvalidResource, match="Ugyldig Patient"):
        reverse.child({"resourceType": "Patient", "birthDate": "2018-13-04"}, MUNICIPALITY)


def test_health_unit_without_consent_gets_no_share(world: World) -> None:
    """The policy's share rule: only a unit taking part under a consent in force."""
    case = world.open_case()
    world.join(case.id, HEALTH, lapsed=True)
    from core.domain.policy import Action, decide
    from core.services.state import CaseState

    with world.system() as w:
        facts = CaseState(w.uow, case.id).facts()
        system = Actor.system(MUNICIPALITY)
        assert not decide(system, Action.SHARE_CASE, municipality_id=MUNICIPALITY, case=facts, unit_id=HEALTH)
    world.consent(case.id, [HEALTH], area="health")
    with world.system() as w:
        facts = CaseState(w.uow, case.id).facts()
        assert decide(system, Action.SHARE_CASE, municipality_id=MUNICIPALITY, case=facts, unit_id=HEALTH)


def references(value) -> list[str]:
    if isinstance(value, dict):
        own = [value["reference"]] if isinstance(value.get("reference"), str) else []
        return own + [r for v in value.values() for r in references(v)]
    if isinstance(value, list):
        return [r for v in value for r in references(v)]
    return []


def test_ids_fit_r4_and_every_reference_resolves_to_a_full_url(world: World) -> None:
    case_id = full_case(world)
    bundle = export.case_bundle(world.platform, Actor.system(MUNICIPALITY), case_id)
    urls = {e["fullUrl"] for e in bundle["entry"]}
    for entry in bundle["entry"]:
        resource = entry["resource"]
        assert mapping.ID_PATTERN.match(resource["id"]), resource["id"]  # [A-Za-z0-9.-]{1,64}
        assert mapping.r4_fault(resource) is None
        assert (
            entry["fullUrl"] == f"http://127.0.0.1:8000/fhir/R4/{resource['resourceType']}/{resource['id']}"
        )
    for reference in references(bundle):
        assert f"http://127.0.0.1:8000/fhir/R4/{reference}" in urls, reference
    related = by_type(bundle)["RelatedPerson"]
    assert all(len(r["id"]) <= 64 for r in related)  # was <guardian-uuid>.<child-uuid>: 73 characters
    too_long = {**related[0], "id": f"{world.mother}.{case_id}"}
    with pytest.raises(mapping.InvalidResource, match="ikke en R4-id"):
        mapping.validate(too_long)  # fhir.resources alone lets it through


def test_units_guardians_and_the_municipality_carry_the_norwegian_identifiers(world: World) -> None:
    from core.config import valid_organization_number

    case_id = full_case(world)
    resources = by_type(export.case_bundle(world.platform, world.actor(world.teacher), case_id))
    for org in resources["Organization"]:
        [orgnr] = [i["value"] for i in org["identifier"] if i["system"] == mapping.ORGNR]
        assert valid_organization_number(orgnr)  # the demo's fictional numbers, mod-11 valid
        [extension] = org["address"][0]["_district"]["extension"]
        assert extension["url"] == "http://hl7.no/fhir/StructureDefinition/no-basis-municipalitycode"
        assert mapping.KOMMUNENUMMER == "urn:oid:2.16.578.1.12.4.1.1.3402"
        assert extension["valueCoding"] == {"system": mapping.KOMMUNENUMMER, "code": MUNICIPALITY}
    codings = {
        r["name"][0]["given"][0]: {(c["system"], c["code"]) for c in r["relationship"][0]["coding"]}
        for r in resources["RelatedPerson"]
    }
    parental = "http://hl7.no/fhir/CodeSystem/no-basis-parental-responsibility"
    assert (parental, "felles") in codings["Kari"] and (parental, "felles") in codings["Per"]
    assert not any(system == parental for system, _ in codings["Nils"])
    assert not any("CodeSystem:guardianship" in system for c in codings.values() for system, _ in c)


def test_a_practitioner_with_an_hpr_number_carries_it_under_the_hpr_oid(world: World) -> None:
    from core.errors import InvalidInput

    with world.system() as w:
        employee = w.people.register_employee(
            given_name="Helga", family_name="Sykepleier", hpr_number="9144889"
        )
        with pytest.raises(InvalidInput, match="HPR-nummeret"):
            w.people.register_employee(given_name="Feil", family_name="Nummer", hpr_number="12A")
    practitioner = mapping.validate(mapping.practitioner(employee))
    assert practitioner["identifier"][0] == {"system": "urn:oid:2.16.578.1.12.4.1.4.4", "value": "9144889"}
    assert practitioner["identifier"][1] == {"system": "urn:stafett:person", "value": employee.id}
    without = mapping.practitioner(world_employee(world, world.teacher))
    assert [i["system"] for i in without["identifier"]] == ["urn:stafett:person"]


def world_employee(world: World, person_id: str):
    with world.system() as w:
        return w.people.employee(person_id)
