"""The outbox: deliveries owed to other systems, written in the same transaction as their case event.

A worker claims due rows (``FOR UPDATE SKIP LOCKED`` on PostgreSQL, so many workers can run),
leases them for a while, delivers, and records the outcome. Only ``core.outbox`` touches this table.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from core.storage.base import ID, Base, UTCDateTime


class OutboxRow(Base):
    __tablename__ = "outbox"
    __table_args__ = (
        Index("ix_outbox_due", "status", "next_attempt_at"),
        Index("ix_outbox_case_unit", "case_id", "unit_id", "status"),
    )
    id: Mapped[str] = mapped_column(ID, primary_key=True)
    municipality_id: Mapped[str] = mapped_column(ForeignKey("municipality.id"))
    case_id: Mapped[str] = mapped_column(ForeignKey("case.id"))
    unit_id: Mapped[str] = mapped_column(ForeignKey("unit.id"))
    channel: Mapped[str] = mapped_column(String(16))
    endpoint: Mapped[str] = mapped_column(String(300))
    event_kind: Mapped[str] = mapped_column(String(32))
    entry_id: Mapped[str | None] = mapped_column(String(36))
    status: Mapped[str] = mapped_column(String(16))
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    next_attempt_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    leased_until: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)  # a worker is delivering it
    last_error: Mapped[str] = mapped_column(Text, default="")
    delivered_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
