"""Checks on what people type, with the fault named in bokmål: one place, so every service says it alike."""

from __future__ import annotations

from enum import Enum
from typing import TypeVar

from core.errors import InvalidInput

MAX_TEXT = 20_000
E = TypeVar("E", bound=Enum)


def check_text(text: str, field: str, *, required: bool = True) -> str:
    """Trimmed text, refused when empty (if required) or longer than the log can hold."""
    text = (text or "").strip()
    if required and not text:
        raise InvalidInput(f"Feltet «{field}» kan ikke være tomt.", field=field)
    if len(text) > MAX_TEXT:
        raise InvalidInput(f"Feltet «{field}» er for langt (over {MAX_TEXT} tegn).", field=field)
    if "\x00" in text:  # a NUL byte: no text has one, and PostgreSQL cannot store it
        raise InvalidInput(f"Feltet «{field}» inneholder et ugyldig tegn.", field=field)
    return text


def parse_choice(kind: type[E], value: object, *, field: str, label: str) -> E:
    """One of a closed set of values, or an error that lists the allowed ones."""
    try:
        return kind(str(value))
    except ValueError:
        allowed = ", ".join(str(member.value) for member in kind)
        raise InvalidInput(f"Ukjent {label} «{value}». Gyldige: {allowed}.", field=field) from None
