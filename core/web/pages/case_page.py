"""The case page and its actions: level, closing, tiltak and their evaluation and status, participating
services, consent requests, the stafettholder and handovers, tools, notes, corrections and meetings.
Each action is a form POST; a refusal re-shows the case page with the rule's words and a 4xx status."""

from __future__ import annotations

from anyio import to_thread
from litestar import Request, Response, get, post

from contracts import CloseReason, InformationArea, MeasureStatus, MeetingKind, ParticipationBasis
from core.api.routes import IdPath
from core.errors import Forbidden, InvalidInput, StafettError
from core.i18n import N_, _
from core.platform import Work
from core.web import forms, views
from core.web.pages.practice import practice_context
from core.web.pages.shared import (
    Form,
    _choice,
    _date,
    _done,
    _message,
    _one,
    _optional_date,
    _posted,
    _run,
    _ticked,
    _when,
    employee_only,
    show,
)

# who reads a note: (shared with the family, kept from the guardians); an unknown value reads as the
# narrowest, services only
VISIBILITY = {"family": (True, False), "youth": (True, True), "services": (False, False)}


async def _show_case(
    request: Request,
    case_id: str,
    *,
    error: StafettError | None = None,
    form: Form | None = None,
    target: str = "",
) -> Response:
    whole_log = request.query_params.get("logg") == "alle"
    context = await _run(request, "case.read", views.case_page, case_id, whole_log)
    context |= await to_thread.run_sync(practice_context, request, case_id)
    status = error.status if error else 200
    return await show(
        request,
        "sak.html",
        status=status,
        error=error,
        values=form or {},
        target=target,
        message="" if error else _message(request),
        **context,
    )


@get("/saker/{case_id:str}", before_request=employee_only)
async def case_page(request: Request, case_id: IdPath) -> Response:
    return await _show_case(request, case_id)


async def _act(request: Request, case_id: IdPath, target: str, purpose: str, fn, done: str) -> Response:
    """Run one case action from a form; on a refusal re-show the case page with it (4xx)."""
    form = await _posted(request)
    try:
        await _run(request, purpose, fn, form)
    except StafettError as exc:
        return await _show_case(request, case_id, error=exc, form=form, target=target)
    return _done(f"/saker/{case_id}", done)


@post("/saker/{case_id:str}/niva", before_request=employee_only)
async def change_level(request: Request, case_id: IdPath) -> Response:
    def change(w: Work, form: Form) -> None:
        ticked = _ticked(form, "unit_leader_informed", "guardians_informed")
        w.cases.change_level(case_id, _one(form, "level"), note=_one(form, "note"), **ticked)

    return await _act(request, case_id, "niva", "case.change_level", change, "level")


@post("/saker/{case_id:str}/avslutt", before_request=employee_only)
async def close_case(request: Request, case_id: IdPath) -> Response:
    def close(w: Work, form: Form) -> None:
        w.cases.close(
            case_id,
            _choice(form, "reason", CloseReason, N_("hvorfor saken avsluttes")),
            note=_one(form, "note"),
        )

    return await _act(request, case_id, "avslutt", "case.close", close, "closed")


@post("/saker/{case_id:str}/tiltak", before_request=employee_only)
async def add_measure(request: Request, case_id: IdPath) -> Response:
    def create(w: Work, form: Form) -> None:
        w.measures.create(
            case_id,
            title=_one(form, "title"),
            goal=_one(form, "goal"),
            responsible_id=_one(form, "responsible_id"),
            start_date=_date(form, "start_date", N_("Oppstart")),
            evaluation_date=_date(form, "evaluation_date", N_("Evalueres")),
            **_ticked(form, "for_family", "hidden_from_guardians"),
        )

    return await _act(request, case_id, "tiltak", "case.create_measure", create, "measure")


@post("/saker/{case_id:str}/tiltak/{measure_id:str}/evaluering", before_request=employee_only)
async def evaluate_measure(request: Request, case_id: IdPath, measure_id: IdPath) -> Response:
    def evaluate(w: Work, form: Form) -> None:
        w.measures.evaluate(
            measure_id,
            outcome=_one(form, "outcome"),
            summary=_one(form, "summary"),
            next_evaluation_date=_optional_date(form, "next_evaluation_date", N_("Neste evaluering")),
        )

    return await _act(request, case_id, f"evaluering-{measure_id}", "measure.evaluate", evaluate, "evaluated")


@post("/saker/{case_id:str}/tiltak/{measure_id:str}/status", before_request=employee_only)
async def change_measure_status(request: Request, case_id: IdPath, measure_id: IdPath) -> Response:
    def change(w: Work, form: Form) -> None:
        w.measures.change_status(
            measure_id,
            _choice(form, "status", MeasureStatus, N_("hva som skal skje med tiltaket")),
            reason=_one(form, "reason"),
            next_evaluation_date=_optional_date(form, "next_evaluation_date", N_("Ny evalueringsdato")),
        )

    return await _act(request, case_id, f"status-{measure_id}", "measure.change_status", change, "status")


@post("/saker/{case_id:str}/deltakere", before_request=employee_only)
async def add_participant(request: Request, case_id: IdPath) -> Response:
    def add(w: Work, form: Form) -> None:
        basis = _choice(form, "basis", ParticipationBasis, N_("grunnlaget"))
        w.cases.add_participant(case_id, _one(form, "unit_id"), basis=basis)

    return await _act(request, case_id, "deltakere", "case.add_participant", add, "participant")


@post("/saker/{case_id:str}/samtykke", before_request=employee_only)
async def request_consent(request: Request, case_id: IdPath) -> Response:
    def ask(w: Work, form: Form) -> None:
        w.consents.request(
            case_id,
            unit_ids=[u for u in form.get("unit_ids", []) if u],
            categories=[line.strip() for line in _one(form, "categories").splitlines() if line.strip()],
            purpose=_one(form, "purpose"),
            area=_choice(form, "area", InformationArea, N_("område")),
            valid_from=_date(form, "valid_from", N_("Gyldig fra")),
            valid_to=_date(form, "valid_to", N_("Gyldig til")),
        )

    return await _act(request, case_id, "samtykke", "consent.request", ask, "consent")


@post("/saker/{case_id:str}/stafettholder", before_request=employee_only)
async def assign_relay_holder(request: Request, case_id: IdPath) -> Response:
    def assign(w: Work, form: Form) -> None:
        w.relay_holder.assign(case_id, _one(form, "employee_id"))

    return await _act(request, case_id, "stafett", "case.assign_relay_holder", assign, "holder")


@post("/saker/{case_id:str}/koordinator", before_request=employee_only)
async def assign_coordinator(request: Request, case_id: IdPath) -> Response:
    def assign(w: Work, form: Form) -> None:
        w.plans.assign_coordinator(case_id, _one(form, "person_id"), _one(form, "role"))

    return await _act(request, case_id, "koordinator", "case.coordinator", assign, "coordinator")


@post("/saker/{case_id:str}/plan", before_request=employee_only)
async def make_plan(request: Request, case_id: IdPath) -> Response:
    def make(w: Work, form: Form) -> None:
        sections = {s.id: _one(form, f"section-{s.id}") for s in w.plugins.plan_template.sections}
        revision = _optional_date(form, "revision_date", N_("revideres"))
        w.plans.make_plan(case_id, goals=_one(form, "goals"), revision_date=revision, sections=sections)

    return await _act(request, case_id, "plan", "case.make_plan", make, "plan")


@post("/saker/{case_id:str}/plan/{section_id:str}", before_request=employee_only)
async def plan_section(request: Request, case_id: IdPath, section_id: str) -> Response:
    def write(w: Work, form: Form) -> None:
        w.plans.set_section(case_id, section_id, _one(form, "text"))

    return await _act(request, case_id, "plan", "case.plan_section", write, "plan_section")


@post("/saker/{case_id:str}/overlevering", before_request=employee_only)
async def offer_handover(request: Request, case_id: IdPath) -> Response:
    def offer(w: Work, form: Form) -> None:
        w.relay_holder.request_handover(case_id, _one(form, "to_id"), note=_one(form, "note"))

    return await _act(request, case_id, "stafett", "case.request_handover", offer, "offered")


@post("/saker/{case_id:str}/overlevering/{handover_id:str}", before_request=employee_only)
async def answer_handover(request: Request, case_id: IdPath, handover_id: IdPath) -> Response:
    form = await _posted(request)
    accept = _one(form, "answer") == "accept"

    def answer(w: Work, form: Form) -> None:
        if accept:
            w.relay_holder.accept(handover_id)
        else:
            w.relay_holder.decline(handover_id, reason=_one(form, "reason"))

    purpose = "handover.accept" if accept else "handover.decline"
    try:
        await _run(request, purpose, answer, form)
    except StafettError as exc:
        if isinstance(exc, Forbidden):
            raise
        return await _show_case(request, case_id, error=exc, form=form, target="stafett")
    if not accept:
        return _done("/saker", "declined")
    return _done(f"/saker/{case_id}", "accepted")


@post("/saker/{case_id:str}/verktoy/{tool_id:str}", before_request=employee_only)
async def fill_in_tool(request: Request, case_id: IdPath, tool_id: IdPath) -> Response:
    """A tool's form, checked by the plugin host against its schema, written as a log entry."""

    def fill(w: Work, form: Form) -> None:
        tool = w.directory.tool(tool_id)
        data = forms.parse(tool.form_schema, form)
        errors = w.plugins.validate_form(tool_id, data)
        if errors:
            raise InvalidInput(_("Skjemaet er ikke riktig utfylt: ") + "; ".join(errors), field="form")
        w.log.add_note(case_id, "", tool_id=tool_id, form=data, shared_with_family=tool.shared_with_family)

    return await _act(request, case_id, f"verktoy-{tool_id}", "case.write_log", fill, "tool")


@post("/saker/{case_id:str}/logg", before_request=employee_only)
async def write_note(request: Request, case_id: IdPath) -> Response:
    def note(w: Work, form: Form) -> None:
        shared, hidden = VISIBILITY.get(_one(form, "visibility", "family"), (False, False))
        w.log.add_note(
            case_id,
            _one(form, "text"),
            shared_with_family=shared,
            hidden_from_guardians=hidden,
            **_ticked(form, "bright_moment"),
        )

    return await _act(request, case_id, "logg", "case.write_log", note, "note")


@post("/saker/{case_id:str}/logg/{entry_id:str}/rettelse", before_request=employee_only)
async def correct_entry(request: Request, case_id: IdPath, entry_id: IdPath) -> Response:
    def correct(w: Work, form: Form) -> None:
        w.log.correct(case_id, entry_id, _one(form, "text"), reason=_one(form, "reason"))

    return await _act(request, case_id, f"rett-{entry_id}", "case.correct_log", correct, "corrected")


@post("/saker/{case_id:str}/moter", before_request=employee_only)
async def schedule_meeting(request: Request, case_id: IdPath) -> Response:
    def schedule(w: Work, form: Form) -> None:
        w.meetings.schedule(
            case_id,
            kind=_choice(form, "kind", MeetingKind, N_("møtetype")),
            starts_at=_when(form, "starts_at", N_("Tidspunkt")),
            arena_id=_one(form, "arena_id") or None,
            unit_ids=[u for u in form.get("unit_ids", []) if u],
            summary=_one(form, "summary"),
            location=_one(form, "location"),
        )

    return await _act(request, case_id, "moter", "meeting.schedule", schedule, "meeting")


@post("/saker/{case_id:str}/moter/{meeting_id:str}/endre", before_request=employee_only)
async def reschedule_meeting(request: Request, case_id: IdPath, meeting_id: IdPath) -> Response:
    def reschedule(w: Work, form: Form) -> None:
        w.meetings.reschedule(
            meeting_id, starts_at=_when(form, "starts_at", N_("Ny tid")), location=_one(form, "location")
        )

    return await _act(request, case_id, "moter", "meeting.reschedule", reschedule, "meeting_changed")


@post("/saker/{case_id:str}/moter/{meeting_id:str}/avlys", before_request=employee_only)
async def cancel_meeting(request: Request, case_id: IdPath, meeting_id: IdPath) -> Response:
    def cancel(w: Work, form: Form) -> None:
        w.meetings.cancel(meeting_id)

    return await _act(request, case_id, "moter", "meeting.cancel", cancel, "meeting_cancelled")
