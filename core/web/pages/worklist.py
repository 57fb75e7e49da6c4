"""Mine saker: an employee's cases and the handovers waiting for their answer."""

from __future__ import annotations

from litestar import Request, Response, get

from core.web import views
from core.web.pages.shared import _message, _run, employee_only, show


@get("/saker", before_request=employee_only)
async def worklist(request: Request) -> Response:
    try:
        page = max(1, int(request.query_params.get("side", "1")))
    except ValueError:
        page = 1  # a mistyped page number shows the first page
    listing = await _run(request, "case.list_mine", views.my_cases, page)
    return await show(request, "mine_saker.html", **listing, message=_message(request))
