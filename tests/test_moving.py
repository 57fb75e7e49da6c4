"""Moving to another Stafett deployment: the export package is signed by the sender and verified on
import; one byte changed and the import is refused, untouched it is imported with the whole log."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import func, select

from contracts import CaseStatus
from core.auth.keys import export_key
from core.cli import main
from core.domain.policy import Actor
from core.errors import Forbidden, RuleRefused
from core.platform import Platform
from core.services.moving import PURPOSE_MOVE, sign
from core.storage.database import Database
from core.storage.models import CaseRow, LogEntryRow, PersonRow
from tests.conftest import HEALTH, MUNICIPALITY, SCHOOL, World
from tests.moving_support import NOTE, consented_case


@pytest.fixture
def other_database_url(_template, backend: str, tmp_path: Path) -> Iterator[str]:
    """The receiving deployment's own database, migrated like every test database."""
    if backend == "sqlite":
        path = tmp_path / "mottaker.db"
        shutil.copyfile(_template, path)
        yield f"sqlite:///{path}"
        return
    name = _template.create()
    try:
        yield _template.url(name)
    finally:
        _template.drop(name)


def exported(world: World, platform: Platform, tmp_path: Path) -> tuple[str, Path, Path]:
    """A case with a note, the family's consent to moving, exported and signed; and the sender's key."""
    case_id = consented_case(world)
    with platform.work(Actor.system(MUNICIPALITY, operator="cli move export"), PURPOSE_MOVE) as w:
        record = w.moving.export(case_id)
    package = tmp_path / "sak.json"
    sender = {"deployment": "fjordvik", "municipality_id": MUNICIPALITY, "municipality_name": "Fjordvik"}
    package.write_bytes(sign(record, sender=sender, private_pem=export_key(platform.database)))
    key = tmp_path / "avsender.pem"
    result = CliRunner().invoke(main, ["move", "key", "--database-url", platform.database.url])
    assert result.exit_code == 0, result.output
    key.write_text(result.output, encoding="utf-8")
    return case_id, package, key


def imported(url: str) -> list[str]:
    database = Database(url)
    try:
        with database.session() as s:
            return list(s.scalars(select(LogEntryRow.text).order_by(LogEntryRow.case_id, LogEntryRow.seq)))
    finally:
        database.dispose()


def test_a_tampered_package_is_refused_and_an_untouched_one_imported(
    world: World, platform: Platform, tmp_path: Path, other_database_url: str
) -> None:
    case_id, package, key = exported(world, platform, tmp_path)
    with platform.database.session() as s:
        assert s.get_one(CaseRow, case_id).status == CaseStatus.CLOSED  # the old municipality closed it
    command = [
        "move",
        "import",
        "--database-url",
        other_database_url,
        "--unit",
        SCHOOL,
        "--trusted-key",
        str(key),
    ]
    data = package.read_bytes()
    for position in (len(data) // 2, 20, len(data) - 5):
        tampered = tmp_path / f"endret-{position}.json"
        tampered.write_bytes(data[:position] + bytes([data[position] ^ 0x01]) + data[position + 1 :])
        result = CliRunner().invoke(main, [*command, str(tampered)])
        assert result.exit_code == 1, result.output
        assert "Pakken er endret eller ikke signert av avsenderen" in result.output
    other_key = tmp_path / "annen.pem"
    other_key.write_text(
        CliRunner().invoke(main, ["move", "key", "--database-url", other_database_url]).output
    )
    result = CliRunner().invoke(main, [*command[:-1], str(other_key), str(package)])
    assert result.exit_code == 1 and "ikke signert av avsenderen" in result.output  # another signer
    assert imported(other_database_url) == []  # nothing was written

    result = CliRunner().invoke(main, [*command, str(package)])
    assert result.exit_code == 0, result.output
    assert "Importerte saken fra Fjordvik" in result.output
    texts = imported(other_database_url)
    assert "Virker trist i friminuttene." in texts and NOTE in texts
    assert texts[-1].startswith("Saken er flyttet hit fra Fjordvik")
    database = Database(other_database_url)
    try:
        with database.session() as s:
            assert s.scalar(select(func.count()).select_from(CaseRow)) == 1
            child = s.scalar(select(PersonRow).where(PersonRow.given_name == "Ola"))
            assert child is not None and child.family_name == "Fjord"
    finally:
        database.dispose()


def test_moving_needs_the_familys_consent_and_an_operator(world: World, platform: Platform) -> None:
    case_id = world.open_case().id
    world.consent(case_id, [HEALTH])  # consent, but not to moving
    with platform.work(Actor.system(MUNICIPALITY), PURPOSE_MOVE) as w, pytest.raises(RuleRefused) as refused:
        w.moving.export(case_id)
    assert "flytting" in str(refused.value)
    with world.as_(world.teacher) as w, pytest.raises(Forbidden):
        w.moving.export(case_id)
