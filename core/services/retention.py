"""Retention: a closed case whose archive version the archive has confirmed is erased from Stafett's own
store once the municipality's retention period (``retention_years``, counted from the receipt) is over.

``due`` finds the cases in SQL (one index range: municipality, status, ``erase_after``); ``erase`` then
deletes each case with everything in it (the stafettlogg, consents, tiltak and evaluations, concerns,
participants, hand-overs, meetings, bekymringsmeldinger, outbox messages), the child when no other case
of theirs is left, and the guardians when no child of theirs is left; it clears the personal fields of
the audit events about them (``core.audit.erase``), so ``stafett audit verify`` still passes. What stays
is the ``case_archive`` row (ids, dates, the checksum and the archive's reference) and the audit events'
non-personal part: that the case existed, was archived where, and was erased when. Run by
``stafett retention run`` (``core.retention_job``) from the municipality's scheduled jobs.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from sqlalchemy import delete, exists, select

from contracts import ArchiveStatus
from core import audit
from core.domain.policy import Action, decide
from core.errors import Conflict
from core.i18n import _
from core.services.state import CaseState
from core.storage import models as m
from core.storage.archive_models import (
    CaseArchiveRow,
    CaseTransferEntryRow,
    CaseTransferRow,
    IndividualPlanRow,
)
from core.storage.auth_models import RealmSessionRow
from core.storage.directory_models import ClassMemberRow, SchoolEnrollmentRow
from core.storage.notification_models import (
    NotificationPreferenceRow,
    NotificationRow,
    NotificationSettingsRow,
)
from core.storage.outbox_models import OutboxRow
from core.storage.report_models import ReportRow

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from core.unit_of_work import UnitOfWork as Work

PURPOSE_RETENTION = "sletting etter oppbevaringstiden (arkivert sak)"


def due(session: Session, municipality_id: str, today: dt.date, *, limit: int = 100) -> list[str]:
    """Ids of the municipality's confirmed cases whose retention period is over, oldest first."""
    return list(
        session.scalars(
            select(CaseArchiveRow.case_id)
            .where(CaseArchiveRow.municipality_id == municipality_id)
            .where(CaseArchiveRow.status == ArchiveStatus.CONFIRMED, CaseArchiveRow.erase_after <= today)
            .order_by(CaseArchiveRow.erase_after, CaseArchiveRow.case_id)
            .limit(limit)
        )
    )


class RetentionService:
    def __init__(self, work: Work) -> None:
        self.work = work

    def erase(self, case_id: str) -> list[str]:
        """Erase one case whose retention period is over; answers the ids of the people removed with it."""
        work = self.work
        archive = work.session.scalar(
            select(CaseArchiveRow).where(CaseArchiveRow.case_id == case_id).with_for_update()
        )
        state = CaseState(work, case_id, lock=True)
        decision = decide(
            work.actor, Action.ERASE_CASE, municipality_id=work.municipality_id, case=state.facts()
        )
        if not decision:
            work.refuse(Action.ERASE_CASE, decision, case=state.facts())
        today = work.now.date()
        if archive is None or archive.status != ArchiveStatus.CONFIRMED or not archive.erase_after:
            raise Conflict(_("Saken er ikke bekreftet arkivert; den slettes ikke."), code="not_archived")
        if archive.erase_after > today:
            raise Conflict(
                _("Oppbevaringstiden løper til {date}.").format(date=f"{archive.erase_after:%d.%m.%Y}"),
                code="retention",
            )
        archive.status, archive.erased_at = str(ArchiveStatus.ERASED), work.now
        work.session.flush()  # the database lets the log go only now (0013)
        people = self._people_to_remove(state.row.subject_id, case_id)
        self._delete_case(case_id)
        self._delete_people(people)
        audit.erase(work.session, work.municipality_id, work.now, case_id=case_id, people=people)
        work.record_outcome(
            Action.ERASE_CASE,
            outcome="erased",
            reason=f"archive_law: arkivert som {archive.reference}, {len(people)} person(er) fjernet",
            case_id=case_id,
        )
        return people

    def _people_to_remove(self, subject_id: str, case_id: str) -> list[str]:
        """The child, unless another case of theirs is left; and their guardians with no other child left."""
        session = self.work.session
        other_case = session.scalar(
            select(m.CaseRow.id).where(m.CaseRow.subject_id == subject_id, m.CaseRow.id != case_id).limit(1)
        )
        if other_case is not None:
            return []
        guardians = session.scalars(
            select(m.GuardianshipRow.guardian_id).where(m.GuardianshipRow.child_id == subject_id)
        ).all()
        other_child = exists().where(
            m.GuardianshipRow.guardian_id == m.PersonRow.id, m.GuardianshipRow.child_id != subject_id
        )
        own_case = exists().where(m.CaseRow.subject_id == m.PersonRow.id)
        lonely = session.scalars(
            select(m.PersonRow.id).where(m.PersonRow.id.in_(guardians), ~other_child, ~own_case)
        ).all()
        return [subject_id, *sorted(lonely)]

    def _delete_case(self, case_id: str) -> None:
        session = self.work.session
        measures = select(m.MeasureRow.id).where(m.MeasureRow.case_id == case_id)
        consents = select(m.ConsentRow.id).where(m.ConsentRow.case_id == case_id)
        meetings = select(m.MeetingRow.id).where(m.MeetingRow.case_id == case_id)
        transfers = select(CaseTransferRow.id).where(CaseTransferRow.case_id == case_id)
        statements: list[Any] = [
            delete(m.EvaluationRow).where(m.EvaluationRow.measure_id.in_(measures)),
            delete(m.MeasureRow).where(m.MeasureRow.case_id == case_id),
            delete(IndividualPlanRow).where(IndividualPlanRow.case_id == case_id),
            delete(CaseTransferEntryRow).where(CaseTransferEntryRow.transfer_id.in_(transfers)),
            delete(CaseTransferRow).where(CaseTransferRow.case_id == case_id),
            delete(m.ConsentGiverRow).where(m.ConsentGiverRow.consent_id.in_(consents)),
            delete(m.ConsentUnitRow).where(m.ConsentUnitRow.consent_id.in_(consents)),
            delete(m.ConsentRow).where(m.ConsentRow.case_id == case_id),
            delete(m.MeetingUnitRow).where(m.MeetingUnitRow.meeting_id.in_(meetings)),
            delete(m.MeetingRow).where(m.MeetingRow.case_id == case_id),
            delete(m.ConcernRow).where(m.ConcernRow.case_id == case_id),
            delete(m.ParticipantRow).where(m.ParticipantRow.case_id == case_id),
            delete(m.HandoverRow).where(m.HandoverRow.case_id == case_id),
            delete(ReportRow).where(ReportRow.case_id == case_id),
            delete(OutboxRow).where(OutboxRow.case_id == case_id),
            delete(NotificationRow).where(NotificationRow.case_id == case_id),
            delete(m.LogEntryRow).where(m.LogEntryRow.case_id == case_id),
            delete(m.CaseRow).where(m.CaseRow.id == case_id),
        ]
        session.flush()
        session.expunge_all()  # the rows go by SQL; nothing the session holds may be written back
        for statement in statements:
            session.execute(statement, execution_options={"synchronize_session": False})

    def _delete_people(self, people: Sequence[str]) -> None:
        if not people:
            return
        session = self.work.session
        for statement in (
            delete(m.GuardianshipRow).where(
                m.GuardianshipRow.child_id.in_(people) | m.GuardianshipRow.guardian_id.in_(people)
            ),
            delete(SchoolEnrollmentRow).where(SchoolEnrollmentRow.person_id.in_(people)),
            delete(ClassMemberRow).where(ClassMemberRow.person_id.in_(people)),
            delete(RealmSessionRow).where(RealmSessionRow.person_id.in_(people)),
            delete(NotificationRow).where(NotificationRow.recipient_id.in_(people)),
            delete(NotificationPreferenceRow).where(NotificationPreferenceRow.person_id.in_(people)),
            delete(NotificationSettingsRow).where(NotificationSettingsRow.person_id.in_(people)),
            delete(m.PersonRow).where(m.PersonRow.id.in_(people)),
        ):
            session.execute(statement, execution_options={"synchronize_session": False})
