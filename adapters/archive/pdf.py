"""The archive version of a case as a PDF: everything in the stafettlogg, who wrote what and when.

Made like the bekymringsmelding's (``adapters.pdf``): Latin-1 Helvetica covers æ, ø, å and §;
anything outside it is written as its nearest Latin-1 form or "?". Sections: the case,
the child and guardians, participants, consents, concerns, tiltak with their evaluations, meetings,
hand-overs, and the whole log in order. The same record always gives the same bytes (no clock inside),
so the checksum names the content. Its texts are in the written form of the block it is made in
(``i18n.use``: the municipality's målform, docs/languages.md).
"""

from __future__ import annotations

import datetime as dt
import hashlib
from zoneinfo import ZoneInfo

from adapters.pdf import PlainPdf
from contracts import CaseRecord, LogEntry, words
from core.public import _

OSLO = ZoneInfo("Europe/Oslo")
FIXED_DATE = dt.datetime(2000, 1, 1, tzinfo=dt.UTC)  # fpdf's creation date: the content decides the bytes


def when(at: dt.datetime | dt.date | None) -> str:
    if at is None:
        return "-"
    if isinstance(at, dt.datetime):
        local = at.astimezone(OSLO)
        return _("{date} kl. {time}").format(date=local.strftime("%d.%m.%Y"), time=local.strftime("%H:%M"))
    return at.strftime("%d.%m.%Y")


def checksum(data: bytes) -> str:
    return "sha256:" + hashlib.sha256(data).hexdigest()


def render(record: CaseRecord, municipality_name: str) -> bytes:
    """The whole case, for the archive."""
    title = _("Stafettlogg - arkivversjon")
    doc = PlainPdf(title, creation_date=FIXED_DATE, space_before_heading=2)
    heading, line = doc.heading, doc.field
    names = {p.id: f"{p.given_name} {p.family_name}" for p in [*record.guardians, *record.employees]}
    subject = record.subject
    names[subject.id] = f"{subject.given_name} {subject.family_name}"
    units = {u.id: u.name for u in record.units}

    def who(person_id: str | None) -> str:
        return _("Stafett (systemet)") if person_id is None else names.get(person_id, _("ukjent person"))

    case = record.case
    heading(title, 16)
    line(_("Kommune"), f"{case.municipality_id} {municipality_name}")
    line(_("Sak"), case.id)
    line(_("Eier"), units.get(case.owner_unit_id, case.owner_unit_id))
    line(_("Åpnet og avsluttet"), f"{when(case.opened_at)} - {when(case.closed_at)}")
    line(_("Nivå ved avslutning"), _(words.LEVEL_NAMES[case.level]))
    line(_("Stafettholder"), who(case.relay_holder_id) if case.relay_holder_id else _("ingen"))
    heading(_("Barnet og foresatte"))
    line(_("Barnet"), _("{name}, født {date}, fødselsnummer {national_id}").format(
        name=names[subject.id], date=when(subject.birth_date),
        national_id=subject.national_id or _("ikke registrert")))  # fmt: skip
    for g in record.guardians:
        responsible = next(
            (s.parental_responsibility for s in record.guardianships if s.guardian_id == g.id), False
        )
        line(
            _("Foresatt"),
            f"{names[g.id]}" + (_(" (foreldreansvar)") if responsible else _(" (uten foreldreansvar)")),
        )
    heading(_("Tjenester i saken"))
    for p in record.participants:
        line(
            units.get(p.unit_id, p.unit_id),
            _("grunnlag {basis}, med fra {date}").format(basis=p.basis, date=when(p.added_at)),
        )
    heading(_("Samtykker"))
    for c in record.consents:
        givers = "; ".join(
            f"{who(g.person_id)}: {when(g.given_at) if g.given_at else _('ikke gitt')}" for g in c.givers
        )
        to = ", ".join(units.get(u, u) for u in c.unit_ids)
        text = _("Til {units}, {start}-{end}. Formål: {purpose}. Gitt av {givers}.").format(
            units=to, start=when(c.valid_from), end=when(c.valid_to), purpose=c.purpose, givers=givers
        )
        if c.withdrawn_at:
            text += _(" Trukket tilbake {date}.").format(date=when(c.withdrawn_at))
        line(
            _("Samtykke registrert {date} av {who}").format(date=when(c.recorded_at), who=who(c.recorded_by)),
            text,
        )
    heading(_("Undringer og bekymringer"))
    for k in record.concerns:
        line(f"{when(k.recorded_at)}, {who(k.raised_by)} ({units.get(k.unit_id, k.unit_id)})", k.observation)
    heading(_("Tiltak og evalueringer"))
    for t in record.measures:
        plan = _("Start {start}, evaluering {evaluation}. Status: {status}.").format(
            start=when(t.start_date), evaluation=when(t.evaluation_date), status=t.status
        )
        kept = _(" Skjult for foresatte etter ungdommens ønske.") if t.hidden_from_guardians else ""
        line(
            _("Tiltak: {title}").format(title=t.title),
            _("Mål: {goal}. Ansvarlig: {who}.").format(goal=t.goal, who=who(t.responsible_id))
            + f" {plan}{kept}",
        )
        for e in t.evaluations:
            line(
                _("Evaluert {date} av {who} ({outcome})").format(
                    date=when(e.evaluated_at), who=who(e.evaluated_by), outcome=e.outcome
                ),
                e.summary,
            )
    heading(_("Møter"))
    for mt in record.meetings:
        line(f"{when(mt.starts_at)} ({mt.kind})", mt.summary)
    heading(_("Stafettpinnen"))
    for h in record.handovers:
        giver = who(h.from_id) if h.from_id else "-"
        line(_("{date}: fra {giver} til {receiver}").format(date=when(h.requested_at), giver=giver,
                                                            receiver=who(h.to_id)),
             f"{h.status}. {h.note}".strip())  # fmt: skip
    heading(_("Hele loggen"))
    for entry in record.log:
        kind = (
            _(words.LOG_ENTRY_KINDS[entry.kind]) if entry.kind in words.LOG_ENTRY_KINDS else str(entry.kind)
        )
        author = who(entry.author_id)
        if entry.author_id is None and entry.data.get("skrevet_av"):  # a moved case's history
            author = _("{author} i {municipality}").format(
                author=entry.data["skrevet_av"], municipality=entry.data.get("flyttet_fra", "")
            )
        head = _("{seq}. {date} - {kind} - skrevet av {author} - {seen_by}").format(
            seq=entry.seq, date=when(entry.at), kind=kind, author=author, seen_by=_seen_by(entry)
        )
        line(head, entry.text)
    return doc.output()


def _seen_by(entry: LogEntry) -> str:
    """Who the entry was shared with: an archive that later gives innsyn must know what to withhold."""
    if not entry.shared_with_family:
        return _("bare tjenestene")
    return (
        _("tjenestene og ungdommen, skjult for foresatte")
        if entry.hidden_from_guardians
        else _("hele familien")
    )
