"""The Litestar application. This issue's surface is operational: liveness and readiness.

The JSON API, the pages and the login flow are added on the same app; plugin routes
(the ``routes`` hook) are mounted here too.
"""

from __future__ import annotations

from typing import Any

from litestar import Litestar, get
from litestar.datastructures import State
from litestar.exceptions import HTTPException
from litestar.status_codes import HTTP_503_SERVICE_UNAVAILABLE
from sqlalchemy import text

from core.platform import Platform

VERSION = "0.1.0"


@get("/", sync_to_thread=False)
def index(state: State) -> dict[str, Any]:
    """What this server is, for an operator who opens it in a browser."""
    platform: Platform = state.platform
    return {
        "service": "Stafett",
        "version": VERSION,
        "deployment": platform.config.name,
        "municipalities": [{"id": m.id, "name": m.name} for m in platform.config.municipalities],
        "links": {"health": "/health", "ready": "/ready", "openapi": "/schema/openapi.json"},
    }


@get("/health", sync_to_thread=False)
def health() -> dict[str, str]:
    """Liveness: the process answers."""
    return {"status": "ok"}


@get("/ready", sync_to_thread=True)
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


def create_app(platform: Platform) -> Litestar:
    return Litestar(
        route_handlers=[index, health, ready, *platform.plugins.all_routes()],
        state=State({"platform": platform}),
        on_shutdown=[lambda: platform.close()],
    )
