"""No break in the relay: a case's archive status, transfers to another unit, and at nivå 3 the
coordinator and the individuell plan (the family reads and comments on it in Min side)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

import msgspec
from litestar import Controller
from litestar.params import JSONBody

from contracts import ArchiveReceipt, ArchiveStatus, CoordinatorRole, IndividualPlan, Transfer, words
from core.api.dependencies import Page, Pages, UoW
from core.api.routes import IdPath, action, create, read, replace
from core.api.schemas import ShortText, Text

Id = Annotated[str, msgspec.Meta(pattern=r"^[A-Za-z0-9._:-]{1,64}$")]


class _In(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    pass


class TransferIn(_In):
    to_unit_id: Id
    entry_ids: Annotated[list[Id], msgspec.Meta(max_length=10_000)] | None = None  # None: the whole log


class ReasonIn(_In):
    reason: Text = ""


class CoordinatorIn(_In):
    person_id: Id
    role: CoordinatorRole


class PlanIn(_In):
    revision_date: dt.date | None = None  # the municipality's template suggests one
    goals: Text = ""
    sections: dict[str, Text] = {}  # the template's sections: id to text


class GoalsIn(_In):
    goals: Text


class CommentIn(_In):
    text: Text


class ArchiveView(msgspec.Struct, kw_only=True):
    status: ArchiveStatus
    receipt: ArchiveReceipt | None = None


class SchoolSuggestion(msgspec.Struct, kw_only=True):
    unit_id: str | None  # the school the roster knows the child starts in


class CoordinatorRoleInfo(msgspec.Struct, kw_only=True):
    role: CoordinatorRole
    title: ShortText
    description: Text


class CoordinatorRoles(msgspec.Struct, kw_only=True):
    items: list[CoordinatorRoleInfo]


class RelayController(Controller):
    path = "/"
    tags = ("Overgang, plan og arkiv",)

    @read("/cases/{case_id:str}/archive", purpose="case.read_archive")
    def archive(self, case_id: IdPath, uow: UoW) -> ArchiveView:
        """Where a closed case stands with the municipality's archive, and the archive's receipt."""
        with uow() as w:
            status, receipt = w.archive.status(case_id)
            return ArchiveView(status=status, receipt=receipt)

    @read("/cases/{case_id:str}/transfers/suggestion", purpose="case.suggest_transfer")
    def suggestion(self, case_id: IdPath, uow: UoW) -> SchoolSuggestion:
        """The school the roster says the child starts in (barnehage → skole)."""
        return uow.run(lambda w: SchoolSuggestion(unit_id=w.transfers.suggest_school(case_id)))

    @create("/cases/{case_id:str}/transfers", purpose="case.transfer", location="/transfers/pending")
    def propose(self, case_id: IdPath, data: JSONBody[TransferIn], uow: UoW) -> Transfer:
        """The stafettholder proposes moving the case; the guardians are asked to consent."""
        return uow.run(lambda w: w.transfers.propose(case_id, data.to_unit_id, entry_ids=data.entry_ids))

    @read("/transfers/pending", purpose="case.read_transfers")
    def pending(self, uow: UoW, paging: Pages) -> Page[Transfer]:
        """Transfers to my units that the guardians have consented to."""
        return uow.run(lambda w: paging.page(w.transfers.pending_for_me()))

    @action("/transfers/{transfer_id:str}/accept", purpose="case.accept_transfer")
    def accept(self, transfer_id: IdPath, uow: UoW) -> Transfer:
        return uow.run(lambda w: w.transfers.accept(transfer_id))

    @action("/transfers/{transfer_id:str}/decline", purpose="case.decline_transfer")
    def decline(self, transfer_id: IdPath, data: JSONBody[ReasonIn], uow: UoW) -> Transfer:
        return uow.run(lambda w: w.transfers.decline(transfer_id, reason=data.reason))

    @read("/coordinator-roles", purpose="directory.read")
    def roles(self) -> CoordinatorRoles:
        """The three coordinator roles at nivå 3, and what each one is (for the case page)."""
        return CoordinatorRoles(
            items=[
                CoordinatorRoleInfo(role=CoordinatorRole(role), title=title, description=text)
                for role, (title, text) in words.COORDINATOR_ROLES.items()
            ]
        )

    @read("/cases/{case_id:str}/plan", purpose="case.read_plan")
    def plan(self, case_id: IdPath, uow: UoW) -> IndividualPlan:
        """The individuell plan, for the services and for the family."""
        return uow.run(lambda w: w.plans.plan(case_id))

    @replace("/cases/{case_id:str}/plan/coordinator", purpose="case.coordinator")
    def coordinator(self, case_id: IdPath, data: JSONBody[CoordinatorIn], uow: UoW) -> IndividualPlan:
        """Name the coordinator at nivå 3, or hand the role over; the log keeps the history."""
        return uow.run(lambda w: w.plans.assign_coordinator(case_id, data.person_id, data.role))

    @create("/cases/{case_id:str}/plan", purpose="case.make_plan", location="/cases/{case_id}/plan")
    def make_plan(self, case_id: IdPath, data: JSONBody[PlanIn], uow: UoW) -> IndividualPlan:
        with uow() as w:
            return w.plans.make_plan(
                case_id, goals=data.goals, revision_date=data.revision_date, sections=data.sections
            )

    @replace("/cases/{case_id:str}/plan/sections/{section_id:str}", purpose="case.plan_section")
    def section(
        self, case_id: IdPath, section_id: str, data: JSONBody[CommentIn], uow: UoW
    ) -> IndividualPlan:
        """What the plan says under one of the municipality's sections (e.g. a kriseplan)."""
        with uow() as w:
            return w.plans.set_section(case_id, section_id, data.text)

    @replace("/cases/{case_id:str}/plan/goals", purpose="case.plan_goals")
    def goals(self, case_id: IdPath, data: JSONBody[GoalsIn], uow: UoW) -> IndividualPlan:
        """The goals in the child's and family's own words."""
        return uow.run(lambda w: w.plans.set_goals(case_id, data.goals))

    @action("/cases/{case_id:str}/plan/comments", purpose="case.plan_comment")
    def comment(self, case_id: IdPath, data: JSONBody[CommentIn], uow: UoW) -> IndividualPlan:
        return uow.run(lambda w: w.plans.comment(case_id, data.text))
