"""Øving: what an employee has started and completed in the practice space (docs/practice.md).

The table exists in every Stafett database (one chain of migrations), but only the practice space's
own database ever has rows in it: practice cases live there and nowhere else.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from core.storage.base import ID, Base, UTCDateTime


class PracticeProgressRow(Base):
    """One practice case an employee started (``kind`` case, with its case), or one learning module
    (``kind`` module); ``completed_at`` is set when it is done."""

    __tablename__ = "practice_progress"
    __table_args__ = (Index("ix_practice_progress_person", "person_id", "kind"),)
    id: Mapped[str] = mapped_column(ID, primary_key=True)
    municipality_id: Mapped[str] = mapped_column(ForeignKey("municipality.id"))
    person_id: Mapped[str] = mapped_column(ForeignKey("person.id"))
    kind: Mapped[str] = mapped_column(String(16))  # "case" | "module"
    item_id: Mapped[str] = mapped_column(String(64))  # the plugin's PracticeCase or LearningModule id
    case_id: Mapped[str | None] = mapped_column(ForeignKey("case.id"), unique=True)
    started_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    completed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
