"""The outbox of deliveries to units' journals: what waits, what was delivered, what died and why."""

from __future__ import annotations

from typing import Annotated

from litestar import Controller
from litestar.params import QueryParameter

from contracts import OutboxMessage, OutboxStatus
from core.api.dependencies import Page, Pages, UoW
from core.api.routes import IdPath, action, read
from core.outbox import OutboxService


class OutboxController(Controller):
    path = "/outbox"
    tags = ("Deling",)

    @read("/", purpose="outbox.list")
    def list_messages(
        self,
        uow: UoW,
        paging: Pages,
        status: Annotated[
            OutboxStatus | None, QueryParameter(description="Bare meldinger med denne status.")
        ] = None,
    ) -> Page[OutboxMessage]:
        """Deliveries of the municipality (administrators), newest first; dead ones carry the last error."""
        return uow.run(lambda w: paging.page(OutboxService(w.uow).list(status, limit=10_000)))

    @action("/{message_id:str}/retry", purpose="outbox.retry")
    def retry(self, message_id: IdPath, uow: UoW) -> OutboxMessage:
        """Give a dead delivery a fresh set of tries from now."""
        return uow.run(lambda w: OutboxService(w.uow).retry([message_id])[0])
