"""Meetings in a case (samarbeids- og koordineringsmøter) and anonymous discussions in an arena."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from sqlalchemy import select

from contracts import LogEntryKind, Meeting, MeetingKind
from core.domain.policy import Action
from core.errors import Conflict, InvalidInput, NotFound
from core.i18n import N_, _
from core.ids import new_id
from core.services import mapping
from core.services.inputs import check_text, parse_choice
from core.services.relaylog import LogWriter
from core.services.state import CaseState
from core.storage import models as m


class MeetingService(LogWriter):
    def schedule(
        self,
        case_id: str | None,
        *,
        kind: MeetingKind | str,
        starts_at: dt.datetime,
        arena_id: str | None = None,
        unit_ids: Sequence[str] = (),
        summary: str = "",
        location: str | None = "",
    ) -> Meeting:
        """A meeting in a case, or without a case an anonymous discussion in an arena that allows it."""
        work = self.work
        kind = parse_choice(MeetingKind, kind, field="kind", label=N_("møtetype"))
        if starts_at.tzinfo is None:
            raise InvalidInput(_("Møtetidspunktet må ha tidssone."), field="starts_at")
        arena = work.plugins.arenas.get(arena_id) if arena_id else None
        if arena_id and arena is None:
            raise InvalidInput(
                _("Ukjent møtearena «{arena_id}».").format(arena_id=arena_id), field="arena_id"
            )
        state = None
        if case_id is None:
            if arena is None or not arena.anonymous_allowed:
                raise InvalidInput(
                    _("Et møte uten sak må holdes anonymt i en arena som tillater det."), field="arena_id"
                )
            work.authorize(Action.OPEN_CASE, unit_id=next(iter(work.actor.unit_roles), None))
        else:
            state = CaseState(work, case_id, lock=True)
            work.authorize(Action.WRITE_CASE, case=state.facts())
        row = m.MeetingRow(
            id=new_id(),
            municipality_id=work.municipality_id,
            case_id=case_id,
            arena_id=arena_id,
            kind=str(kind),
            starts_at=starts_at,
            summary=check_text(summary, N_("referat"), required=False),
            created_by=work.actor.id,
            location=check_text(location or "", N_("sted"), required=False)[:300],
        )
        work.session.add(row)
        work.session.add_all(m.MeetingUnitRow(meeting_id=row.id, unit_id=u) for u in set(unit_ids))
        work.session.flush()
        if state is not None:
            state.refresh()
            self.log.write(
                state,
                LogEntryKind.MEETING,
                text=row.summary,
                data={
                    "meeting_id": row.id,
                    "kind": str(kind),
                    "starts_at": starts_at.isoformat(),
                    "arena_id": arena_id,
                },
            )
        return mapping.meeting(row, sorted(set(unit_ids)))

    def reschedule(self, meeting_id: str, *, starts_at: dt.datetime, location: str | None = None) -> Meeting:
        """Move a meeting that has not begun to a new time (and place); the invitees get a new invitation."""
        work = self.work
        row, state = self._upcoming(meeting_id)
        if starts_at.tzinfo is None:
            raise InvalidInput(_("Møtetidspunktet må ha tidssone."), field="starts_at")
        if location is not None:
            row.location = check_text(location, N_("sted"), required=False)[:300]
        row.starts_at, row.sequence = starts_at, row.sequence + 1
        work.session.flush()
        self.log.write(
            state,
            LogEntryKind.MEETING_CHANGED,
            data={"meeting_id": row.id, "starts_at": starts_at.isoformat()},
        )
        return self._contract(row)

    def _upcoming(self, meeting_id: str) -> tuple[m.MeetingRow, CaseState]:
        """A meeting in a case, locked with its case, that is neither cancelled nor begun."""
        work = self.work
        row = work.session.get(m.MeetingRow, meeting_id)
        if row is None or row.case_id is None:
            raise NotFound(
                _("Fant ikke møtet «{meeting_id}».").format(meeting_id=meeting_id), code="meeting_not_found"
            )
        state = CaseState(work, row.case_id, lock=True)
        work.authorize(Action.WRITE_CASE, case=state.facts(), missing=NotFound(_("Fant ikke møtet.")))
        if row.cancelled_at is not None:
            raise Conflict(_("Møtet er allerede avlyst."), code="meeting_cancelled")
        if row.starts_at <= work.now:
            raise Conflict(
                _("Et møte som har begynt, kan ikke endres eller avlyses."), code="meeting_started"
            )
        return row, state

    def _contract(self, row: m.MeetingRow) -> Meeting:
        units = self.work.session.scalars(
            select(m.MeetingUnitRow.unit_id).where(m.MeetingUnitRow.meeting_id == row.id)
        ).all()
        return mapping.meeting(row, list(units))

    def cancel(self, meeting_id: str) -> Meeting:
        """Cancel a meeting that has not begun; the invitees hear of it (a varsel, an iCalendar CANCEL)."""
        work = self.work
        row, state = self._upcoming(meeting_id)
        row.cancelled_at, row.sequence = work.now, row.sequence + 1
        work.session.flush()
        self.log.write(
            state,
            LogEntryKind.MEETING_CANCELLED,
            data={"meeting_id": row.id, "starts_at": row.starts_at.isoformat()},
        )
        return self._contract(row)
