"""The archive version of a case as a PDF: everything in the stafettlogg, who wrote what and when.

Made like the bekymringsmelding's (``adapters.pdf``): Latin-1 Helvetica covers æ, ø, å and §;
anything outside it is written as its nearest Latin-1 form or "?". Sections: the case,
the child and guardians, participants, consents, concerns, tiltak with their evaluations, meetings,
hand-overs, and the whole log in order. The same record always gives the same bytes (no clock inside),
so the checksum names the content.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from zoneinfo import ZoneInfo

from adapters.pdf import PlainPdf
from contracts import CaseRecord, LogEntry, words

OSLO = ZoneInfo("Europe/Oslo")
FIXED_DATE = dt.datetime(2000, 1, 1, tzinfo=dt.UTC)  # fpdf's creation date: the content decides the bytes


def when(at: dt.datetime | dt.date | None) -> str:
    if at is None:
        return "-"
    if isinstance(at, dt.datetime):
        return at.astimezone(OSLO).strftime("%d.%m.%Y kl. %H:%M")
    return at.strftime("%d.%m.%Y")


def checksum(data: bytes) -> str:
    return "sha256:" + hashlib.sha256(data).hexdigest()


def render(record: CaseRecord, municipality_name: str) -> bytes:
    """The whole case, for the archive."""
    doc = PlainPdf("Stafettlogg - arkivversjon", creation_date=FIXED_DATE, space_before_heading=2)
    heading, line = doc.heading, doc.field
    names = {p.id: f"{p.given_name} {p.family_name}" for p in [*record.guardians, *record.employees]}
    subject = record.subject
    names[subject.id] = f"{subject.given_name} {subject.family_name}"
    units = {u.id: u.name for u in record.units}

    def who(person_id: str | None) -> str:
        return "Stafett (systemet)" if person_id is None else names.get(person_id, "ukjent person")

    case = record.case
    heading("Stafettlogg - arkivversjon", 16)
    line("Kommune", f"{case.municipality_id} {municipality_name}")
    line("Sak", case.id)
    line("Eier", units.get(case.owner_unit_id, case.owner_unit_id))
    line("Åpnet og avsluttet", f"{when(case.opened_at)} - {when(case.closed_at)}")
    line("Nivå ved avslutning", words.LEVEL_NAMES[case.level])
    line("Stafettholder", who(case.relay_holder_id) if case.relay_holder_id else "ingen")
    heading("Barnet og foresatte")
    line("Barnet", f"{names[subject.id]}, født {when(subject.birth_date)}, fødselsnummer "
         f"{subject.national_id or 'ikke registrert'}")  # fmt: skip
    for g in record.guardians:
        responsible = next(
            (s.parental_responsibility for s in record.guardianships if s.guardian_id == g.id), False
        )
        line(
            "Foresatt", f"{names[g.id]}" + (" (foreldreansvar)" if responsible else " (uten foreldreansvar)")
        )
    heading("Tjenester i saken")
    for p in record.participants:
        line(units.get(p.unit_id, p.unit_id), f"grunnlag {p.basis}, med fra {when(p.added_at)}")
    heading("Samtykker")
    for c in record.consents:
        givers = "; ".join(
            f"{who(g.person_id)}: {when(g.given_at) if g.given_at else 'ikke gitt'}" for g in c.givers
        )
        to = ", ".join(units.get(u, u) for u in c.unit_ids)
        text = f"Til {to}, {when(c.valid_from)}-{when(c.valid_to)}. Formål: {c.purpose}. Gitt av {givers}."
        if c.withdrawn_at:
            text += f" Trukket tilbake {when(c.withdrawn_at)}."
        line(f"Samtykke registrert {when(c.recorded_at)} av {who(c.recorded_by)}", text)
    heading("Undringer og bekymringer")
    for k in record.concerns:
        line(f"{when(k.recorded_at)}, {who(k.raised_by)} ({units.get(k.unit_id, k.unit_id)})", k.observation)
    heading("Tiltak og evalueringer")
    for t in record.measures:
        plan = f"Start {when(t.start_date)}, evaluering {when(t.evaluation_date)}. Status: {t.status}."
        kept = " Skjult for foresatte etter ungdommens ønske." if t.hidden_from_guardians else ""
        line(f"Tiltak: {t.title}", f"Mål: {t.goal}. Ansvarlig: {who(t.responsible_id)}. {plan}{kept}")
        for e in t.evaluations:
            line(f"Evaluert {when(e.evaluated_at)} av {who(e.evaluated_by)} ({e.outcome})", e.summary)
    heading("Møter")
    for mt in record.meetings:
        line(f"{when(mt.starts_at)} ({mt.kind})", mt.summary)
    heading("Stafettpinnen")
    for h in record.handovers:
        line(f"{when(h.requested_at)}: fra {who(h.from_id) if h.from_id else '-'} til {who(h.to_id)}",
             f"{h.status}. {h.note}".strip())  # fmt: skip
    heading("Hele loggen")
    for entry in record.log:
        kind = words.LOG_ENTRY_KINDS.get(entry.kind, str(entry.kind))
        author = who(entry.author_id)
        if entry.author_id is None and entry.data.get("skrevet_av"):  # a moved case's history
            author = f"{entry.data['skrevet_av']} i {entry.data.get('flyttet_fra', '')}"
        head = f"{entry.seq}. {when(entry.at)} - {kind} - skrevet av {author} - {_seen_by(entry)}"
        line(head, entry.text)
    return doc.output()


def _seen_by(entry: LogEntry) -> str:
    """Who the entry was shared with: an archive that later gives innsyn must know what to withhold."""
    if not entry.shared_with_family:
        return "bare tjenestene"
    return "tjenestene og ungdommen, skjult for foresatte" if entry.hidden_from_guardians else "hele familien"
