"""Request bodies of the API: strict msgspec structs (unknown fields refused), one per kind of request.

Responses are the contract structs themselves (``contracts``) or the few API-only shapes
defined in the services; these bodies only carry what a caller may choose.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

import msgspec

from contracts import (
    CloseReason,
    ConcernKind,
    EvaluationOutcome,
    InformationArea,
    Level,
    MeasureStatus,
    MeetingKind,
    MunicipalRole,
    ParticipationBasis,
    UnitMembership,
)
from contracts.base import Contract, Id
from core.i18n import _
from core.services.lookups import LookupPurpose

# No NUL characters: PostgreSQL text cannot store them, so they are refused at the door (400).
Text = Annotated[str, msgspec.Meta(max_length=20_000, pattern=r"^[^\x00]*$")]
ShortText = Annotated[str, msgspec.Meta(min_length=1, max_length=300, pattern=r"^[^\x00]*$")]
NationalId = Annotated[
    str, msgspec.Meta(min_length=11, max_length=13, description="fødselsnummer or D-nummer, 11 digits")
]
Email = Annotated[str, msgspec.Meta(max_length=300, pattern=r"^[^@\s]+@[^@\s]+$")]
Phone = Annotated[str, msgspec.Meta(max_length=40, pattern=r"^\+?[0-9 ]{3,39}$")]
ZonedDateTime = Annotated[dt.datetime, msgspec.Meta(tz=True)]
IdList = Annotated[list[Id], msgspec.Meta(max_length=100)]


class Body(Contract):
    """A request body: strict, keyword-only and immutable like the contracts."""


def fields(body: msgspec.Struct, *leave_out: str) -> dict[str, Any]:
    """A body's fields as keyword arguments: its names are the service's parameter names (but for the
    ones in ``leave_out``, which the caller passes itself)."""
    values = msgspec.structs.asdict(body)
    return {name: value for name, value in values.items() if name not in leave_out} if leave_out else values


class ChildIn(Body):
    """A child or youth 0–23; with a national id the birth date is read from it."""

    given_name: ShortText
    family_name: ShortText
    birth_date: dt.date | None = None
    national_id: NationalId | None = None


class PregnantIn(Body):
    given_name: ShortText
    family_name: ShortText
    due_date: dt.date
    birth_date: dt.date | None = None
    national_id: NationalId | None = None


class LookupIn(Body):
    """A look-up by fødselsnummer is sent in the body, so the number never lands in URLs or access logs."""

    national_id: NationalId
    # why the person is looked up (core.services.lookups.LOOKUP_PURPOSES); required, refused in bokmål
    # when missing. Optional in the schema only so that a missing one gets that bokmål answer.
    purpose: Annotated[
        LookupPurpose | None,
        msgspec.Meta(
            description="Formålet med oppslaget: undring (registrere en undring), parorende (barn som "
            "pårørende) eller foresatte (registrere foresatte). Påkrevd."
        ),
    ] = None


class GuardianIn(Body):
    given_name: ShortText
    family_name: ShortText
    parental_responsibility: bool = True
    national_id: NationalId | None = None
    email: Email | None = None
    phone: Phone | None = None


class GuardianshipIn(Body):
    parental_responsibility: bool


class EmployeeIn(Body):
    given_name: ShortText
    family_name: ShortText
    email: Email | None = None
    title: Annotated[str, msgspec.Meta(max_length=300)] | None = None
    memberships: Annotated[list[UnitMembership], msgspec.Meta(max_length=100)] = []
    municipal_roles: list[MunicipalRole] = []


class CaseIn(Body):
    """An undring that opens a case at level 0, owned by ``unit_id`` (a unit the employee works in)."""

    subject_id: Id
    unit_id: Id
    observation: Text
    observed_on: dt.date | None = None
    kind: ConcernKind = ConcernKind.WONDERING
    shared_with_family: bool = False


class CaseSearchIn(Body):
    """A case search; a fødselsnummer goes here, in the body, never in a URL or an access log."""

    national_id: NationalId | None = None
    name: Annotated[str, msgspec.Meta(min_length=2, max_length=100, pattern=r"^[^\x00]*$")] | None = None
    unit_id: Id | None = None
    level: Level | None = None
    relay_holder_id: Id | None = None
    overdue: bool | None = None
    status: Literal["open", "closed", "all"] = "open"


class ConcernIn(Body):
    observation: Text
    observed_on: dt.date | None = None
    kind: ConcernKind = ConcernKind.WONDERING
    shared_with_family: bool = False


class LevelChangeIn(Body):
    level: Level
    unit_leader_informed: bool = False
    guardians_informed: bool = False
    note: Text = ""


class CloseIn(Body):
    reason: CloseReason
    note: Text = ""


class ParticipantIn(Body):
    unit_id: Id
    basis: ParticipationBasis = ParticipationBasis.CONSENT


class MeasureIn(Body):
    title: ShortText
    goal: Text
    responsible_id: Id
    start_date: dt.date
    evaluation_date: dt.date
    for_family: bool = False  # a home task (hjemmelekse)
    hidden_from_guardians: bool = False  # the youth (12 or older) asked that the guardians do not see it


class MeasureStatusIn(Body):
    """Pause, resume, end or cancel a tiltak; a reason is required except when resuming, which needs a new
    evaluation date."""

    status: MeasureStatus
    reason: Text = ""
    next_evaluation_date: dt.date | None = None


class EvaluationIn(Body):
    outcome: EvaluationOutcome
    summary: Text
    next_evaluation_date: dt.date | None = None  # set to continue the measure; none ends it


class NoteIn(Body):
    """A note, a lysglimt (``bright_moment``), or a filled-in tool form (``tool_id`` + ``form``)."""

    text: Text = ""
    shared_with_family: bool = True
    hidden_from_guardians: bool = False  # shared with the youth (12 or older) only, at their wish
    bright_moment: bool = False
    tool_id: Id | None = None
    form: dict[str, Any] | None = None

    def __post_init__(self) -> None:
        if self.form is not None and "\\u0000" in msgspec.json.encode(self.form).decode():
            raise ValueError("form: " + _("NUL-tegn er ikke tillatt"))


class CorrectionIn(Body):
    text: Text
    reason: Text


class ConsentIn(Body):
    unit_ids: IdList
    categories: Annotated[list[ShortText], msgspec.Meta(max_length=50)]
    purpose: Text
    area: InformationArea
    valid_from: dt.date
    valid_to: dt.date
    given_on_paper_by: IdList = []  # givers who signed a paper form


class ReasonIn(Body):
    reason: Text = ""


class RelayHolderIn(Body):
    employee_id: Id


class HandoverIn(Body):
    to_id: Id
    note: Text = ""


class MeetingIn(Body):
    """A meeting in a case, or (without ``case_id``) an anonymous discussion in an arena that allows it."""

    kind: MeetingKind
    starts_at: ZonedDateTime
    case_id: Id | None = None
    arena_id: Id | None = None
    unit_ids: IdList = []
    summary: Text = ""
    location: ShortText | None = None


class MeetingChangeIn(Body):
    """A meeting's new time, and its place when that changes too."""

    starts_at: ZonedDateTime
    location: ShortText | None = None


class CommentIn(Body):
    text: Text
    home_task_id: Id | None = None  # set when the comment is the family's report on a home task
