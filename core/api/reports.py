"""Bekymringsmeldinger from a case: send one (opplysningsplikt, no consent), list them, record the answer."""

from __future__ import annotations

from typing import Annotated

import msgspec
from litestar import Controller
from litestar.params import JSONBody

from contracts import ReportAnswer, ReportSummary
from core.api.dependencies import Page, Pages, UoW
from core.api.routes import IdPath, action, create, read
from core.services.reports import ReportInput


class AnswerIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    answer: ReportAnswer
    note: Annotated[str, msgspec.Meta(max_length=20_000, pattern=r"^[^\x00]*$")] = ""


class ReportController(Controller):
    path = "/"
    tags = ("Bekymringsmelding",)

    @create("/cases/{case_id:str}/reports", purpose="case.send_report", location="/cases/{case_id}/reports")
    def send(self, case_id: IdPath, data: JSONBody[ReportInput], uow: UoW) -> ReportSummary:
        """Send a bekymringsmelding to barnevern (barnevernsloven § 13-2): no consent is needed; the
        family sees in innsyn that information was given, when and by whom, not what it says."""
        return uow.run(lambda w: w.reports.send(case_id, data))

    @read("/cases/{case_id:str}/reports", purpose="case.read_reports")
    def list_reports(self, case_id: IdPath, uow: UoW, paging: Pages) -> Page[ReportSummary]:
        """The case's reports: when, by whom, on which basis, the receipt and barnevern's answer."""
        return uow.run(lambda w: paging.page(w.reports.list(case_id)))

    @action("/reports/{report_id:str}/answer", purpose="report.answer")
    def answer(self, report_id: IdPath, data: JSONBody[AnswerIn], uow: UoW) -> ReportSummary:
        """Barnevern's answer to the reporter: an investigation opened, or not."""
        return uow.run(lambda w: w.reports.record_answer(report_id, data.answer, note=data.note))
