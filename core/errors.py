"""Errors the core raises. Each carries a stable code, a message in bokmål, and the HTTP status it maps to."""

from __future__ import annotations

from contracts import Refusal


class StafettError(Exception):
    status = 400
    code = "bad_request"
    retry_after: int | None = None  # seconds, for an answer that says "not now" (429)

    def __init__(self, message: str, *, code: str | None = None, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field
        if code is not None:
            self.code = code


class InvalidInput(StafettError):
    """The request itself is wrong: a bad value, an expired consent, a wrong checksum."""

    status = 422
    code = "invalid_input"


class NotFound(StafettError):
    status = 404
    code = "not_found"


def case_not_found(case_id: str) -> NotFound:
    """The one answer for an unknown case id, and for a case the caller may not know exists."""
    return NotFound(f"Fant ingen sak med id «{case_id}».", code="case_not_found")


class Forbidden(StafettError):
    """The policy refused: the refusal is already audited when this is raised."""

    status = 403
    code = "forbidden"


class Conflict(StafettError):
    status = 409
    code = "conflict"


class RuleRefused(StafettError):
    """A rule of the model (or a plugin's added rule) stops the change; every reason is listed."""

    status = 409
    code = "rule_refused"

    def __init__(self, refusals: list[Refusal]) -> None:
        super().__init__(" ".join(r.message for r in refusals))
        self.refusals = refusals
