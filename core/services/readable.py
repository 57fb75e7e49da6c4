"""The policy's "may read this case" (``decide(actor, Action.READ_CASE, ...)``) as one SQL condition, so
lists and searches filter, count and paginate in the database. ``tests/test_readable_cases.py`` checks
on generated data that it selects exactly the cases ``decide`` allows; change both together.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import ColumnElement, and_, exists, false, or_, select
from sqlalchemy.orm import aliased

from contracts import MunicipalRole, ParticipationBasis
from core.domain.policy import Actor, ActorKind
from core.storage import models as m


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


def readable_cases(actor: Actor, now: dt.datetime) -> ColumnElement[bool]:
    """A condition on ``CaseRow``: the cases ``actor`` may read (open or closed) at ``now``."""
    same_municipality = m.CaseRow.municipality_id == actor.municipality_id
    if actor.kind is ActorKind.SYSTEM:
        return same_municipality
    if actor.kind is not ActorKind.EMPLOYEE:
        return false()  # the family reads its own view (READ_FAMILY_VIEW), not the case
    units = list(actor.unit_roles)
    part = aliased(m.ParticipantRow)

    def consents_in_force(case_id, *where: ColumnElement[bool]):
        """Some consent in force naming a unit; correlated to the enclosing select's ``case_id``."""
        return exists(
            select(m.ConsentRow.id)
            .join(m.ConsentUnitRow, m.ConsentUnitRow.consent_id == m.ConsentRow.id)
            .where(m.ConsentRow.case_id == case_id, consent_in_force(now), *where)
        )

    taking_part = exists(
        select(part.unit_id).where(
            part.case_id == m.CaseRow.id,
            part.removed_at.is_(None),
            part.unit_id.in_(units),
            or_(
                part.basis == str(ParticipationBasis.REPORT_DUTY),
                and_(
                    part.basis == str(ParticipationBasis.CONSENT),
                    consents_in_force(part.case_id, m.ConsentUnitRow.unit_id == part.unit_id),
                ),
            ),
        )
    )
    holder: ColumnElement[bool] = false()
    if MunicipalRole.COORDINATOR in actor.municipal_roles and actor.id is not None:
        holder = and_(m.CaseRow.relay_holder_id == actor.id, consents_in_force(m.CaseRow.id))
    return and_(same_municipality, or_(m.CaseRow.owner_unit_id.in_(units), taking_part, holder))
