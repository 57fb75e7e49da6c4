"""Route decorators of the API: each names the purpose it records and documents its problem responses."""

from __future__ import annotations

from string import Formatter
from typing import Annotated, Any

import msgspec
from litestar import Litestar, Response, delete, get, post, put
from litestar.datastructures import ResponseHeader
from litestar.params import PathParameter

from core.api.problems import READ_RESPONSES, WRITE_RESPONSES

IdPath = Annotated[str, PathParameter(pattern=r"^[A-Za-z0-9._:-]{1,64}$", description="en id")]


def _route(method: Any, path: str, purpose: str, kwargs: dict[str, Any], **defaults: Any):
    """Litestar's ``method`` decorator with the route's audit ``purpose``, its problem responses, and
    the handler run in a worker thread (it holds a database transaction); ``kwargs`` override."""
    return method(path, opt={"purpose": purpose}, **{"sync_to_thread": True, **defaults, **kwargs})


def read(path: str, *, purpose: str, bounded: bool = False, **kwargs: Any):
    """A GET whose unit of work is audited with ``purpose`` (e.g. "case.read").

    ``bounded``: its work is a few indexed queries however large the data (one case, one page of a
    list); see ``BoundedRead``. A read that can take long (a report, an export) is not.
    """
    return _route(BoundedRead if bounded else get, path, purpose, kwargs, responses=READ_RESPONSES)


class BoundedRead(get):
    """A short read. On an in-process database (SQLite) it runs on the event loop: its statements cost
    CPU, never a wait, so a hop to a worker thread and back costs more than it saves; its audit event
    is awaited by ``core.audit_gate``. On PostgreSQL every statement waits on the network, so it runs
    in a worker thread and the loop serves others meanwhile (measured: on the loop, no faster there)."""

    def on_registration(self, app: Litestar) -> None:
        platform = app.state.get("platform")
        self.sync_to_thread = platform is None or not platform.database.in_process
        super().on_registration(app)


def create(path: str, *, purpose: str, location: str | None = None, **kwargs: Any):
    """A POST that makes something new: 201 with what was made, and ``Location`` its address.

    ``location`` is the address under /api/v1 with the made thing's fields in braces
    (``"/cases/{case_id}/log/{id}"``): the thing itself, or the list it is read in.
    """
    located = {"after_request": _locate(location), "response_headers": [LOCATION_HEADER]} if location else {}
    return _route(post, path, purpose, kwargs, responses=WRITE_RESPONSES, **located)


LOCATION_HEADER = ResponseHeader(
    name="Location", description="Adressen til det som ble laget.", documentation_only=True
)


def _locate(template: str):
    def set_location(response: Response) -> Response:
        if response.status_code == 201 and isinstance(response.content, msgspec.Struct):
            fields = msgspec.structs.asdict(response.content)
            if all(fields.get(name) is not None for _, name, _, _ in Formatter().parse(template) if name):
                response.headers["Location"] = "/api/v1" + template.format(**fields)
        return response

    return set_location


def action(path: str, *, purpose: str, **kwargs: Any):
    """A POST that acts on something that exists (give, accept, change level): 200 with the result."""
    return _route(post, path, purpose, kwargs, responses=WRITE_RESPONSES, status_code=200)


def replace(path: str, *, purpose: str, **kwargs: Any):
    return _route(put, path, purpose, kwargs, responses=WRITE_RESPONSES)


def remove(path: str, *, purpose: str, **kwargs: Any):
    """A DELETE that answers 200 with the changed parent, so the caller sees the result."""
    return _route(delete, path, purpose, kwargs, responses=WRITE_RESPONSES, status_code=200)
