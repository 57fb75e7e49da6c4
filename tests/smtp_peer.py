"""A real SMTP server on loopback (aiosmtpd) that keeps what arrives, and can be stopped for a while."""

from __future__ import annotations

import ipaddress
import ssl
from collections.abc import Iterator
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword
from msgspec.structs import replace

from core.config import DeploymentConfig, SmtpConfig
from core.testing import configure
from tests.peers import Peer
from tests.processes import free_port


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
class Mailbox(Peer):
    """The server's inbox; ``stop`` and ``start`` take it down and bring it back on the same port."""

    port: int = 0
    arrived: list[Arrived] = field(default_factory=list)
    controller: Controller | None = None

    def __post_init__(self) -> None:
        if not self.port:
            self.port = free_port()

    async def handle_DATA(self, server, session, envelope) -> str:
        message = message_from_bytes(envelope.original_content, policy=policy.default)
        self.arrived.append(Arrived(list(envelope.rcpt_tos), message))  # type: ignore[arg-type]
        return "250 OK"

    tls: ssl.SSLContext | None = None  # STARTTLS required, with this server certificate
    logins: dict[str, str] = field(default_factory=dict)  # user -> password the server accepts
    authenticated: list[str] = field(default_factory=list)

    def start(self) -> None:
        options: dict[str, Any] = {}
        if self.tls is not None:
            options = {"tls_context": self.tls, "require_starttls": True}
        if self.logins:
            options |= {"authenticator": self._authenticate, "auth_required": True}
        self.controller = Controller(self, hostname="127.0.0.1", port=self.port, **options)
        self.controller.start()

    def _authenticate(self, server, session, envelope, mechanism, auth_data) -> AuthResult:
        user = auth_data.login.decode() if isinstance(auth_data, LoginPassword) else ""
        ok = bool(user) and self.logins.get(user) == auth_data.password.decode()
        if ok:
            self.authenticated.append(user)
        return AuthResult(success=ok)

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None

    def to(self, address: str) -> list[Arrived]:
        return [a for a in self.arrived if address in a.to]


@pytest.fixture
def mailbox() -> Iterator[Mailbox]:
    """A plain server (no TLS, no login) for one test; ``mailing`` points a config at it."""
    with Mailbox() as box:
        yield box


def mailing(mailbox: Mailbox, plugins: list[str], from_address: str) -> DeploymentConfig:
    """The demo deployment on ``plugins``, sending its varsler by e-mail through ``mailbox``."""
    smtp = SmtpConfig(host="127.0.0.1", port=mailbox.port, security="none", from_address=from_address)
    return replace(configure(plugins=plugins), smtp=smtp)


def tls_for_loopback(folder: Path) -> tuple[ssl.SSLContext, Path]:
    """A self-signed certificate for 127.0.0.1: the server's TLS context, and the file a client trusts."""
    from cryptography import x509
    from cryptography.hazmat.primitives import serialization

    from tests.certificates import self_signed

    loopback = x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))])
    authority = x509.BasicConstraints(ca=True, path_length=None)
    key, cert = self_signed("smtp.kommune.test", days=7, extensions=[(loopback, False), (authority, True)])
    cert_file, key_file = folder / "smtp.pem", folder / "smtp.key"
    cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
    )
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert_file, key_file)
    return context, cert_file
