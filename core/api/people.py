"""Children, pregnant persons, guardians and employees: registered and looked up through the policy."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from litestar import Controller, Response, post
from litestar.params import JSONBody, QueryParameter

from contracts import Child, Employee, Guardian, Guardianship, PregnantPerson
from core.api.dependencies import Page, Pages, UoW
from core.api.problems import WRITE_RESPONSES, problem_spec
from core.api.routes import LOCATION_HEADER, IdPath, create, read, replace
from core.api.schemas import ChildIn, EmployeeIn, GuardianIn, GuardianshipIn, LookupIn, PregnantIn, fields
from core.errors import InvalidInput
from core.i18n import _
from core.services import lookups, subjects
from core.services.lookups import LOOKUP_PURPOSES, LOOKUP_ROUTE, LookupRefusal, PersonMatch, route_purpose
from core.services.subjects import GuardianOf

LOOKUP_RESPONSES = {
    **WRITE_RESPONSES,
    429: problem_spec("For mange oppslag av personer på kort tid; kommunens administrator ser avslaget."),
}


class PeopleController(Controller):
    path = "/"
    tags = ("Personer",)

    @create("/children", purpose="person.register_child", location="/children/{id}")
    def register_child(self, data: JSONBody[ChildIn], uow: UoW) -> Child:
        """Register a child or youth 0–23 (with fødselsnummer, or a birth date)."""
        return uow.run(lambda w: w.people.register_child(**fields(data)))

    @create("/pregnant", purpose="person.register_pregnant", location="/pregnant/{id}")
    def register_pregnant(self, data: JSONBody[PregnantIn], uow: UoW) -> PregnantPerson:
        """Register a pregnant person, so a case can start before the child is born."""
        return uow.run(lambda w: w.people.register_pregnant(**fields(data)))

    @post(
        "/people/lookup",
        opt={"purpose": LOOKUP_ROUTE},
        responses=LOOKUP_RESPONSES,
        status_code=200,
        sync_to_thread=True,
    )
    def lookup(self, data: JSONBody[LookupIn], uow: UoW) -> PersonMatch:
        """Find the subject of a new undring by fødselsnummer (sent in the body, never in the URL).

        Requires a stated ``purpose``; answers only id, kind, name and birth year; at most
        ``person_lookups_per_10_minutes`` look-ups per employee (429 over it, shown to the administrator).
        """
        if data.purpose is None:
            raise InvalidInput(
                _("Oppgi formålet med oppslaget (purpose): {purposes}.").format(
                    purposes=", ".join(LOOKUP_PURPOSES)
                ),
                field="purpose",
                code="purpose_required",
            )
        with uow.for_purpose(LOOKUP_ROUTE, route_purpose(data.purpose))() as w:
            return w.people.find_by_national_id(data.national_id)

    @read("/people/lookup-refusals", purpose="person.lookup_refusals")
    def lookup_refusals(
        self,
        uow: UoW,
        paging: Pages,
        days: Annotated[int, QueryParameter(ge=1, le=366, description="Så mange dager tilbake.")] = 30,
    ) -> Page[LookupRefusal]:
        """Employees who hit the look-up limit, latest first: when and how often (administrators).

        Names no one who was looked up.
        """
        with uow() as w:
            since = w.now - dt.timedelta(days=days)
            items, total = lookups.refusals(w.uow, since=since, limit=paging.limit, offset=paging.offset)
        return paging.counted(items, total)

    @read("/children/{child_id:str}", purpose="person.read_child")
    def child(self, child_id: IdPath, uow: UoW) -> Child:
        """The child of a case the caller may read (or any, for an administrator); 404 otherwise.

        One audit event: ``case.read`` on the case that grants the read, listed in innsyn.
        """
        return uow.run(lambda w: subjects.read_child(w.uow, child_id))

    @read("/children/{child_id:str}/guardians", purpose="person.read_guardians")
    def guardians(self, child_id: IdPath, uow: UoW, paging: Pages) -> Page[GuardianOf]:
        """The child's guardians, for a caller who may read a case about the child; 404 otherwise.

        Guardians' fødselsnumre are shown to administrators only.
        """
        return uow.run(lambda w: paging.page(subjects.read_guardians(w.uow, child_id)))

    @read("/pregnant/{person_id:str}", purpose="person.read_pregnant")
    def pregnant(self, person_id: IdPath, uow: UoW) -> PregnantPerson:
        """The pregnant person of a case the caller may read (or any, for an administrator); 404 otherwise."""
        return uow.run(lambda w: subjects.read_pregnant(w.uow, person_id))

    @create(
        "/children/{child_id:str}/guardians",
        purpose="person.register_guardian",
        response_headers=[LOCATION_HEADER],
    )
    def register_guardian(self, child_id: IdPath, data: JSONBody[GuardianIn], uow: UoW) -> Response[Guardian]:
        """A guardian of the child; ``Location`` is the child's list of guardians, where it is read."""
        with uow() as w:
            made = w.people.register_guardian(child_id=child_id, **fields(data))
        return Response(made, status_code=201, headers={"Location": f"/api/v1/children/{child_id}/guardians"})

    @replace("/children/{child_id:str}/guardians/{guardian_id:str}", purpose="person.link_guardian")
    def link_guardian(
        self, child_id: IdPath, guardian_id: IdPath, data: JSONBody[GuardianshipIn], uow: UoW
    ) -> Guardianship:
        """Link a registered guardian to a child, with or without parental responsibility."""
        link = Guardianship(child_id=child_id, guardian_id=guardian_id, **fields(data))
        with uow() as w:
            w.people.link_guardian(**fields(link))
        return link

    @create("/employees", purpose="person.register_employee", location="/employees/{id}")
    def register_employee(self, data: JSONBody[EmployeeIn], uow: UoW) -> Employee:
        return uow.run(lambda w: w.people.register_employee(**fields(data)))

    @read("/employees/{person_id:str}", purpose="person.read_employee")
    def employee(self, person_id: IdPath, uow: UoW) -> Employee:
        return uow.run(lambda w: w.people.get_employee(person_id))
