"""Barnehage → skole: the stafettholder proposes the transfer (the school suggested from the roster), the
guardians consent to what goes over, the school accepts, and the log continues there; the kindergarten
is then out under taushetsplikt. The journey ends in the archive and in retention."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from lxml import etree
from sqlalchemy import select

from adapters.archive.drop import FolderDrop, collect_receipts
from contracts import LogEntryKind, TransferStatus, UnitMembership
from core import audit
from core import retention_job as retention
from core.errors import Conflict, Forbidden, InvalidInput, NotFound
from core.outbox_worker import run_archive
from core.platform import Platform
from core.public import DirectorySync, RecordService
from core.storage.models import CaseRow
from tests.archive_support import answer, config, drop, schema
from tests.conftest import MUNICIPALITY, SCHOOL, Clock, World
from tests.test_archive import pdf_text
from tests.test_retention import everything

__all__ = ["config", "drop"]  # the archive tests' fixtures, shared in tests/archive_support.py

KINDERGARTEN = "solsida-barnehage"
KG_TEXTS = ("Ola trekker seg unna i frileken.", "Ola sover dårlig, sier mor.", "Ola delte spaden i dag!")


@pytest.fixture
def pedagogue(world: World) -> str:
    with world.system() as w:
        return w.people.register_employee(
            given_name="Berit", family_name="Ansatt", memberships=[UnitMembership(unit_id=KINDERGARTEN)]
        ).id


def kindergarten_case(world: World, pedagogue: str) -> tuple[str, list[str]]:
    """A case in the kindergarten with three entries; the pedagogue holds the baton. The roster knows the
    child starts at Fjordvik skole."""
    with world.as_(pedagogue, "undring") as w:
        case_id = w.cases.open_case(subject_id=world.child, unit_id=KINDERGARTEN, observation=KG_TEXTS[0]).id
        note = w.log.add_note(case_id, KG_TEXTS[1]).id
        bright = w.log.add_note(case_id, KG_TEXTS[2], bright_moment=True).id
    with world.as_(pedagogue, "stafettholder") as w:
        w.relay_holder.assign(case_id, pedagogue)
    with world.system("skoleregister") as w:
        DirectorySync(w.uow).enrol(world.child, SCHOOL)
    return case_id, [note, bright]


def give(world: World, consent_id: str) -> None:
    for guardian in (world.mother, world.father):
        with world.as_(guardian, "samtykke") as w:
            w.consents.give(consent_id)


def test_a_child_goes_from_kindergarten_to_school_and_on_to_the_archive(
    world: World, platform: Platform, pedagogue: str, drop: Path, clock: Clock
) -> None:
    case_id, _ = kindergarten_case(world, pedagogue)
    with world.as_(pedagogue) as w:
        assert w.transfers.suggest_school(case_id) == SCHOOL
    with world.as_(world.teacher) as w, pytest.raises(NotFound):
        w.cases.get(case_id)  # the school does not know of the case yet
    with world.as_(pedagogue, "overføring") as w:
        transfer = w.transfers.propose(case_id, SCHOOL)
    assert (transfer.status, transfer.scope) == (TransferStatus.AWAITING_CONSENT, "all")
    with world.as_(world.teacher) as w:  # no consent yet: the school is not told
        assert w.transfers.pending_for_me() == []
    with world.as_(world.teacher) as w, pytest.raises(NotFound):
        w.transfers.accept(transfer.id)
    with world.as_(world.mother) as w:
        [asked] = [c for c in w.consents.list(case_id) if c.id == transfer.consent_id]
    assert "Fjordvik skole" in asked.purpose and asked.categories == ["hele stafettloggen"]
    give(world, transfer.consent_id)
    with world.as_(world.teacher) as w:
        assert [t.id for t in w.transfers.pending_for_me()] == [transfer.id]
        accepted = w.transfers.accept(transfer.id)
    assert accepted.status is TransferStatus.ACCEPTED
    with world.as_(world.teacher) as w:  # the log continues at the school, with its history
        case = w.cases.get(case_id)
        assert (case.owner_unit_id, case.relay_holder_id) == (SCHOOL, world.teacher)
        w.log.add_note(case_id, "Første uke på skolen gikk fint.")
        log = w.log.entries(case_id)
    texts = [e.text for e in log]
    assert all(t in texts for t in KG_TEXTS) and texts[-1] == "Første uke på skolen gikk fint."
    assert [e.seq for e in log] == list(range(1, len(log) + 1))  # unbroken
    kinds = [e.kind for e in log]
    assert kinds.index(LogEntryKind.TRANSFER_PROPOSED) < kinds.index(LogEntryKind.TRANSFER_ACCEPTED)
    with world.as_(pedagogue) as w, pytest.raises(Forbidden):
        w.log.entries(case_id)  # the kindergarten is out now
    with world.as_(world.mother) as w:
        assert KG_TEXTS[2] in [e.text for e in w.log.family_entries(case_id)]

    with world.as_(world.teacher, "avslutning") as w:
        w.cases.close(case_id, "resolved", note="Ola har det fint på skolen.")
        log = w.log.entries(case_id)
    run_archive(platform, FolderDrop(platform))
    text = pdf_text((drop / case_id / "stafettlogg.pdf").read_bytes())
    assert all(" ".join(e.text.split()) in text for e in log if e.text)
    assert "skrevet av Berit Ansatt" in text and "skrevet av Tina Ansatt" in text
    assert schema().validate(etree.parse(str(drop / case_id / "arkivmelding.xml")))
    answer(drop / case_id)
    collect_receipts(platform)
    clock.advance(days=365 * 10 + 2)
    assert [c for c, _ in retention.run(platform)] == [case_id]
    joined = "\n".join(everything(platform))
    assert not [t for t in (*KG_TEXTS, "Første uke på skolen gikk fint.") if t in joined]
    with platform.database.session() as s:
        assert s.get(CaseRow, case_id) is None
        assert audit.verify(s, MUNICIPALITY) == []
    with world.as_(world.teacher) as w, pytest.raises(NotFound):
        w.archive.status(case_id)  # the case is gone from Stafett


def test_only_the_chosen_entries_go_over(world: World, platform: Platform, pedagogue: str) -> None:
    case_id, (_note, bright) = kindergarten_case(world, pedagogue)
    held = platform.clock() - dt.timedelta(days=3)
    with world.as_(pedagogue, "møte") as w:  # a meeting the kindergarten held about Ola
        w.meetings.schedule(case_id, kind="discussion", starts_at=held, summary="Mor er bekymret for søvnen.")
    with world.as_(pedagogue, "overføring") as w:
        transfer = w.transfers.propose(case_id, SCHOOL, entry_ids=[bright])
    give(world, transfer.consent_id)
    with world.as_(world.teacher) as w:
        w.transfers.accept(transfer.id)
        w.log.add_note(case_id, "Ny start på skolen.")
        soon = platform.clock() + dt.timedelta(days=7)
        w.meetings.schedule(case_id, kind="discussion", starts_at=soon, summary="Oppstartsmøte")
        seen = [e.text for e in w.log.entries(case_id)]
        assert w.cases.concerns(case_id) == []  # the kindergarten's undring stayed behind
        record = RecordService(w.uow).case(case_id)  # what the case page and exports read
    assert [e.text for e in record.log] == seen and record.concerns == []
    assert [mt.summary for mt in record.meetings] == ["Oppstartsmøte"]  # its meeting stayed behind too
    assert KG_TEXTS[2] in seen and "Ny start på skolen." in seen
    assert KG_TEXTS[0] not in seen and KG_TEXTS[1] not in seen
    with world.as_(world.mother) as w:  # the family keeps its whole history
        family = [e.text for e in w.log.family_entries(case_id)]
    assert KG_TEXTS[2] in family


def test_the_rules_of_a_transfer(world: World, platform: Platform, pedagogue: str) -> None:
    case_id, _ = kindergarten_case(world, pedagogue)
    with world.as_(world.leader) as w, pytest.raises(NotFound):
        w.transfers.propose(case_id, SCHOOL)  # the school's leader does not know of the case
    with world.system() as w:
        other = w.people.register_employee(
            given_name="Ulla", family_name="Ansatt", memberships=[UnitMembership(unit_id=KINDERGARTEN)]
        ).id
    with world.as_(other) as w, pytest.raises(Forbidden) as refused:
        w.transfers.propose(case_id, SCHOOL)
    assert "stafettholderen" in refused.value.message
    with world.as_(pedagogue) as w, pytest.raises(InvalidInput):
        w.transfers.propose(case_id, KINDERGARTEN)
    with world.as_(pedagogue) as w, pytest.raises(InvalidInput):
        w.transfers.propose(case_id, SCHOOL, entry_ids=["finnes-ikke"])
    with world.as_(pedagogue) as w:
        transfer = w.transfers.propose(case_id, SCHOOL)
    with world.as_(pedagogue) as w, pytest.raises(Conflict):
        w.transfers.propose(case_id, SCHOOL)
    give(world, transfer.consent_id)
    with world.as_(world.mother, "samtykke") as w:  # withdrawn before the school answered
        w.consents.withdraw(transfer.consent_id)
    with world.as_(world.teacher) as w, pytest.raises(NotFound):
        w.transfers.accept(transfer.id)
    with platform.database.session() as s:
        assert s.scalar(select(CaseRow.owner_unit_id).where(CaseRow.id == case_id)) == KINDERGARTEN
