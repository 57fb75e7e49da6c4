"""The PDF that goes with a bekymringsmelding: the same content, for barnevern's archive and for people.

Made with fpdf2's built-in Helvetica (Latin-1: æ, ø, å and § are in it); a character outside
Latin-1 (a dash, an emoji) is written as its nearest Latin-1 form or "?".
"""

from __future__ import annotations

from typing import Any

from fpdf import FPDF

from adapters.fiks.message import local_time
from contracts import ChildWelfareReport, ReportPerson

REPLACEMENTS = str.maketrans({"–": "-", "—": "-", "“": '"', "”": '"', "’": "'", "‘": "'", "…": "..."})


def _latin1(text: str) -> str:
    return text.translate(REPLACEMENTS).encode("latin-1", "replace").decode("latin-1")


def _informed(p: ReportPerson) -> str:
    if p.informed:
        return "Ja"
    return "Nei" + (f" - {p.not_informed_reason}" if p.not_informed_reason else "")


def pdf(report: ChildWelfareReport) -> bytes:
    doc: Any = FPDF(format="A4")
    doc.set_title("Bekymringsmelding")
    doc.set_creator("Stafett")
    doc.set_auto_page_break(auto=True, margin=15)
    doc.add_page()
    width = doc.w - doc.l_margin - doc.r_margin

    def heading(text: str, size: int = 12) -> None:
        doc.set_font("Helvetica", "B", size)
        doc.multi_cell(width, 7, _latin1(text), new_x="LMARGIN", new_y="NEXT")

    def field(label: str, value: str) -> None:
        doc.set_font("Helvetica", "B", 10)
        doc.multi_cell(width, 5, _latin1(label), new_x="LMARGIN", new_y="NEXT")
        doc.set_font("Helvetica", "", 10)
        doc.multi_cell(width, 5, _latin1(value or "-"), new_x="LMARGIN", new_y="NEXT")
        doc.ln(1)

    heading("Bekymringsmelding til barneverntjenesten", 16)
    if report.urgent:
        heading("Haster")
    place = report.municipality_name + (f", bydel {report.district_name}" if report.district_name else "")
    field("Kommune", f"{report.municipality_id} {place}")
    field("Sendt", local_time(report.sent_at).replace("T", " kl. "))
    field("Grunnlag", f"Opplysningsplikt, {report.legal_basis}. Krever ikke samtykke.")
    r = report.reporter
    heading("Melder")
    field("Navn og rolle", f"{r.name}, {r.role}")
    field("Kontakt", f"{r.phone}, {r.email}")
    a = r.unit_address
    field("Virksomhet", f"{r.unit_name} {r.organization_number}".strip() + f", {a.line1} {a.postal_code} "
          f"{a.postal_town}".rstrip())  # fmt: skip
    heading("Barnet")
    c = report.child
    field("Navn", c.name + (" (ufødt)" if c.unborn else ""))
    if c.national_id:
        field("Fødselsnummer", c.national_id)
    ca = report.child_address
    field("Adresse", f"{ca.line1}, {ca.postal_code} {ca.postal_town}".rstrip(", "))
    field("Orientert om meldingen", _informed(c))
    if c.party:
        field("Part", "Ungdommen er 15 år eller eldre og er part i saken (barnevernsloven § 12-3).")
    heading("Foresatte")
    for g in report.guardians:
        field(g.name, (f"Telefon {g.phone}. " if g.phone else "") + "Orientert: " + _informed(g))
    heading("Bekymringen")
    field("Hva bekymringen gjelder", report.worry)
    field("Hva er prøvd (tiltak og evalueringer)", report.history)
    if report.other_views:
        field("Andre synspunkter", report.other_views)
    if report.interpreter:
        field("Behov for tolk", report.interpreter)
    if report.other_services:
        field("Andre hjelpeinstanser", report.other_services)
    return bytes(doc.output())
