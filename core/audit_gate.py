"""No answer leaves before its audit events are durable: the gate every API request passes.

It opens an ``AuditBarrier`` for the request, so reads hand their events to group commit and go on
(``core.audit_writer``), and it holds the response's first message until those events are stored.
If they cannot be stored, the response is dropped and the client gets 503 with ``Retry-After``
instead: a read that is not in the audit trail is not answered.
"""

from __future__ import annotations

import logging

from litestar.enums import ScopeType
from litestar.types import ASGIApp, Message, Receive, Scope, Send

from core import i18n
from core.api.problems import DETAILS, RETRY_AFTER, TITLES
from core.audit_writer import AuditBarrier
from core.auth.problems import send_problem
from core.platform import Platform
from core.web.language import request_locale

log = logging.getLogger("stafett.audit")


class AuditGateMiddleware:
    def __init__(self, app: ASGIApp, platform: Platform) -> None:
        self.app = app
        self.platform = platform

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != ScopeType.HTTP or not scope["path"].startswith("/api/"):
            # pages and the rest wait for their events in their own thread, and fail as pages do
            await self.app(scope, receive, send)
            return
        barrier = AuditBarrier.enter()
        refused = False

        async def send_when_audited(message: Message) -> None:
            nonlocal refused
            if refused:
                return
            if message["type"] == "http.response.start":
                try:
                    await barrier.passed()
                except Exception as exc:  # whatever stopped the events, the answer is held back
                    log.error("Revisjonshendelser ble ikke lagret; svaret holdes tilbake: %r", exc)
                    refused = True
                    with i18n.use(request_locale(scope, self.platform)):
                        await send_problem(
                            send, 503, "busy", i18n._(TITLES[503]), i18n._(DETAILS[503]),
                            retry_after=RETRY_AFTER,
                        )  # fmt: skip
                    return
            await send(message)

        await self.app(scope, receive, send_when_audited)
