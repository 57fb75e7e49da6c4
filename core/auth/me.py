"""``GET /api/v1/me``: who the logged-in user is to Stafett, as the token and the register say."""

from __future__ import annotations

from typing import TYPE_CHECKING

import msgspec
from anyio import to_thread
from litestar import Request, Router, get
from litestar.datastructures import State
from litestar.openapi.datastructures import ResponseSpec

from core.auth.identity import find_person
from core.auth.problems import MEDIA_TYPE
from core.domain.policy import Actor

if TYPE_CHECKING:
    from core.auth.context import Auth


class UnitRoleOut(msgspec.Struct, kw_only=True, frozen=True):
    unit_id: str
    unit_name: str
    role: str


class Me(msgspec.Struct, kw_only=True, frozen=True):
    person_id: str
    name: str
    kind: str
    municipality_id: str
    municipality_name: str
    units: list[UnitRoleOut]
    municipal_roles: list[str]


class Problem(msgspec.Struct, kw_only=True, frozen=True):
    type: str
    title: str
    status: int
    detail: str
    code: str


def me_router(auth: Auth) -> Router:
    platform = auth.platform

    def describe(actor: Actor) -> Me:
        with platform.database.session() as session:
            person = find_person(session, actor.id or "")
        municipality = platform.municipality(actor.municipality_id)
        names = {u.id: u.name for u in municipality.units}
        return Me(
            person_id=actor.id or "",
            name=person.name if person else "",
            kind=str(actor.kind),
            municipality_id=municipality.id,
            municipality_name=municipality.name,
            units=[
                UnitRoleOut(unit_id=unit, unit_name=names.get(unit, unit), role=str(role))
                for unit, role in sorted(actor.unit_roles.items())
            ],
            municipal_roles=sorted(str(r) for r in actor.municipal_roles),
        )

    @get(
        "/api/v1/me",
        summary="Hvem er jeg",
        description="Den innloggede brukeren: person, kommune, enheter med roller og kommunale roller.",
        tags=["identitet"],
        responses={
            401: ResponseSpec(
                data_container=Problem, media_type=MEDIA_TYPE, description="Mangler eller ugyldig token"
            ),
            403: ResponseSpec(
                data_container=Problem, media_type=MEDIA_TYPE, description="Ikke en Stafett-bruker"
            ),
        },
    )
    async def me(request: Request[Actor, dict, State]) -> Me:
        return await to_thread.run_sync(describe, request.user)

    return Router(path="/", route_handlers=[me])
