"""The bekymringsmelding form on the case page, and barnevern's answer to one (a form POST each)."""

from __future__ import annotations

from litestar import Request, Response, post

from core.api.routes import IdPath
from core.platform import Work
from core.services.reports import ReportInput
from core.web.pages.case_page import _act
from core.web.pages.shared import Form, _one, employee_only


def _input(form: Form) -> ReportInput:
    yes = {"ja", "yes", "on", "true"}
    return ReportInput(
        worry=_one(form, "worry"),
        history=_one(form, "history"),
        measure_ids=[m for m in form.get("measure_ids", []) if m],
        guardians_informed=_one(form, "guardians_informed") in yes,
        guardians_not_informed_reason=_one(form, "guardians_not_informed_reason"),
        child_informed=_one(form, "child_informed") in yes,
        child_not_informed_reason=_one(form, "child_not_informed_reason"),
        reporter_unit_id=_one(form, "reporter_unit_id"),
        reporter_role=_one(form, "reporter_role"),
        reporter_phone=_one(form, "reporter_phone"),
        reporter_email=_one(form, "reporter_email"),
        unit_address=_one(form, "unit_address"),
        unit_postal_code=_one(form, "unit_postal_code"),
        unit_postal_town=_one(form, "unit_postal_town"),
        child_address=_one(form, "child_address"),
        child_postal_code=_one(form, "child_postal_code"),
        child_postal_town=_one(form, "child_postal_town"),
        urgent=bool(_one(form, "urgent")),
        other_views=_one(form, "other_views"),
        interpreter=_one(form, "interpreter"),
        other_services=_one(form, "other_services"),
    )


@post("/saker/{case_id:str}/bekymringsmelding", before_request=employee_only)
async def send_report(request: Request, case_id: IdPath) -> Response:
    def send(w: Work, form: Form) -> None:
        w.reports.send(case_id, _input(form))

    return await _act(request, case_id, "bekymringsmelding", "case.send_report", send, "report")


@post("/saker/{case_id:str}/bekymringsmelding/{report_id:str}/svar", before_request=employee_only)
async def answer_report(request: Request, case_id: IdPath, report_id: IdPath) -> Response:
    def answer(w: Work, form: Form) -> None:
        w.reports.record_answer(report_id, _one(form, "answer"), note=_one(form, "note"))

    return await _act(request, case_id, f"svar-{report_id}", "report.answer", answer, "report_answer")
