"""Who wrote, who is responsible: the names and units the family reads beside the log and the tiltak.

Guardians may not read employees, yet a family must know who wrote an entry or is responsible for a
tiltak and where that person works. An employee named in an entry of the family's own case acts in
their office, so their name and unit are shown with the entry: loaded for a whole page in two
queries (names, units), never one per entry. The unit is the one the employee takes part in the case
through (the owner unit or a participating service) when there is one, else their units.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

import msgspec
from sqlalchemy import select

from contracts import LogEntry, Measure, PersonKind
from core.storage import models as m

if TYPE_CHECKING:
    from core.unit_of_work import UnitOfWork as Work


class FamilyLogEntry(LogEntry, kw_only=True, frozen=True):
    """A shared stafettlogg entry with who wrote it: the name, and the unit for an employee."""

    author_name: str | None = None
    author_unit: str | None = None


class FamilyMeasure(Measure, kw_only=True, frozen=True):
    """A tiltak or home task with the name and unit of the employee responsible for it."""

    responsible_name: str | None = None
    responsible_unit: str | None = None


def named(work: Work, case_id: str, ids: set[str]) -> tuple[dict[str, str], dict[str, str]]:
    """Names of the people named (employees of the municipality, and the family's own authors), and
    each employee's unit in this case."""
    if not ids:
        return {}, {}
    rows = work.session.execute(
        select(m.PersonRow.id, m.PersonRow.kind, m.PersonRow.given_name, m.PersonRow.family_name).where(
            m.PersonRow.id.in_(ids), m.PersonRow.municipality_id == work.municipality_id
        )
    ).all()
    names = {r.id: f"{r.given_name} {r.family_name}" for r in rows}
    employees = [r.id for r in rows if r.kind == PersonKind.EMPLOYEE]
    case = work.session.get_one(m.CaseRow, case_id)
    in_case = {case.owner_unit_id} | set(
        work.session.scalars(select(m.ParticipantRow.unit_id).where(m.ParticipantRow.case_id == case_id))
    )
    units: dict[str, list[tuple[bool, str]]] = {}
    for person_id, unit_id, name in work.session.execute(
        select(m.UnitMembershipRow.person_id, m.UnitRow.id, m.UnitRow.name)
        .join(m.UnitRow, m.UnitRow.id == m.UnitMembershipRow.unit_id)
        .where(m.UnitMembershipRow.person_id.in_(employees))
        .order_by(m.UnitRow.name)
    ):
        units.setdefault(person_id, []).append((unit_id in in_case, name))
    unit_of = {}
    for person_id, memberships in units.items():
        chosen = [name for inside, name in memberships if inside] or [name for _, name in memberships]
        unit_of[person_id] = ", ".join(chosen)
    return names, unit_of


def log_entries(work: Work, case_id: str, entries: Iterable[LogEntry]) -> list[FamilyLogEntry]:
    entries = list(entries)
    names, units = named(work, case_id, {e.author_id for e in entries if e.author_id})
    return [
        FamilyLogEntry(
            **msgspec.structs.asdict(e),
            author_name=names.get(e.author_id or ""),
            author_unit=units.get(e.author_id or ""),
        )
        for e in entries
    ]


def measures(work: Work, case_id: str, items: Iterable[Measure]) -> list[FamilyMeasure]:
    items = list(items)
    names, units = named(work, case_id, {x.responsible_id for x in items})
    return [
        FamilyMeasure(
            **msgspec.structs.asdict(x),
            responsible_name=names.get(x.responsible_id),
            responsible_unit=units.get(x.responsible_id),
        )
        for x in items
    ]
