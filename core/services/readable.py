"""The policy's "may read this case" (``decide(actor, Action.READ_CASE, ...)``) as one SQL condition, so
lists and searches filter, count and paginate in the database. ``tests/test_readable_cases.py`` checks
on generated data that it selects exactly the cases ``decide`` allows; change both together.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import BindParameter, ColumnElement, Date, and_, bindparam, exists, false, or_, select, union
from sqlalchemy.orm import aliased

from contracts import MunicipalRole, ParticipationBasis
from core.domain.policy import Actor, ActorKind
from core.storage import models as m
from core.storage.base import UTCDateTime


def consent_in_force(now: Any, today: Any = None) -> ColumnElement[bool]:
    """``Consent.is_in_force(now)`` in SQL: inside its period, every giver has given, not withdrawn.
    ``now`` and ``today`` may be bound parameters, for a statement built once and run many times."""
    today = now.date() if today is None else today
    unsigned = select(m.ConsentGiverRow.consent_id).where(
        m.ConsentGiverRow.consent_id == m.ConsentRow.id,
        or_(m.ConsentGiverRow.given_at.is_(None), m.ConsentGiverRow.given_at > now),
    )
    return and_(
        or_(m.ConsentRow.withdrawn_at.is_(None), m.ConsentRow.withdrawn_at > now),
        ~exists(unsigned),
        m.ConsentRow.valid_from <= today,
        m.ConsentRow.valid_to >= today,
    )


@dataclass(frozen=True)
class Readable:
    """The condition on ``CaseRow`` and the values to execute it with: ``select(...).where(r.clause)``,
    then ``session.execute(stmt, r.params)``."""

    clause: ColumnElement[bool]
    params: dict[str, Any]


def readable_cases(actor: Actor, now: dt.datetime) -> Readable:
    """The cases ``actor`` may read (open or closed) at ``now``. The condition is built once per kind
    of actor with bound parameters (building it costs more than running it), the values given apart."""
    values: dict[str, Any] = {"rc_municipality": actor.municipality_id}
    if actor.kind is ActorKind.EMPLOYEE:
        coordinator = MunicipalRole.COORDINATOR in actor.municipal_roles and actor.id is not None
        values |= {"rc_units": list(actor.unit_roles), "rc_now": now, "rc_today": now.date()}
        if coordinator:
            values["rc_actor"] = actor.id
        return Readable(_EMPLOYEE[coordinator], values)
    return Readable(_SYSTEM if actor.kind is ActorKind.SYSTEM else false(), values)


def _employee_condition(coordinator: bool) -> ColumnElement[bool]:
    """An employee's: the case's own unit, a unit taking part on its basis, or (a coordinator) the
    stafettholder's cases under a consent in force."""
    units: BindParameter[list[str]] = bindparam("rc_units", expanding=True)
    now, today = bindparam("rc_now", type_=UTCDateTime()), bindparam("rc_today", type_=Date())
    part = aliased(m.ParticipantRow)

    def consents_in_force(case_id, *where: ColumnElement[bool]):
        """Some consent in force naming a unit; correlated to the enclosing select's ``case_id``."""
        return exists(
            select(m.ConsentRow.id)
            .join(m.ConsentUnitRow, m.ConsentUnitRow.consent_id == m.ConsentRow.id)
            .where(m.ConsentRow.case_id == case_id, consent_in_force(now, today), *where)
        )

    # Each way in is a select driven by an index (the owning unit, the units taking part, the holder),
    # so a list costs the cases the actor may see, not every case of the municipality.
    owned = select(m.CaseRow.id).where(m.CaseRow.owner_unit_id.in_(units), _in_municipality(m.CaseRow))
    of_case = aliased(m.CaseRow)
    taking_part = (
        select(part.case_id)
        .join(of_case, of_case.id == part.case_id)
        .where(
            of_case.municipality_id == bindparam("rc_municipality"),
            part.unit_id.in_(units),
            part.removed_at.is_(None),
            or_(
                part.basis == str(ParticipationBasis.REPORT_DUTY),
                and_(
                    part.basis == str(ParticipationBasis.CONSENT),
                    consents_in_force(part.case_id, m.ConsentUnitRow.unit_id == part.unit_id),
                ),
            ),
        )
    )
    ways = [owned, taking_part]
    if coordinator:
        held = aliased(m.CaseRow)
        ways.append(
            select(held.id).where(
                held.relay_holder_id == bindparam("rc_actor"),
                _in_municipality(held),
                consents_in_force(held.id),
            )
        )
    # The municipality is checked inside each way, not on the case outside: there the planner would
    # walk every open case of the municipality instead of the few the ways name.
    return m.CaseRow.id.in_(union(*ways))


def _in_municipality(case: Any) -> ColumnElement[bool]:
    """The case is the actor's municipality's, checked on the row found (``|| ''`` keeps the planner from
    walking the municipality's index, which names every case there, instead of the way's own index)."""
    return (case.municipality_id + "") == bindparam("rc_municipality")


_SYSTEM = m.CaseRow.municipality_id == bindparam("rc_municipality")  # the system reads its municipality's
_EMPLOYEE = {coordinator: _employee_condition(coordinator) for coordinator in (False, True)}
