"""Looking a person up by fødselsnummer or name: a stated purpose, a per-employee limit, little data.

Registering an undring needs a look-up (adult services too: they find children as pårørende), but a
look-up reads special-category data about someone the employee may have no case with. So:

- **a purpose from a fixed list** (``LOOKUP_PURPOSES``) is required and goes into the audit purpose
  (``person.lookup:undring via API``), so innsyn tells the family why the child was looked up;
- **only what confirming the person needs** comes back (``PersonMatch``): id, kind, name and birth
  *year*. The caller typed the fødselsnummer (so it is not echoed back), and a birth year tells two
  children of the same name apart without handing out the full birth date;
- **at most ``person_lookups_per_10_minutes`` look-ups per employee** (municipality config, default 30).
  Each look-up call leaves one audit event without a subject (the persons found get their own events);
  those are counted in SQL, so the limit holds across every app process. A look-up over the limit is
  refused with 429 and its refusal (reason ``lookup_limit``) is what ``LookupRefusals`` lists for the
  municipal administrator — who looked, when, how often; nothing about the people looked for.

Two processes counting at the same instant may together let one look-up more through than the limit:
a burst, not a single extra look-up, is what the limit is for.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Literal

import msgspec
from sqlalchemy import func, select

from contracts import PersonKind
from core.domain.policy import Action, Decision
from core.errors import Forbidden, StafettError
from core.i18n import N_, _
from core.storage import models as m

if TYPE_CHECKING:
    from core.unit_of_work import UnitOfWork as Work

WINDOW = dt.timedelta(minutes=10)
LIMIT_BASIS = "lookup_limit"
LOOKUP_ROUTE = "person.lookup"

# the purposes a look-up may state: code -> what the employee does (bokmål, shown in innsyn)
LOOKUP_PURPOSES: dict[str, str] = {
    "undring": N_("slo opp barnet for å registrere en undring"),
    "parorende": N_("slo opp barnet som pårørende, for å registrere en undring"),
    "foresatte": N_("slo opp barnet for å registrere foresatte"),
}
LookupPurpose = Literal["undring", "parorende", "foresatte"]


class TooManyLookups(StafettError, status=429, code="lookup_limit"):
    retry_after = 60  # the window moves on; a minute frees a look-up or more


class PersonMatch(msgspec.Struct, kw_only=True, frozen=True):
    """A person found by a look-up: enough to confirm it is the right one, nothing more."""

    id: str
    kind: Literal["child", "pregnant"]
    given_name: str
    family_name: str
    birth_year: int | None


class LookupRefusal(msgspec.Struct, kw_only=True, frozen=True):
    """An employee who hit the look-up limit: how many look-ups were refused, first and last time."""

    employee_id: str
    employee_name: str
    refused: int
    first_at: dt.datetime
    last_at: dt.datetime


def route_purpose(code: str) -> str:
    """The route purpose a look-up records, with its stated purpose: ``person.lookup:undring``."""
    if code not in LOOKUP_PURPOSES:
        raise ValueError(code)
    return f"{LOOKUP_ROUTE}:{code}"


def match(row: m.PersonRow) -> PersonMatch:
    return PersonMatch(
        id=row.id,
        kind="pregnant" if row.kind == PersonKind.PREGNANT else "child",
        given_name=row.given_name,
        family_name=row.family_name,
        birth_year=row.birth_date.year if row.birth_date else None,
    )


def _lookup_events(work: Work):
    events = m.AuditEventRow
    return select(func.count(events.id)).where(
        events.actor_id == work.actor.id,
        events.action == str(Action.READ_PERSON),
        events.subject_id.is_(None),
        events.purpose.contains(LOOKUP_ROUTE, autoescape=True),
    )


def count_lookup(work: Work) -> None:
    """Count this look-up against the caller's limit: audited when allowed, refused with 429 over it."""
    limit = work.municipality.person_lookups_per_10_minutes
    since = work.now - WINDOW
    done = work.session.scalar(
        _lookup_events(work).where(
            m.AuditEventRow.outcome == "allowed",
            m.AuditEventRow.at > since,
            m.AuditEventRow.municipality_id == work.municipality_id,
        )
    )
    work.authorize(Action.READ_PERSON)  # the look-up call itself (also refuses callers without a unit)
    if (done or 0) >= limit:
        minutes = int(WINDOW.total_seconds() // 60)
        said = N_("Du har gjort {done} oppslag de siste {minutes} minuttene; grensen er {limit}.")
        reason = said.format(done=done, minutes=minutes, limit=limit)  # the audit trail keeps bokmål
        try:
            work.refuse(Action.READ_PERSON, Decision(False, LIMIT_BASIS, reason))
        except Forbidden:
            raise TooManyLookups(
                _(
                    "For mange oppslag av personer: {reason} Vent litt før du slår opp flere. "
                    "Kommunens administrator ser når grensen nås."
                ).format(reason=_(said).format(done=done, minutes=minutes, limit=limit)),
            ) from None


def refusals(work: Work, *, since: dt.datetime, limit: int, offset: int) -> tuple[list[LookupRefusal], int]:
    """Employees refused for too many look-ups since ``since``, latest first (administrators only)."""
    work.authorize(Action.MANAGE_UNITS)
    events = m.AuditEventRow
    grouped = (
        select(
            events.actor_id,
            func.count(events.id).label("refused"),
            func.min(events.at).label("first_at"),
            func.max(events.at).label("last_at"),
        )
        .where(
            events.municipality_id == work.municipality_id,
            events.outcome == "refused",
            events.action == str(Action.READ_PERSON),
            events.reason.startswith(f"{LIMIT_BASIS}:"),
            events.at >= since,
            events.actor_id.is_not(None),
        )
        .group_by(events.actor_id)
    )
    total = work.session.scalar(select(func.count()).select_from(grouped.subquery())) or 0
    rows = work.session.execute(
        grouped.order_by(func.max(events.at).desc(), events.actor_id).limit(limit).offset(offset)
    ).all()
    names = dict(
        work.session.execute(
            select(m.PersonRow.id, m.PersonRow.given_name + " " + m.PersonRow.family_name).where(
                m.PersonRow.id.in_([r.actor_id for r in rows])
            )
        ).all()
    )
    return [
        LookupRefusal(
            employee_id=r.actor_id,
            employee_name=names.get(r.actor_id, _("Ukjent")),
            refused=r.refused,
            first_at=r.first_at,
            last_at=r.last_at,
        )
        for r in rows
    ], total
