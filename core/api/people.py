"""Children, pregnant persons, guardians and employees: registered and looked up through the policy."""

from __future__ import annotations

from typing import ClassVar

from litestar import Controller
from litestar.params import JSONBody

from contracts import Child, Employee, Guardian, Guardianship, PregnantPerson
from core.api.dependencies import UoW
from core.api.routes import IdPath, action, create, read, replace
from core.api.schemas import ChildIn, EmployeeIn, GuardianIn, GuardianshipIn, LookupIn, PregnantIn


class PeopleController(Controller):
    path = "/"
    tags: ClassVar[list[str]] = ["Personer"]

    @create("/children", purpose="person.register_child", location="/children/{id}")
    def register_child(self, data: JSONBody[ChildIn], uow: UoW) -> Child:
        """Register a child or youth 0–23 (with fødselsnummer, or a birth date)."""
        with uow() as w:
            return w.people.register_child(
                given_name=data.given_name,
                family_name=data.family_name,
                birth_date=data.birth_date,
                national_id=data.national_id,
            )

    @create("/pregnant", purpose="person.register_pregnant", location="/pregnant/{id}")
    def register_pregnant(self, data: JSONBody[PregnantIn], uow: UoW) -> PregnantPerson:
        """Register a pregnant person, so a case can start before the child is born."""
        with uow() as w:
            return w.people.register_pregnant(
                given_name=data.given_name,
                family_name=data.family_name,
                due_date=data.due_date,
                birth_date=data.birth_date,
                national_id=data.national_id,
            )

    @action("/people/lookup", purpose="person.lookup")
    def lookup(self, data: JSONBody[LookupIn], uow: UoW) -> Child | PregnantPerson:
        """Find the subject of a new undring by fødselsnummer (sent in the body, never in the URL)."""
        with uow() as w:
            return w.people.find_by_national_id(data.national_id)

    @create(
        "/children/{child_id:str}/guardians", purpose="person.register_guardian", location="/guardians/{id}"
    )
    def register_guardian(self, child_id: IdPath, data: JSONBody[GuardianIn], uow: UoW) -> Guardian:
        with uow() as w:
            return w.people.register_guardian(
                given_name=data.given_name,
                family_name=data.family_name,
                child_id=child_id,
                parental_responsibility=data.parental_responsibility,
                national_id=data.national_id,
                email=data.email,
                phone=data.phone,
            )

    @replace("/children/{child_id:str}/guardians/{guardian_id:str}", purpose="person.link_guardian")
    def link_guardian(
        self, child_id: IdPath, guardian_id: IdPath, data: JSONBody[GuardianshipIn], uow: UoW
    ) -> Guardianship:
        """Link a registered guardian to a child, with or without parental responsibility."""
        with uow() as w:
            w.people.link_guardian(
                child_id=child_id,
                guardian_id=guardian_id,
                parental_responsibility=data.parental_responsibility,
            )
        return Guardianship(
            child_id=child_id, guardian_id=guardian_id, parental_responsibility=data.parental_responsibility
        )

    @create("/employees", purpose="person.register_employee", location="/employees/{id}")
    def register_employee(self, data: JSONBody[EmployeeIn], uow: UoW) -> Employee:
        with uow() as w:
            return w.people.register_employee(
                given_name=data.given_name,
                family_name=data.family_name,
                email=data.email,
                title=data.title,
                memberships=list(data.memberships),
                municipal_roles=list(data.municipal_roles),
            )

    @read("/employees/{person_id:str}", purpose="person.read_employee")
    def employee(self, person_id: IdPath, uow: UoW) -> Employee:
        with uow() as w:
            return w.people.get_employee(person_id)
