"""The Noark 5 arkivmelding (KS Fiks Arkiv v1, ``no.ks.fiks.arkiv.v1.arkivering.arkivmelding.opprett``)
that goes with a case's archive version: one saksmappe for the case (the child as part, the guardians as
parts, screened under taushetsplikt) and one arkivnotat in it whose document is the PDF, with its
checksum. The tests validate it against KS's published XSDs (``../shared/specs/fiks-arkiv-v1``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any
from xml.etree import ElementTree as ET

from contracts import CaseRecord

NS = "https://ks-no.github.io/standarder/fiks-protokoll/fiks-arkiv/arkivmelding/opprett/v1"
MDK = (
    "https://ks-no.github.io/standarder/fiks-protokoll/fiks-arkiv/metadatakatalog/v1"  # the catalogue's types
)
XSI = "http://www.w3.org/2001/XMLSchema-instance"
MESSAGE_TYPE = "no.ks.fiks.arkiv.v1.arkivering.arkivmelding.opprett"
SYSTEM = "Stafett"
PDF_NAME = "stafettlogg.pdf"
RESTRICTION = ("13", "Taushetsplikt")  # tilgangsrestriksjon: unntatt offentlighet, taushetsplikt
SCREENING_BASIS = "Offl. § 13, jf. fvl. § 13"
ET.register_namespace("", NS)
ET.register_namespace("n5mdk", MDK)
ET.register_namespace("xsi", XSI)


def _iso(at: dt.datetime) -> str:
    return at.astimezone(dt.UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def _el(
    parent: ET.Element, name: str, text: str | None = None, *, ns: str = NS, xsi_type: str = ""
) -> ET.Element:
    """An element; the children of the metadata catalogue's types (codes, keys, identifiers) are in its
    namespace (``ns=MDK``), everything the message declares itself in the message's."""
    element = ET.SubElement(parent, f"{{{ns}}}{name}", {f"{{{XSI}}}type": xsi_type} if xsi_type else {})
    if text is not None:
        element.text = text
    return element


def _code(parent: ET.Element, name: str, code: str, description: str = "") -> None:
    element = _el(parent, name)
    _el(element, "kode", code, ns=MDK)
    if description:
        _el(element, "beskrivelse", description, ns=MDK)


def _key(parent: ET.Element, name: str, case_id: str, ns: str = NS) -> None:
    element = _el(parent, name, ns=ns)
    _el(element, "fagsystem", SYSTEM, ns=MDK)
    _el(element, "noekkel", case_id, ns=MDK)


def _screening(parent: ET.Element) -> None:
    element = _el(parent, "skjerming")
    _code(element, "tilgangsrestriksjon", *RESTRICTION)
    _el(element, "skjermingshjemmel", SCREENING_BASIS)


def _part(parent: ET.Element, name: str, role: tuple[str, str], national_id: str | None) -> None:
    element = _el(parent, "part")
    _el(element, "partNavn", name)
    _code(element, "partRolle", *role)
    if national_id:
        person = _el(element, "personID")
        _el(person, "landkode", "NO")
        _el(person, "identifikator", national_id)
    _el(element, "erSkjermet", "true")
    _el(element, "erPersonnavn", "true")


def build(
    record: CaseRecord, *, pdf_checksum: str, pdf_size: int, settings: Mapping[str, Any] | None = None
) -> bytes:
    """The arkivmelding for ``record``, whose PDF has ``pdf_checksum`` ("sha256:<hex>") and ``pdf_size``."""
    settings = settings or {}
    case, subject = record.case, record.subject
    child = f"{subject.given_name} {subject.family_name}"
    units = {u.id: u.name for u in record.units}
    employees = {e.id: f"{e.given_name} {e.family_name}" for e in record.employees}
    title, public_title = f"Stafettlogg - {child}", "Stafettlogg - unntatt offentlighet"
    root = ET.Element(f"{{{NS}}}arkivmelding")
    _el(root, "system", SYSTEM)
    _el(root, "antallFiler", "1")
    folder = _el(root, "mappe", xsi_type="saksmappe")
    _el(folder, "tittel", title)
    _el(folder, "offentligTittel", public_title)
    _el(folder, "opprettetDato", _iso(case.opened_at))
    if case.closed_at is not None:
        _el(folder, "avsluttetDato", _iso(case.closed_at))
    if settings.get("arkivdel"):
        _code(folder, "arkivdel", settings["arkivdel"])
    _part(folder, child, ("BARN", "Barnet saken gjelder"), subject.national_id)
    responsible = {g.guardian_id for g in record.guardianships if g.parental_responsibility}
    for g in record.guardians:
        if g.id in responsible:
            _part(folder, f"{g.given_name} {g.family_name}", ("FORESATT", "Foresatt"), g.national_id)
    _screening(folder)
    if settings.get("klasse"):
        classification = _el(folder, "klassifikasjon")
        _el(classification, "klassifikasjonssystemID", settings.get("klassifikasjonssystem", "ARKNOKKEL"))
        _el(classification, "klasseID", settings["klasse"])
    _key(folder, "referanseEksternNoekkel", case.id)
    _el(folder, "saksdato", case.opened_at.astimezone(dt.UTC).date().isoformat())
    owner = _el(folder, "administrativEnhet")
    _el(owner, "navn", units.get(case.owner_unit_id, case.owner_unit_id), ns=MDK)
    _el(owner, "identifikator", case.owner_unit_id, ns=MDK)
    if case.relay_holder_id in employees:
        holder = _el(folder, "saksansvarlig")
        _el(holder, "navn", employees[case.relay_holder_id or ""], ns=MDK)
    _code(folder, "saksstatus", "A", "Avsluttet")

    note = _el(root, "registrering", xsi_type="arkivnotat")
    _el(note, "opprettetDato", _iso(case.closed_at or case.opened_at))
    parent = _el(note, "referanseForelderMappe")
    _key(parent, "referanseEksternNoekkel", case.id, ns=MDK)
    _screening(note)
    document = _el(note, "dokumentbeskrivelse")
    _code(document, "dokumenttype", "STAFETTLOGG", "Stafettlogg")
    _code(document, "dokumentstatus", "F", "Dokumentet er ferdigstilt")
    _el(document, "tittel", title)
    _code(document, "tilknyttetRegistreringSom", "H", "Hoveddokument")
    _el(document, "dokumentnummer", "1")
    file = _el(document, "dokumentobjekt")
    _el(file, "versjonsnummer", "1")
    _code(file, "variantformat", "A", "Arkivformat")
    _code(file, "format", "PDF", "PDF")
    _el(file, "mimeType", "application/pdf")
    _el(file, "filnavn", PDF_NAME)
    _el(file, "referanseDokumentfil", PDF_NAME)
    _el(file, "sjekksum", pdf_checksum.removeprefix("sha256:"))
    _el(file, "sjekksumAlgoritme", "SHA-256")
    _el(file, "filstoerrelse", str(pdf_size))
    _el(note, "tittel", title)
    _el(note, "offentligTittel", public_title)
    _key(note, "referanseEksternNoekkel", f"{case.id}/arkivversjon")
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)
