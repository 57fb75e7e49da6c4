"""Who must give a consent (samtykke), by the subject's age and the area of law.

A pregnant person and an adult consent for themselves. Below 18 the youth consents
alone from the age the municipality's config sets for the area (by default 16 in
health matters, 15 in child-welfare matters); otherwise every guardian with parental
responsibility must give it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Protocol

from contracts import ConsentGiver, InformationArea, PersonKind
from core.i18n import _

ADULT_AGE = 18


class AgeRules(Protocol):
    """The age from which the youth alone consents, per area (``core.config.ConsentAges``)."""

    def for_area(self, area: InformationArea) -> int: ...


@dataclass(frozen=True)
class SubjectFacts:
    id: str
    kind: PersonKind
    age: int | None  # None before birth is impossible for a subject; kept for clarity
    guardians_with_responsibility: tuple[str, ...]


def own_case_age(ages: AgeRules) -> int:
    """From this age a child logs in and sees their own case: the lowest age at which they consent alone
    in any area. The one rule for it: the login (``core.auth.identity``) and the policy's facts
    (``CaseState.family_ids``) both ask here."""
    return min(ages.for_area(area) for area in InformationArea)


def required_givers(subject: SubjectFacts, area: InformationArea, ages: AgeRules) -> list[ConsentGiver]:
    """The people whose consent is needed, or ValueError (in bokmål) when nobody can give it."""
    if subject.kind is PersonKind.PREGNANT or (subject.age is not None and subject.age >= ADULT_AGE):
        return [ConsentGiver(person_id=subject.id, as_role="self")]
    if subject.age is not None and subject.age >= ages.for_area(area):
        return [ConsentGiver(person_id=subject.id, as_role="youth")]
    if not subject.guardians_with_responsibility:
        raise ValueError(
            _("Ingen foresatte med foreldreansvar er registrert for barnet, så samtykke kan ikke innhentes.")
        )
    return [ConsentGiver(person_id=g, as_role="guardian") for g in subject.guardians_with_responsibility]


def check_period(valid_from: dt.date, valid_to: dt.date, today: dt.date) -> None:
    """Refuse a period that is already over or reversed; names the fault in bokmål."""
    if valid_to < valid_from:
        raise ValueError(
            _("Samtykket kan ikke gjelde til {valid_to} når det gjelder fra {valid_from}.").format(
                valid_to=valid_to, valid_from=valid_from
            )
        )
    if valid_to < today:
        raise ValueError(_("Samtykket er utløpt: det gjaldt til {valid_to}.").format(valid_to=valid_to))
