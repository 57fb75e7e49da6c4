"""A person's own varsler over the API: the list (newest first), the unread count, marking read."""

from __future__ import annotations

import msgspec
from litestar import Controller

from contracts import Notification
from core.api.dependencies import Page, Pages, UoW
from core.api.routes import IdPath, action, read
from core.domain.policy import Action


class Unread(msgspec.Struct, frozen=True):
    unread: int


class NotificationController(Controller):
    path = "/notifications"
    tags = ("Varsler",)

    @read("/", purpose="notifications.list")
    def mine(self, uow: UoW, paging: Pages) -> Page[Notification]:
        """My varsler, newest first; each names its kind, title and link, never what the case is about."""
        with uow() as w:
            items, total = w.notifications.listing(limit=paging.limit, offset=paging.offset)
        return paging.counted(items, total)

    @read("/unread", purpose="notifications.unread", bounded=True)
    def unread(self, uow: UoW) -> Unread:
        """How many of my varsler are unread (the count in the pages' header)."""
        with uow() as w:
            w.authorize(Action.READ_NOTIFICATIONS)
            return Unread(unread=w.notifications.unread())

    @action("/{notification_id:str}/read", purpose="notifications.open")
    def read_one(self, notification_id: IdPath, uow: UoW) -> Notification:
        """Mark one of mine read; another person's is not found."""
        return uow.run(lambda w: w.notifications.open(notification_id))

    @action("/read-all", purpose="notifications.read_all")
    def read_all(self, uow: UoW) -> Unread:
        with uow() as w:
            w.notifications.read_all()
            return Unread(unread=0)
