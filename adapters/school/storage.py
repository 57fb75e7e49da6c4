"""The OneRoster adapter's own tables: which source identifier became what, and how far a source has come.

``roster_record`` remembers, per municipality, source system and kind, each ``sourcedId`` with the
Stafett id it became (a unit, person or class; a link's other end) and a digest of the fields
Stafett uses: a row whose digest is unchanged is skipped, so importing the same package twice
writes nothing. ``roster_source`` keeps the last import, the REST delta watermark, and what the
municipality declared about the source: the orgs it owns (its scope), the share of school links a
bulk package may end without ``--allow-mass-end``, and whether it sends the fødselsnummer in
``users.identifier``.

These are OneRoster's bookkeeping, not Stafett's data, so they live here with their own Alembic
branch (``school``, in ``migrations/``), found by core through the entry point ``stafett.storage``.
The foreign keys to ``municipality`` name core's table; Alembic combines this MetaData with core's.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy import Boolean, ForeignKey, Index, MetaData, String
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from core.public import NAMING, UTCDateTime

VERSIONS = Path(__file__).resolve().parent / "migrations"


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


METADATA = Base.metadata
# A stand-in for core's table, so the foreign keys below resolve in this MetaData (the ORM sorts its
# writes by them); Alembic compares against core's real table instead (core.storage.extensions).
sa.Table("municipality", METADATA, sa.Column("id", String(4), primary_key=True))


class RosterSourceRow(Base):
    """A school administration system feeding one municipality, and how far its delta sync has come."""

    __tablename__ = "roster_source"
    municipality_id: Mapped[str] = mapped_column(String(4), ForeignKey("municipality.id"), primary_key=True)
    name: Mapped[str] = mapped_column(String(200), primary_key=True)
    last_import_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    delta_since: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)  # REST: dateLastModified watermark
    # What the municipality declared about the source (`stafett import oneroster-source`):
    owns: Mapped[list[str] | None] = mapped_column(sa.JSON)  # org sourcedIds it is the whole truth for
    max_end_share: Mapped[float] = mapped_column(sa.Float, default=0.25, server_default="0.25")
    national_id_in_identifier: Mapped[bool] = mapped_column(Boolean, default=False, server_default=sa.false())


class RosterRecordRow(Base):
    """One source identifier of one kind (org, child, guardian, employee, role, agent, class, enrollment)."""

    __tablename__ = "roster_record"
    __table_args__ = (Index("ix_roster_record_target", "target_id"),)
    municipality_id: Mapped[str] = mapped_column(String(4), ForeignKey("municipality.id"), primary_key=True)
    source: Mapped[str] = mapped_column(String(200), primary_key=True)
    kind: Mapped[str] = mapped_column(String(16), primary_key=True)
    sourced_id: Mapped[str] = mapped_column(String(512), primary_key=True)
    target_id: Mapped[str | None] = mapped_column(String(64))  # unit, person or class it became
    other_id: Mapped[str | None] = mapped_column(String(64))  # a link's other end: unit, class or guardian
    digest: Mapped[str] = mapped_column(String(32))
    active: Mapped[bool] = mapped_column(Boolean)

    @property
    def target(self) -> str:
        """What an active record became; only records that were applied have one."""
        if self.target_id is None:
            raise LookupError(f"roster record {self.kind} {self.sourced_id} was never applied")
        return self.target_id
