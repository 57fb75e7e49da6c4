"""What every API handler is given: a unit of work for the logged-in actor, and the page asked for.

The actor comes from ``request.user``, which the authentication middleware sets (core.auth in
production; a header-reading middleware in the tests). The purpose recorded in the audit trail
is the route's own ("case.read via API"), optionally refined by the ``X-Stafett-Purpose`` header.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass, replace
from typing import Annotated, Generic, TypeAlias, TypeVar

import msgspec
from litestar import Request
from litestar.datastructures import State
from litestar.di import NamedDependency, Provide
from litestar.exceptions import NotAuthorizedException
from litestar.params import HeaderParameter, QueryParameter

from core.domain.policy import Actor
from core.platform import Platform, Work

PURPOSE_HEADER = "X-Stafett-Purpose"
MAX_PURPOSE = 300
MAX_LIMIT = 200
T = TypeVar("T")
U = TypeVar("U")


@dataclass(frozen=True)
class UnitOfWork:
    """Opens ``Platform.work`` for the request's actor and purpose; commit happens on leaving the block."""

    platform: Platform
    actor: Actor
    purpose: str
    read_only: bool = False  # a GET: a read transaction, its audit events stored by group commit

    @contextmanager
    def __call__(self) -> Iterator[Work]:
        with self.platform.work(self.actor, self.purpose, read_only=self.read_only) as work:
            yield work

    def run(self, step: Callable[[Work], T]) -> T:
        """Do ``step`` in one unit of work and answer what it returns; for a handler that is one call
        (``uow.run(lambda w: w.cases.get(case_id))``). It commits before the answer goes out."""
        with self() as work:
            return step(work)

    def for_purpose(self, route: str, refined: str) -> UnitOfWork:
        """The same unit of work with the route purpose made precise by the body ("person.lookup" ->
        "person.lookup:undring"), for routes whose purpose the caller states in the request."""
        return replace(self, purpose=self.purpose.replace(route, refined, 1))


def actor_of(request: Request) -> Actor:
    user = request.scope.get("user")
    if not isinstance(user, Actor):
        raise NotAuthorizedException("Du må logge inn for å bruke Stafett.")
    return user


def _purpose(request: Request, header: str | None) -> str:
    route = f"{request.route_handler.opt.get('purpose', request.route_handler.handler_name)} via API"
    if not header:
        return route
    with suppress(UnicodeError):  # ASGI headers arrive as latin-1; UTF-8 sent by a client (æøå) is restored
        header = header.encode("latin-1").decode("utf-8")
    text = " ".join("".join(ch for ch in header if ch.isprintable()).split())
    return f"{text} ({route})"[:MAX_PURPOSE] if text else route


def provide_uow(
    request: Request,
    state: State,
    purpose: Annotated[
        str | None,
        HeaderParameter(
            name=PURPOSE_HEADER,
            required=False,
            max_length=200,
            description="Formålet med oppslaget, lagret i revisjonssporet sammen med rutens eget formål.",
        ),
    ] = None,
) -> UnitOfWork:
    return UnitOfWork(
        state.platform, actor_of(request), _purpose(request, purpose), read_only=request.method == "GET"
    )


@dataclass(frozen=True)
class Paging:
    limit: int
    offset: int

    def page(self, items: Sequence[T]) -> Page[T]:
        return self.counted(list(items[self.offset : self.offset + self.limit]), len(items))

    def counted(self, items: list[T], total: int) -> Page[T]:
        """The page of a list the database cut to this page and counted (``total``) itself."""
        return Page(items=items, total=total, limit=self.limit, offset=self.offset)


def provide_paging(
    limit: Annotated[int, QueryParameter(ge=1, le=MAX_LIMIT, description="Høyst så mange elementer.")] = 50,
    offset: Annotated[int, QueryParameter(ge=0, le=10_000_000, description="Hopp over så mange først.")] = 0,
) -> Paging:
    return Paging(limit, offset)


class Page(msgspec.Struct, Generic[T], kw_only=True, frozen=True):
    """One page of a list: ``total`` counts every item the caller may see."""

    items: list[T]
    total: int
    limit: int
    offset: int

    def with_items(self, items: list[U]) -> Page[U]:
        """The same page with its items turned into another shape (e.g. the family's view of them)."""
        return Page(items=items, total=self.total, limit=self.limit, offset=self.offset)


UoW: TypeAlias = NamedDependency[UnitOfWork]  # the handler's unit of work
Pages: TypeAlias = NamedDependency[Paging]  # the page asked for (limit, offset)

DEPENDENCIES = {
    "uow": Provide(provide_uow, sync_to_thread=False),
    "paging": Provide(provide_paging, sync_to_thread=False),
}
