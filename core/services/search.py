"""Case search over the cases the caller may read: filtered, ordered (overdue evaluations first), counted
and paginated in the database; the policy's facts are loaded for the page only, and each case shown is
audited as read."""

from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal, cast

from sqlalchemy import Date, Executable, Table, bindparam, exists, func, or_, select

from contracts import Case, CaseStatus
from core.domain.policy import Action
from core.services.readable import readable_cases
from core.services.state import CaseState, stand_in
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


# Stored on the case and kept by the database (migration 0019): ordering a unit's page costs a sort of
# its candidate rows, not a subquery per candidate.
NEXT_EVALUATION = m.CaseRow.next_evaluation_date


@dataclass(frozen=True)
class Found:
    """A case on the page, with the policy's facts loaded, and when its first evaluation is due."""

    state: CaseState
    next_evaluation: dt.date | None


def search_cases(work: Work, search: CaseSearch, *, limit: int, offset: int) -> tuple[list[Case], int]:
    """One page of the matching cases the caller may read, and how many match in all."""
    found, total = find_cases(work, search, limit=limit, offset=offset)
    return [f.state.case for f in found], total


def find_cases(
    work: Work, search: CaseSearch, *, limit: int, offset: int, participants: bool = False
) -> tuple[list[Found], int]:
    """The page, overdue evaluations first, then the nearest evaluation, then the oldest case; each
    case on it asked of the policy (and so audited as read). ``participants``: see ``CaseState.many``."""
    readable = readable_cases(work.actor, work.now)
    count, page = _statements(
        readable.clause,
        search.status,
        bool(search.name),
        bool(search.national_id),
        bool(search.unit_id),
        search.level is not None,
        bool(search.relay_holder_id),
        search.overdue,
    )
    params = readable.params | {
        "name": f"%{_escaped(search.name.strip().lower())}%" if search.name else None,
        "national_id": search.national_id,
        "unit_id": search.unit_id,
        "level": search.level,
        "relay_holder_id": search.relay_holder_id,
        "today": work.now.date(),
    }
    rows = work.execute(page, params | {"limit": limit, "offset": offset}).all()  # plain rows
    if rows:
        total = rows[0]._mapping[_TOTAL]
    elif offset:  # a page past the end: the count alone
        total = work.execute(count, params).scalar() or 0
    else:
        total = 0
    cases = [stand_in({c.name: r._mapping[c.name] for c in _CASES.c}) for r in rows]
    subjects = {
        r.subject_id: stand_in({c.name: r._mapping[f"person_{c.name}"] for c in _PEOPLE.c}) for r in rows
    }
    states = CaseState.many(work, cases, subjects=subjects, participants=participants)
    return [
        Found(state, row.next_evaluation_date)
        for state, row in zip(states, rows, strict=True)
        if work.permits(Action.READ_CASE, state.facts())
    ], total


@functools.lru_cache(maxsize=512)
def _statements(
    readable: Any,
    status: StatusFilter,
    name: bool,
    national_id: bool,
    unit: bool,
    level: bool,
    relay_holder: bool,
    overdue: bool | None,
) -> tuple[Executable, Executable]:
    """The count and the page for one shape of search (which filters are given), built once per shape
    with bound parameters: building a statement costs more than running it."""
    stmt = select(m.CaseRow.id).where(readable)
    if name or national_id:
        stmt = stmt.join(m.PersonRow, m.PersonRow.id == m.CaseRow.subject_id)
    if status != "all":
        # ``|| ''``: the status alone must not drive the plan, or the planner walks every open case of
        # the region (index on status) and checks each against the few the actor may read
        stmt = stmt.where((m.CaseRow.status + "") == str(CaseStatus(status)))
    if name:
        full_name = func.lower(m.PersonRow.given_name + " " + m.PersonRow.family_name)
        stmt = stmt.where(full_name.like(bindparam("name"), escape=_ESCAPE))
    if national_id:
        stmt = stmt.where(m.PersonRow.national_id == bindparam("national_id"))
    if unit:
        taking_part = exists(
            select(m.ParticipantRow.unit_id).where(
                m.ParticipantRow.case_id == m.CaseRow.id,
                m.ParticipantRow.unit_id == bindparam("unit_id"),
                m.ParticipantRow.removed_at.is_(None),
            )
        )
        stmt = stmt.where(or_(m.CaseRow.owner_unit_id == bindparam("unit_id"), taking_part))
    if level:
        stmt = stmt.where(m.CaseRow.level == bindparam("level"))
    if relay_holder:
        stmt = stmt.where(m.CaseRow.relay_holder_id == bindparam("relay_holder_id"))
    if overdue is not None:
        late = NEXT_EVALUATION < bindparam("today", type_=Date)  # noqa: SIM300 (SQL on the left)
        stmt = stmt.where(late if overdue else or_(NEXT_EVALUATION.is_(None), ~late))
    count = select(func.count()).select_from(stmt.subquery())
    # The page carries the count of all matches, so a list is one query (the count alone only when the
    # page is past the end). Only the ids and the order are sorted; the page's cases and their subjects
    # are joined to its own rows, not to every match (a helsestasjon has 2,000 open cases).
    order = (NEXT_EVALUATION, m.CaseRow.opened_at)
    cut = (
        stmt.add_columns(*order, func.count().over().label(_TOTAL))
        .order_by(NEXT_EVALUATION.is_(None), *order, m.CaseRow.id)
        .limit(bindparam("limit"))
        .offset(bindparam("offset"))
        .subquery()
    )
    page = (
        select(cut.c[_TOTAL], *_CASES.c, *_SUBJECT_COLUMNS)
        .join(m.CaseRow, m.CaseRow.id == cut.c.id)
        .join(m.PersonRow, m.PersonRow.id == m.CaseRow.subject_id)
        .order_by(cut.c.next_evaluation_date.is_(None), cut.c.next_evaluation_date, cut.c.opened_at, cut.c.id)
    )
    return count, page


_CASES = cast(Table, m.CaseRow.__table__)
_PEOPLE = cast(Table, m.PersonRow.__table__)
_SUBJECT_COLUMNS = [c.label(f"person_{c.name}") for c in _PEOPLE.c]
_TOTAL = "total_matches"


_ESCAPE = "/"


def _escaped(text: str) -> str:
    """``text`` matched literally by LIKE: its wildcards and the escape character escaped."""
    return text.replace(_ESCAPE, _ESCAPE * 2).replace("%", _ESCAPE + "%").replace("_", _ESCAPE + "_")
