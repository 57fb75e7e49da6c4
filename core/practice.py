"""Øving: the practice space, where employees work fictional cases with the real guide and tools.

The space is a second ``Platform`` on a database of its own (a sibling SQLite file, or the schema
``oving`` of the same PostgreSQL database), so a practice case cannot reach anything real: every
list, search, indicator, export, FHIR delivery, school import and worker reads the real database
only, and the practice platform's config has no way out (no SMTP, no unit adapters). What it shares
with the real platform is the plugins (guides, tools, practice material) and the municipality's
employees, copied in when someone enters, so colleagues can hand a practice baton to each other.
See docs/practice.md.
"""

from __future__ import annotations

import datetime as dt
import random
import threading
from dataclasses import dataclass
from pathlib import Path

import sqlalchemy as sa
from msgspec.structs import replace
from sqlalchemy import select

from contracts import LearningModule, PersonKind, PracticeCase
from core.config import DeploymentConfig
from core.domain import national_id
from core.domain.policy import Actor, ActorKind
from core.errors import Forbidden, InvalidInput, NotFound
from core.i18n import _
from core.ids import new_id
from core.platform import Platform
from core.seed import climb
from core.services.work import Work
from core.storage import models as m
from core.storage.database import Database, is_file_url
from core.storage.practice_models import PracticeProgressRow

SCHEMA = "oving"  # the practice space's schema on PostgreSQL
GUARDIANS = ("Kari", "Ola")  # the fictional parents' given names


@dataclass(frozen=True)
class StartedCase:
    case_id: str
    material: PracticeCase | None  # None: the plugin no longer offers it
    started_at: dt.datetime
    completed_at: dt.datetime | None


@dataclass(frozen=True)
class Progress:
    """What one employee has done in the practice space."""

    cases: list[StartedCase]
    modules_done: dict[str, dt.datetime]  # module id -> when every answer was right


def practice_database(config: DeploymentConfig, real: Database) -> Database:
    """The practice space's database: the config's ``practice_database_url``, else beside the real one."""
    if config.practice_database_url:
        return Database(config.practice_database_url)
    if real.dialect != "sqlite":
        return Database(real.url, schema=SCHEMA)
    if not is_file_url(real.url):
        return Database("sqlite://")  # a test's in-memory database: practise in memory too
    url = sa.make_url(real.url)
    return Database(url.set(database=str(practice_file(Path(url.database or "")))).render_as_string())


def practice_file(real: Path) -> Path:
    """Where the practice space of the SQLite file ``real`` lives: beside it."""
    return real.with_name(f"{real.stem}-oving{real.suffix}")


def practice_config(config: DeploymentConfig) -> DeploymentConfig:
    """The real config with every way out removed: no SMTP, no unit adapters (FHIR journals), and
    synthetic fødselsnummer allowed for the fictional families."""
    municipalities = [
        replace(
            mc,
            units=[replace(u, adapters={}) for u in mc.units],
            allow_synthetic_national_ids=True,
        )
        for mc in config.municipalities
    ]
    return replace(config, smtp=None, municipalities=municipalities)


def upgrade_practice_database(config: DeploymentConfig, real: Database) -> None:
    """Migrate the practice space's database with the real one, before any worker serves a request
    (a migration inside the first request into øving would keep that person waiting)."""
    database = practice_database(config, real)
    try:
        database.upgrade()
    finally:
        database.dispose()


class PracticeSpace:
    """The deployment's practice space, opened on first use and then kept for the process."""

    def __init__(self, real: Platform) -> None:
        self.real = real
        self._platform: Platform | None = None
        self._lock = threading.Lock()

    @property
    def platform(self) -> Platform:
        with self._lock:
            if self._platform is None:
                database = practice_database(self.real.config, self.real.database)
                if database.current_revision() != self.real.database.current_revision():
                    database.upgrade()  # else migrated already, by `stafett serve` or `db upgrade`
                platform = Platform(
                    practice_config(self.real.config), database, self.real.plugins, self.real.clock
                )
                platform.sync_config()
                self._platform = platform
            return self._platform

    def close(self) -> None:
        if self._platform is not None:
            self._platform.close()

    # --- entering ---------------------------------------------------------------------------------

    def enter(self, who: Actor) -> None:
        """Copy the municipality's employees (names, units, roles; nothing about any child) in, so the
        person and their colleagues are there to work with. Without their e-mail address or phone
        number: a varsel in the practice space stays in it."""
        if who.id is None or who.kind is not ActorKind.EMPLOYEE:
            raise Forbidden(_("Bare ansatte kan øve."))
        tables = (m.PersonRow, m.UnitMembershipRow, m.MunicipalRoleRow)
        with self.real.database.reader() as session:
            people = select(m.PersonRow.id).where(
                m.PersonRow.municipality_id == who.municipality_id,
                m.PersonRow.kind == PersonKind.EMPLOYEE.value,
            )
            found = {
                table: [dict(r._mapping) for r in session.execute(_rows(table, people))] for table in tables
            }
        with self.platform.database.session() as session, session.begin():
            for table in tables:
                for row in found[table]:
                    if table is m.PersonRow:
                        row |= {"email": None, "phone": None}
                    session.merge(table(**row))

    # --- practice cases ---------------------------------------------------------------------------

    def start_case(self, who: Actor, material_id: str) -> str:
        """Make the fictional family and open the case through the real services, brought to where the
        story starts; returns the case id."""
        plugins = self.platform.plugins.for_municipality(who.municipality_id)
        material = plugins.practice_cases.get(material_id)
        if material is None:
            raise NotFound(_("Øvingssaken finnes ikke."))
        units = self.platform.municipality(who.municipality_id).units
        mine = [u for u in units if u.id in who.unit_roles]
        unit = next((u for u in mine if u.service_type == material.service_type), mine[0] if mine else None)
        if unit is None:
            raise InvalidInput(_("Du må høre til en enhet for å øve på en sak."), field="material")
        partners = [next((u.id for u in units if u.service_type == kind), None) for kind in material.partners]
        with self.platform.work(who, "practice.start") as w:
            case_id = _open(w, material, unit.id, [p for p in partners if p and p != unit.id])
            w.session.add(
                PracticeProgressRow(
                    id=new_id(),
                    municipality_id=who.municipality_id,
                    person_id=who.id,
                    kind="case",
                    item_id=material.id,
                    case_id=case_id,
                    started_at=w.now,
                )
            )
        return case_id

    def material_of(self, who: Actor, case_id: str) -> tuple[PracticeCase, PracticeProgressRow] | None:
        """The story a practice case was started from, if it is one of this person's."""
        with self.platform.database.reader() as session:
            row = session.scalar(select(PracticeProgressRow).where(PracticeProgressRow.case_id == case_id))
        if row is None or row.person_id != who.id:
            return None
        material = self.platform.plugins.for_municipality(who.municipality_id).practice_cases.get(row.item_id)
        return (material, row) if material else None

    def complete_case(self, who: Actor, case_id: str) -> None:
        with self.platform.work(who, "practice.complete") as w:
            w.cases.state(case_id)  # the one policy: only someone who may read the case completes it
            row = w.session.scalar(
                select(PracticeProgressRow).where(
                    PracticeProgressRow.case_id == case_id, PracticeProgressRow.person_id == who.id
                )
            )
            if row is None:
                raise NotFound(_("Øvingssaken finnes ikke."))
            row.completed_at = row.completed_at or w.now

    # --- learning modules -------------------------------------------------------------------------

    def module(self, who: Actor, module_id: str) -> LearningModule:
        found = self.platform.plugins.for_municipality(who.municipality_id).learning_modules.get(module_id)
        if found is None:
            raise NotFound(_("Læringsmodulen finnes ikke."))
        return found

    def answer_module(self, who: Actor, module_id: str, answers: list[int | None]) -> list[bool]:
        """Which answers are right; with every one right the module is recorded as completed."""
        module = self.module(who, module_id)
        if len(answers) != len(module.questions):
            raise InvalidInput(_("Svar på alle spørsmålene."), field="answers")
        right = [a == q.answer for a, q in zip(answers, module.questions, strict=True)]
        if all(right):
            self.enter(who)  # the person the progress belongs to is in the practice space
            with self.platform.database.session() as session, session.begin():
                done = session.scalar(
                    select(PracticeProgressRow).where(
                        PracticeProgressRow.person_id == who.id,
                        PracticeProgressRow.kind == "module",
                        PracticeProgressRow.item_id == module_id,
                    )
                )
                if done is None:
                    now = self.platform.clock()
                    session.add(
                        PracticeProgressRow(
                            id=new_id(),
                            municipality_id=who.municipality_id,
                            person_id=who.id,
                            kind="module",
                            item_id=module_id,
                            started_at=now,
                            completed_at=now,
                        )
                    )
        return right

    def progress(self, who: Actor) -> Progress:
        offered = self.platform.plugins.for_municipality(who.municipality_id).practice_cases
        with self.platform.database.reader() as session:
            rows = session.scalars(
                select(PracticeProgressRow)
                .where(PracticeProgressRow.person_id == who.id)
                .order_by(PracticeProgressRow.started_at.desc())
            ).all()
        return Progress(
            cases=[
                StartedCase(r.case_id, offered.get(r.item_id), r.started_at, r.completed_at)
                for r in rows
                if r.kind == "case" and r.case_id
            ],
            modules_done={r.item_id: r.completed_at for r in rows if r.kind == "module" and r.completed_at},
        )


def _rows(table: type[m.Base], people: sa.Select) -> sa.Select:
    """The rows of ``table`` that belong to ``people``: the person rows, or their units and roles."""
    columns = table.__table__.columns
    key = columns["id"] if table is m.PersonRow else columns["person_id"]
    return select(*columns).where(key.in_(people))


def _open(w: Work, material: PracticeCase, unit_id: str, partners: list[str]) -> str:
    """The fictional family and the case at the story's level, through the same services as real use."""
    today, me = w.now.date(), w.actor.id
    assert me is not None  # an employee, checked on entering
    born = _birth_date(today, material.age_years)
    numbers = _free_numbers(w, born)
    family_name = material.child_family_name
    child = w.people.register_child(
        given_name=material.child_given_name, family_name=family_name, national_id=next(numbers)
    )
    for name in GUARDIANS:
        w.people.register_guardian(
            given_name=name, family_name=family_name, child_id=child.id, national_id=next(numbers)
        )
    case = w.cases.open_case(subject_id=child.id, unit_id=unit_id, observation=material.undring)
    climb(
        w,
        case.id,
        material.level,
        holder_id=me,
        measures=[(x.title, x.goal, x.evaluation_in_days) for x in material.measures],
        partners=partners,
        purpose="Samarbeid om tiltak for barnet (øving)",
        meeting="Koordineringsmøte med foresatte og tjenestene (øving).",
    )
    return case.id


def _birth_date(today: dt.date, years: int) -> dt.date:
    """A birth date ``years`` and a few weeks ago (a 0-year-old is some months old)."""
    if years == 0:
        return today - dt.timedelta(days=150)
    return dt.date(today.year - years, today.month, min(today.day, 28)) - dt.timedelta(days=40)


def _free_numbers(w: Work, born: dt.date):  # -> Iterator[str]
    """Synthetic fødselsnummer no one in the practice space has: the child's on ``born``, then the
    parents' some thirty years before."""
    rng = random.Random()
    dates = [born, born - dt.timedelta(days=31 * 365), born - dt.timedelta(days=33 * 365)]
    for birth, sex in zip(dates, ("female", "female", "male"), strict=True):
        for _attempt in range(50):
            number = national_id.generate(birth, sex=sex, rng=rng)
            taken = w.session.scalar(select(m.PersonRow.id).where(m.PersonRow.national_id == number))
            if taken is None:
                yield number
                break
        else:  # pragma: no cover (a day has hundreds of free numbers)
            raise InvalidInput(_("Fant ikke et ledig øvingsnummer; prøv igjen."), field="material")
