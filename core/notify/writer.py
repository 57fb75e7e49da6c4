"""Notifications written in the same transaction as the stafettlogg entries that cause them.

``Notifications`` is a before-commit listener of the unit of work (as ``core.outbox.Deliveries``): with
no case events it does nothing; otherwise, for each event whose kind a plugin's ``notification_kinds``
names, it finds the recipients from the case (never the person who acted) and stores one row per
person, keyed by kind and entry, so nothing is written twice. ``store`` is shared with the scans: it
decides whether a message leaves Stafett from the person's preference, a reservation against digital
contact, and whether they have an address or phone number (the sender picks the channel).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from sqlalchemy import BindParameter, bindparam, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from contracts import CaseEvent, Delivery, LogEntryKind, NotificationKind, Recipient, UnitRole
from core.ids import new_id
from core.storage import models as m
from core.storage.notification_models import NotificationPreferenceRow, NotificationRow

if TYPE_CHECKING:
    from core.unit_of_work import UnitOfWork as Work

OSLO = ZoneInfo("Europe/Oslo")
DIGEST_HOUR = 7  # the daily digest leaves at 07:00 Oslo time
ANCHORS = {  # where on the case page each kind of entry is
    LogEntryKind.HANDOVER_REQUESTED: "stafett",
    LogEntryKind.HANDOVER_ACCEPTED: "stafett",
    LogEntryKind.HANDOVER_DECLINED: "stafett",
    LogEntryKind.MEETING: "moter",
    LogEntryKind.MEETING_CHANGED: "moter",
    LogEntryKind.MEETING_CANCELLED: "moter",
    LogEntryKind.PARTICIPANT_BASIS_LAPSED: "deltakere",
}


@dataclass
class Notice:
    """One notification to store: to whom, of which kind, about what (ids only), where it links."""

    recipient_id: str
    kind: NotificationKind
    key: str
    link: str
    case_id: str | None = None
    data: dict[str, Any] = field(default_factory=dict)


def next_digest(now: dt.datetime) -> dt.datetime:
    """The next 07:00 in Oslo after ``now``, in UTC."""
    local = now.astimezone(OSLO)
    at = local.replace(hour=DIGEST_HOUR, minute=0, second=0, microsecond=0)
    if at <= local:
        at = (local + dt.timedelta(days=1)).replace(hour=DIGEST_HOUR, minute=0, second=0, microsecond=0)
    return at.astimezone(dt.UTC)


def insert_ignoring_duplicates(session: Session) -> Any:
    """``INSERT … ON CONFLICT DO NOTHING`` on the notification table, in the session's dialect."""
    return _INSERT_IGNORING[session.get_bind().dialect.name == "postgresql"]


# Built once: every write with a case event runs them (building a statement costs more than running it)
_INSERT_IGNORING = {
    postgres: (postgresql.insert if postgres else sqlite.insert)(NotificationRow).on_conflict_do_nothing(
        index_elements=["recipient_id", "key"]
    )
    for postgres in (False, True)
}
_PEOPLE_IDS: BindParameter[list[str]] = bindparam("people", expanding=True)
_CONTACT = select(
    m.PersonRow.id, m.PersonRow.email, m.PersonRow.phone, m.PersonRow.digital_contact_reserved
).where(m.PersonRow.id.in_(_PEOPLE_IDS))
_PREFERENCES = select(
    NotificationPreferenceRow.person_id, NotificationPreferenceRow.kind, NotificationPreferenceRow.delivery
).where(NotificationPreferenceRow.person_id.in_(_PEOPLE_IDS))


def store(work: Work, notices: list[Notice]) -> int:
    """Store ``notices`` (a repeated key is skipped); returns how many rows were asked for."""
    if not notices:
        return 0
    people = {"people": sorted({n.recipient_id for n in notices})}
    work.session.flush()  # the statements below run on the connection: what is pending goes first
    connection = work.session.connection()
    contact = {
        pid: (bool(email or phone), reserved)
        for pid, email, phone, reserved in connection.execute(_CONTACT, people)
    }
    preferences = {
        (pid, kind): Delivery(delivery) for pid, kind, delivery in connection.execute(_PREFERENCES, people)
    }
    rows = []
    for n in notices:
        reachable, reserved = contact.get(n.recipient_id, (False, True))
        delivery = preferences.get((n.recipient_id, n.kind.id), n.kind.default_delivery)
        by_mail = reachable and not reserved and delivery is not Delivery.IN_APP  # the channel: at sending
        digest = by_mail and delivery is Delivery.DAILY_DIGEST
        rows.append(
            {
                "id": new_id(),
                "municipality_id": work.municipality_id,
                "recipient_id": n.recipient_id,
                "kind": n.kind.id,
                "key": n.key,
                "case_id": n.case_id,
                "link": n.link,
                "data": n.data,
                "created_at": work.now,
                "email": "pending" if by_mail else "none",
                "digest": digest,
                "attempts": 0,
                "next_attempt_at": (next_digest(work.now) if digest else work.now) if by_mail else None,
                "last_error": "",
            }
        )
    work.session.connection().execute(insert_ignoring_duplicates(work.session), rows)  # Core: no ORM bulk
    return len(rows)


class Notifications:
    """The commit listener: notifications for this unit of work's case events, or nothing."""

    def before_commit(self, work: Work) -> None:
        if not work.events:
            return
        kinds = work.plugins.notification_kinds
        by_entry: dict[LogEntryKind, list[NotificationKind]] = {}
        for kind in kinds.values():
            for entry_kind in kind.on:
                by_entry.setdefault(entry_kind, []).append(kind)
        notices: list[Notice] = []
        for event in work.events:
            for kind in by_entry.get(event.kind, []):
                notices += _for_event(work, event, kind)
        store(work, notices)


def _for_event(work: Work, event: CaseEvent, kind: NotificationKind) -> list[Notice]:
    people: set[str] = set()
    family = _family(work, event) if Recipient.FAMILY in kind.recipients else set()
    for recipient in kind.recipients:
        people |= family if recipient is Recipient.FAMILY else _people(work, event, recipient)
    people.discard(work.actor.id or "")
    anchor = ANCHORS.get(event.kind)
    employee_link = f"/saker/{event.case_id}" + (f"#{anchor}" if anchor else "")
    data = {k: v for k, v in event.data.items() if k in ("meeting_id", "handover_id", "measure_id")}
    return [
        Notice(
            recipient_id=pid,
            kind=kind,
            key=f"{kind.id}:{event.entry_id}",
            link=f"/min-side/saker/{event.case_id}" if pid in family else employee_link,
            case_id=event.case_id,
            data=data,
        )
        for pid in sorted(people)
    ]


def _people(work: Work, event: CaseEvent, recipient: Recipient) -> set[str]:
    """The employees (or givers) an event concerns, by role; one small query each."""
    s, data = work.session, event.data
    if recipient is Recipient.HANDOVER_RECEIVER:
        return {data["to_id"]} if data.get("to_id") else set()
    if recipient is Recipient.HANDOVER_GIVER:
        row = s.get(m.HandoverRow, data.get("handover_id", ""))
        return {row.from_id} if row is not None and row.from_id else set()
    case = s.get(m.CaseRow, event.case_id)
    if case is None:
        return set()
    if recipient is Recipient.RELAY_HOLDER:
        return {case.relay_holder_id} if case.relay_holder_id else set()
    if recipient is Recipient.MEASURE_RESPONSIBLE:
        measure = s.get(m.MeasureRow, data.get("measure_id", ""))
        return {measure.responsible_id} if measure is not None else set()
    if recipient is Recipient.CONSENT_GIVERS:
        return set(
            s.scalars(
                select(m.ConsentGiverRow.person_id).where(
                    m.ConsentGiverRow.consent_id == data.get("consent_id", ""),
                    m.ConsentGiverRow.given_at.is_not(None),
                )
            )
        )
    if recipient is Recipient.OWNER_UNIT_LEADERS:
        return _leaders(s, [case.owner_unit_id])
    if recipient is Recipient.MEETING_INVITEES:
        units = s.scalars(
            select(m.MeetingUnitRow.unit_id).where(m.MeetingUnitRow.meeting_id == data.get("meeting_id", ""))
        ).all()
        return _leaders(s, units) | ({case.relay_holder_id} if case.relay_holder_id else set())
    return set()


def _leaders(session: Session, unit_ids: Iterable[str]) -> set[str]:
    return set(
        session.scalars(
            select(m.UnitMembershipRow.person_id).where(
                m.UnitMembershipRow.unit_id.in_(list(unit_ids)),
                m.UnitMembershipRow.role == UnitRole.UNIT_LEADER,
            )
        )
    )


def _family(work: Work, event: CaseEvent) -> set[str]:
    """The guardians with parental responsibility and the youth, when the entry is shared with them;
    the youth alone when it is kept from the guardians."""
    from core.services.state import CaseState

    entry = work.session.get(m.LogEntryRow, event.entry_id or "")
    if entry is None or not entry.shared_with_family:
        return set()
    state = CaseState(work, event.case_id)
    family = set(state.facts().family_ids)
    return family - set(state.guardian_ids) if entry.hidden_from_guardians else family
