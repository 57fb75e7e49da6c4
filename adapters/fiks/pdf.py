"""The PDF that goes with a bekymringsmelding: the same content, for barnevern's archive and for people
(``adapters.pdf``: Latin-1 Helvetica), in the written form of the block it is made in (the
municipality's målform)."""

from __future__ import annotations

from adapters.fiks.message import local_time
from adapters.pdf import PlainPdf
from contracts import ChildWelfareReport, ReportPerson
from core.public import _


def _informed(p: ReportPerson) -> str:
    if p.informed:
        return _("Ja")
    return _("Nei") + (f" - {p.not_informed_reason}" if p.not_informed_reason else "")


def pdf(report: ChildWelfareReport) -> bytes:
    doc = PlainPdf(_("Bekymringsmelding"))
    heading, field = doc.heading, doc.field
    heading(_("Bekymringsmelding til barneverntjenesten"), 16)
    if report.urgent:
        heading(_("Haster"))
    district = _(", bydel {district}").format(district=report.district_name) if report.district_name else ""
    place = report.municipality_name + district
    field(_("Kommune"), f"{report.municipality_id} {place}")
    field(_("Sendt"), local_time(report.sent_at).replace("T", " " + _("kl.") + " "))
    field(
        _("Grunnlag"), _("Opplysningsplikt, {basis}. Krever ikke samtykke.").format(basis=report.legal_basis)
    )
    r = report.reporter
    heading(_("Melder"))
    field(_("Navn og rolle"), f"{r.name}, {r.role}")
    field(_("Kontakt"), f"{r.phone}, {r.email}")
    a = r.unit_address
    field(_("Virksomhet"), f"{r.unit_name} {r.organization_number}".strip() + f", {a.line1} {a.postal_code} "
          f"{a.postal_town}".rstrip())  # fmt: skip
    heading(_("Barnet"))
    c = report.child
    field(_("Navn"), c.name + (_(" (ufødt)") if c.unborn else ""))
    if c.national_id:
        field(_("Fødselsnummer"), c.national_id)
    ca = report.child_address
    field(_("Adresse"), f"{ca.line1}, {ca.postal_code} {ca.postal_town}".rstrip(", "))
    field(_("Orientert om meldingen"), _informed(c))
    if c.party:
        field(_("Part"), _("Ungdommen er 15 år eller eldre og er part i saken (barnevernsloven § 12-3)."))
    heading(_("Foresatte"))
    for g in report.guardians:
        phone = _("Telefon {phone}. ").format(phone=g.phone) if g.phone else ""
        field(g.name, phone + _("Orientert: ") + _informed(g))
    heading(_("Bekymringen"))
    field(_("Hva bekymringen gjelder"), report.worry)
    field(_("Hva er prøvd (tiltak og evalueringer)"), report.history)
    if report.other_views:
        field(_("Andre synspunkter"), report.other_views)
    if report.interpreter:
        field(_("Behov for tolk"), report.interpreter)
    if report.other_services:
        field(_("Andre hjelpeinstanser"), report.other_services)
    return doc.output()
