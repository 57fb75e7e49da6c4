"""The Litestar application: the JSON API under /api/v1, the web pages, the operator endpoints, plugin routes.

Who is asking is established by the identity layer (core.auth: the built-in local realm or
Keycloak, by config): its middleware sets ``request.user`` to a ``core.domain.policy.Actor``.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from litestar import Litestar, Request, Response, get
from litestar.datastructures import State
from litestar.exceptions import HTTPException
from litestar.middleware import DefineMiddleware
from litestar.openapi import OpenAPIConfig
from litestar.openapi.datastructures import ResponseSpec
from litestar.openapi.spec import Components
from litestar.response import Redirect
from litestar.status_codes import HTTP_503_SERVICE_UNAVAILABLE
from sqlalchemy import text

from core import log_redaction
from core.api import EXCEPTION_HANDLERS, api_router
from core.api.problems import problem_spec
from core.audit_gate import AuditGateMiddleware
from core.auth import AuthComponents, components
from core.config import default_config, load_config
from core.platform import Platform
from core.practice import PracticeSpace
from core.web import home_page, web_router
from core.web.language import LanguageMiddleware

VERSION = "0.1.0"
CONFIG_ENV = "STAFETT_CONFIG"  # the config file a worker process loads (unset: the demo municipality)
APP_FACTORY = "core.app:app_from_environment"


@get(
    "/",
    sync_to_thread=False,
    responses={303: ResponseSpec(None, description="A browser (Accept: text/html) goes to its start page.")},
)
def index(request: Request, state: State) -> Response[dict[str, Any]]:
    """A browser goes to its pages (Mine saker, Min side, or the login); a client gets what this server is."""
    if "text/html" in request.headers.get("accept", ""):
        return Redirect(home_page(request.scope.get("user")), status_code=303)
    platform: Platform = state.platform
    return Response(
        {
            "service": "Stafett",
            "version": VERSION,
            "deployment": platform.config.name,
            "municipalities": [{"id": m.id, "name": m.name} for m in platform.config.municipalities],
            "links": {
                "health": "/health",
                "ready": "/ready",
                "openapi": "/schema/openapi.json",
                "api": "/api/v1",
            },
        }
    )


@get("/health", sync_to_thread=False)
def health() -> dict[str, str]:
    """Liveness: the process answers."""
    return {"status": "ok"}


@get(
    "/ready",
    sync_to_thread=True,
    responses={503: problem_spec("Databasen svarer ikke, eller skjemaet har en annen versjon enn koden.")},
)
def ready(state: State) -> dict[str, str]:
    """Readiness: the database answers and its schema is at the version this code expects."""
    platform: Platform = state.platform
    try:
        with platform.database.engine.connect() as connection:
            connection.execute(text("SELECT 1"))
        revision = platform.database.current_revision()
    except Exception as exc:  # any database failure means: not ready
        raise HTTPException(
            status_code=HTTP_503_SERVICE_UNAVAILABLE, detail=f"database unavailable: {exc}"
        ) from None
    head = platform.database.head_revision()
    if revision != head:
        raise HTTPException(
            status_code=HTTP_503_SERVICE_UNAVAILABLE, detail=f"database schema at {revision}, expected {head}"
        )
    return {"status": "ready", "schema": revision or ""}


def create_app(
    platform: Platform, *, auth: AuthComponents | None = None, public_url: str | None = None
) -> Litestar:
    """The app; identity is core.auth's (local realm or Keycloak, by config) unless ``auth`` is given."""
    log_redaction.install()  # no fødselsnummer or token in any log line, uvicorn's access log included
    auth = auth or components(platform, public_url=public_url)
    practice = PracticeSpace(platform)  # øving: opened on first use (docs/practice.md)
    return Litestar(
        route_handlers=[
            index,
            health,
            ready,
            api_router(),
            web_router(platform),
            *auth.route_handlers,
            *platform.plugins.all_routes(),
        ],
        # the written form is chosen after login: it is the person's own choice first (core/web/language.py)
        middleware=[
            DefineMiddleware(AuditGateMiddleware, platform=platform),  # outermost: holds every answer
            *auth.middleware,
            DefineMiddleware(LanguageMiddleware, platform=platform),
        ],
        exception_handlers=EXCEPTION_HANDLERS,
        openapi_config=OpenAPIConfig(
            title="Stafett API",
            version=VERSION,
            description="Bedre Tverrfaglig Innsats: saker, stafettlogg, tiltak, samtykke. "
            "Feil er RFC 9457 problem details (application/problem+json).",
            path="/schema",
            components=auth.security_components or Components(),
            security=list(auth.security) if auth.security else None,
        ),
        state=State({"platform": platform, "practice": practice}),
        on_shutdown=[practice.close, platform.close],
    )


def app_from_environment() -> Litestar:
    """The app of one worker process of ``stafett serve --workers N``, each of which calls this.

    Its settings come from the environment the serving command sets for its workers:
    ``STAFETT_CONFIG`` (the config file), ``STAFETT_DATABASE_URL`` and ``STAFETT_PUBLIC_URL``. The
    command has migrated the database before the workers start, so a worker does not; the app keeps no
    state between requests that another worker could contradict (who a person is, their units and
    consents are read afresh for every request), so N of them serve one database.
    """
    path = os.environ.get(CONFIG_ENV)
    config = load_config(Path(path)) if path else default_config()
    return create_app(Platform.open(config, upgrade=False))
