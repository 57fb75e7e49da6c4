"""Where a case goes when it leaves its unit: to another unit (a transfer), to the archive, and out.

The archive version of each closed case: its delivery to the municipality's archive, the archive's
receipt, and when retention erases the case from Stafett's own store.

Only ``core.services.archive`` and ``core.services.retention`` touch this table. It holds no personal
data (ids, dates, a checksum and the archive's own reference), so the row outlives the case it
describes: after erasure it is what says the case was archived, where, and when it was erased.
While ``erased_at`` is set, the database lets the case's stafettlogg entries be deleted (0013).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import Date, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from core.storage.base import ID, Base, JSONType, UTCDateTime


class CaseArchiveRow(Base):
    __tablename__ = "case_archive"
    __table_args__ = (Index("ix_case_archive_due", "municipality_id", "status", "erase_after"),)
    case_id: Mapped[str] = mapped_column(ID, primary_key=True)  # no foreign key: the case goes, this stays
    municipality_id: Mapped[str] = mapped_column(ForeignKey("municipality.id"))
    status: Mapped[str] = mapped_column(String(16))  # contracts.ArchiveStatus
    closed_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    checksum: Mapped[str | None] = mapped_column(String(71))  # "sha256:" + hex of the PDF sent
    channel: Mapped[str | None] = mapped_column(String(16))
    endpoint: Mapped[str | None] = mapped_column(String(300))
    delivered_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    reference: Mapped[str | None] = mapped_column(String(300))  # the archive's id of the folder (saksnr.)
    confirmed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    erase_after: Mapped[dt.date | None] = mapped_column(Date)  # set when the archive has confirmed
    erased_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)


class CaseTransferRow(Base):
    """A transfer of a case to another unit (barnehage → skole): proposed by the stafettholder, covered by
    the guardians' consent (the whole log, or the entries in ``case_transfer_entry``), accepted by the
    receiving unit, which then owns the case. ``cutoff_seq`` is the last entry written before it took
    effect: with scope "selected", older entries not chosen stay hidden from the receiving unit."""

    __tablename__ = "case_transfer"
    id: Mapped[str] = mapped_column(ID, primary_key=True)
    case_id: Mapped[str] = mapped_column(ForeignKey("case.id"), index=True)
    from_unit_id: Mapped[str] = mapped_column(ForeignKey("unit.id"))
    to_unit_id: Mapped[str] = mapped_column(ForeignKey("unit.id"), index=True)
    scope: Mapped[str] = mapped_column(String(16))  # "all" | "selected"
    consent_id: Mapped[str] = mapped_column(ForeignKey("consent.id"))
    status: Mapped[str] = mapped_column(String(16))  # contracts.TransferStatus
    proposed_by: Mapped[str] = mapped_column(ForeignKey("person.id"))
    proposed_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    decided_by: Mapped[str | None] = mapped_column(ForeignKey("person.id"))
    decided_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    cutoff_seq: Mapped[int | None] = mapped_column(Integer)


class IndividualPlanRow(Base):
    """The individuell plan of a case at nivå 3: its coordinator and the role they hold, the goals in the
        child's and family's own words, the revision date, the consent it rests on, and what it says under
    the sections of the municipality's template (``contracts.PlanTemplate``). Who takes part and
        the tiltak are the case's own (nothing is typed twice)."""

    __tablename__ = "individual_plan"
    case_id: Mapped[str] = mapped_column(ForeignKey("case.id"), primary_key=True)
    coordinator_id: Mapped[str] = mapped_column(ForeignKey("person.id"), index=True)
    coordinator_role: Mapped[str] = mapped_column(String(32))  # contracts.CoordinatorRole
    goals: Mapped[str] = mapped_column(Text, default="")
    revision_date: Mapped[dt.date | None] = mapped_column(Date)
    consent_id: Mapped[str | None] = mapped_column(ForeignKey("consent.id"))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    template_id: Mapped[str] = mapped_column(String(64), default="", server_default="")  # made from
    sections: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict, server_default="{}")


class CaseTransferEntryRow(Base):
    """An entry the guardians chose to go over with a transfer of scope "selected"."""

    __tablename__ = "case_transfer_entry"
    transfer_id: Mapped[str] = mapped_column(ForeignKey("case_transfer.id"), primary_key=True)
    entry_id: Mapped[str] = mapped_column(ForeignKey("log_entry.id"), primary_key=True)
