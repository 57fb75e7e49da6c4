"""Bekymringsmeldinger sent from a case: the report as sent, its delivery, the receipt and barnevern's answer.

Only ``core.services.reports`` touches this table. ``content`` is the whole report as it left
(``contracts.ChildWelfareReport``); the case page shows the other columns, the family none of them.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import Boolean, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from core.storage.base import ID, Base, JSONType, UTCDateTime


class ReportRow(Base):
    __tablename__ = "child_welfare_report"
    __table_args__ = (Index("ix_child_welfare_report_case_id", "case_id"),)
    id: Mapped[str] = mapped_column(ID, primary_key=True)
    municipality_id: Mapped[str] = mapped_column(ForeignKey("municipality.id"))
    case_id: Mapped[str] = mapped_column(ForeignKey("case.id"))
    author_id: Mapped[str | None] = mapped_column(String(36))
    reporter_unit_id: Mapped[str] = mapped_column(ForeignKey("unit.id"))
    receiver_unit_id: Mapped[str] = mapped_column(ForeignKey("unit.id"))
    legal_basis: Mapped[str] = mapped_column(String(64))
    urgent: Mapped[bool] = mapped_column(Boolean)
    youth_is_party: Mapped[bool] = mapped_column(Boolean)
    status: Mapped[str] = mapped_column(String(16))
    content: Mapped[dict[str, Any]] = mapped_column(JSONType)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    delivered_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    receipt_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    receipt_error: Mapped[str] = mapped_column(Text, default="")
    answer: Mapped[str | None] = mapped_column(String(16))
    answer_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    answer_by: Mapped[str | None] = mapped_column(String(36))
