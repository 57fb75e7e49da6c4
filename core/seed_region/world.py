"""One municipality's world while it is seeded: its staff, its children and their guardians, the rows
made so far and the audit events waiting to be chained.

People are registered the way ``PeopleService`` registers them, by the system on behalf of the seed:
one ``person.write`` event per person and per guardian link. Fødselsnummer come from
``national_id.UniqueNumbers``, each municipality its own share of the number space.
"""

from __future__ import annotations

import datetime as dt
import functools
import random
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy.sql.schema import ScalarElementColumnDefault

from contracts import MunicipalRole, PersonKind, UnitRole
from core.config import ConsentAges
from core.domain import national_id
from core.domain.policy import Action, Actor, ActorKind
from core.seed import FAMILY, GIVEN
from core.seed_region.ids import IdMaker
from core.seed_region.plan import MunicipalityPlan
from core.seed_region.tables import ORDER, TABLES, Row, encoder

Send = Callable[[tuple[Any, ...]], None]
Event = tuple[Any, ...]  # at, actor_id, actor_kind, on_behalf_of, action, case_id, subject_id, purpose,
# outcome, reason: an AuditEvent before it is chained (core.seed_region.chain)
FLUSH_ROWS = 40_000
SEED_OPERATOR = "demo-seed"


@dataclass(frozen=True)
class Subject:
    id: str
    birth_date: dt.date
    guardians: tuple[str, ...]  # with parental responsibility


class Sink:
    """Rows per table, sent to the writer in foreign-key order once enough have gathered."""

    def __init__(self, dialect: str, send: Send) -> None:
        self._send = send
        self._rows: dict[str, list[Row]] = {name: [] for name in ORDER}
        self._encoders = {name: encoder(name, dialect) for name in ORDER}
        self._count = 0
        self.counts: dict[str, int] = dict.fromkeys(ORDER, 0)

    def put(self, table: str, row: Row) -> None:
        self._rows[table].append(row)
        self._count += 1

    def flush_if_full(self) -> None:
        """Called between cases only: a case's rows travel together, parents with their children."""
        if self._count >= FLUSH_ROWS:
            self.flush()

    def flush(self) -> None:
        for name in ORDER:
            rows = self._rows[name]
            if rows:
                self._send(("rows", name, self._encoders[name](rows)))
                self.counts[name] += len(rows)
                self._rows[name] = []
        self._count = 0


def row(table: str, **values: Any) -> Row:
    """A row in the table's column order; a column not named gets its model's default, else None (a
    column a later migration adds with a default needs nothing here)."""
    return tuple(values.get(c, default) for c, default in _defaults(table))


@functools.cache
def _defaults(table: str) -> tuple[tuple[str, Any], ...]:
    out = []
    for column in TABLES[table].columns:
        default = column.default
        out.append((column.name, default.arg if isinstance(default, ScalarElementColumnDefault) else None))
    return tuple(out)


class World:
    def __init__(self, plan: MunicipalityPlan, send: Send) -> None:
        self.plan = plan
        self.mid = plan.id
        self.rng = random.Random(2012 + 7919 * plan.part)
        self.new_id = IdMaker(self.rng)
        self.sink = Sink(plan.dialect, send)
        self.events: list[Event] = []
        self.numbers = national_id.UniqueNumbers(part=plan.part, parts=plan.parts)
        health, child_welfare, general = plan.consent_ages
        self.ages = ConsentAges(health=health, child_welfare=child_welfare, general=general)
        self.registered_at = plan.now - dt.timedelta(days=4 * 365)  # before the first case opens
        self.units = {u.id: u for u in plan.units}
        self.staff: dict[str, list[str]] = {}  # unit id -> employee ids, the leader first
        self.actors: dict[str, Actor] = {}
        self.children = 0

    # -- audit --------------------------------------------------------------------------------------
    def audit(
        self,
        at: dt.datetime,
        actor: Actor,
        action: Action,
        purpose: str,
        reason: str,
        case_id: str | None = None,
        subject_id: str | None = None,
    ) -> None:
        self.events.append(
            (
                at,
                actor.id,
                actor.kind.value,
                actor.on_behalf_of,
                action.value,
                case_id,
                subject_id,
                purpose,
                "allowed",
                reason,
            )
        )

    def _registered(self, purpose: str, subject_id: str | None = None) -> None:
        self.events.append(
            (
                self.registered_at,
                None,
                str(ActorKind.SYSTEM),
                SEED_OPERATOR,
                str(Action.WRITE_PERSON),
                None,
                subject_id,
                purpose,
                "allowed",
                "system",
            )
        )

    def family_actor(self, guardian_id: str) -> Actor:
        found = self.actors.get(guardian_id)
        if found is None:
            found = self.actors[guardian_id] = Actor(
                kind=ActorKind.GUARDIAN, municipality_id=self.mid, id=guardian_id
            )
        return found

    # -- people -------------------------------------------------------------------------------------
    def _person(self, kind: PersonKind, given: str, family: str, **extra: Any) -> str:
        person_id = self.new_id()
        self.sink.put(
            "person",
            row(
                "person",
                id=person_id,
                municipality_id=self.mid,
                kind=str(kind),
                given_name=given,
                family_name=family,
                active=True,
                created_at=self.registered_at,
                **extra,
            ),
        )
        return person_id

    def register_staff(self) -> None:
        rng = self.rng
        for unit in self.plan.units:
            ids = []
            for n in range(unit.staff):
                role = UnitRole.UNIT_LEADER if n == 0 else UnitRole.EMPLOYEE
                person_id = self._person(
                    PersonKind.EMPLOYEE,
                    rng.choice(GIVEN),
                    rng.choice(FAMILY),
                    title="Enhetsleder" if n == 0 else "Ansatt",
                )
                self._registered("person.register_employee")
                self.sink.put("unit_membership", (person_id, unit.id, str(role)))
                self.actors[person_id] = Actor(
                    kind=ActorKind.EMPLOYEE,
                    municipality_id=self.mid,
                    id=person_id,
                    unit_roles={unit.id: role},
                )
                ids.append(person_id)
            self.staff[unit.id] = ids
        for municipal in (MunicipalRole.COORDINATOR, MunicipalRole.ADMINISTRATOR, MunicipalRole.AUDITOR):
            person_id = self._person(
                PersonKind.EMPLOYEE, rng.choice(GIVEN), rng.choice(FAMILY), title=municipal.value.capitalize()
            )
            self._registered("person.register_employee")
            self.sink.put("municipal_role", (person_id, str(municipal)))

    def register_child(self, birth_date: dt.date) -> Subject:
        """A child with one or two guardians (mostly two; now and then one without parental
        responsibility, who gives no consent and does not see the case)."""
        rng = self.rng
        family = rng.choice(FAMILY)
        number, birth_date = self._number(birth_date)
        child_id = self._person(
            PersonKind.CHILD, rng.choice(GIVEN), family, national_id=number, birth_date=birth_date
        )
        self._registered("person.register_child")
        with_responsibility = []
        for n in range(1 if rng.random() < 0.15 else 2):
            responsible = n == 0 or rng.random() > 0.05
            number, born = self._number(birth_date - dt.timedelta(days=rng.randint(20 * 365, 42 * 365)))
            guardian_id = self._person(
                PersonKind.GUARDIAN,
                rng.choice(GIVEN),
                family if n == 0 else rng.choice(FAMILY),
                national_id=number,
                birth_date=born,
            )
            self._registered("person.register_guardian")
            self._registered("person.link_guardian", child_id)
            self.sink.put("guardianship", (child_id, guardian_id, responsible))
            if responsible:
                with_responsibility.append(guardian_id)
        self.children += 1
        return Subject(child_id, birth_date, tuple(with_responsibility))

    def _number(self, born: dt.date) -> tuple[str, dt.date]:
        """A fødselsnummer and the birth date it encodes (an earlier day, if this one's share is used up)."""
        sex = self.rng.choice(("female", "male"))
        for shift in range(366):
            day = born - dt.timedelta(days=shift)
            try:
                return self.numbers.take(day, sex=sex), day
            except ValueError:
                continue
        raise ValueError(f"no fødselsnummer left near {born}")  # pragma: no cover
