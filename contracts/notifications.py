"""Varsler: which events tell whom, and when, as plugins declare them (``notification_kinds``).

Core writes a notification in the transaction of what caused it (a stafettlogg entry) or finds it by a
scheduled scan (a date coming near or passed), and delivers it in-app and, by the person's preference,
on one channel out of Stafett: e-mail (built in) or one a plugin adds (``notification_channels``: an
SMS gateway, Altinn Varsling). Nothing here names a child, a concern or a service: a kind's ``title``
is what the person reads in Stafett, and a message out says only that something waits there.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from enum import StrEnum
from typing import Annotated, Any, Literal

import msgspec

from .base import Contract, ShortText
from .enums import LogEntryKind

KindId = Annotated[str, msgspec.Meta(pattern=r"^[a-z][a-z0-9_.-]*$", max_length=64)]
ChannelName = Annotated[str, msgspec.Meta(pattern=r"^[a-z][a-z0-9-]*$", max_length=32)]


class Delivery(StrEnum):
    """How a person wants a kind of notification: by e-mail at once, in a daily e-mail, or only in Stafett."""

    IMMEDIATELY = "immediately"
    DAILY_DIGEST = "daily_digest"
    IN_APP = "in_app"


class Recipient(StrEnum):
    """Who a notification goes to, as core finds them from the case (never the person who acted)."""

    HANDOVER_RECEIVER = "handover_receiver"  # the one offered the baton
    HANDOVER_GIVER = "handover_giver"  # the one who offered it
    RELAY_HOLDER = "relay_holder"  # the case's stafettholder
    MEASURE_RESPONSIBLE = "measure_responsible"  # the one responsible for a tiltak
    CONSENT_GIVERS = "consent_givers"  # the guardians (or youth) who gave the consent
    CONSENT_ASKED = "consent_asked"  # those asked to give a consent who have not yet
    FAMILY = "family"  # guardians with parental responsibility, and the youth; only entries shared with them
    MEETING_INVITEES = "meeting_invitees"  # the stafettholder and the leaders of the meeting's units
    OWNER_UNIT_LEADERS = "owner_unit_leaders"  # the leaders of the unit that owns the case


class Scan(StrEnum):
    """The scheduled scans core runs over a whole municipality in SQL; ``days`` sets each one's timing."""

    EVALUATION_DUE = "evaluation_due"  # a tiltak's next evaluation is ``days`` days away
    EVALUATION_OVERDUE = "evaluation_overdue"  # its evaluation date has passed
    CONSENT_EXPIRING = "consent_expiring"  # a consent in force ends in ``days`` days
    CONSENT_EXPIRED = "consent_expired"  # a consent's period has ended
    NO_RELAY_HOLDER = "no_relay_holder"  # an open case has had no stafettholder for ``days`` days
    CONSENT_REQUESTED = "consent_requested"  # a consent asked for ``days`` days ago waits for a giver


class NotificationKind(Contract):
    """One kind of varsel: what causes it (stafettlogg entries, or a scan), who gets it, how by default."""

    id: KindId  # e.g. "handover_offered"; a person's preferences are per kind
    title: ShortText  # what the person reads in Stafett (bokmål), no names: "Du er tilbudt stafetten"
    recipients: list[Recipient]
    on: list[LogEntryKind] = []  # entries that cause it, or
    scan: Scan | None = None  # the scan that finds it
    days: Annotated[int, msgspec.Meta(ge=0, le=365)] = 0  # the scan's timing; a municipality may override
    default_delivery: Delivery = Delivery.IMMEDIATELY


class Notification(Contract):
    """One varsel for one person, as the Varsler page shows it."""

    id: str
    kind: KindId
    title: ShortText
    created_at: dt.datetime
    link: str  # a path inside Stafett: the case, the hand-over, the meeting, Min side
    read: bool
    case_id: str | None = None


class WorkerJob(msgspec.Struct, frozen=True, kw_only=True):
    """Background work ``stafett worker`` runs in its loop (``worker_jobs``): ``run(platform)`` does what
    is due now and returns how many items it handled. The platform is core's; an adapter's job reaches
    it through ``core.public``."""

    name: ShortText  # e.g. "fhir": shown in the worker's log lines
    run: Callable[[Any], int]


class MeetingInvite(msgspec.Struct, frozen=True, kw_only=True):
    """What a message may say about a meeting: its id, time, place and who invites (never whom it is
    about). E-mail attaches it as an iCalendar invitation; another channel may give the time."""

    meeting_id: str
    starts_at: dt.datetime
    location: str  # as the organiser wrote it
    organiser_name: str
    organiser_email: str
    cancelled: bool
    sequence: int = 0  # changes so far: a calendar replaces the older invitation with the newer


class ChannelMessage(msgspec.Struct, frozen=True, kw_only=True):
    """One message out of Stafett to one person. It names nobody and nothing: that something waits
    (``count`` varsler), where (``link``, which opens after login), and how to stop such messages."""

    key: str  # the same on every try: a gateway or relay can drop a repeat by it
    address: str  # the person's address on the channel: an e-mail address or a phone number
    count: int  # varsler it tells of; a daily digest tells of several
    link: str  # an absolute URL into Stafett
    unsubscribe: str  # an absolute URL that stops messages out of Stafett, without login
    municipality: str  # the municipality's name: who sends
    sent_at: dt.datetime
    meeting: MeetingInvite | None = None


class NotificationChannel(msgspec.Struct, frozen=True, kw_only=True):
    """A way out of Stafett for varsler, supplied by a plugin (``notification_channels``) or built in
    (``email``, over the deployment's SMTP relay). A person chooses one on the Varsler page.

    ``send`` gets a batch of messages and answers, in the same order, ``None`` for each the gateway
    accepted and an error text for each it refused; an exception counts as every one refused. Core
    retries the refused ones with back-off, and never sends one the gateway accepted again.
    """

    name: ChannelName  # e.g. "sms"; recorded on each varsel sent and in the audit event
    title: ShortText  # what a person chooses between, in bokmål: "SMS"
    address: Literal["email", "phone"]  # which of a person's contact details the channel sends to
    send: Callable[[list[ChannelMessage]], list[str | None]]
