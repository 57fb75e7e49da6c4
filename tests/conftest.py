"""Shared fixtures: a platform on a fresh database with a clock tests move, and a small fictional world.

Everyone in the world is made up; fødselsnumre are synthetic (month + 80) from a seeded generator.
"""

from __future__ import annotations

import datetime as dt
import logging
import random
import re
from collections.abc import Iterator
from contextlib import AbstractContextManager
from dataclasses import dataclass, field

import msgspec
import pytest

from contracts import Case, Consent, Handover, Measure, MunicipalRole, UnitMembership, UnitRole
from core.config import DeploymentConfig, default_config
from core.domain import national_id
from core.domain.policy import Actor
from core.platform import Platform, Work
from core.services.people import actor_for
from tests.processes import free_port

MUNICIPALITY = "9901"
SCHOOL, PPT, CHILD_WELFARE, HEALTH = (
    "fjordvik-skole",
    "ppt-fjordvik",
    "barnevern-fjordvik",
    "fjordvik-helsestasjon",
)


@dataclass
class Clock:
    """The platform's clock; tests move it forward instead of sleeping."""

    now: dt.datetime = dt.datetime(2025, 3, 3, 9, 0, tzinfo=dt.UTC)

    def advance(self, **delta: float) -> None:
        self.now += dt.timedelta(**delta)

    def today(self) -> dt.date:
        return self.now.date()


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def config() -> DeploymentConfig:
    """The demo deployment on the national baseline alone, so core rules are tested without regional
    ones (each regional plugin has its own tests); a test module overrides this fixture to use another."""
    base = default_config()
    municipality = msgspec.structs.replace(base.municipalities[0], plugins=["bti-standard", "fhir"])
    return msgspec.structs.replace(base, municipalities=[municipality])


@pytest.fixture
def extra_plugins() -> dict[str, object]:
    """Plugins the platform loads besides the installed ones, by name; a test module overrides this
    fixture to add its own (and names them in ``config``)."""
    return {}


@pytest.fixture
def platform(
    config: DeploymentConfig, database_url: str, clock: Clock, extra_plugins: dict[str, object]
) -> Iterator[Platform]:
    p = Platform.open(config, database_url=database_url, clock=lambda: clock.now, extra_plugins=extra_plugins)
    try:
        yield p
    finally:
        p.close()


@dataclass
class World:
    """A child, two guardians with parental responsibility and one without, and the employees around them."""

    platform: Platform
    clock: Clock
    child: str = ""
    mother: str = ""
    father: str = ""
    stepfather: str = ""  # a guardian without parental responsibility
    teacher: str = ""
    leader: str = ""  # unit leader at the school
    ppt: str = ""
    child_welfare: str = ""
    nurse: str = ""
    coordinator: str = ""  # BTI coordinator, no unit
    admin: str = ""
    auditor: str = ""
    rng: random.Random = field(default_factory=lambda: random.Random(1))

    def actor(self, person_id: str) -> Actor:
        with self.platform.database.session() as session:
            return actor_for(session, person_id)

    def as_(self, person_id: str, purpose: str = "test") -> AbstractContextManager[Work]:
        return self.platform.work(self.actor(person_id), purpose)

    def system(self, purpose: str = "seed") -> AbstractContextManager[Work]:
        return self.platform.work(Actor.system(MUNICIPALITY), purpose)

    def national_id(self, birth_date: dt.date) -> str:
        return national_id.generate(birth_date, sex="female", rng=self.rng)

    def add_child(self, birth_date: dt.date, *, guardians: tuple[str, ...] = ()) -> str:
        with self.system() as w:
            child = w.people.register_child(given_name="Test", family_name="Barn", birth_date=birth_date)
            for guardian in guardians:
                w.people.link_guardian(child_id=child.id, guardian_id=guardian, parental_responsibility=True)
        return child.id

    def aged(self, years: int) -> dt.date:
        """A birth date that makes someone exactly ``years`` old today (their birthday was yesterday)."""
        today = self.clock.today() - dt.timedelta(days=1)
        return today.replace(year=today.year - years)

    def open_case(self, subject_id: str | None = None) -> Case:
        with self.as_(self.teacher, "undring") as w:
            return w.cases.open_case(
                subject_id=subject_id or self.child,
                unit_id=SCHOOL,
                observation="Virker trist i friminuttene.",
            )

    def consent(
        self,
        case_id: str,
        units: list[str],
        *,
        give: bool = True,
        area: str = "general",
        days: int = 365,
        categories: tuple[str, ...] = ("observasjoner",),
        purpose: str = "Samarbeid om barnet",
    ) -> Consent:
        """The teacher asks for consent to share ``categories`` with ``units`` for ``purpose``; with
        ``give`` every giver gives it."""
        today = self.clock.today()
        with self.as_(self.teacher, "samtykke") as w:
            consent = w.consents.request(
                case_id,
                unit_ids=units,
                categories=list(categories),
                purpose=purpose,
                area=area,
                valid_from=today,
                valid_to=today + dt.timedelta(days=days),
            )
        for giver in consent.givers if give else ():
            with self.as_(giver.person_id, "samtykke") as w:
                consent = w.consents.give(consent.id)
        return consent

    def join(
        self, case_id: str, unit: str, *, area: str = "general", days: int = 365, lapsed: bool = False
    ) -> Consent:
        """``unit`` joins the case under a consent every giver gives; with ``lapsed`` the mother then
        withdraws it, so the unit takes part with no basis (the only way to be there without consent)."""
        consent = self.consent(case_id, [unit], area=area, days=days)
        with self.as_(self.teacher, "samarbeid") as w:
            w.cases.add_participant(case_id, unit)
        if lapsed:
            with self.as_(self.mother, "samtykke") as w:
                consent = w.consents.withdraw(consent.id)
        return consent

    def measure(self, case_id: str, title: str, goal: str, *, days: int = 14) -> Measure:
        """The teacher makes a tiltak she is responsible for, from today, evaluated in ``days`` days."""
        today = self.clock.today()
        with self.as_(self.teacher) as w:
            return w.measures.create(
                case_id,
                title=title,
                goal=goal,
                responsible_id=self.teacher,
                start_date=today,
                evaluation_date=today + dt.timedelta(days=days),
            )

    def hand_over(self, case_id: str, to: str, *, accept: bool = True) -> Handover:
        """The teacher offers the baton to ``to``, who accepts it (or with ``accept=False`` declines)."""
        with self.as_(self.teacher) as w:
            handover = w.relay_holder.request_handover(case_id, to)
        with self.as_(to) as w:
            return w.relay_holder.accept(handover.id) if accept else w.relay_holder.decline(handover.id)

    def level_1(self, case_id: str) -> Case:
        with self.as_(self.teacher, "nivå") as w:
            return w.cases.change_level(case_id, 1, unit_leader_informed=True, guardians_informed=True)

    def level_2(self, case_id: str, with_: str = PPT) -> Case:
        """Level 1, then consent to share with ``with_``, which then joins; the teacher holds the baton;
        then level 2."""
        self.level_1(case_id)
        self.consent(case_id, [with_])
        with self.as_(self.teacher, "samarbeid") as w:
            w.cases.add_participant(case_id, with_)
        with self.as_(self.teacher, "stafettholder") as w:
            w.relay_holder.assign(case_id, self.teacher)
            return w.cases.change_level(case_id, 2)

    def level_3(self, case_id: str, with_: str = HEALTH) -> Case:
        """Level 2 with PPT, then ``with_`` joins and both are invited to a coordination meeting
        tomorrow; then level 3."""
        self.level_2(case_id)
        self.join(case_id, with_)
        with self.as_(self.teacher) as w:
            tomorrow = self.clock.now + dt.timedelta(days=1)
            w.meetings.schedule(case_id, kind="coordination", starts_at=tomorrow, unit_ids=[PPT, with_])
            return w.cases.change_level(case_id, 3)


@pytest.fixture
def world(platform: Platform, clock: Clock) -> World:
    world = World(platform, clock)
    with world.system() as w:
        people = w.people
        world.child = people.register_child(
            given_name="Ola", family_name="Fjord", national_id=world.national_id(dt.date(2018, 3, 4))
        ).id
        world.mother = people.register_guardian(
            given_name="Kari", family_name="Fjord", child_id=world.child
        ).id
        world.father = people.register_guardian(
            given_name="Per", family_name="Fjord", child_id=world.child
        ).id
        world.stepfather = people.register_guardian(
            given_name="Nils", family_name="Vik", child_id=world.child, parental_responsibility=False
        ).id

        def employee(name: str, unit: str | None, role: UnitRole | MunicipalRole = UnitRole.EMPLOYEE) -> str:
            memberships = [UnitMembership(unit_id=unit, role=role)] if unit else []
            roles = [role] if isinstance(role, MunicipalRole) else []
            return people.register_employee(
                given_name=name, family_name="Ansatt", memberships=memberships, municipal_roles=roles
            ).id

        world.teacher = employee("Tina", SCHOOL)
        world.leader = employee("Leo", SCHOOL, UnitRole.UNIT_LEADER)
        world.ppt = employee("Pia", PPT)
        world.child_welfare = employee("Bjørn", CHILD_WELFARE)
        world.nurse = employee("Hege", HEALTH)
        world.coordinator = employee("Kim", None, MunicipalRole.COORDINATOR)
        world.admin = employee("Ada", None, MunicipalRole.ADMINISTRATOR)
        world.auditor = employee("Rut", None, MunicipalRole.AUDITOR)
    return world


@pytest.fixture
def stafett_database_url(database_url: str) -> str:
    """The plugin-author fixtures of core.testing (stafett_platform, …) on this run's backend."""
    return database_url


from tests.api_support import api, app  # noqa: E402, F401  (API fixtures: the app and a client per person)
from tests.browser import chromium, people, shots, site  # noqa: E402, F401  (page tests: one Chromium per session)
from tests.plugin_kit import kit_plugin  # noqa: E402, F401  (a pip-installed `stafett plugins new` plugin)
from tests.smtp_peer import mailbox  # noqa: E402, F401  (a real SMTP server on loopback)


@pytest.fixture
def serve_app() -> Iterator:
    """Factory: ``serve_app(make_app)`` runs ``make_app(base_url)`` under uvicorn on a free loopback port
    in a thread and returns the base URL; servers stop after the test. Real HTTP, so an app that calls
    itself (the local realm's token exchange) or a browser can reach it."""
    import threading
    import time

    import uvicorn

    servers: list[tuple[uvicorn.Server, threading.Thread]] = []

    def start(make_app) -> str:
        port = free_port()
        base_url = f"http://127.0.0.1:{port}"
        config = uvicorn.Config(make_app(base_url), host="127.0.0.1", port=port, log_level="warning")
        server = uvicorn.Server(config)
        thread = threading.Thread(target=server.run, daemon=True)
        thread.start()
        deadline = time.monotonic() + 20
        while not server.started:
            if not thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError(f"the test server on {base_url} did not start")
            time.sleep(0.02)
        servers.append((server, thread))
        return base_url

    try:
        yield start
    finally:
        for server, thread in servers:
            server.should_exit = True
            thread.join(timeout=10)


_NUMBER = re.compile(r"(?<![0-9])[0-9]{11}(?![0-9])")
_JWT = re.compile(r"eyJ[A-Za-z0-9_-]*\.[A-Za-z0-9_-]+\.")


class _LogLines(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.leaks: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        line = self.format(record)
        if _JWT.search(line) or any(_is_national_id(n) for n in _NUMBER.findall(line)):
            self.leaks.append(line)


def _is_national_id(number: str) -> bool:
    try:
        national_id.validate(number, allow_synthetic=True)
    except ValueError:
        return False
    return True


@pytest.fixture(scope="session", autouse=True)
def no_national_id_or_token_in_any_log() -> Iterator[None]:
    """Every log line of the whole run (root, uvicorn's access and error logs) is checked: none may
    hold a fødselsnummer, a D-nummer or a token (core.log_redaction cleans them)."""
    from core import log_redaction

    log_redaction.install()
    handler = _LogLines()
    loggers = [logging.getLogger(name) for name in ("", "uvicorn.access", "uvicorn.error")]
    for logger in loggers:
        logger.addHandler(handler)
    yield
    for logger in loggers:
        logger.removeHandler(handler)
    assert not handler.leaks, "Loggen inneholder fødselsnummer eller token:\n" + "\n".join(handler.leaks[:5])
