"""The PDF that goes with a bekymringsmelding: the same content, for barnevern's archive and for people
(``adapters.pdf``: Latin-1 Helvetica)."""

from __future__ import annotations

from adapters.fiks.message import local_time
from adapters.pdf import PlainPdf
from contracts import ChildWelfareReport, ReportPerson


def _informed(p: ReportPerson) -> str:
    if p.informed:
        return "Ja"
    return "Nei" + (f" - {p.not_informed_reason}" if p.not_informed_reason else "")


def pdf(report: ChildWelfareReport) -> bytes:
    doc = PlainPdf("Bekymringsmelding")
    heading, field = doc.heading, doc.field
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
    return doc.output()
