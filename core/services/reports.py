"""Bekymringsmelding: a report to barnevern from a case, under the duty to report (no consent needed).

An employee with a role in the case (``Action.SEND_REPORT``) writes it; the service completes it
from the case (the child, the guardians with parental responsibility, the tiltak and evaluations the
writer chose), finds the receiving barnevern from the municipality's channel registry (by bydel where
the municipality has them), stores it, writes a log entry the family does not see (that a report was
sent, to whom, on which basis; never its content) and queues one outbox delivery. The worker
(``core.outbox_worker.run_reports``) sends it; the receiver's receipts and barnevern's answer are
recorded here. Innsyn shows the family that information was given to barnevern, when and by whom.
"""

from __future__ import annotations

import builtins
import re

import msgspec
from sqlalchemy import select

from contracts import (
    LEGAL_BASIS,
    Address,
    ChildWelfareReport,
    LogEntryKind,
    Measure,
    OutboxStatus,
    PersonKind,
    ReportAnswer,
    Reporter,
    ReportPerson,
    ReportStatus,
    ReportSummary,
    ServiceType,
)
from core.domain.policy import Action
from core.errors import Conflict, InvalidInput, NotFound
from core.i18n import N_, _
from core.ids import new_id
from core.outbox import queue_report
from core.pluginhost.channels import OutboxEndpoint
from core.services import mapping
from core.services.inputs import check_text
from core.services.measures import evaluations_of
from core.services.relaylog import LogWriter
from core.services.state import CaseState
from core.storage import models as m
from core.storage.queries import rows_where
from core.storage.report_models import ReportRow

PURPOSE_REPORT = "bekymringsmelding til barnevernet etter opplysningsplikten"
REPORT_CHANNEL = "child_welfare_report"
PHONE = r"^[+]?[0-9]+([- ][0-9]+)*$"  # as KS's schema has it
EMAIL = (  # as KS's schema has it
    r"^[A-Za-zæøåÆØÅ0-9-_]+(\.[A-Za-zæøåÆØÅ0-9-_]+)*@[A-Za-zæøåÆØÅ0-9-]+(\.[A-Za-zæøåÆØÅ0-9-]+)*(\.[A-Za-z]{2,})$"
)


class ReportInput(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """What the writer fills in; the rest comes from the case."""

    worry: str  # what the worry is
    history: str = ""  # background, in the writer's words
    measure_ids: list[str] = []  # tiltak from the log (with their evaluations) to include
    guardians_informed: bool
    guardians_not_informed_reason: str = ""
    child_informed: bool = False
    child_not_informed_reason: str = ""
    reporter_unit_id: str = ""  # default: the writer's unit in the case
    reporter_role: str = ""  # default: the writer's title
    reporter_phone: str
    reporter_email: str = ""  # default: the writer's e-mail
    unit_address: str
    unit_postal_code: str = ""
    unit_postal_town: str = ""
    child_address: str
    child_postal_code: str = ""
    child_postal_town: str = ""
    urgent: bool = False
    other_views: str = ""
    interpreter: str = ""
    other_services: str = ""


class ReportService(LogWriter):
    # --- the employee ------------------------------------------------------------------------

    def send(self, case_id: str, form: ReportInput) -> ReportSummary:
        work = self.work
        state = CaseState(work, case_id, lock=True)
        work.authorize(Action.SEND_REPORT, case=state.facts())
        author = work.session.get_one(m.PersonRow, work.actor.id)
        unit = self._reporter_unit(state, form.reporter_unit_id)
        child_postal = _text(form.child_postal_code, "child_postal_code", required=False)
        receiver = self.receiver(child_postal)
        party = self.youth_is_party(state)
        report = ChildWelfareReport(
            id=new_id(),
            case_id=case_id,
            municipality_id=work.municipality_id,
            municipality_name=work.municipality.name,
            district_number=str(receiver.config.get("bydelsnummer", "")),
            district_name=str(receiver.config.get("bydelsnavn", "")),
            receiver_unit_id=receiver.unit_id,
            reporter=Reporter(
                name=f"{author.given_name} {author.family_name}",
                role=_text(form.reporter_role or author.title or "", "reporter_role"),
                phone=_pattern(form.reporter_phone, "reporter_phone", PHONE, N_("telefonnummer")),
                email=_pattern(
                    form.reporter_email or author.email or "", "reporter_email", EMAIL, N_("e-post")
                ),
                unit_name=unit.name,
                organization_number=unit.organization_number or "",
                unit_address=_address(
                    form.unit_address, form.unit_postal_code, form.unit_postal_town, "unit"
                ),
            ),
            child=self._child(state, form, party),
            child_address=_address(form.child_address, child_postal, form.child_postal_town, "child"),
            guardians=self._guardians(state, form),
            worry=_text(form.worry, "worry"),
            history=self._history(case_id, form),
            other_views=_text(form.other_views, "other_views", required=False),
            interpreter=_text(form.interpreter, "interpreter", required=False),
            other_services=_text(form.other_services, "other_services", required=False),
            urgent=form.urgent,
            sent_at=work.now,
        )
        report = _checked(report)
        receiver_name = work.session.get_one(m.UnitRow, receiver.unit_id).name
        row = ReportRow(
            id=report.id,
            municipality_id=work.municipality_id,
            case_id=case_id,
            author_id=work.actor.id,
            reporter_unit_id=unit.id,
            receiver_unit_id=receiver.unit_id,
            legal_basis=LEGAL_BASIS,
            urgent=form.urgent,
            youth_is_party=party,
            status=str(ReportStatus.QUEUED),
            content=msgspec.to_builtins(report),
            created_at=work.now,
            receipt_error="",
        )
        work.session.add(row)
        urgency = " Meldingen haster." if form.urgent else ""
        self.log.write(
            state,
            LogEntryKind.CHILD_WELFARE_REPORT,
            text=f"Bekymringsmelding sendt til {receiver_name} etter opplysningsplikten ({LEGAL_BASIS})."
            + urgency,
            data={"report_id": report.id, "receiver_unit_id": receiver.unit_id, "legal_basis": LEGAL_BASIS},
            shared_with_family=False,
        )
        queue_report(work, case_id, receiver, report.id)
        work.session.flush()
        return self._summary(row)

    def list(self, case_id: str) -> builtins.list[ReportSummary]:
        """The case's reports as its services see them: sent, when, by whom, on which basis, the answer."""
        state = CaseState.read(self.work, case_id)
        self.work.authorize(Action.READ_CASE, case=state.facts())
        rows = self.work.session.scalars(rows_where(ReportRow, "case_id", "created_at"), {"value": case_id})
        return [self._summary(r) for r in rows]

    def record_answer(self, report_id: str, answer: ReportAnswer | str, *, note: str = "") -> ReportSummary:
        """Barnevern's answer to the reporter: an investigation is opened, or not."""
        work = self.work
        row = self._row(report_id)
        state = CaseState(work, row.case_id, lock=True)
        work.authorize(Action.WRITE_CASE, case=state.facts())
        try:
            answer = ReportAnswer(answer)
        except ValueError:
            raise InvalidInput(
                _("Svaret må være «opened» (undersøkelse åpnet) eller «not_opened» (ikke åpnet)."),
                field="answer",
            ) from None
        row.answer, row.answer_at, row.answer_by = str(answer), work.now, work.actor.id
        words = "åpnet undersøkelse" if answer is ReportAnswer.OPENED else "åpnet ikke undersøkelse"
        note = _text(note, "note", required=False)
        self.log.write(
            state,
            LogEntryKind.CHILD_WELFARE_ANSWER,
            text=f"Barnevernet {words}." + (f" {note}" if note else ""),
            data={"report_id": row.id, "answer": str(answer)},
            shared_with_family=False,
        )
        return self._summary(row)

    # --- the outbox worker and the receiver's receipts (run as the system) -------------------

    def content(self, report_id: str) -> ChildWelfareReport:
        """The report as it was written, for its sender (audited as a disclosure to barnevern)."""
        row = self._row(report_id)
        self.work.authorize(Action.SEND_REPORT, case=CaseState.read(self.work, row.case_id).facts())
        return msgspec.convert(row.content, ChildWelfareReport)

    def delivery(self, report_id: str, status: OutboxStatus, error: str) -> None:
        """The outbox's outcome, on the report: delivered, or given up on (the case is told)."""
        row = self._row(report_id)
        if status is OutboxStatus.DELIVERED and row.status == ReportStatus.QUEUED:
            row.status, row.delivered_at = str(ReportStatus.DELIVERED), self.work.now
        elif status in (OutboxStatus.DEAD, OutboxStatus.CANCELLED):
            row.status, row.receipt_error = str(ReportStatus.FAILED), error[:2000]
            state = CaseState(self.work, row.case_id, lock=True)
            self.log.write(
                state,
                LogEntryKind.CHILD_WELFARE_RECEIPT,
                text="Bekymringsmeldingen kom ikke fram; driften må sende den på nytt.",
                data={"report_id": row.id, "receipt": "undelivered"},
                shared_with_family=False,
                by_system=True,
            )

    def record_receipt(self, report_id: str, *, received: bool, error: str = "") -> bool:
        """The receiving system's ``mottatt`` or ``feilet``; a receipt already recorded is ignored
        (Fiks IO may deliver it more than once). Returns whether it was new."""
        work = self.work
        row = self._row(report_id, lock=True)
        status = ReportStatus.RECEIVED if received else ReportStatus.FAILED
        if row.receipt_at is not None and row.status == status:
            return False
        row.status, row.receipt_at, row.receipt_error = (
            str(status),
            work.now,
            "" if received else error[:2000],
        )
        work.record_outcome(
            Action.SEND_REPORT,
            outcome="received" if received else "failed",
            reason=f"kvittering fra {row.receiver_unit_id}" + (f": {error}" if error else ""),
            case_id=row.case_id,
        )
        text = (
            "Barnevernet har mottatt bekymringsmeldingen."
            if received
            else f"Barnevernets system kunne ikke ta imot bekymringsmeldingen: {error}"
        )
        self.log.write(
            CaseState(work, row.case_id, lock=True),
            LogEntryKind.CHILD_WELFARE_RECEIPT,
            text=text[:2000],
            data={"report_id": row.id, "receipt": "mottatt" if received else "feilet"},
            shared_with_family=False,
            by_system=True,
        )
        return True

    # --- the parts -----------------------------------------------------------------------------

    def receiver(self, postal_code: str = "") -> OutboxEndpoint:
        """The municipality's barnevern that takes bekymringsmeldinger: the one whose bydel covers the
        child's postal code (``postnumre`` in its channel table), else the one for the whole municipality."""
        work = self.work
        candidates = []
        for endpoint in work.plugins.outbox_endpoints:
            if endpoint.carries != REPORT_CHANNEL:
                continue
            unit = work.session.get(m.UnitRow, endpoint.unit_id)
            if unit is not None and unit.active and unit.service_type == ServiceType.CHILD_WELFARE:
                candidates.append(endpoint)
        district = [e for e in candidates if postal_code and postal_code in (e.config.get("postnumre") or ())]
        whole = [e for e in candidates if not e.config.get("postnumre")]
        found = district or whole
        if len(found) == 1:
            return found[0]
        if not candidates:
            raise Conflict(
                _("Kommunen har ikke satt opp mottak av bekymringsmeldinger (Fiks) for barneverntjenesten."),
                code="no_report_receiver",
            )
        words = (
            _("Ingen bydel i kommunen har postnummer {postal_code}; sjekk barnets postnummer.").format(
                postal_code=postal_code
            )
            if postal_code
            else _("Kommunen har bydeler: oppgi barnets postnummer, så finner Stafett barneverntjenesten.")
        )
        raise InvalidInput(words, field="child_postal_code")

    def youth_is_party(self, state: CaseState) -> bool:
        """A youth of 15 (the child welfare age of the config) or more is a party (barnevernsloven § 12-3)."""
        age = state.subject_age
        return (
            state.subject.kind == PersonKind.CHILD
            and age is not None
            and (age >= self.work.consent_ages.child_welfare)
        )

    def _reporter_unit(self, state: CaseState, unit_id: str) -> m.UnitRow:
        in_case = [state.row.owner_unit_id, *(p.unit_id for p in state.participant_rows)]
        mine = [u for u in in_case if u in self.work.actor.unit_roles]
        chosen = unit_id or (mine[0] if mine else "")
        if chosen not in self.work.actor.unit_roles:
            raise InvalidInput(_("Velg en enhet du arbeider i."), field="reporter_unit_id")
        return self.work.session.get_one(m.UnitRow, chosen)

    def _child(self, state: CaseState, form: ReportInput, party: bool) -> ReportPerson:
        subject = state.subject
        reason = _text(form.child_not_informed_reason, "child_not_informed_reason", required=False)
        if party and not form.child_informed and not reason:
            raise InvalidInput(
                _(
                    "Ungdommen er 15 år eller eldre og part i saken: si om hen er orientert, og hvis "
                    "ikke, hvorfor."
                ),
                field="child_not_informed_reason",
            )
        if subject.kind == PersonKind.PREGNANT:
            name = f"Ufødt barn av {subject.given_name} {subject.family_name}"
            return ReportPerson(name=name, informed=form.child_informed, unborn=True)
        return ReportPerson(
            name=f"{subject.given_name} {subject.family_name}",
            informed=form.child_informed,
            not_informed_reason="" if form.child_informed else reason,
            phone=subject.phone or "",
            national_id=subject.national_id or "",
            party=party,
        )

    def _guardians(self, state: CaseState, form: ReportInput) -> builtins.list[ReportPerson]:
        reason = _text(form.guardians_not_informed_reason, "guardians_not_informed_reason", required=False)
        if not form.guardians_informed and not reason:
            raise InvalidInput(
                _("Si hvorfor foresatte ikke er orientert om meldingen."),
                field="guardians_not_informed_reason",
            )
        ids = [state.subject.id] if state.subject.kind == PersonKind.PREGNANT else list(state.guardian_ids)
        rows = [self.work.session.get_one(m.PersonRow, i) for i in ids[:2]]  # KS takes at most two
        if not rows:
            raise InvalidInput(
                _("Barnet har ingen registrerte foresatte med foreldreansvar."), field="guardians"
            )
        return [
            ReportPerson(
                name=f"{r.given_name} {r.family_name}",
                informed=form.guardians_informed,
                not_informed_reason="" if form.guardians_informed else reason,
                phone=r.phone or "",
            )
            for r in rows
        ]

    def _history(self, case_id: str, form: ReportInput) -> str:
        """What has been tried: the chosen tiltak with their evaluations, then the writer's own words."""
        rows = self.work.session.scalars(
            select(m.MeasureRow).where(m.MeasureRow.case_id == case_id, m.MeasureRow.id.in_(form.measure_ids))
        ).all()
        if len(rows) != len(set(form.measure_ids)):
            raise InvalidInput(_("Et valgt tiltak finnes ikke i denne saken."), field="measure_ids")
        lines = [_measure_line(mapping.measure(r, evaluations_of(self.work.session, r.id))) for r in rows]
        own = _text(form.history, "history", required=not lines)
        return "\n\n".join([*lines, *([own] if own else [])])

    def _row(self, report_id: str, *, lock: bool = False) -> ReportRow:
        row = self.work.session.get(ReportRow, report_id, with_for_update=lock)
        if row is None or row.municipality_id != self.work.municipality_id:
            raise NotFound(
                _("Fant ingen bekymringsmelding «{report_id}».").format(report_id=report_id),
                code="report_not_found",
            )
        return row

    def _summary(self, row: ReportRow) -> ReportSummary:
        session = self.work.session
        author = session.get(m.PersonRow, row.author_id) if row.author_id else None
        return mapping.from_row(
            ReportSummary,
            row,
            author_name=f"{author.given_name} {author.family_name}" if author else "",
            receiver_name=session.get_one(m.UnitRow, row.receiver_unit_id).name,
            status=ReportStatus(row.status),
            answer=ReportAnswer(row.answer) if row.answer else None,
        )


OUTCOME_WORDS = {"achieved": "målet er nådd", "partly": "målet er delvis nådd", "not_achieved": "ikke nådd"}


def _measure_line(measure: Measure) -> str:
    line = f"Tiltak: {measure.title} (mål: {measure.goal}), startet {measure.start_date:%d.%m.%Y}."
    for e in measure.evaluations:
        outcome = OUTCOME_WORDS.get(str(e.outcome), str(e.outcome))
        line += f"\nEvaluert {e.evaluated_at:%d.%m.%Y}: {outcome}. {e.summary}"
    return line


def _checked(report: ChildWelfareReport) -> ChildWelfareReport:
    """The report as the contract's constraints take it (lengths): refused naming the field, not
    stored to fail later in the outbox."""
    try:
        return msgspec.convert(msgspec.to_builtins(report), ChildWelfareReport)
    except msgspec.ValidationError as exc:
        where = str(exc).rpartition("at `$.")[2].rstrip("`") or "report"
        raise InvalidInput(
            _("Bekymringsmeldingen kan ikke sendes slik: {exc}").format(exc=exc), field=where
        ) from None


def _text(value: str, field: str, *, required: bool = True) -> str:
    return check_text(value, field, required=required)


def _pattern(value: str, field: str, pattern: str, what: str) -> str:
    value = _text(value, field)
    if not re.fullmatch(pattern, value):
        raise InvalidInput(
            _("«{value}» er ikke et gyldig {what}.").format(value=value, what=_(what)), field=field
        )
    return value


def _address(line: str, postal_code: str, town: str, prefix: str) -> Address:
    return Address(
        line1=_text(line, f"{prefix}_address")[:300],
        postal_code=_text(postal_code, f"{prefix}_postal_code", required=False),
        postal_town=_text(town, f"{prefix}_postal_town", required=False),
    )
