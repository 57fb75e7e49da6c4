"""The family's view (Min side): their cases, the shared log, measures and home tasks, consent,
comments; and the auditor's check of the audit chain."""

from __future__ import annotations

from litestar import Controller
from litestar.params import JSONBody

from contracts import Case, Consent, LogEntry
from core.api.dependencies import Page, Pages, UoW
from core.api.routes import IdPath, create, read
from core.api.schemas import CommentIn, fields
from core.domain.policy import Action
from core.services import family_view
from core.services.access_log import AuditVerification
from core.services.family_view import FamilyLogEntry, FamilyMeasure


class FamilyController(Controller):
    path = "/family/cases"
    tags = ("Familien",)

    @read("/", purpose="family.list_cases")
    def cases(self, uow: UoW, paging: Pages) -> Page[Case]:
        """The cases of my children (or my own, as a youth) that I may follow."""
        return uow.run(lambda w: paging.page(w.cases.family_cases()))

    @read("/{case_id:str}", purpose="family.read_case")
    def case(self, case_id: IdPath, uow: UoW) -> Case:
        return uow.run(lambda w: w.cases.state(case_id, Action.READ_FAMILY_VIEW).case)

    @read("/{case_id:str}/log", purpose="family.read_log")
    def log(self, case_id: IdPath, uow: UoW, paging: Pages) -> Page[FamilyLogEntry]:
        """The stafettlogg entries shared with the family, with the name and unit of who wrote each."""
        with uow() as w:
            items, total = w.log.entries_page(
                case_id, limit=paging.limit, offset=paging.offset, family_only=True
            )
            entries = family_view.log_entries(w.uow, case_id, items)
            return paging.counted(entries, total)

    @read("/{case_id:str}/measures", purpose="family.read_measures")
    def measures(self, case_id: IdPath, uow: UoW, paging: Pages) -> Page[FamilyMeasure]:
        """Measures and home tasks (``for_family``) with their evaluations, and who is responsible."""
        with uow() as w:
            page = paging.page(w.measures.list(case_id))
            return page.with_items(family_view.measures(w.uow, case_id, page.items))

    @read("/{case_id:str}/consents", purpose="family.read_consents")
    def consents(self, case_id: IdPath, uow: UoW, paging: Pages) -> Page[Consent]:
        """The consents asked for in the case, with who has given them; give or withdraw via /consents."""
        return uow.run(lambda w: paging.page(w.consents.list(case_id)))

    @create("/{case_id:str}/comments", purpose="family.comment", location="/cases/{case_id}/log/{id}")
    def comment(self, case_id: IdPath, data: JSONBody[CommentIn], uow: UoW) -> LogEntry:
        """A comment from the family in the stafettlogg; with ``home_task_id``, a report on that home task."""
        return uow.run(lambda w: w.log.family_comment(case_id, **fields(data)))


class AuditController(Controller):
    path = "/audit"
    tags = ("Revisjon",)

    @read("/verify", purpose="audit.verify")
    def verify(self, uow: UoW) -> AuditVerification:
        """Walk the municipality's hash chain (auditors); names every event changed or removed."""
        return uow.run(lambda w: w.access_log.verify())
