"""The archive version of a closed case: queued on closing, delivered by the outbox, confirmed by the archive.

Closing a case (``CaseService.close``) records a ``case_archive`` row and queues one outbox message to
each archive endpoint of the municipality (a channel that ``carries = "archive"``, e.g. the folder
drop in ``adapters/archive``, or Fiks Arkiv). The worker (``core.outbox_worker.run_archive``) reads
the case as the system under ``case.archive``, hands the adapter the whole ``CaseRecord``, and records
the checksum of the PDF it sent. The archive's receipt is recorded with ``confirm``: from then the
retention period (the municipality's ``retention_years``) runs, and ``core.services.retention``
erases the case when it is over. Without an archive channel a closed case is never erased.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from sqlalchemy import select

from contracts import ArchiveReceipt, ArchiveStatus, CaseRecord, LogEntryKind
from core import outbox
from core.domain.policy import Action
from core.errors import Conflict, InvalidInput, NotFound
from core.i18n import _
from core.services.record import RecordService
from core.services.state import CaseState
from core.storage.archive_models import CaseArchiveRow

if TYPE_CHECKING:
    from core.unit_of_work import UnitOfWork as Work

PURPOSE_ARCHIVE = "arkivering av avsluttet sak (arkivloven)"


def erase_after(confirmed: dt.date, years: int) -> dt.date:
    """``years`` after the archive confirmed (29 February moves to 28 February)."""
    try:
        return confirmed.replace(year=confirmed.year + years)
    except ValueError:
        return confirmed.replace(year=confirmed.year + years, day=28)


class ArchiveService:
    def __init__(self, work: Work) -> None:
        self.work = work

    def on_close(self, state: CaseState, entry_id: str) -> None:
        """In the closing transaction: the archive row, and one delivery per archive endpoint."""
        work = self.work
        endpoints = [e for e in work.plugins.outbox_endpoints if e.carries == "archive"]
        row = work.session.get(CaseArchiveRow, state.id)
        if row is None:
            row = CaseArchiveRow(case_id=state.id, municipality_id=work.municipality_id)
            work.session.add(row)
        row.closed_at = work.now
        row.status = str(ArchiveStatus.PENDING if endpoints else ArchiveStatus.NO_ARCHIVE)
        for endpoint in endpoints:
            outbox.queue_archive(work, state.id, endpoint, entry_id)

    def record(self, case_id: str) -> CaseRecord:
        """The whole case, for its archive version: the system only, a closed case only; audited."""
        state = CaseState(self.work, case_id)
        self.work.authorize(Action.ARCHIVE_CASE, case=state.facts())
        return RecordService(self.work).load(state, [])

    def delivered(self, case_id: str, channel: str, endpoint: str, checksum: str) -> None:
        """The outbox delivered the version: what was sent (its checksum) and where; the receipt is next."""
        row = self._row(case_id, lock=True)
        row.checksum, row.channel, row.endpoint, row.delivered_at = checksum, channel, endpoint, self.work.now
        if row.status == ArchiveStatus.PENDING:
            row.status = str(ArchiveStatus.DELIVERED)

    def confirm(self, case_id: str, *, reference: str, checksum: str) -> ArchiveReceipt:
        """Record the archive's receipt; the retention period starts. The same receipt twice is a no-op."""
        work = self.work
        row = self._row(case_id, lock=True)
        state = CaseState(work, case_id)
        work.authorize(Action.ARCHIVE_CASE, case=state.facts())
        reference = reference.strip()
        if not reference or len(reference) > 300:
            raise InvalidInput(_("Kvitteringen mangler arkivets referanse til saken."), field="reference")
        if row.checksum is None or checksum != row.checksum:
            raise Conflict(
                _("Kvitteringen gjelder ikke arkivversjonen Stafett sendte (sjekksummen er ulik)."),
                code="archive_checksum_mismatch",
            )
        if row.status == ArchiveStatus.DELIVERED:
            row.status, row.reference, row.confirmed_at = str(ArchiveStatus.CONFIRMED), reference, work.now
            row.erase_after = erase_after(work.now.date(), work.municipality.retention_years)
            receipt = self._receipt(row)
            work.after_commit.append(lambda uow: uow.plugins.case_archived(receipt))
        elif row.status != ArchiveStatus.CONFIRMED or row.reference != reference:
            raise Conflict(
                _("Saken er ikke levert til arkivet, eller har en annen kvittering."), code="archive_state"
            )
        return self._receipt(row)

    def status(self, case_id: str) -> tuple[ArchiveStatus, ArchiveReceipt | None]:
        """Where the case stands with the archive, for whoever may read the case."""
        state = CaseState(self.work, case_id)
        self.work.authorize(Action.READ_CASE, case=state.facts())
        row = self.work.session.get(CaseArchiveRow, case_id)
        if row is None:
            raise NotFound(_("Saken er ikke avsluttet og har ingen arkivversjon."), code="not_archived")
        confirmed = row.status in (ArchiveStatus.CONFIRMED, ArchiveStatus.ERASED) and row.reference
        return ArchiveStatus(row.status), self._receipt(row) if confirmed else None

    def _row(self, case_id: str, *, lock: bool = False) -> CaseArchiveRow:
        stmt = select(CaseArchiveRow).where(
            CaseArchiveRow.case_id == case_id, CaseArchiveRow.municipality_id == self.work.municipality_id
        )
        row = self.work.session.scalar(stmt.with_for_update() if lock else stmt)
        if row is None:
            raise NotFound(_("Saken er ikke avsluttet og har ingen arkivversjon."), code="not_archived")
        return row

    @staticmethod
    def _receipt(row: CaseArchiveRow) -> ArchiveReceipt:
        assert row.confirmed_at is not None and row.erase_after is not None
        return ArchiveReceipt(
            municipality_id=row.municipality_id,
            case_id=row.case_id,
            reference=row.reference or "",
            checksum=row.checksum or "",
            confirmed_at=row.confirmed_at,
            erase_after=row.erase_after,
        )


ARCHIVE_KIND = str(LogEntryKind.CASE_ARCHIVED)
