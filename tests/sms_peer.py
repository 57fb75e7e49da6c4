"""An SMS gateway on loopback as such gateways are run: HTTP, one JSON message a POST, 202 when taken.

It keeps what arrives and can answer 503 for a while (``down``) or be stopped and started on the same
port. ``SmsPlugin`` is a municipality's plugin that adds the gateway as a varsel channel
(``notification_channels``), the way an SMS or Altinn Varsling adapter would.
"""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import httpx

from contracts import ChannelMessage, NotificationChannel, hookimpl
from tests.peers import Peer


@dataclass
class Gateway(Peer):
    port: int = 0
    down: bool = False  # answer 503 Service Unavailable
    arrived: list[dict[str, Any]] = field(default_factory=list)
    _server: ThreadingHTTPServer | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/sms"

    def start(self) -> None:
        gateway = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                if gateway.down:
                    self.send_response(503)
                else:
                    gateway.arrived.append(body)
                    self.send_response(202)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args: object) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        self.port = self._server.server_address[1]
        threading.Thread(target=self._server.serve_forever, daemon=True).start()

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def to(self, number: str) -> list[dict[str, Any]]:
        return [m for m in self.arrived if m["to"] == number]


class SmsPlugin:
    """The plugin: each message a text that says only that something waits, with the link."""

    def __init__(self, gateway: Gateway) -> None:
        self.gateway = gateway

    def send(self, messages: list[ChannelMessage]) -> list[str | None]:
        answers: list[str | None] = []
        with httpx.Client(timeout=5) as client:
            for m in messages:
                text = f"Det er noe som venter på deg i Stafett ({m.municipality}): {m.link}"
                reply = client.post(self.gateway.url, json={"to": m.address, "text": text, "ref": m.key})
                answers.append(None if reply.status_code == 202 else f"HTTP {reply.status_code}")
        return answers

    @hookimpl
    def notification_channels(self, municipality: Any) -> list[NotificationChannel]:
        return [NotificationChannel(name="sms", title="SMS", address="phone", send=self.send)]
