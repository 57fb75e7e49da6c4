"""The folder drop: the archive version written to a folder the municipality's archive system reads,
and the archive's receipts (KS's ``arkivmeldingKvittering``) read back from it.

Each case gets ``<folder>/<case id>/`` with ``arkivmelding.xml``, ``stafettlogg.pdf`` and
``metadata.json`` (the message type, the case and the PDF's checksum), written to a hidden folder
first and renamed into place, so the archive never reads half a delivery. Delivering again replaces
the folder: the worker is idempotent by case. The archive answers with ``kvittering.xml`` in the case's
folder; ``collect_receipts`` records it (the archive's saksnummer or systemID, and the checksum of the
PDF the archive has) and renames it ``kvittering.behandlet.xml``.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
from collections.abc import Mapping
from pathlib import Path
from typing import Any
from xml.etree import ElementTree as ET

from adapters.archive import arkivmelding, pdf
from adapters.archive.channel import NAME
from contracts import CaseRecord, OutboxMessage
from core.public import Actor, ArchiveService, NotFound, Platform, StafettError, i18n

log = logging.getLogger("stafett.archive")
RECEIPT, DONE = "kvittering.xml", "kvittering.behandlet.xml"
KVITTERING_NS = (
    "https://ks-no.github.io/standarder/fiks-protokoll/fiks-arkiv/arkivmelding/opprett/kvittering/v1"
)


def folder_of(address: str) -> Path:
    return Path(address.removeprefix("file:"))


class FolderDrop:
    """The sender of archive versions (``core.public.run_archive``) for every municipality's archive unit."""

    def __init__(self, platform: Platform) -> None:
        self.platform = platform

    def settings(self, msg: OutboxMessage) -> Mapping[str, Any]:
        endpoint = self.platform.plugins.for_municipality(msg.municipality_id).outbox_endpoint(
            msg.unit_id, NAME
        )
        return endpoint.config if endpoint is not None else {}

    def __call__(self, msg: OutboxMessage, record: CaseRecord) -> str:
        municipality = self.platform.municipality(msg.municipality_id)
        with i18n.use(municipality.language):  # the archive's copy is in the municipality's målform
            document = pdf.render(record, municipality.name)
        checksum = pdf.checksum(document)
        xml = arkivmelding.build(
            record, pdf_checksum=checksum, pdf_size=len(document), settings=self.settings(msg)
        )
        root = folder_of(msg.endpoint)
        root.mkdir(parents=True, exist_ok=True)
        staging = root / f".{record.case.id}.tmp"
        shutil.rmtree(staging, ignore_errors=True)
        staging.mkdir()
        (staging / arkivmelding.PDF_NAME).write_bytes(document)
        (staging / "arkivmelding.xml").write_bytes(xml)
        meta = {"meldingType": arkivmelding.MESSAGE_TYPE, "sak": record.case.id, "sjekksum": checksum}
        (staging / "metadata.json").write_text(
            json.dumps(meta, ensure_ascii=False, indent=2), encoding="utf-8"
        )
        for path in staging.iterdir():
            with path.open("rb") as f:
                os.fsync(f.fileno())
        final = root / record.case.id
        shutil.rmtree(final, ignore_errors=True)
        staging.rename(final)
        return checksum


def reference(receipt: bytes) -> str:
    """The archive's reference in a kvittering: saksår/sekvensnummer if given, else the folder's systemID;
    ``ValueError`` (in bokmål) for a failed or unreadable one."""
    try:
        root = ET.fromstring(receipt)
    except ET.ParseError as exc:
        raise ValueError(f"Kvitteringen er ikke gyldig XML: {exc}") from None

    def find(path: str) -> str:
        element = root.find("/".join(f"{{{KVITTERING_NS}}}{p}" for p in path.split("/")))
        return (element.text or "").strip() if element is not None else ""

    if failed := find("mappeFeilet/feilmelding"):
        raise ValueError(f"Arkivet avviste saken: {failed}")
    year, number = find("mappeKvittering/saksaar"), find("mappeKvittering/sakssekvensnummer")
    found = f"{year}/{number}" if year and number else find("mappeKvittering/systemID")
    if not found:
        raise ValueError("Kvitteringen mangler arkivets referanse til saken.")
    return found


def collect_receipts(platform: Platform) -> list[tuple[str, str]]:
    """Record every receipt waiting in the municipalities' archive folders; (case id, reference) of each."""
    done = []
    for mid in platform.municipality_ids():
        endpoints = platform.plugins.for_municipality(mid).outbox_endpoints
        for root in sorted({folder_of(e.address) for e in endpoints if e.channel == NAME}):
            for path in sorted(root.glob(f"*/{RECEIPT}")):
                case_folder = path.parent
                try:
                    ref = reference(path.read_bytes())
                    checksum = pdf.checksum((case_folder / arkivmelding.PDF_NAME).read_bytes())
                    actor = Actor.system(mid, operator="arkiv kvittering")
                    with platform.work(actor, "kvittering fra arkivet") as work:
                        ArchiveService(work.uow).confirm(case_folder.name, reference=ref, checksum=checksum)
                except NotFound:
                    continue  # another municipality's case in a shared folder
                except (ValueError, OSError, StafettError) as exc:
                    log.warning("Kvittering for sak %s ble ikke registrert: %s", case_folder.name, exc)
                    continue
                path.rename(case_folder / DONE)
                done.append((case_folder.name, ref))
    return done
