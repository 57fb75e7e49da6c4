"""The stafettlogg: append-only entries tying the child, the measures, the services and the levels together.

Nothing here updates or deletes an entry (the database refuses it too); a correction is
a new entry that names the one it corrects, and readers see both.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

from sqlalchemy import Table, bindparam, func, select
from sqlalchemy.orm import aliased

from contracts import CaseEvent, Level, LogEntry, LogEntryKind, PersonKind
from core.domain.policy import Action, ActorKind
from core.errors import InvalidInput, NotFound
from core.i18n import N_, _
from core.ids import new_id
from core.services import mapping
from core.services.base import Service
from core.services.inputs import check_text
from core.services.state import CaseState
from core.services.transfer_scope import employee_units, hidden_from
from core.storage import models as m

if TYPE_CHECKING:
    from core.unit_of_work import UnitOfWork as Work


_correction = aliased(m.LogEntryRow)
NEWEST_CORRECTION = (  # of the entry in the enclosing select: an index lookup on ``corrects``
    select(_correction.id)
    .where(_correction.corrects == m.LogEntryRow.id)
    .order_by(_correction.seq.desc())
    .limit(1)
    .correlate(m.LogEntryRow)
    .scalar_subquery()
)


class RelayLogService(Service):
    def write(
        self,
        state: CaseState,
        kind: LogEntryKind,
        *,
        text: str = "",
        data: dict[str, Any] | None = None,
        shared_with_family: bool = True,
        hidden_from_guardians: bool = False,
        corrects: str | None = None,
        author_id: str | None = None,
        by_system: bool = False,
    ) -> LogEntry:
        """Append an entry to a case the caller has locked and been authorized for; queues its event.
        ``by_system``: Stafett itself tells what followed from the change (no author).
        ``hidden_from_guardians``: shared with the youth, kept from the guardians (``youth_say``)."""
        work = self.work
        hidden_from_guardians = hidden_from_guardians and shared_with_family
        seq = (work.session.connection().scalar(_LAST_SEQ, {"case_id": state.id}) or 0) + 1
        row = m.LogEntryRow(
            id=new_id(),
            case_id=state.id,
            seq=seq,
            kind=str(kind),
            at=work.now,
            author_id=None if by_system else author_id if author_id is not None else work.actor.id,
            text=text,
            data=data or {},
            corrects=corrects,
            shared_with_family=shared_with_family,
            hidden_from_guardians=hidden_from_guardians,
        )
        work.session.add(row)
        work.session.flush()
        state.refresh()
        work.events.append(
            CaseEvent(
                kind=kind,
                municipality_id=state.row.municipality_id,
                case_id=state.id,
                at=work.now,
                actor_id=row.author_id,
                level=Level(state.row.level),
                unit_ids=sorted({state.row.owner_unit_id, *(p.unit_id for p in state.participant_rows)}),
                entry_id=row.id,
                data=row.data,
            )
        )
        return mapping.log_entry(row)

    def add_note(
        self,
        case_id: str,
        text: str,
        *,
        shared_with_family: bool = True,
        hidden_from_guardians: bool = False,
        bright_moment: bool = False,
        tool_id: str | None = None,
        form: dict[str, Any] | None = None,
    ) -> LogEntry:
        """A note, a lysglimt, or a filled-in tool form (validated against the tool's schema)."""
        state = CaseState(self.work, case_id, lock=True)
        self.work.authorize(Action.WRITE_CASE, case=state.facts())
        if hidden_from_guardians and shared_with_family:
            youth_say(self.work, state)
        data: dict[str, Any] = {}
        if tool_id is not None:
            errors = self.work.plugins.validate_form(tool_id, form or {})
            if errors:
                raise InvalidInput(
                    _("Skjemaet er ikke riktig utfylt: {errors}").format(errors="; ".join(errors)),
                    field="form",
                )
            data = {"tool_id": tool_id, "form": form or {}}
        text = check_text(text, N_("tekst"), required=tool_id is None)
        kind = LogEntryKind.BRIGHT_MOMENT if bright_moment else LogEntryKind.NOTE
        return self.write(
            state,
            kind,
            text=text,
            data=data,
            shared_with_family=shared_with_family,
            hidden_from_guardians=hidden_from_guardians,
        )

    def correct(self, case_id: str, entry_id: str, text: str, *, reason: str) -> LogEntry:
        """Correct an entry by writing a new one that points to it; only the author may correct."""
        state = CaseState(self.work, case_id, lock=True)
        self.work.authorize(Action.WRITE_CASE, case=state.facts())
        original = self.work.session.get(m.LogEntryRow, entry_id)
        if original is None or original.case_id != case_id:
            raise NotFound(
                _("Fant ingen loggføring «{entry_id}» i denne saken.").format(entry_id=entry_id),
                code="entry_not_found",
            )
        if original.author_id is None or original.author_id != self.work.actor.id:
            raise InvalidInput(_("Bare den som skrev loggføringen, kan rette den."), code="not_author")
        text = check_text(text, N_("tekst"))
        reason = check_text(reason, N_("begrunnelse"))
        return self.write(
            state,
            LogEntryKind.CORRECTION,
            text=text,
            data={"reason": reason, "corrected_kind": original.kind},
            shared_with_family=original.shared_with_family,
            hidden_from_guardians=original.hidden_from_guardians,
            corrects=original.id,
        )

    def entries(self, case_id: str) -> list[LogEntry]:
        """The whole log, for the employees who may see the case."""
        state = CaseState.read(self.work, case_id)
        self.work.authorize(Action.READ_CASE, case=state.facts())
        return self._entries(case_id, family_only=False)

    def entry(self, case_id: str, entry_id: str) -> LogEntry:
        """One entry of the log, naming its newest correction if it has been corrected."""
        state = CaseState.read(self.work, case_id)
        self.work.authorize(Action.READ_CASE, case=state.facts())
        row = self.work.session.get(m.LogEntryRow, entry_id)
        if row is None or row.case_id != case_id:
            raise NotFound(
                _("Fant ingen loggføring «{entry_id}» i denne saken.").format(entry_id=entry_id),
                code="entry_not_found",
            )
        newest = self.work.session.scalar(
            select(m.LogEntryRow.id)
            .where(m.LogEntryRow.case_id == case_id, m.LogEntryRow.corrects == entry_id)
            .order_by(m.LogEntryRow.seq.desc())
            .limit(1)
        )
        return mapping.log_entry(row, newest)

    def family_entries(self, case_id: str) -> list[LogEntry]:
        """The entries shared with the family, for guardians and the youth."""
        state = CaseState.read(self.work, case_id)
        self.work.authorize(Action.READ_FAMILY_VIEW, case=state.facts())
        return self._entries(case_id, family_only=True)

    def family_comment(self, case_id: str, text: str, *, home_task_id: str | None = None) -> LogEntry:
        """A comment from the family; with ``home_task_id`` it is their report on that home task."""
        state = CaseState(self.work, case_id, lock=True)
        self.work.authorize(Action.WRITE_FAMILY, case=state.facts())
        text = check_text(text, N_("kommentar"))
        data: dict[str, Any] = {}
        if home_task_id is not None:
            task = self.work.session.get(m.MeasureRow, home_task_id)
            if task is None or task.case_id != case_id or not task.for_family:
                raise NotFound(_("Fant ikke hjemmeleksen i denne saken."), code="home_task_not_found")
            data = {"measure_id": task.id, "title": task.title}
        return self.write(state, LogEntryKind.FAMILY_COMMENT, text=text, data=data)

    def entries_page(
        self, case_id: str, *, limit: int, offset: int, family_only: bool = False
    ) -> tuple[list[LogEntry], int]:
        """One page of the log in order, and how many entries it has: counted and sliced in SQL."""
        state = CaseState.read(self.work, case_id)
        action = Action.READ_FAMILY_VIEW if family_only else Action.READ_CASE
        self.work.authorize(action, case=state.facts())
        view, values = self._view(family_only)
        total = self.work.execute(_COUNT[view], {"case_id": case_id, **values}).scalar() or 0
        return self._entries(case_id, family_only=family_only, limit=limit, offset=offset), total

    def _view(self, family_only: bool) -> tuple[str, dict[str, Any]]:
        """Which of the log's views the caller reads, and its values: the family's (entries shared with
        it), a unit's (less what a transfer of chosen entries left out, ``core.services.transfers``), or
        the whole log."""
        if family_only:  # a guardian's view leaves out what the youth keeps from them
            return ("guardians" if self.work.actor.kind is ActorKind.GUARDIAN else "family"), {}
        units = employee_units(self.work)
        return ("unit", {"units": units}) if units else ("whole", {})

    def _entries(
        self, case_id: str, *, family_only: bool, limit: int | None = None, offset: int = 0
    ) -> list[LogEntry]:
        view, values = self._view(family_only)
        params = {"case_id": case_id, "limit": limit, "offset": offset, **values}
        stmt = _LOG_ENTRIES[view] if limit is None else _PAGE[view]
        return mapping.log_entries(self.work.session.connection().execute(stmt, params))  # no ORM


def _of_case(view: str) -> list[Any]:
    where = [_LOG.c.case_id == bindparam("case_id")]
    if view in ("family", "guardians"):
        where.append(_LOG.c.shared_with_family.is_(True))
    if view == "guardians":
        where.append(_LOG.c.hidden_from_guardians.is_(False))
    elif view == "unit":
        where.append(~hidden_from(bindparam("units", expanding=True), m.LogEntryRow))
    return where


# Built once per view (see ``RelayLogService._view``): every log read runs them.
_LOG = cast(Table, m.LogEntryRow.__table__)
_LAST_SEQ = select(func.max(_LOG.c.seq)).where(_LOG.c.case_id == bindparam("case_id"))
_VIEWS = ("whole", "family", "guardians", "unit")
_COUNT = {v: select(func.count()).select_from(_LOG).where(*_of_case(v)) for v in _VIEWS}
_LOG_ENTRIES = {
    v: select(*_LOG.c, NEWEST_CORRECTION.label("corrected_by")).where(*_of_case(v)).order_by(_LOG.c.seq)
    for v in _VIEWS
}
_PAGE = {v: stmt.limit(bindparam("limit")).offset(bindparam("offset")) for v, stmt in _LOG_ENTRIES.items()}


def youth_say(work: Work, state: CaseState) -> None:
    """Keeping an entry or a tiltak from the guardians is the youth's own say, from the age the
    municipality sets (``youth_say_age``, 12 by default); a younger child's case has no such entries."""
    limit = work.municipality.youth_say_age
    age = state.subject_age
    if state.subject.kind != PersonKind.CHILD or age is None or age < limit:
        raise InvalidInput(
            _(
                "Bare når barnet er {limit} år eller eldre og selv har bedt om det, kan noe holdes "
                "skjult for foresatte."
            ).format(limit=limit),
            field="hidden_from_guardians",
            code="youth_too_young",
        )


class LogWriter(Service):
    """A service whose changes are written to the stafettlogg too (cases, measures, consent, …)."""

    def __init__(self, work: Work) -> None:
        super().__init__(work)
        self.log = RelayLogService(work)
