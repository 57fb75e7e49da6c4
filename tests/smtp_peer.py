"""A real SMTP server on loopback (aiosmtpd) that keeps what arrives, and can be stopped for a while."""

from __future__ import annotations

import socket
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage

from aiosmtpd.controller import Controller


@dataclass
class Arrived:
    to: list[str]
    message: EmailMessage

    @property
    def text(self) -> str:
        body = self.message.get_body(preferencelist=("plain",))
        return body.get_content() if body is not None else ""

    def calendar(self) -> bytes | None:
        for part in self.message.iter_attachments():
            if part.get_content_type() == "text/calendar":
                return part.get_payload(decode=True)
        return None


@dataclass
class Mailbox:
    """The server's inbox; ``stop`` and ``start`` take it down and bring it back on the same port."""

    port: int = 0
    arrived: list[Arrived] = field(default_factory=list)
    controller: Controller | None = None

    def __post_init__(self) -> None:
        if not self.port:
            with socket.socket() as s:
                s.bind(("127.0.0.1", 0))
                self.port = s.getsockname()[1]

    async def handle_DATA(self, server, session, envelope) -> str:
        message = message_from_bytes(envelope.original_content, policy=policy.default)
        self.arrived.append(Arrived(list(envelope.rcpt_tos), message))  # type: ignore[arg-type]
        return "250 OK"

    def start(self) -> None:
        self.controller = Controller(self, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None

    def to(self, address: str) -> list[Arrived]:
        return [a for a in self.arrived if address in a.to]
