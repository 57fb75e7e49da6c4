"""Where the identity provider is and how to talk to it, from AuthConfig plus the environment."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass

from keycloak import KeycloakOpenID

from core.config import AuthConfig

PUBLIC_URL_ENV = "STAFETT_PUBLIC_URL"
CLIENT_SECRET_ENV = "STAFETT_KEYCLOAK_CLIENT_SECRET"
DEFAULT_PUBLIC_URL = "http://127.0.0.1:8000"


@dataclass(frozen=True)
class AuthSettings:
    kind: str  # "local" or "keycloak"
    public_url: str  # this app, as browsers reach it
    server_url: str  # the identity provider's base URL (the app itself for the local realm)
    realm: str
    client_id: str
    client_secret: str | None
    leeway: int

    @classmethod
    def from_config(cls, config: AuthConfig, public_url: str | None = None) -> AuthSettings:
        public = (
            public_url or os.environ.get(PUBLIC_URL_ENV) or config.public_url or DEFAULT_PUBLIC_URL
        ).rstrip("/")
        server = public if config.kind == "local" else (config.server_url or "").rstrip("/")
        return cls(
            kind=config.kind,
            public_url=public,
            server_url=server,
            realm=config.realm,
            client_id=config.client_id,
            client_secret=os.environ.get(CLIENT_SECRET_ENV) or None,
            leeway=config.leeway_seconds,
        )

    @property
    def issuer(self) -> str:
        return f"{self.server_url}/realms/{self.realm}"

    @property
    def redirect_uri(self) -> str:
        return f"{self.public_url}/auth/callback"

    @asynccontextmanager
    async def client(self) -> AsyncIterator[KeycloakOpenID]:
        """A python-keycloak client for one exchange. Its async HTTP pool belongs to the running event
        loop, so it is made and closed per use instead of shared between loops."""
        openid = KeycloakOpenID(
            server_url=self.server_url + "/",
            realm_name=self.realm,
            client_id=self.client_id,
            client_secret_key=self.client_secret,
            timeout=10,
        )
        try:
            yield openid
        finally:
            await openid.connection.aclose()

    def validation_client(self) -> KeycloakOpenID:
        """A client used only for ``decode_token`` with a key handed in: no HTTP, so one is shared."""
        return KeycloakOpenID(
            server_url=self.server_url + "/", realm_name=self.realm, client_id=self.client_id
        )
