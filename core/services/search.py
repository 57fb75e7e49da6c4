"""Case search over the cases the caller may read: filtered, ordered (overdue evaluations first), counted
and paginated in the database; the policy's facts are loaded for the page only, and each case shown is
audited as read."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from sqlalchemy import exists, func, or_, select

from contracts import Case, CaseStatus
from core.domain.policy import Action
from core.services.readable import readable_cases
from core.services.state import CaseState
from core.storage import models as m

if TYPE_CHECKING:
    from core.unit_of_work import UnitOfWork as Work

StatusFilter = Literal["open", "closed", "all"]


@dataclass(frozen=True)
class CaseSearch:
    """What to look for; every filter given must hold (``None``: any)."""

    name: str | None = None  # part of the child's name, any case
    national_id: str | None = None  # the child's fødselsnummer, exactly
    unit_id: str | None = None  # owns the case or takes part in it
    level: int | None = None
    relay_holder_id: str | None = None
    overdue: bool | None = None  # an evaluation past its date
    status: StatusFilter = "open"


def search_cases(work: Work, search: CaseSearch, *, limit: int, offset: int) -> tuple[list[Case], int]:
    """One page of the matching cases the caller may read, and how many match in all."""
    today = work.now.date()
    due = (
        select(m.MeasureRow.case_id, func.min(m.MeasureRow.next_evaluation_date).label("next_evaluation"))
        .group_by(m.MeasureRow.case_id)
        .subquery()
    )
    stmt = (
        select(m.CaseRow)
        .join(m.PersonRow, m.PersonRow.id == m.CaseRow.subject_id)
        .outerjoin(due, due.c.case_id == m.CaseRow.id)
        .where(readable_cases(work.actor, work.now))
    )
    if search.status != "all":
        stmt = stmt.where(m.CaseRow.status == str(CaseStatus(search.status)))
    if search.name:
        full_name = func.lower(m.PersonRow.given_name + " " + m.PersonRow.family_name)
        stmt = stmt.where(full_name.contains(search.name.strip().lower(), autoescape=True))
    if search.national_id:
        stmt = stmt.where(m.PersonRow.national_id == search.national_id)
    if search.unit_id:
        taking_part = exists(
            select(m.ParticipantRow.unit_id).where(
                m.ParticipantRow.case_id == m.CaseRow.id,
                m.ParticipantRow.unit_id == search.unit_id,
                m.ParticipantRow.removed_at.is_(None),
            )
        )
        stmt = stmt.where(or_(m.CaseRow.owner_unit_id == search.unit_id, taking_part))
    if search.level is not None:
        stmt = stmt.where(m.CaseRow.level == search.level)
    if search.relay_holder_id:
        stmt = stmt.where(m.CaseRow.relay_holder_id == search.relay_holder_id)
    if search.overdue is not None:
        late = due.c.next_evaluation < today
        stmt = stmt.where(late if search.overdue else or_(due.c.next_evaluation.is_(None), ~late))
    total = work.session.scalar(select(func.count()).select_from(stmt.subquery())) or 0
    rows = work.session.scalars(
        stmt.order_by(
            due.c.next_evaluation.is_(None), due.c.next_evaluation, m.CaseRow.opened_at, m.CaseRow.id
        )
        .limit(limit)
        .offset(offset)
    ).all()
    return [
        s.case for s in CaseState.many(work, list(rows)) if work.permits(Action.READ_CASE, s.facts())
    ], total
