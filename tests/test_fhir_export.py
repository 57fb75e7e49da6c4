"""`stafett export fhir`: a case as a Bundle, a municipality as NDJSON per type; only visible cases."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from adapters.fhir import mapping
from core.cli import main
from tests.conftest import World


def test_export_case_writes_a_valid_bundle(world: World, database_url: str, tmp_path: Path) -> None:
    case = world.open_case()
    with world.as_(world.teacher, "lese loggen") as w:
        w.log.entries(case.id)  # an audited read: the export carries it as an AuditEvent
    out = tmp_path / "sak.json"
    result = CliRunner().invoke(
        main, ["export", "fhir", "--database-url", database_url, "--case", case.id, "--output", str(out)]
    )
    assert result.exit_code == 0, result.output
    bundle = json.loads(out.read_text())
    assert bundle["type"] == "collection"
    types = {e["resource"]["resourceType"] for e in bundle["entry"]}
    assert {"Patient", "RelatedPerson", "Organization", "EpisodeOfCare", "CareTeam", "AuditEvent"} <= types
    for entry in bundle["entry"]:
        mapping.validate(entry["resource"])


def test_export_municipality_writes_ndjson_for_the_cases_the_caller_may_see(
    world: World, database_url: str, tmp_path: Path
) -> None:
    seen = world.open_case()
    other = world.add_child(world.aged(9))
    with world.as_(world.nurse) as w:
        hidden = w.cases.open_case(subject_id=other, unit_id="fjordvik-helsestasjon", observation="Sliten.")
    base = ["export", "fhir", "--database-url", database_url, "--municipality", "9901"]
    result = CliRunner().invoke(main, [*base, "--output", str(tmp_path / "all")])
    assert result.exit_code == 0, result.output
    episodes = [
        json.loads(line) for line in (tmp_path / "all" / "EpisodeOfCare.ndjson").read_text().splitlines()
    ]
    assert {e["id"] for e in episodes} == {seen.id, hidden.id}  # the operator exports every case

    mine = CliRunner().invoke(main, [*base, "--as", world.teacher, "--output", str(tmp_path / "teacher")])
    assert mine.exit_code == 0, mine.output
    lines = (tmp_path / "teacher" / "EpisodeOfCare.ndjson").read_text().splitlines()
    assert [json.loads(line)["id"] for line in lines] == [seen.id]  # the health station's case stays there
    patients = (tmp_path / "teacher" / "Patient.ndjson").read_text().splitlines()
    assert len(patients) == 1


def test_export_needs_one_of_case_or_municipality(database_url: str) -> None:
    result = CliRunner().invoke(main, ["export", "fhir", "--database-url", database_url])
    assert result.exit_code == 2 and "Oppgi enten --case ID eller --municipality" in result.output
    result = CliRunner().invoke(main, ["export", "fhir", "--database-url", database_url, "--case", "nope"])
    assert result.exit_code == 1 and "Fant ingen sak med id «nope»" in result.output
