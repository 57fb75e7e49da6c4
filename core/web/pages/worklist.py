"""Mine saker: an employee's cases and the handovers waiting for their answer."""

from __future__ import annotations

from litestar import Request, Response, get

from core.web import views
from core.web.pages.shared import _message, _run, employee_only, show


@get("/saker", before_request=employee_only)
async def worklist(request: Request) -> Response:
    rows, handovers = await _run(request, "case.list_mine", views.my_cases)
    return await show(request, "mine_saker.html", rows=rows, handovers=handovers, message=_message(request))
