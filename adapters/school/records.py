"""What the OneRoster readers hand the import, and what comes back: records, problems, the summary.

``csvpackage`` and ``rest`` turn a package or a server into these records, in OneRoster's own
terms (``sourcedId``, roles, agents, homeroom classes); ``importer.RosterImport`` stages and checks
them and drives core's directory-sync seam.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Literal

from contracts import ServiceType
from core.public import InvalidInput, _

Mode = Literal["bulk", "delta", "absent"]
RoleKind = Literal["pupil", "guardian", "relative", "staff", "leader"]
MAX_PROBLEMS = 200
PERSON_KINDS = ("child", "guardian", "employee")
GROUP_OF_ROLE = {"pupil": "pupil", "guardian": "guardian", "relative": "guardian", "staff": "staff"}
GROUP_OF_ROLE["leader"] = "staff"
KIND_OF_GROUP = {"pupil": "child", "guardian": "guardian", "staff": "employee"}
ENTITIES = {
    "units": "enheter",
    "children": "barn og elever",
    "guardians": "foresatte",
    "employees": "ansatte",
    "school_links": "elevers skole/barnehage",
    "staff_links": "ansattes enhet",
    "guardian_links": "foresatt–barn",
    "classes": "klasser og grupper",
    "class_members": "klassemedlemskap",
}
ENTITY_OF_KIND = {"org": "units", "child": "children", "guardian": "guardians", "employee": "employees"}
ENTITY_OF_KIND |= {"class": "classes", "enrollment": "class_members", "agent": "guardian_links"}


# --- what an adapter hands in ---------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Org:
    origin: str  # where it came from, for messages: "orgs.csv:4", "GET /orgs #12"
    sourced_id: str
    active: bool
    name: str
    service_type: ServiceType | None  # None: an org that is not a unit (the district, a department)
    organization_number: str | None = None


@dataclass(frozen=True, slots=True)
class User:
    origin: str
    sourced_id: str
    active: bool
    given_name: str
    family_name: str
    national_id: str | None = None
    email: str | None = None
    phone: str | None = None
    agents: tuple[str, ...] = ()  # sourcedIds of this user's parents/guardians, or of their children
    identifier: str | None = None  # users.identifier: the fødselsnummer, if the source is declared so
    hpr_number: str | None = None  # userIds {HPR:…}: an employee's HPR-nummer (health personnel)


@dataclass(frozen=True, slots=True)
class Role:
    origin: str
    user: str
    org: str
    role: RoleKind
    active: bool = True


@dataclass(frozen=True, slots=True)
class Group:
    origin: str
    sourced_id: str
    active: bool
    org: str
    title: str
    homeroom: bool


@dataclass(frozen=True, slots=True)
class Enrollment:
    origin: str
    sourced_id: str
    active: bool
    group: str
    user: str
    role: Literal["pupil", "teacher"]
    primary: bool = False


@dataclass(frozen=True, slots=True)
class BirthDate:
    origin: str
    user: str
    birth_date: dt.date


# --- what comes back ------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Problem:
    origin: str
    reason: str

    def __str__(self) -> str:
        return f"{self.origin}: {self.reason}"


class RosterRefused(InvalidInput):
    """The import was refused as a whole; ``problems`` lists the first ``MAX_PROBLEMS`` with file and line."""

    def __init__(self, problems: list[Problem], total: int) -> None:
        more = _(" (viser de første {shown})").format(shown=len(problems)) if total > len(problems) else ""
        lines = "\n".join(f"  {p}" for p in problems)
        super().__init__(
            _("Importen ble avvist med {total} feil{more}; ingenting er endret.").format(
                total=total, more=more
            )
            + f"\n{lines}",
            code="roster_refused",
        )
        self.problems = problems
        self.total = total


@dataclass
class Summary:
    """Per entity: how many were created, updated, deactivated and left unchanged."""

    counts: dict[str, Counter[str]] = field(default_factory=lambda: {e: Counter() for e in ENTITIES})
    refused: int = 0

    def add(self, entity: str, outcome: str, n: int = 1) -> None:
        self.counts[entity][outcome] += n

    def total(self, outcome: str) -> int:
        return sum(c[outcome] for c in self.counts.values())


Progress = Callable[[str, int, int], None]  # phase, done, total
