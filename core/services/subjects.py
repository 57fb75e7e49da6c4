"""Reading the person a case is about, and their guardians, under the case rule.

An employee may read a child (or a pregnant person) and the guardians exactly when the policy lets
them read a case about that person in their municipality: the owner unit, a unit taking part under
consent in force or the duty to report, the coordinator holding the baton. Administrators, who
manage people, may read them too. Anyone else gets 404, as for a person who does not exist, so the
answer does not tell who is registered; the refusal is still one audit event with its reason.

Each read is one audit event (``Work.authorize``): ``case.read`` on the case that grants it, which
innsyn lists, or ``person.read`` for an administrator.

Fødselsnumre: the subject's is shown (the reader needs it to identify the child in their own journal,
under the consent that let them in); guardians' numbers are not — their name, parental
responsibility and how to reach them is what working with the family needs — except to
administrators, who register and correct people.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import msgspec
from sqlalchemy import select

from contracts import Child, MunicipalRole, PersonKind, PregnantPerson
from core.domain.policy import Action, ActorKind, Decision, decide
from core.errors import Forbidden, NotFound
from core.i18n import N_, _
from core.services import mapping
from core.services.state import CaseState
from core.storage import models as m

if TYPE_CHECKING:
    from core.unit_of_work import UnitOfWork as Work

MAX_CASES_CONSIDERED = 50  # a person has a handful of cases; a bound keeps one read's work bounded


class GuardianOf(msgspec.Struct, kw_only=True, frozen=True, omit_defaults=True):
    """A guardian as the people working with the child see them."""

    id: str
    given_name: str
    family_name: str
    parental_responsibility: bool
    email: str | None = None
    phone: str | None = None
    national_id: str | None = None  # administrators only


def _not_found(kind: str, person_id: str) -> NotFound:
    return NotFound(
        _("Fant ingen {kind} «{person_id}».").format(kind=kind, person_id=person_id), code="person_not_found"
    )


def _authorize_read(work: Work, row: m.PersonRow) -> None:
    """One audited decision: through a readable case, as administrator, or refused (then 404)."""
    actor = work.actor
    if actor.kind is ActorKind.EMPLOYEE and MunicipalRole.ADMINISTRATOR in actor.municipal_roles:
        work.authorize(Action.READ_PERSON, subject_id=row.id)
        return
    case_rows = work.session.scalars(
        select(m.CaseRow)
        .where(m.CaseRow.municipality_id == work.municipality_id, m.CaseRow.subject_id == row.id)
        .order_by(m.CaseRow.opened_at.desc(), m.CaseRow.id)
        .limit(MAX_CASES_CONSIDERED)
    ).all()
    last: Decision | None = None
    for state in CaseState.many(work, list(case_rows)):
        facts = state.facts()
        decision = decide(actor, Action.READ_CASE, municipality_id=work.municipality_id, case=facts)
        if decision.allowed:
            work.authorize(Action.READ_CASE, case=facts)
            return
        last = decision
    refusal = last or Decision(False, "no_case", N_("Du har ingen sak om denne personen."))
    try:
        work.refuse(Action.READ_PERSON, refusal, subject_id=row.id)
    except Forbidden:
        raise _not_found("person", row.id) from None


def _subject_row(work: Work, person_id: str, kinds: tuple[PersonKind, ...]) -> m.PersonRow:
    row = work.session.get(m.PersonRow, person_id)
    if row is None or row.municipality_id != work.municipality_id or row.kind not in kinds:
        # audited like any refused read, and answered like one: 404 whether or not the person exists
        try:
            work.refuse(
                Action.READ_PERSON,
                Decision(False, "not_found", N_("Fant ingen slik person.")),
                subject_id=None,
            )
        except Forbidden:
            raise _not_found("person", person_id) from None
    return row


def read_child(work: Work, person_id: str) -> Child:
    row = _subject_row(work, person_id, (PersonKind.CHILD,))
    _authorize_read(work, row)
    return mapping.child(row)


def read_pregnant(work: Work, person_id: str) -> PregnantPerson:
    row = _subject_row(work, person_id, (PersonKind.PREGNANT,))
    _authorize_read(work, row)
    return mapping.pregnant(row)


def read_guardians(work: Work, child_id: str) -> list[GuardianOf]:
    row = _subject_row(work, child_id, (PersonKind.CHILD,))
    _authorize_read(work, row)
    admin = MunicipalRole.ADMINISTRATOR in work.actor.municipal_roles
    rows = work.session.execute(
        select(m.PersonRow, m.GuardianshipRow.parental_responsibility)
        .join(m.GuardianshipRow, m.GuardianshipRow.guardian_id == m.PersonRow.id)
        .where(m.GuardianshipRow.child_id == child_id)
        .order_by(m.GuardianshipRow.parental_responsibility.desc(), m.PersonRow.family_name, m.PersonRow.id)
    ).all()
    return [
        GuardianOf(
            id=g.id,
            given_name=g.given_name,
            family_name=g.family_name,
            parental_responsibility=bool(responsible),
            email=g.email,
            phone=g.phone,
            national_id=g.national_id if admin else None,
        )
        for g, responsible in rows
    ]
