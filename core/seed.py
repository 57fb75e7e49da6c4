"""Fictional demo data, made through the same services (and the same audit) as real use.

Every name is drawn from lists of common Norwegian first names and invented family
names, and every fødselsnummer is a synthetic one (month + 80) that passes the checksum
but can never belong to a real person. The same seed gives the same world.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Sequence
from dataclasses import dataclass, field

from sqlalchemy import func, select

from contracts import (
    InformationArea,
    Level,
    MeetingKind,
    MunicipalRole,
    ServiceType,
    UnitMembership,
    UnitRole,
)
from core.domain import national_id
from core.domain.policy import Actor
from core.platform import Platform
from core.services.people import actor_for
from core.services.work import Work
from core.storage import models as m

GIVEN = [
    "Emma",
    "Nora",
    "Olivia",
    "Ella",
    "Sofie",
    "Leah",
    "Frida",
    "Ingrid",
    "Sara",
    "Maja",
    "Astrid",
    "Selma",
    "Tiril",
    "Hedda",
    "Ada",
    "Jakob",
    "Noah",
    "Emil",
    "Lucas",
    "Oskar",
    "Oliver",
    "Filip",
    "Aksel",
    "William",
    "Isak",
    "Henrik",
    "Magnus",
    "Theodor",
    "Johannes",
    "Even",
]
FAMILY = [
    "Fjelltun",
    "Strandvik",
    "Myrhaug",
    "Bjerkås",
    "Lunde-Eide",
    "Solbakk",
    "Nordeng",
    "Granlid",
    "Havrevik",
    "Lia-Moen",
    "Tjernsli",
    "Furuset",
    "Kvernvik",
    "Steinrud",
    "Vassbotn",
    "Brekkestø",
    "Lyngmo",
    "Åsheim",
    "Bekkevold",
    "Holtås",
]
OBSERVATIONS = (
    "Virker trist og trekker seg fra leken de siste ukene.",
    "Kommer ofte sent og uten matpakke.",
    "Har hatt mye fravær denne måneden.",
    "Sinne og uro i overgangssituasjoner.",
    "Språket utvikler seg saktere enn forventet.",
    "Sier at det er mye krangling hjemme.",
)
NOTES = (
    "Samtale med foresatte: de kjenner seg igjen i beskrivelsen.",
    "Lysglimt: deltok aktivt i samlingsstunden i dag.",
    "Prøver ut fast voksen ved levering om morgenen.",
    "Kort samtale med barnet om hvordan dagene oppleves.",
    "Tiltaket ser ut til å virke; fortsetter til evaluering.",
)
OWNER_TYPES = (ServiceType.KINDERGARTEN, ServiceType.SCHOOL, ServiceType.HEALTH_STATION)


@dataclass
class SeedReport:
    municipalities: list[str] = field(default_factory=list)
    children: int = 0
    employees: int = 0
    cases: int = 0
    log_entries: int = 0


def is_seeded(platform: Platform, municipality_id: str) -> bool:
    with platform.database.session() as session:
        return bool(
            session.scalar(
                select(func.count(m.PersonRow.id)).where(m.PersonRow.municipality_id == municipality_id)
            )
        )


def seed(
    platform: Platform,
    *,
    municipalities: int | None = None,
    children: int = 40,
    cases: int = 12,
    log_entries: int = 8,
    rng_seed: int = 2012,
) -> SeedReport:
    """Seed ``children`` and ``cases`` (about ``log_entries`` entries each) in the first N municipalities."""
    configured = platform.config.municipalities
    count = len(configured) if municipalities is None else municipalities
    if not 1 <= count <= len(configured):
        raise ValueError(f"Konfigurasjonen har {len(configured)} kommune(r); kan ikke fylle {count}.")
    if cases > children:
        raise ValueError("Det kan ikke lages flere saker enn barn.")
    report = SeedReport()
    for index, mconf in enumerate(configured[:count]):
        rng = random.Random(rng_seed + index)
        _seed_municipality(platform, mconf.id, rng, children, cases, log_entries, report)
        report.municipalities.append(mconf.id)
    return report


def _seed_municipality(
    platform: Platform,
    mid: str,
    rng: random.Random,
    children: int,
    cases: int,
    entries: int,
    report: SeedReport,
) -> None:
    system = Actor.system(mid, operator="demo-seed")
    units = platform.municipality(mid).units
    today = platform.clock().date()
    staff: dict[str, list[str]] = {}
    with platform.work(system, "demodata") as work:
        for unit in units:
            roles = (UnitRole.UNIT_LEADER, UnitRole.EMPLOYEE, UnitRole.EMPLOYEE)
            staff[unit.id] = [
                work.people.register_employee(
                    given_name=rng.choice(GIVEN),
                    family_name=rng.choice(FAMILY),
                    title="Enhetsleder" if role is UnitRole.UNIT_LEADER else "Ansatt",
                    email=None,
                    memberships=[UnitMembership(unit_id=unit.id, role=role)],
                ).id
                for role in roles
            ]
        for role in (MunicipalRole.COORDINATOR, MunicipalRole.ADMINISTRATOR, MunicipalRole.AUDITOR):
            work.people.register_employee(
                given_name=rng.choice(GIVEN), family_name=rng.choice(FAMILY), municipal_roles=[role]
            )
        report.employees += 3 * len(units) + 3
        subjects = []
        numbers = national_id.UniqueNumbers()  # never the same number twice, however many children
        for _ in range(children):
            born = today - dt.timedelta(days=rng.randint(200, 17 * 365))
            family_name = rng.choice(FAMILY)
            child = work.people.register_child(
                given_name=rng.choice(GIVEN),
                family_name=family_name,
                national_id=numbers.take(born, sex=rng.choice(("female", "male"))),
            )
            for _ in range(rng.choice((1, 2, 2))):
                work.people.register_guardian(
                    given_name=rng.choice(GIVEN),
                    family_name=family_name,
                    child_id=child.id,
                    national_id=numbers.take(
                        born - dt.timedelta(days=rng.randint(20 * 365, 40 * 365)),
                        sex=rng.choice(("female", "male")),
                    ),
                )
            subjects.append(child)
        report.children += children
    owners = [u for u in units if u.service_type in OWNER_TYPES]
    helpers = {u.service_type: u.id for u in units}
    for child in rng.sample(subjects, cases):
        owner = rng.choice(owners)
        _seed_case(platform, child.id, owner.id, staff, helpers, rng, entries, report)


def _seed_case(
    platform: Platform,
    child_id: str,
    owner_id: str,
    staff: dict[str, list[str]],
    helpers: dict[ServiceType, str],
    rng: random.Random,
    entries: int,
    report: SeedReport,
) -> None:
    """One case through the levels the way the model runs: undring, measures, consent, collaboration."""
    with platform.database.session() as session:
        employee_id = staff[owner_id][1]
        employee = actor_for(session, employee_id)
    target = rng.choices(list(Level), weights=(4, 4, 2, 1))[0]
    with platform.work(employee, "demodata") as work:
        case = work.cases.open_case(
            subject_id=child_id, unit_id=owner_id, observation=rng.choice(OBSERVATIONS)
        )
        written = 1
        days = rng.randint(14, 60) if target >= Level.INTERNAL else 0  # the same draws as ever
        partners = [helpers[ServiceType.PPT]] + (
            [helpers[ServiceType.FAMILY_SERVICE]] if target == Level.COLLABORATE_MANY else []
        )
        written += climb(
            work,
            case.id,
            target,
            holder_id=employee_id,
            measures=[("Fast voksen i overganger", "Tryggere start på dagen", days)],
            partners=partners,
            purpose="Samarbeid om tiltak for barnet",
            meeting="Koordineringsmøte med foresatte, PPT og familietjenesten.",
        )
        for _ in range(max(0, entries - written)):
            work.log.add_note(case.id, rng.choice(NOTES), bright_moment=rng.random() < 0.15)
        report.cases += 1
        report.log_entries += max(entries, written)


def climb(
    work: Work,
    case_id: str,
    target: Level,
    *,
    holder_id: str,
    measures: Sequence[tuple[str, str, int]],
    partners: list[str],
    purpose: str,
    meeting: str,
) -> int:
    """Bring a new case up to ``target`` the way the model runs, through the services: at nivå 1 the
    leader and guardians informed, the tiltak (title, goal, days to evaluation) and a stafettholder;
    at nivå 2 the guardians' consent on paper and the partner services joining under it; at nivå 3 a
    coordination meeting of every service. Returns the entries written. Shared by the demo data and
    the practice space's cases (``core.practice``)."""
    written, today = 0, work.now.date()
    if target >= Level.INTERNAL:
        work.cases.change_level(case_id, Level.INTERNAL, unit_leader_informed=True, guardians_informed=True)
        for title, goal, days in measures:
            work.measures.create(
                case_id,
                title=title,
                goal=goal,
                responsible_id=holder_id,
                start_date=today,
                evaluation_date=today + dt.timedelta(days=days),
            )
        work.relay_holder.assign(case_id, holder_id)
        written += 2 + len(measures)
    if target >= Level.COLLABORATE_TWO and partners:
        state = work.cases.state(case_id)
        work.consents.request(
            case_id,
            unit_ids=partners,
            categories=["observasjoner", "tiltak og evalueringer"],
            purpose=purpose,
            area=InformationArea.GENERAL,
            valid_from=today,
            valid_to=today + dt.timedelta(days=365),
            given_on_paper_by=list(state.guardian_ids),
        )
        for unit_id in partners:  # each joins under the consent now in force
            work.cases.add_participant(case_id, unit_id)
        work.cases.change_level(case_id, Level.COLLABORATE_TWO)
        written += len(partners) + 2
        if target == Level.COLLABORATE_MANY:
            work.meetings.schedule(
                case_id,
                kind=MeetingKind.COORDINATION,
                starts_at=work.now + dt.timedelta(days=7),
                unit_ids=[state.row.owner_unit_id, *partners],  # every service in the case is invited
                summary=meeting,
            )
            work.cases.change_level(case_id, Level.COLLABORATE_MANY)
            written += 2
    return written
