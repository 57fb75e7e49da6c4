"""Varsler out of Stafett: claim what is due, send it on each person's channel, record it.

A worker leases due rows (``FOR UPDATE SKIP LOCKED`` on PostgreSQL, so any number of workers share the
work and none takes a row another holds), gathers a person's daily-digest rows into one message, holds
back what falls in the person's quiet hours, and sends each on the person's channel: e-mail over the
deployment's SMTP relay (built in), or a channel a plugin adds (``notification_channels``, e.g. SMS),
falling back to e-mail when the person lacks that channel's contact detail. Each message is written in
the person's written form (their own choice, else their municipality's målform; docs/languages.md):
the channel's ``send`` runs inside ``i18n.use`` of it, so a plugin's channel writes it too. Each send
and each failure is audited; a failure is retried with back-off (the outbox's ``RetryPolicy``) until
it is dead. A batch's rows are marked sent in the transaction that audits each message, and only a
worker holding a row's lease may mark it, so one varsel goes out once; its key is stable besides, so
a relay or a gateway can drop a repeat.
"""

from __future__ import annotations

import datetime as dt
import logging
import secrets
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite

from contracts import ChannelMessage, MeetingInvite, NotificationChannel
from core import i18n
from core.auth.settings import AuthSettings
from core.domain.policy import Action, Actor
from core.notify.mail import email_channel
from core.notify.service import settings_for
from core.notify.writer import OSLO
from core.outbox import RetryPolicy
from core.platform import Platform
from core.storage import models as m
from core.storage.notification_models import NotificationRow, NotificationSettingsRow

log = logging.getLogger("stafett.notify")
RETRY = RetryPolicy()
EMAIL = "email"


@dataclass
class Batch:
    """One message to send: to whom, on which channel and address, about which rows."""

    municipality_id: str
    recipient_id: str
    channel: str
    address: str
    token: str
    language: str = i18n.BOKMAL  # the written form the message is in: the person's, else the municipality's
    ids: list[str] = field(default_factory=list)
    kinds: list[str] = field(default_factory=list)
    meeting_id: str | None = None


def channels_for(platform: Platform, municipality_id: str) -> dict[str, NotificationChannel]:
    """The ways out of Stafett in a municipality: e-mail when the deployment has ``[smtp]``, and its
    plugins' channels."""
    out = dict(platform.plugins.for_municipality(municipality_id).notification_channels)
    if platform.config.smtp is not None:
        out[EMAIL] = email_channel(platform.config.smtp)
    return out


def route(
    person: m.PersonRow, chosen: str, channels: dict[str, NotificationChannel]
) -> tuple[str, str] | None:
    """The channel and address a person's message goes to: their choice where the municipality has it
    and they have its contact detail, else e-mail; None when neither reaches them."""
    for name in dict.fromkeys((chosen, EMAIL)):
        channel = channels.get(name)
        address = (person.email if channel.address == "email" else person.phone) if channel else None
        if address:
            return name, address
    return None


def quiet_until(settings: NotificationSettingsRow, now: dt.datetime) -> dt.datetime | None:
    """When the person's quiet hours end, if ``now`` falls in them (Oslo time); else None."""
    start, end = settings.quiet_from, settings.quiet_to
    if start is None or end is None or start == end:
        return None
    local = now.astimezone(OSLO)
    inside = start <= local.hour < end if start < end else local.hour >= start or local.hour < end
    if not inside:
        return None
    until = local.replace(hour=end, minute=0, second=0, microsecond=0)
    if until <= local:
        until += dt.timedelta(days=1)
    return until.astimezone(dt.UTC)


def claim(platform: Platform, *, limit: int = 50, policy: RetryPolicy = RETRY) -> list[Batch]:
    """Lease up to ``limit`` due rows for this worker and group them into messages."""
    now = platform.clock()
    batches: dict[tuple[str, str], Batch] = {}
    channels: dict[str, dict[str, NotificationChannel]] = {}
    with platform.database.session() as session, session.begin():
        rows = session.scalars(
            select(NotificationRow)
            .where(NotificationRow.email == "pending", NotificationRow.next_attempt_at <= now)
            .where((NotificationRow.leased_until.is_(None)) | (NotificationRow.leased_until <= now))
            .order_by(NotificationRow.next_attempt_at, NotificationRow.id)
            .limit(limit)
            .with_for_update(skip_locked=True)
        ).all()
        ensure_settings(session, {r.recipient_id for r in rows})
        people = {
            p.id: p
            for p in session.scalars(
                select(m.PersonRow).where(m.PersonRow.id.in_({r.recipient_id for r in rows}))
            )
        }
        for row in rows:
            person = people.get(row.recipient_id)
            settings = settings_for(session, row.recipient_id)
            if row.municipality_id not in channels:
                channels[row.municipality_id] = channels_for(platform, row.municipality_id)
            way = None
            if person is not None and not person.digital_contact_reserved:
                way = route(person, settings.channel, channels[row.municipality_id])
            if way is None:
                row.email, row.next_attempt_at = (
                    "none",
                    None,
                )  # no way to reach them, or reserved: in Stafett only
                continue
            if (until := quiet_until(settings, now)) is not None:
                row.next_attempt_at = until  # held back, not tried: no attempt counted
                continue
            row.leased_until, row.attempts, row.channel = now + policy.lease, row.attempts + 1, way[0]
            group = (row.recipient_id, "digest") if row.digest else (row.recipient_id, row.id)
            mine = person.language if person is not None else None
            language = i18n.choose(mine, platform.municipality(row.municipality_id).language)
            batch = batches.setdefault(
                group,
                Batch(row.municipality_id, row.recipient_id, *way, settings.unsubscribe_token, language),
            )
            batch.ids.append(row.id)
            batch.kinds.append(row.kind)
            if not row.digest and row.data.get("meeting_id"):
                batch.meeting_id = row.data["meeting_id"]
    return list(batches.values())


def ensure_settings(session, person_ids: set[str]) -> None:
    """Each person's settings row, made if missing, in id order and ignoring one another worker made
    meanwhile: two workers claiming the same people's rows never wait on each other in a circle."""
    have = set(
        session.scalars(
            select(NotificationSettingsRow.person_id).where(NotificationSettingsRow.person_id.in_(person_ids))
        )
    )
    missing = sorted(person_ids - have)
    if not missing:
        return
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    session.execute(
        insert(NotificationSettingsRow).on_conflict_do_nothing(index_elements=["person_id"]),
        [{"person_id": p, "unsubscribe_token": secrets.token_urlsafe(32)} for p in missing],
    )


def _meeting(platform: Platform, meeting_id: str) -> MeetingInvite | None:
    with platform.database.session() as session:
        row = session.get(m.MeetingRow, meeting_id)
        if row is None:
            return None
        organiser = session.get(m.PersonRow, row.created_by) if row.created_by else None
        return MeetingInvite(
            meeting_id=row.id,
            starts_at=row.starts_at,
            location=row.location,
            organiser_name=f"{organiser.given_name} {organiser.family_name}" if organiser else "Stafett",
            organiser_email=(organiser.email if organiser and organiser.email else "") or _sender(platform),
            cancelled=row.cancelled_at is not None,
            sequence=row.sequence,
        )


def _sender(platform: Platform) -> str:
    smtp = platform.config.smtp
    return smtp.from_address if smtp else "stafett@kommune.no"


def public_url(platform: Platform) -> str:
    return AuthSettings.from_config(platform.config.auth).public_url.rstrip("/")


def send(platform: Platform, batches: list[Batch]) -> list[str | None]:
    """Send each batch on its channel (one call per municipality, channel and written form, inside
    ``i18n.use`` of that form); the error of each, or None when the relay or gateway accepted it."""
    base, now = public_url(platform), platform.clock()
    errors: list[str | None] = [None] * len(batches)
    groups: dict[tuple[str, str, str], list[int]] = {}
    for i, batch in enumerate(batches):
        groups.setdefault((batch.municipality_id, batch.channel, batch.language), []).append(i)
    for (mid, name, language), indexes in groups.items():
        channel = channels_for(platform, mid).get(name)
        messages = [message(platform, batches[i], base, now) for i in indexes]
        try:
            if channel is None:
                raise LookupError(f"kanalen «{name}» er ikke lenger satt opp")
            with i18n.use(language):
                answers = list(channel.send(messages))
            if len(answers) != len(messages):
                raise ValueError(f"kanalen svarte for {len(answers)} av {len(messages)} meldinger")
        except Exception as exc:  # a channel's fault refuses its batch; it is tried again later
            log.warning("Varselkanalen «%s» tok ikke imot: %s", name, exc)
            answers = [f"{type(exc).__name__}: {exc}"] * len(messages)
        for i, answer in zip(indexes, answers, strict=True):
            errors[i] = str(answer)[:2000] if answer is not None else None
    return errors


def message(platform: Platform, batch: Batch, base: str, now: dt.datetime) -> ChannelMessage:
    """What goes out about a batch: how many varsler, a link, the unsubscribe link; no names."""
    one = len(batch.ids) == 1
    return ChannelMessage(
        key=batch.ids[0] if one else f"digest-{batch.ids[0]}",
        address=batch.address,
        count=len(batch.ids),
        link=f"{base}/varsler/{batch.ids[0]}" if one else f"{base}/varsler",
        unsubscribe=f"{base}/varsler/avmeld/{batch.token}",
        municipality=platform.municipality(batch.municipality_id).name,
        sent_at=now,
        meeting=_meeting(platform, batch.meeting_id) if batch.meeting_id else None,
    )


def finish(
    platform: Platform, done: list[tuple[Batch, str | None]], policy: RetryPolicy = RETRY
) -> list[str]:
    """Record what came of each message on its rows, audited one event per message, in one transaction
    per municipality; returns ``sent``, ``failed`` or ``dead`` per message."""
    outcomes: dict[int, str] = {}
    by_municipality: dict[str, list[int]] = {}
    for i, (batch, _) in enumerate(done):
        by_municipality.setdefault(batch.municipality_id, []).append(i)
    for mid, indexes in by_municipality.items():
        with platform.work(Actor.system(mid, operator="varsler ut"), "varsel ut av Stafett") as work:
            ids = [row_id for i in indexes for row_id in done[i][0].ids]
            rows = {
                r.id: r
                for r in work.session.scalars(
                    select(NotificationRow)
                    .where(NotificationRow.id.in_(ids))
                    .order_by(NotificationRow.id)
                    .with_for_update()
                )
            }
            for i in indexes:
                batch, error = done[i]
                outcomes[i] = _record(work, batch, [rows[r] for r in batch.ids if r in rows], error, policy)
    return [outcomes[i] for i in range(len(done))]


def _record(
    work: Any, batch: Batch, rows: list[NotificationRow], error: str | None, policy: RetryPolicy
) -> str:
    now, outcome = work.now, "sent"
    for row in rows:
        if row.email != "pending" or row.leased_until is None:
            continue  # unsubscribed meanwhile, or not ours
        row.leased_until = None
        if error is None:
            row.email, row.sent_at, row.last_error = "sent", now, ""
            continue
        row.last_error = error
        if row.attempts >= policy.max_attempts:
            row.email, outcome = "dead", "dead"
        else:
            row.next_attempt_at, outcome = now + policy.delay(row.attempts), "failed"
    attempts = max((r.attempts for r in rows), default=0)
    work.record_outcome(
        Action.SEND_NOTIFICATION,
        outcome=outcome,
        reason=f"person {batch.recipient_id}, varsel {', '.join(batch.ids)}, kanal {batch.channel}, "
        f"forsøk {attempts}" + (f": {error}" if error else ""),
        case_id=rows[0].case_id if len(rows) == 1 else None,
    )
    return outcome


def run(platform: Platform, *, policy: RetryPolicy = RETRY) -> int:
    """Send every message due now; returns how many the relays and gateways accepted."""
    sent = 0
    while batches := claim(platform, policy=policy):
        errors = send(platform, batches)
        sent += finish(platform, list(zip(batches, errors, strict=True)), policy).count("sent")
    return sent


def has_channels(platform: Platform) -> bool:
    """Whether anything can leave Stafett: an SMTP relay, or a plugin's channel in some municipality."""
    return platform.config.smtp is not None or any(
        platform.plugins.for_municipality(mid).notification_channels for mid in platform.municipality_ids()
    )
