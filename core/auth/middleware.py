"""Authentication for every request: a bearer token, or the browser's signed session cookie.

Sets ``request.user`` (an ``Actor``, or None) and ``request.auth`` (the token's claims, or None).
Under ``/api/`` a missing or invalid credential is a 401 problem with ``WWW-Authenticate``, and a
valid token for someone Stafett does not know is a 403; elsewhere the request goes on anonymous
and pages decide (redirect to /login). The problems are in the written form the request asks for
(``Accept-Language``, else the browser's choice or the municipality's målform). A session whose
access token has expired is renewed with its refresh token through python-keycloak, and the renewed
cookie rides on the response.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from anyio import to_thread
from litestar.datastructures import Cookie, Headers
from litestar.types import ASGIApp, Message, Receive, Scope, Send

from core import i18n
from core.auth.identity import IdentityError, actor_from_claims
from core.auth.problems import not_a_user, unauthorized
from core.auth.session import SESSION_COOKIE, parse_cookies
from core.auth.validation import InvalidToken
from core.i18n import _
from core.web.language import request_locale

if TYPE_CHECKING:
    from core.auth.context import Auth
    from core.domain.policy import Actor

EXCLUDED_PREFIXES = ("/realms/", "/schema", "/static/", "/favicon")
EXCLUDED_PATHS = frozenset({"/health", "/ready", "/login", "/auth/callback"})


def excluded(path: str) -> bool:
    return path in EXCLUDED_PATHS or path.startswith(EXCLUDED_PREFIXES)


def requires_auth(path: str) -> bool:
    return path == "/api" or path.startswith("/api/")


class AuthenticationMiddleware:
    def __init__(self, app: ASGIApp, auth: Auth) -> None:
        self.app = app
        self.auth = auth

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        scope["user"], scope["auth"] = None, None
        path = scope["path"]
        if excluded(path):
            await self.app(scope, receive, send)
            return
        required = requires_auth(path)
        renewed: Cookie | None = None
        with i18n.use(request_locale(scope, self.auth.platform)):  # before anyone is known
            try:
                claims, renewed = await self._claims(scope)
                if claims is None:
                    if required:
                        raise InvalidToken(_("Mangler tilgangstoken (Authorization: Bearer …)."))
                else:
                    scope["user"] = await self._actor(claims)
                    scope["auth"] = claims
            except InvalidToken as exc:
                if required:
                    await unauthorized(send, exc.description)
                    return
                scope["user"], scope["auth"] = None, None
            except IdentityError as exc:
                if required:
                    await not_a_user(send, exc.detail)
                    return
                scope["user"], scope["auth"] = None, None
        if renewed is None:
            await self.app(scope, receive, send)
            return
        header = renewed.to_encoded_header()

        async def send_with_cookie(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [*message.get("headers", []), header]
            await send(message)

        await self.app(scope, receive, send_with_cookie)

    async def _actor(self, claims: dict[str, Any]) -> Actor:
        """Who the token's person is: one indexed lookup. On SQLite on the event loop (done before the
        next await, it costs less than a hop to a worker thread and back); on PostgreSQL, which answers
        over the network, in a worker thread, so the loop serves others while it waits."""
        platform = self.auth.platform
        if platform.database.in_process:
            return actor_from_claims(claims, platform)
        return await to_thread.run_sync(actor_from_claims, claims, platform)

    async def _claims(self, scope: Scope) -> tuple[dict[str, Any] | None, Cookie | None]:
        headers = Headers.from_scope(scope)
        authorization = headers.get("authorization")
        if authorization:
            scheme, _sep, token = authorization.partition(" ")
            if scheme.lower() != "bearer" or not token.strip():
                raise InvalidToken(_("Bare Bearer-tokens godtas."))
            return await self.auth.validator.validate(token.strip()), None
        cookies = parse_cookies(headers.get("cookie", ""))
        session = self.auth.signer.loads(cookies.get(SESSION_COOKIE))
        if session is None:
            return None, None
        try:
            return await self.auth.validator.validate(session.get("at", "")), None
        except InvalidToken:
            if not session.get("rt"):
                raise
        tokens = await self.auth.refresh(session["rt"])  # raises InvalidToken when the session is over
        claims = await self.auth.validator.validate(tokens["access_token"])
        return claims, self.auth.session_cookie(tokens)
