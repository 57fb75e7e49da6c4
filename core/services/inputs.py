"""Checks on what people type, with the fault named in bokmål: one place, so every service says it alike."""

from __future__ import annotations

import datetime as dt
from enum import Enum
from typing import TypeVar

from contracts import PersonKind
from core.domain.national_id import age_on
from core.errors import InvalidInput
from core.i18n import _

MAX_TEXT = 20_000
MAX_SUBJECT_AGE = 23  # BTI's target group: children and youth 0–23, and pregnant women
E = TypeVar("E", bound=Enum)


def check_text(text: str, field: str, *, required: bool = True) -> str:
    """Trimmed text, refused when empty (if required) or longer than the log can hold."""
    text = (text or "").strip()
    if required and not text:
        raise InvalidInput(_("Feltet «{field}» kan ikke være tomt.").format(field=_(field)), field=field)
    if len(text) > MAX_TEXT:
        raise InvalidInput(
            _("Feltet «{field}» er for langt (over {MAX_TEXT} tegn).").format(
                field=_(field), MAX_TEXT=MAX_TEXT
            ),
            field=field,
        )
    if "\x00" in text:  # a NUL byte: no text has one, and PostgreSQL cannot store it
        raise InvalidInput(
            _("Feltet «{field}» inneholder et ugyldig tegn.").format(field=_(field)), field=field
        )
    return text


def parse_choice(kind: type[E], value: object, *, field: str, label: str) -> E:
    """One of a closed set of values, or an error that lists the allowed ones."""
    try:
        return kind(str(value))
    except ValueError:
        allowed = ", ".join(str(member.value) for member in kind)
        raise InvalidInput(
            _("Ukjent {label} «{value}». Gyldige: {allowed}.").format(
                label=_(label), value=value, allowed=allowed
            ),
            field=field,
        ) from None


def check_target_group(kind: str, birth_date: dt.date | None, today: dt.date) -> None:
    """A child (the subject of a case) is 0–23 years old; a pregnant woman is in the group at any age."""
    if kind == PersonKind.CHILD and birth_date is not None and age_on(birth_date, today) > MAX_SUBJECT_AGE:
        raise InvalidInput(_("Personen er over 23 år og utenfor BTI-målgruppen."), code="out_of_target_group")


def check_observed_on(observed_on: dt.date | None, today: dt.date) -> dt.date:
    """When an undring was observed: today unless given, never in the future."""
    observed_on = observed_on or today
    if observed_on > today:
        raise InvalidInput(_("Datoen for observasjonen kan ikke være fram i tid."), field="observed_on")
    return observed_on
