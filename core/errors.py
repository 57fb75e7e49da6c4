"""Errors the core raises: each has a stable code, a message in the reader's written form, an HTTP status."""

from __future__ import annotations

from contracts import Refusal
from core.i18n import _


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

    def __init_subclass__(cls, *, status: int | None = None, code: str | None = None) -> None:
        """``class NotFound(StafettError, status=404, code="not_found")``: a kind of error in one line."""
        super().__init_subclass__()
        if status is not None:
            cls.status = status
        if code is not None:
            cls.code = code


class InvalidInput(StafettError, status=422, code="invalid_input"):
    """The request itself is wrong: a bad value, an expired consent, a wrong checksum."""


class NotFound(StafettError, status=404, code="not_found"):
    """No such thing, or none the caller may know exists."""


def case_not_found(case_id: str) -> NotFound:
    """The one answer for an unknown case id, and for a case the caller may not know exists."""
    return NotFound(_("Fant ingen sak med id «{case_id}».").format(case_id=case_id), code="case_not_found")


class Forbidden(StafettError, status=403, code="forbidden"):
    """The policy refused: the refusal is already audited when this is raised."""


class Conflict(StafettError, status=409, code="conflict"):
    """The change does not fit the state the thing is in now."""


class RuleRefused(StafettError, status=409, code="rule_refused"):
    """A rule of the model (or a plugin's added rule) stops the change; every reason is listed."""

    def __init__(self, refusals: list[Refusal]) -> None:
        super().__init__(" ".join(r.message for r in refusals))
        self.refusals = refusals
