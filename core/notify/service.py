"""What a person reads and does with their own varsler: the list, the unread count, opening one (which
marks it read), their preferences per kind, their channel and quiet hours, and unsubscribing by a
message's link.

The list and every change go through the policy (``notifications.read``: one's own, audited); the
unread count in the header of every page is a number about one's own rows and is not audited.
"""

from __future__ import annotations

import secrets
from typing import TYPE_CHECKING

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from contracts import Delivery, Notification
from core.domain.policy import Action
from core.errors import InvalidInput, NotFound
from core.i18n import _
from core.storage.notification_models import (
    NotificationPreferenceRow,
    NotificationRow,
    NotificationSettingsRow,
)

if TYPE_CHECKING:
    from core.unit_of_work import UnitOfWork as Work

PAGE = 30


class NotificationService:
    def __init__(self, work: Work) -> None:
        self.work = work

    @property
    def _me(self) -> str:
        return self.work.actor.id or ""

    def unread(self) -> int:
        return unread_count(self.work.session, self._me)

    def mine(self, page: int = 1) -> tuple[list[Notification], int]:
        """One page of my varsler (``PAGE`` a page), newest first, and how many there are."""
        return self.listing(limit=PAGE, offset=(max(page, 1) - 1) * PAGE)

    def listing(self, *, limit: int, offset: int) -> tuple[list[Notification], int]:
        """My varsler from ``offset``, newest first (ordered and cut in SQL), and how many there are."""
        self.work.authorize(Action.READ_NOTIFICATIONS)
        mine = NotificationRow.recipient_id == self._me
        total = self.work.session.scalar(select(func.count()).select_from(NotificationRow).where(mine)) or 0
        rows = self.work.session.scalars(
            select(NotificationRow)
            .where(mine)
            .order_by(NotificationRow.created_at.desc(), NotificationRow.id.desc())
            .limit(limit)
            .offset(offset)
        )
        return [self._contract(r) for r in rows], total

    def _contract(self, row: NotificationRow) -> Notification:
        kind = self.work.plugins.notification_kinds.get(row.kind)
        return Notification(
            id=row.id,
            kind=row.kind,
            title=_(kind.title) if kind else _("Noe venter på deg i Stafett"),
            created_at=row.created_at,
            link=row.link,
            read=row.read_at is not None,
            case_id=row.case_id,
        )

    def open(self, notification_id: str) -> Notification:
        """Mark one of my varsler read (its ``link`` says where it points); another's is not found."""
        self.work.authorize(Action.READ_NOTIFICATIONS)
        row = self.work.session.get(NotificationRow, notification_id)
        if row is None or row.recipient_id != self._me:
            raise NotFound(_("Fant ikke varselet."), code="notification_not_found")
        if row.read_at is None:
            row.read_at = self.work.now
        return self._contract(row)

    def read_all(self) -> None:
        self.work.authorize(Action.READ_NOTIFICATIONS)
        self.work.session.execute(
            update(NotificationRow)
            .where(NotificationRow.recipient_id == self._me, NotificationRow.read_at.is_(None))
            .values(read_at=self.work.now)
        )

    def preferences(self) -> dict[str, Delivery]:
        """How I get each kind the municipality's plugins declare (my choice, or the kind's default)."""
        self.work.authorize(Action.READ_NOTIFICATIONS)
        chosen = dict(
            self.work.session.execute(
                select(NotificationPreferenceRow.kind, NotificationPreferenceRow.delivery).where(
                    NotificationPreferenceRow.person_id == self._me
                )
            ).all()
        )
        kinds = self.work.plugins.notification_kinds
        return {k: Delivery(chosen.get(k, kind.default_delivery)) for k, kind in kinds.items()}

    def choose(self, deliveries: dict[str, str], quiet: tuple[int | None, int | None]) -> None:
        """Save my choice per kind and my quiet hours (whole hours, Oslo time; both or neither)."""
        self.work.authorize(Action.READ_NOTIFICATIONS)
        kinds = self.work.plugins.notification_kinds
        for kind, value in deliveries.items():
            if kind not in kinds:
                raise InvalidInput(_("Ukjent varseltype «{kind}».").format(kind=kind), field=kind)
            try:
                delivery = Delivery(value)
            except ValueError:
                raise InvalidInput(_("Velg hvordan du vil få varselet."), field=kind) from None
            row = self.work.session.get(NotificationPreferenceRow, (self._me, kind))
            if row is None:
                self.work.session.add(
                    NotificationPreferenceRow(person_id=self._me, kind=kind, delivery=str(delivery))
                )
            else:
                row.delivery = str(delivery)
        start, end = quiet
        if (start is None) != (end is None) or any(h is not None and not 0 <= h <= 23 for h in quiet):
            raise InvalidInput(
                _("Stille timer må ha både fra og til, som hele timer 0–23."), field="quiet_from"
            )
        settings = self.settings()
        settings.quiet_from, settings.quiet_to = start, end

    def channels(self) -> dict[str, str]:
        """The ways out of Stafett I may choose between (name: title): e-mail, and the municipality's
        plugins' channels."""
        plugins = self.work.plugins.notification_channels
        return {"email": _("E-post"), **{name: _(c.title) for name, c in plugins.items()}}

    def channel(self) -> str:
        row = self.work.session.get(NotificationSettingsRow, self._me)
        return row.channel if row is not None and row.channel in self.channels() else "email"

    def choose_channel(self, channel: str) -> None:
        """Save my way out of Stafett; my messages go by e-mail where I lack its contact detail."""
        self.work.authorize(Action.READ_NOTIFICATIONS)
        if channel not in self.channels():
            raise InvalidInput(_("Velg en av kanalene kommunen har."), field="channel")
        self.settings().channel = channel

    def quiet_hours(self) -> tuple[int | None, int | None]:
        row = self.work.session.get(NotificationSettingsRow, self._me)
        return (row.quiet_from, row.quiet_to) if row is not None else (None, None)

    def settings(self) -> NotificationSettingsRow:
        """My settings row, made on first use with the secret of my unsubscribe link."""
        row = self.work.session.get(NotificationSettingsRow, self._me)
        if row is None:
            row = NotificationSettingsRow(person_id=self._me, unsubscribe_token=secrets.token_urlsafe(32))
            self.work.session.add(row)
            self.work.session.flush()
        return row


def unread_count(session: Session, person_id: str) -> int:
    """How many of a person's varsler are unread (an index range on the recipient)."""
    return (
        session.scalar(
            select(func.count())
            .select_from(NotificationRow)
            .where(NotificationRow.recipient_id == person_id, NotificationRow.read_at.is_(None))
        )
        or 0
    )


def settings_for(session: Session, person_id: str) -> NotificationSettingsRow:
    """A person's settings row (made with a new unsubscribe secret when missing), for the sender."""
    row = session.get(NotificationSettingsRow, person_id)
    if row is None:
        row = NotificationSettingsRow(person_id=person_id, unsubscribe_token=secrets.token_urlsafe(32))
        session.add(row)
        session.flush()
    return row


def unsubscribe(work: Work, token: str) -> bool:
    """The link in an e-mail: every kind in-app only for the person the secret belongs to, and their
    pending e-mails withdrawn. Audited as the system acting for an unnamed reader of the e-mail."""
    row = work.session.scalar(
        select(NotificationSettingsRow).where(NotificationSettingsRow.unsubscribe_token == token)
    )
    if row is None or not token:
        return False
    work.authorize(Action.READ_NOTIFICATIONS)
    for kind in work.plugins.notification_kinds:
        pref = work.session.get(NotificationPreferenceRow, (row.person_id, kind))
        if pref is None:
            work.session.add(
                NotificationPreferenceRow(person_id=row.person_id, kind=kind, delivery=str(Delivery.IN_APP))
            )
        else:
            pref.delivery = str(Delivery.IN_APP)
    work.session.execute(
        update(NotificationRow)
        .where(NotificationRow.recipient_id == row.person_id, NotificationRow.email == "pending")
        .values(email="none", next_attempt_at=None)
    )
    work.record_outcome(Action.READ_NOTIFICATIONS, outcome="unsubscribed", reason=f"person {row.person_id}")
    return True
