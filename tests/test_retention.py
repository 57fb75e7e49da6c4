"""Retention: once the archive has confirmed a closed case and the municipality's retention period is
over, the case is erased from Stafett: a search of every table finds neither the child's name nor the
fødselsnummer nor any text written in the log, and ``stafett audit verify`` still passes."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import inspect, select, text

from adapters.archive.drop import FolderDrop, collect_receipts
from contracts import ArchiveStatus
from core import audit
from core import retention_job as retention
from core.cli import main
from core.domain.policy import Actor
from core.errors import Conflict
from core.outbox_worker import run_archive
from core.platform import Platform
from core.storage.archive_models import CaseArchiveRow
from core.storage.models import AuditEventRow, PersonRow
from tests.archive_support import ENTRY_TEXTS, answer, config, drop, full_case
from tests.conftest import MUNICIPALITY, Clock, World

__all__ = ["config", "drop"]  # the archive tests' fixtures, shared in tests/archive_support.py


def archived(world: World, platform: Platform, drop: Path) -> str:
    case_id, _ = full_case(world)
    run_archive(platform, FolderDrop(platform))
    answer(drop / case_id)
    assert collect_receipts(platform) == [(case_id, "2025/417")]
    return case_id


def everything(platform: Platform) -> list[str]:
    """Every value in every table of the database, as text."""
    engine = platform.database.engine
    cells: list[str] = []
    with engine.connect() as connection:
        for table in inspect(engine).get_table_names():
            for row in connection.execute(text(f'SELECT * FROM "{table}"')):
                cells += [str(value) for value in row if value is not None]
    return cells


def test_after_the_retention_period_nothing_personal_is_left_and_the_audit_chain_verifies(
    world: World, platform: Platform, drop: Path, clock: Clock, database_url: str
) -> None:
    with platform.database.session() as s:
        child = s.get_one(PersonRow, world.child)
        national_id, names = child.national_id, ["Ola", "Fjord", "Kari", "Per", "Nils", "Vik"]
    assert national_id and national_id in everything(platform)
    case_id = archived(world, platform, drop)
    clock.advance(days=365 * 10 - 30)  # the period (10 years from the receipt) is not over
    assert retention.run(platform) == []
    with platform.work(Actor.system(MUNICIPALITY), "sletting") as w, pytest.raises(Conflict):
        w.retention.erase(case_id)
    clock.advance(days=40)
    assert retention.run(platform) == [(case_id, "slettet, med 4 person(er)")]
    assert retention.run(platform) == []  # erased once

    cells = everything(platform)
    joined = "\n".join(cells)
    assert national_id not in joined
    written = (
        "Målet er nådd.",
        "Fast friminuttsvenn",
        "Ola har fått en fast venn.",
        "Samarbeidsmøte med PPT",
    )
    for phrase in (*ENTRY_TEXTS, *written, "Samarbeid om barnet", "Virker trist i friminuttene."):
        assert phrase not in joined, phrase
    for name in names:  # a cell that is a name of the child or a guardian
        assert name not in cells, name
    with platform.database.session() as s:
        assert s.get(PersonRow, world.teacher) is not None  # employees stay
        row = s.get_one(CaseArchiveRow, case_id)
        assert (row.status, row.reference) == (ArchiveStatus.ERASED, "2025/417")
        events = s.scalars(select(AuditEventRow).where(AuditEventRow.case_id == case_id)).all()
        assert events and all(e.erased_at is not None or e.action == "case.erase" for e in events)
        assert {e.subject_id for e in events} == {None}
        assert audit.verify(s, MUNICIPALITY) == []
    result = CliRunner().invoke(main, ["audit", "verify", "--database-url", database_url])
    assert result.exit_code == 0, result.output
    assert "Revisjonssporet er helt" in result.output


def test_the_chain_still_catches_a_changed_event_after_erasure(
    world: World, platform: Platform, drop: Path, clock: Clock
) -> None:
    case_id = archived(world, platform, drop)
    clock.advance(days=365 * 11)
    retention.run(platform)
    sqlite = platform.database.engine.dialect.name == "sqlite"
    with platform.database.session() as s, s.begin():  # someone with the database's owner rights
        if sqlite:
            s.execute(text("DROP TRIGGER audit_event_no_update"))
        else:
            s.execute(text("ALTER TABLE audit_event DISABLE TRIGGER audit_event_append_only"))
        s.execute(
            text("UPDATE audit_event SET action = 'case.read' WHERE case_id = :c AND action = 'case.erase'"),
            {"c": case_id},
        )
    with platform.database.session() as s:
        [problem] = audit.verify(s, MUNICIPALITY)
    assert "endret" in problem.problem


def test_the_database_refuses_erasure_outside_retention(world: World, platform: Platform) -> None:
    """The append-only rules still hold: no log entry of a case not being erased can be deleted, and an
    audit event's fields cannot be changed except by clearing its personal part once."""
    case_id = world.open_case().id
    with platform.database.session() as s, pytest.raises(Exception, match="append-only"):
        s.execute(text("DELETE FROM log_entry WHERE case_id = :c"), {"c": case_id})
    with platform.database.session() as s, pytest.raises(Exception, match="append-only"):
        s.execute(text("UPDATE audit_event SET action = 'x' WHERE municipality_id = :m"), {"m": MUNICIPALITY})
    with platform.database.session() as s, pytest.raises(Exception, match="append-only"):
        s.execute(
            text(
                "UPDATE audit_event SET subject_id = NULL, erased_at = :at, reason = 'x' "
                "WHERE municipality_id = :m"
            ),
            {"m": MUNICIPALITY, "at": dt.datetime(2030, 1, 1, tzinfo=dt.UTC)},
        )


def test_the_command_erases_nothing_that_is_not_due(platform: Platform, database_url: str) -> None:
    result = CliRunner().invoke(main, ["retention", "run", "--database-url", database_url])
    assert result.exit_code == 0, result.output
    assert "Slettet 0 sak(er)" in result.output
