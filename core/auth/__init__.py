"""Identity: Keycloak through python-keycloak, and a built-in local realm for the embedded default.

``components(platform)`` gives what the app mounts: the local realm's endpoints (kind "local"),
the browser login (``/login``, ``/auth/callback``, ``/logout``), ``GET /api/v1/me`` and the
authentication middleware that turns a bearer token or session cookie into ``request.user``
(an ``Actor``). ``issue_token`` mints a local-realm access token for tests and benchmarks through
the same signing path as the realm's token endpoint. See docs/identity.md.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from litestar.middleware import DefineMiddleware
from litestar.openapi.spec import Components, SecurityRequirement, SecurityScheme
from litestar.types import ControllerRouterHandler

from core.auth.context import Auth
from core.auth.identity import IdentityError, actor_from_claims, claims_for
from core.auth.login import login_router
from core.auth.me import me_router
from core.auth.middleware import AuthenticationMiddleware
from core.auth.realm import ACCESS_LIFETIME, LocalRealm
from core.auth.realm_routes import realm_router
from core.auth.settings import AuthSettings
from core.auth.validation import InvalidToken
from core.platform import Platform

__all__ = [
    "Auth",
    "AuthComponents",
    "AuthSettings",
    "IdentityError",
    "InvalidToken",
    "actor_from_claims",
    "claims_for",
    "components",
    "issue_token",
]


@dataclass
class AuthComponents:
    """What an identity layer adds to the app: middleware that sets ``request.user`` (an Actor), its own
    routes (realm, login, ``/api/v1/me``), and how the OpenAPI document names it."""

    auth: Auth | None = None
    route_handlers: list[ControllerRouterHandler] = field(default_factory=list)
    middleware: list[DefineMiddleware] = field(default_factory=list)
    security_components: Components | None = None
    security: list[SecurityRequirement] | None = None


def components(platform: Platform, *, public_url: str | None = None, me_route: bool = True) -> AuthComponents:
    """Build the identity layer for ``platform`` (keys are created in the database on first use).

    ``me_route=False`` leaves ``GET /api/v1/me`` out, for an app whose API router serves it itself.
    """
    auth = Auth(platform, public_url=public_url)
    handlers: list[ControllerRouterHandler] = [login_router(auth)]
    if me_route:
        handlers.append(me_router(auth))
    if auth.realm is not None:
        handlers.insert(0, realm_router(auth.realm))
    return AuthComponents(
        auth=auth,
        route_handlers=handlers,
        middleware=[DefineMiddleware(AuthenticationMiddleware, auth=auth)],
        security_components=Components(
            security_schemes={
                "bearer": SecurityScheme(
                    type="http",
                    scheme="bearer",
                    bearer_format="JWT",
                    description="Tilgangstoken fra Keycloak-realmen (eller den innebygde lokale realmen).",
                )
            }
        ),
        security=[{"bearer": []}],
    )


def issue_token(
    platform: Platform,
    person_id: str,
    *,
    lifetime: int = ACCESS_LIFETIME,
    audience: str | list[str] | None = None,
    public_url: str | None = None,
) -> str:
    """A local-realm access token for ``person_id``, signed like the realm's /token endpoint signs.

    Roles and groups come from the database. ``lifetime`` may be negative (an expired token);
    ``audience`` replaces the default ``["stafett", "account"]``; ``public_url`` must match the
    app's (it is in the issuer).
    """
    realm = LocalRealm(platform, AuthSettings.from_config(platform.config.auth, public_url))
    return realm.access_token(person_id, lifetime=lifetime, audience=audience)
