"""Route decorators of the API: each names the purpose it records and documents its problem responses."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import delete, get, post, put
from litestar.params import PathParameter

from core.api.problems import READ_RESPONSES, WRITE_RESPONSES

IdPath = Annotated[str, PathParameter(pattern=r"^[A-Za-z0-9._:-]{1,64}$", description="en id")]


def read(path: str, *, purpose: str, **kwargs: Any):
    """A GET whose unit of work is audited with ``purpose`` (e.g. "case.read")."""
    return get(path, opt={"purpose": purpose}, responses=READ_RESPONSES, **{"sync_to_thread": True, **kwargs})


def create(path: str, *, purpose: str, **kwargs: Any):
    """A POST that makes something new: 201 with what was made."""
    return post(
        path, opt={"purpose": purpose}, responses=WRITE_RESPONSES, **{"sync_to_thread": True, **kwargs}
    )


def action(path: str, *, purpose: str, **kwargs: Any):
    """A POST that acts on something that exists (give, accept, change level): 200 with the result."""
    return post(
        path,
        opt={"purpose": purpose},
        responses=WRITE_RESPONSES,
        status_code=200,
        **{"sync_to_thread": True, **kwargs},
    )


def replace(path: str, *, purpose: str, **kwargs: Any):
    return put(
        path, opt={"purpose": purpose}, responses=WRITE_RESPONSES, **{"sync_to_thread": True, **kwargs}
    )


def remove(path: str, *, purpose: str, **kwargs: Any):
    """A DELETE that answers 200 with the changed parent, so the caller sees the result."""
    return delete(
        path,
        opt={"purpose": purpose},
        responses=WRITE_RESPONSES,
        status_code=200,
        **{"sync_to_thread": True, **kwargs},
    )
