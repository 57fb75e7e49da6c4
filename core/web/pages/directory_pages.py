"""The municipality's tjenesteoversikt and its arenas with the relay holder rules."""

from __future__ import annotations

from typing import Any

from litestar import Request, Response, get

from core.platform import Work
from core.web.pages.shared import _run, employee_only, show


@get("/tjenester", before_request=employee_only)
async def service_directory(request: Request) -> Response:
    def load(w: Work) -> dict[str, Any]:
        return {"services": w.directory.services(), "municipality": w.directory.municipality()}

    return await show(request, "tjenester.html", **(await _run(request, "services.list", load)))


@get("/arenaer", before_request=employee_only)
async def arenas(request: Request) -> Response:
    def load(w: Work) -> dict[str, Any]:
        return {"arenas": w.directory.arenas(), "rules": w.directory.relay_holder_rules()}

    return await show(request, "arenaer.html", **(await _run(request, "arenas.list", load)))
