"""Varsler: one row per person and thing to be told, the person's preferences, and their settings.

A notification is written in the transaction of what caused it, or by a scheduled scan; ``key`` makes
the pair (person, key) unique, so a scan that runs again, or a second worker, never writes one twice.
``email`` is the state of its message out of Stafett (the name is from when e-mail was the only way
out): ``none`` (in-app only), ``pending`` (due at ``next_attempt_at``, ``digest`` ones gathered into one
message), ``sent``, ``dead``; ``channel`` is the way it went (``email``, or a plugin's, e.g. ``sms``),
set when it is tried. Only ``core.notify`` touches these tables.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import Boolean, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from core.storage.base import ID, Base, JSONType, UTCDateTime


class NotificationRow(Base):
    __tablename__ = "notification"
    __table_args__ = (
        UniqueConstraint("recipient_id", "key"),
        Index("ix_notification_recipient_created", "recipient_id", "created_at"),
        Index("ix_notification_email_due", "email", "next_attempt_at"),
    )
    id: Mapped[str] = mapped_column(ID, primary_key=True)
    municipality_id: Mapped[str] = mapped_column(ForeignKey("municipality.id"))
    recipient_id: Mapped[str] = mapped_column(ForeignKey("person.id"))
    kind: Mapped[str] = mapped_column(String(64))
    key: Mapped[str] = mapped_column(
        String(200)
    )  # what it is about: "<kind>:<entry id>", "<kind>:<measure>:<date>"
    case_id: Mapped[str | None] = mapped_column(ForeignKey("case.id"))
    link: Mapped[str] = mapped_column(String(300))  # a path in Stafett
    data: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)  # ids and times, never names
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    read_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    email: Mapped[str] = mapped_column(String(16))
    digest: Mapped[bool] = mapped_column(Boolean)
    attempts: Mapped[int] = mapped_column(Integer)
    next_attempt_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    leased_until: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    sent_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    last_error: Mapped[str] = mapped_column(Text, default="")
    channel: Mapped[str] = mapped_column(String(32), default="", server_default="")


class NotificationPreferenceRow(Base):
    """How a person wants one kind: ``immediately``, ``daily_digest`` or ``in_app``."""

    __tablename__ = "notification_preference"
    person_id: Mapped[str] = mapped_column(ForeignKey("person.id"), primary_key=True)
    kind: Mapped[str] = mapped_column(String(64), primary_key=True)
    delivery: Mapped[str] = mapped_column(String(16))


class NotificationSettingsRow(Base):
    """A person's way out of Stafett (``channel``: ``email`` or a plugin's, used when they have its
    contact detail), quiet hours (Oslo time, whole hours; nothing sent from ``quiet_from`` to
    ``quiet_to``), and the secret of their unsubscribe link."""

    __tablename__ = "notification_settings"
    person_id: Mapped[str] = mapped_column(ForeignKey("person.id"), primary_key=True)
    quiet_from: Mapped[int | None] = mapped_column(Integer)
    quiet_to: Mapped[int | None] = mapped_column(Integer)
    unsubscribe_token: Mapped[str] = mapped_column(String(64), unique=True)
    channel: Mapped[str] = mapped_column(String(32), default="email", server_default="email")
