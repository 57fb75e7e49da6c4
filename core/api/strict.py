"""Strict input at the API's door: JSON bodies keep their JSON types; unknown query parameters are refused.

Litestar decodes a body to Python objects and then converts it, with the whole signature, in msgspec's
lax mode (needed for query and path parameters, which arrive as text), so ``"1"`` would become ``1``
and ``"true"`` become ``True``. ``StrictRequest.json`` first decodes the body strictly against the
handler's ``data`` type; Litestar's lax conversion then only sees bodies that are already right.
"""

from __future__ import annotations

from functools import cache
from typing import Any, cast

import msgspec
from litestar import Request
from litestar.exceptions import ValidationException
from litestar.handlers import HTTPRouteHandler

BODY = "body"


def _fault(key: str, message: str, source: str) -> dict[str, str]:
    return {"key": key, "message": message, "source": source}


class StrictRequest(Request):
    async def json(self) -> Any:
        value = await super().json()
        body_type = _body_type(self.route_handler)
        if body_type is not None and value is not None:
            try:
                msgspec.json.decode(await self.body(), type=body_type, strict=True)
            except msgspec.ValidationError as exc:
                raise ValidationException(extra=[_validation_fault(str(exc))]) from None
        return value


def _validation_fault(message: str) -> dict[str, str]:
    """msgspec's message split into the field's JSON path and the reason (``$.level``, ``$.unit_ids[2]``)."""
    reason, _, at = message.partition(" - at `")
    path = at.rstrip("`") if at else "$"
    field, colon, own = reason.partition(": ")  # a check of our own in __post_init__ ("form: ...")
    if colon and field.isidentifier():
        path, reason = f"{path}.{field}", own
    for prefix in ("Object contains unknown field `", "Object missing required field `"):
        if reason.startswith(prefix):
            path = f"{path}.{reason[len(prefix) :].rstrip('`')}"
    return _fault(path, reason, BODY)


@cache
def _body_type(handler: HTTPRouteHandler) -> Any:
    data = handler.parsed_fn_signature.parameters.get("data")
    return data.annotation if data is not None else None


@cache
def _query_names(handler: HTTPRouteHandler, path_names: frozenset[str]) -> frozenset[str]:
    # Litestar reads only the keys of ``path_parameters`` here; the definitions are the router's business.
    model = handler.create_kwargs_model(path_parameters=cast("dict[str, Any]", dict.fromkeys(path_names)))
    return frozenset(p.field_alias for p in model.expected_query_params)


def refuse_unknown_query(request: Request) -> None:
    """A query parameter the route does not declare is an error (400), never silently ignored."""
    if not request.query_params:
        return
    known = _query_names(request.route_handler, frozenset(request.path_params))
    unknown = sorted(set(request.query_params) - known)
    if unknown:
        raise ValidationException(
            extra=[_fault(name, "unknown query parameter", "query") for name in unknown]
        )
