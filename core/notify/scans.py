"""The scheduled varsler, found by SQL scans over a whole municipality (no case is loaded in Python).

Each scan is one ``INSERT … SELECT … ON CONFLICT DO NOTHING``: the select finds the people to tell and
what about, the insert decides in the same statement whether each one's message leaves Stafett
(preference, reservation, an address or phone number), and the key (kind, thing, date) makes a second
run, or a second worker, add nothing. So a tiltak is told "due" once per evaluation date, a consent
"expiring" once per end date.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from sqlalchemy import String, and_, case, cast, func, literal, null, or_, select, true
from sqlalchemy.sql import Select

from contracts import CaseStatus, Delivery, MeasureStatus, NotificationKind, Recipient, Scan, UnitRole
from core.domain.policy import Action
from core.notify.writer import insert_ignoring_duplicates, next_digest
from core.storage import models as m
from core.storage.base import JSONType
from core.storage.notification_models import NotificationPreferenceRow as Pref
from core.storage.notification_models import NotificationRow as N

if TYPE_CHECKING:
    from core.unit_of_work import UnitOfWork as Work

EXPIRED_LOOKBACK = dt.timedelta(days=30)  # a consent that ended longer ago is not news any more


def scan(work: Work) -> int:
    """Run every scheduled kind of the municipality's plugins; returns how many varsler were new."""
    work.authorize(Action.READ_REMINDERS)
    total = 0
    for kind in work.plugins.notification_kinds.values():
        if kind.scan is None:
            continue
        days = work.municipality.notification_days.get(kind.id, kind.days)
        for found in _finders(work, kind, days):
            total += _insert(work, kind, found)
    return total


def _open_cases(work: Work) -> Any:
    return and_(m.CaseRow.municipality_id == work.municipality_id, m.CaseRow.status == CaseStatus.OPEN)


def _key(kind: NotificationKind, *parts: Any) -> Any:
    out: Any = literal(f"{kind.id}:")
    for i, part in enumerate(parts):
        out = out + (literal(":") if i else literal("")) + cast(part, String)
    return out


def _link(case_id: Any, anchor: str = "", family: bool = False) -> Any:
    prefix = "/min-side/saker/" if family else "/saker/"
    return literal(prefix) + m.CaseRow.id + literal(f"#{anchor}" if anchor else "")


def _finders(work: Work, kind: NotificationKind, days: int) -> list[Select[Any]]:
    """Selects of (recipient_id, case_id, key, link) for one kind."""
    today = work.now.date()
    wanted = set(kind.recipients)
    out: list[Select[Any]] = []
    if kind.scan in (Scan.EVALUATION_DUE, Scan.EVALUATION_OVERDUE):
        due = m.MeasureRow.next_evaluation_date
        when = (
            and_(due >= today, due <= today + dt.timedelta(days=days))
            if kind.scan is Scan.EVALUATION_DUE
            else due < today - dt.timedelta(days=days)
        )
        if Recipient.MEASURE_RESPONSIBLE in wanted:
            out.append(
                select(
                    m.MeasureRow.responsible_id,
                    m.CaseRow.id,
                    _key(kind, m.MeasureRow.id, due),
                    _link(m.CaseRow.id, "tiltak"),
                )
                .join(m.CaseRow, m.CaseRow.id == m.MeasureRow.case_id)
                .where(_open_cases(work), m.MeasureRow.status == MeasureStatus.ACTIVE, when)
            )
    elif kind.scan in (Scan.CONSENT_EXPIRING, Scan.CONSENT_EXPIRED):
        end = m.ConsentRow.valid_to
        when = (
            and_(end >= today, end <= today + dt.timedelta(days=days))
            if kind.scan is Scan.CONSENT_EXPIRING
            else and_(end < today - dt.timedelta(days=days), end >= today - EXPIRED_LOOKBACK)
        )
        base = (
            select(m.ConsentRow.id)
            .join(m.CaseRow, m.CaseRow.id == m.ConsentRow.case_id)
            .where(_open_cases(work), m.ConsentRow.withdrawn_at.is_(None), when)
        )
        key, holder, giver = _key(kind, m.ConsentRow.id, end), m.CaseRow.relay_holder_id, m.ConsentGiverRow
        if Recipient.RELAY_HOLDER in wanted:
            link = _link(m.CaseRow.id, "samtykke")
            out.append(base.with_only_columns(holder, m.CaseRow.id, key, link).where(holder.is_not(None)))
        if Recipient.CONSENT_GIVERS in wanted:
            link = _link(m.CaseRow.id, family=True)
            out.append(
                base.with_only_columns(giver.person_id, m.CaseRow.id, key, link)
                .join(giver, giver.consent_id == m.ConsentRow.id)
                .where(giver.given_at.is_not(None))
            )
    elif kind.scan is Scan.CONSENT_REQUESTED and Recipient.CONSENT_ASKED in wanted:
        out.append(
            select(
                m.ConsentGiverRow.person_id,
                m.CaseRow.id,
                _key(kind, m.ConsentRow.id),
                _link(m.CaseRow.id, family=True),
            )
            .join(m.ConsentRow, m.ConsentRow.id == m.ConsentGiverRow.consent_id)
            .join(m.CaseRow, m.CaseRow.id == m.ConsentRow.case_id)
            .where(_open_cases(work), m.ConsentGiverRow.given_at.is_(None))
            .where(m.ConsentRow.withdrawn_at.is_(None), m.ConsentRow.valid_to >= today)
            .where(m.ConsentRow.recorded_at <= work.now - dt.timedelta(days=days))
        )
    elif kind.scan is Scan.NO_RELAY_HOLDER and Recipient.OWNER_UNIT_LEADERS in wanted:
        out.append(
            select(
                m.UnitMembershipRow.person_id,
                m.CaseRow.id,
                _key(kind, m.CaseRow.id, literal(days)),
                _link(m.CaseRow.id, "stafett"),
            )
            .join(m.UnitMembershipRow, m.UnitMembershipRow.unit_id == m.CaseRow.owner_unit_id)
            .where(_open_cases(work), m.CaseRow.relay_holder_id.is_(None))
            .where(m.CaseRow.opened_at <= work.now - dt.timedelta(days=days))
            .where(m.UnitMembershipRow.role == UnitRole.UNIT_LEADER)
        )
    return out


def _insert(work: Work, kind: NotificationKind, found: Select[Any]) -> int:
    """Insert what ``found`` names, deciding in the same statement whether a message leaves Stafett."""
    sub = found.subquery("found")
    recipient, case_id, key, link = sub.c
    delivery = func.coalesce(Pref.delivery, literal(str(kind.default_delivery)))
    by_mail = and_(
        or_(func.coalesce(m.PersonRow.email, "") != "", func.coalesce(m.PersonRow.phone, "") != ""),
        m.PersonRow.digital_contact_reserved.is_(False),
        delivery != str(Delivery.IN_APP),
    )
    digest = and_(by_mail, delivery == str(Delivery.DAILY_DIGEST))
    postgres = work.session.get_bind().dialect.name == "postgresql"
    new_id = cast(func.gen_random_uuid(), String) if postgres else func.lower(func.hex(func.randomblob(16)))
    rows = (
        select(
            new_id,
            literal(work.municipality_id),
            recipient,
            literal(kind.id),
            key,
            case_id,
            link,
            literal({}, type_=JSONType),
            literal(work.now, type_=N.created_at.type),
            case((by_mail, literal("pending")), else_=literal("none")),
            case((digest, true()), else_=literal(False)),
            literal(0),
            case(
                (digest, literal(next_digest(work.now), type_=N.created_at.type)),
                (by_mail, literal(work.now, type_=N.created_at.type)),
                else_=null(),
            ),
            literal(""),
        )
        .select_from(sub)
        .join(m.PersonRow, m.PersonRow.id == recipient)
        .outerjoin(Pref, and_(Pref.person_id == recipient, Pref.kind == kind.id))
        .where(or_(m.PersonRow.active.is_(True), m.PersonRow.active.is_(None)))
    )
    columns = [
        "id", "municipality_id", "recipient_id", "kind", "key", "case_id", "link", "data", "created_at",
        "email", "digest", "attempts", "next_attempt_at", "last_error",
    ]  # fmt: skip
    stmt = insert_ignoring_duplicates(work.session).from_select(columns, rows).returning(N.id)
    return len(work.session.execute(stmt).all())  # the rows written; a repeated key writes none
