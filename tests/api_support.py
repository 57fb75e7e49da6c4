"""API test support: the app with a header-based identity, and a client that acts as a named person.

Only the tests use ``HeaderIdentity``: it trusts ``X-Test-Person: <person id>`` and builds the
actor from the database with ``core.services.people.actor_for``, exactly as a login would. Production
and the demo plug core.auth's components into ``create_app`` instead; everything after the
middleware (policy, audit, services) is the real thing.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from litestar import Litestar
from litestar.connection import ASGIConnection
from litestar.exceptions import NotAuthorizedException
from litestar.middleware import AbstractAuthenticationMiddleware, AuthenticationResult, DefineMiddleware
from litestar.testing import TestClient
from sqlalchemy import func, select

from core.app import create_app
from core.auth import AuthComponents
from core.errors import NotFound
from core.platform import Platform
from core.services.people import actor_for
from core.storage.models import AuditEventRow

PERSON_HEADER = "X-Test-Person"


class HeaderIdentity(AbstractAuthenticationMiddleware):
    """Test-only: the person named in ``X-Test-Person`` is logged in."""

    async def authenticate_request(self, connection: ASGIConnection) -> AuthenticationResult:
        person_id = connection.headers.get(PERSON_HEADER)
        if not person_id:
            raise NotAuthorizedException("Du må logge inn for å bruke Stafett.")
        platform: Platform = connection.app.state.platform
        with platform.database.session() as session:
            try:
                actor = actor_for(session, person_id)
            except NotFound:
                raise NotAuthorizedException("Ukjent bruker.") from None
        return AuthenticationResult(user=actor, auth=person_id)


def header_auth() -> AuthComponents:
    return AuthComponents(
        middleware=[
            DefineMiddleware(HeaderIdentity, exclude=[r"^/$", r"^/health$", r"^/ready$", r"^/schema"])
        ]
    )


@dataclass
class Client:
    """An HTTP client logged in as one person (or nobody, with ``person_id=None``)."""

    http: TestClient
    person_id: str | None

    def request(
        self, method: str, path: str, *, json: Any = None, headers: dict[str, str | bytes] | None = None
    ):
        all_headers: dict[str, str | bytes] = {PERSON_HEADER: self.person_id} if self.person_id else {}
        all_headers.update(headers or {})
        return self.http.request(method, path, json=json, headers=all_headers)

    def get(self, path: str, **kw: Any):
        return self.request("GET", path, **kw)

    def post(self, path: str, json: Any = None, **kw: Any):
        return self.request("POST", path, json={} if json is None else json, **kw)

    def put(self, path: str, json: Any = None, **kw: Any):
        return self.request("PUT", path, json={} if json is None else json, **kw)

    def delete(self, path: str, **kw: Any):
        return self.request("DELETE", path, **kw)

    def ok(self, method: str, path: str, json: Any = None) -> Any:
        """The JSON body of a request that must succeed; a failure shows the problem details."""
        response = self.request(method, path, json=json)
        assert response.status_code < 300, (method, path, response.status_code, response.text)
        return response.json()


@dataclass
class Api:
    http: TestClient
    platform: Platform

    def as_(self, person_id: str | None) -> Client:
        return Client(self.http, person_id)

    def audit_count(self, **where: Any) -> int:
        """Audit events matching column == value for each keyword."""
        with self.platform.database.session() as session:
            stmt = select(func.count(AuditEventRow.id))
            for name, value in where.items():
                stmt = stmt.where(getattr(AuditEventRow, name) == value)
            return session.scalar(stmt) or 0

    def last_audit(self) -> AuditEventRow:
        with self.platform.database.session() as session:
            return session.scalars(
                select(AuditEventRow).order_by(AuditEventRow.at.desc(), AuditEventRow.seq.desc())
            ).first()


@pytest.fixture
def app(platform: Platform) -> Litestar:
    return create_app(platform, auth=header_auth())


@pytest.fixture
def api(app: Litestar, platform: Platform) -> Iterator[Api]:
    with TestClient(app, raise_server_exceptions=False) as http:
        yield Api(http, platform)
