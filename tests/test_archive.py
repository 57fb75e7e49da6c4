"""Closing a case sends its archive version to the municipality's archive through the outbox: a PDF of
the whole stafettlogg (every entry, read back from the PDF), with its checksum, and a Noark 5
arkivmelding that validates against KS's published XSDs; the archive's receipt is recorded."""

from __future__ import annotations

import hashlib
import io
import json
from pathlib import Path

import pytest
from lxml import etree
from pypdf import PdfReader
from sqlalchemy import select

from adapters.archive import arkivmelding
from adapters.archive.drop import FolderDrop, collect_receipts
from contracts import ArchiveStatus, OutboxStatus
from core.config import DeploymentConfig
from core.domain.policy import Actor
from core.errors import Conflict
from core.outbox_worker import run, run_archive
from core.platform import Platform
from core.storage.models import AuditEventRow
from tests.archive_support import (
    ARCHIVE_UNIT,
    ENTRY_TEXTS,
    answer,
    archive_config,
    drop,
    full_case,
    schema,
)
from tests.conftest import MUNICIPALITY, World

__all__ = ["drop"]  # the archive tests' fixture, shared in tests/archive_support.py


@pytest.fixture
def config(drop: Path) -> DeploymentConfig:
    """The archive with its own arkivdel and klasse."""
    return archive_config(drop, arkivdel="BTI", klasse="B")


def pdf_text(data: bytes) -> str:
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)
    return " ".join(text.split())  # line breaks inside a wrapped line are spaces


def test_closing_sends_the_whole_log_and_a_valid_arkivmelding_to_the_archive(
    world: World, platform: Platform, drop: Path
) -> None:
    case_id, authors = full_case(world)
    with world.as_(world.teacher) as w:
        log = w.log.entries(case_id)
        assert w.archive.status(case_id) == (ArchiveStatus.PENDING, None)
    [done] = run_archive(platform, FolderDrop(platform))
    assert (done.status, done.unit_id) == (OutboxStatus.DELIVERED, ARCHIVE_UNIT)
    assert run(platform, lambda m, r: None) == []  # the journal worker never takes an archive version
    folder = drop / case_id
    document = (folder / "stafettlogg.pdf").read_bytes()
    text = pdf_text(document)
    for entry in log:  # every entry, who wrote it and when
        assert f"{entry.seq}. " in text
        if entry.text:
            assert " ".join(entry.text.split()) in text
    content = (
        "Fast friminuttsvenn",
        "Ola har fått en fast venn.",
        "Samarbeidsmøte med PPT",
        "Samarbeid om barnet",
    )
    for phrase in (*ENTRY_TEXTS, *authors.values(), *content, "PPT", "Ola Fjord", "Kari Fjord"):
        assert phrase in text, phrase
    assert "skrevet av Tina Ansatt" in text and "skrevet av Kari Fjord" in text
    meta = json.loads((folder / "metadata.json").read_text(encoding="utf-8"))
    xml = etree.parse(str(folder / "arkivmelding.xml"))
    opprett = schema()
    assert opprett.validate(xml), opprett.error_log
    ns = {"a": arkivmelding.NS, "m": arkivmelding.MDK}
    assert xml.findtext(".//a:dokumentobjekt/a:sjekksum", namespaces=ns) == meta["sjekksum"].removeprefix(
        "sha256:"
    )
    assert meta["sjekksum"] == "sha256:" + hashlib.sha256(document).hexdigest()
    assert xml.findtext(".//a:mappe/a:referanseEksternNoekkel/m:noekkel", namespaces=ns) == case_id
    assert xml.findtext(".//a:mappe/a:arkivdel/m:kode", namespaces=ns) == "BTI"
    parts = [p.findtext("a:partNavn", namespaces=ns) for p in xml.findall(".//a:mappe/a:part", ns)]
    assert parts == ["Ola Fjord", "Kari Fjord", "Per Fjord"]  # the stepfather has no parental responsibility
    with world.as_(world.teacher) as w:
        assert w.archive.status(case_id) == (ArchiveStatus.DELIVERED, None)
    # the archive answers; the receipt is recorded and the retention clock starts
    answer(folder)
    assert schema("no.ks.fiks.arkiv.v1.arkivering.arkivmelding.opprett.kvittering.xsd").validate(
        etree.parse(str(folder / "kvittering.xml"))
    )
    assert collect_receipts(platform) == [(case_id, "2025/417")]
    assert collect_receipts(platform) == []  # handled once
    with world.as_(world.teacher) as w:
        status, receipt = w.archive.status(case_id)
    assert status is ArchiveStatus.CONFIRMED and receipt is not None
    assert (receipt.reference, receipt.checksum) == ("2025/417", meta["sjekksum"])
    assert receipt.erase_after == receipt.confirmed_at.date().replace(year=receipt.confirmed_at.year + 10)
    with platform.database.session() as s:
        actions = list(s.scalars(select(AuditEventRow.action).where(AuditEventRow.case_id == case_id)))
    assert actions.count("case.archive") >= 3  # read for the version, delivered, receipt


def test_a_receipt_for_another_pdf_or_a_refusal_is_not_recorded(
    world: World, platform: Platform, drop: Path
) -> None:
    case_id, _ = full_case(world)
    run_archive(platform, FolderDrop(platform))
    answer(drop / case_id, failed="Arkivdelen BTI finnes ikke.")
    assert collect_receipts(platform) == []
    (drop / case_id / "stafettlogg.pdf").write_bytes(b"%PDF-1.4 noe annet")
    answer(drop / case_id)
    assert collect_receipts(platform) == []  # the archive holds another document than Stafett sent
    with platform.work(Actor.system(MUNICIPALITY), "kvittering") as w, pytest.raises(Conflict) as refused:
        w.archive.confirm(case_id, reference="2025/1", checksum="sha256:00")
    assert "sjekksummen" in refused.value.message
    with world.as_(world.teacher) as w:
        assert w.archive.status(case_id)[0] is ArchiveStatus.DELIVERED


def test_only_the_system_archives_and_only_a_closed_case(world: World, platform: Platform) -> None:
    case_id = world.open_case().id
    with platform.work(Actor.system(MUNICIPALITY), "arkiv") as w, pytest.raises(Conflict):
        w.archive.record(case_id)  # open: not archived
    with world.as_(world.teacher, "avslutning") as w:
        w.cases.close(case_id, "resolved")
    from core.errors import Forbidden

    with world.as_(world.teacher) as w, pytest.raises(Forbidden):
        w.archive.record(case_id)
