"""Every API endpoint × every role: allowed or refused, and every refusal audited.

The endpoints come from the running app's route list, so a new endpoint without a row here
fails ``test_every_endpoint_is_in_the_matrix``. Each role gets a fresh case in which it has the
relation its name says (own unit, other unit, PPT with/without/withdrawn consent, ...); then
the endpoint's request is sent as that person and the outcome compared:

- ALLOW: the policy let it through (no 401/403; a rule of the model may still answer 4xx);
- DENY: 403 (or 409 for a state conflict), and one new audit event with outcome "refused" for this
  person (also for the hand-over rule "only the receiver answers", refused as ``not_receiver``);
- HIDDEN: 404 with one refused audit event: a case the role may not know exists
  (``core.domain.policy.knows_of``) is answered exactly as an unknown id, and the refusal is audited;
- ABSENT: 404 and nothing refused, for another municipality's people and units: nothing crosses
  municipalities, and nothing of theirs is found.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field

import msgspec
import pytest
from litestar.routes import HTTPRoute

from configs import CONFIG_DIR
from contracts import ParticipationBasis, UnitMembership
from core.config import default_config, load_config
from core.domain.policy import Actor
from core.testing import configure
from tests.api_support import Api
from tests.conftest import CHILD_WELFARE, HEALTH, PPT, SCHOOL, World

ALLOW, DENY, HIDDEN, ABSENT = "allow", "deny", "hidden", "absent"
OTHER_MUNICIPALITY, OTHER_SCHOOL = "4204", "kristiansand-skole"

TEACHER, OTHER_UNIT, LEADER = "employee own unit", "employee other unit", "unit leader"
PPT_CONSENT, PPT_NO_CONSENT, PPT_WITHDRAWN = (
    "PPT with consent",
    "PPT without consent",
    "PPT consent withdrawn",
)
REPORT_DUTY, COORDINATOR = "child welfare, duty to report", "coordinator holding the baton"
ADMIN, AUDITOR = "administrator", "auditor"
GUARDIAN, NO_RESPONSIBILITY, YOUTH = "guardian", "guardian without parental responsibility", "youth (16)"
OTHER = "employee of another municipality"
ROLES = [
    TEACHER,
    OTHER_UNIT,
    LEADER,
    PPT_CONSENT,
    PPT_NO_CONSENT,
    PPT_WITHDRAWN,
    REPORT_DUTY,
    COORDINATOR,
    ADMIN,
    AUDITOR,
    GUARDIAN,
    NO_RESPONSIBILITY,
    YOUTH,
    OTHER,
]

CASE_WORKERS = {TEACHER, LEADER, PPT_CONSENT, REPORT_DUTY, COORDINATOR}  # reach the case (policy basis)
FAMILY = {GUARDIAN, YOUTH}  # see the family's view of their own case
UNIT_MEMBERS = {TEACHER, OTHER_UNIT, LEADER, PPT_CONSENT, PPT_NO_CONSENT, PPT_WITHDRAWN, REPORT_DUTY}
PERSON_WRITERS = UNIT_MEMBERS | {ADMIN, OTHER}  # employees with a unit, administrators
# may not know the scene's case exists: no unit in it, no baton, not its family (nor an auditor)
UNAWARE = {OTHER_UNIT, ADMIN, NO_RESPONSIBILITY, OTHER}
CASE_IDS = ("{case_id}", "{measure_id}", "{consent_id}", "{handover_id}")


@pytest.fixture
def config():
    """The demo municipality and Kristiansand (baseline plugin only) in one deployment."""
    other = configure(load_config(CONFIG_DIR / "kristiansand.toml"), ["bti-standard"])
    return msgspec.structs.replace(
        default_config(), municipalities=[*default_config().municipalities, *other.municipalities]
    )


@dataclass
class Scene:
    """One role's fresh case and the people around it; endpoints add what they need to it."""

    world: World
    role: str
    person: str
    case_id: str
    child: str
    made: dict[str, str] = field(default_factory=dict)

    def today(self) -> dt.date:
        return self.world.clock.today()

    def consent_id(self) -> str:
        """A consent asked for (not given) covering the nurse's health station."""
        if "consent" not in self.made:
            with self.world.as_(self.world.leader) as w:
                self.made["consent"] = w.consents.request(
                    self.case_id,
                    unit_ids=[HEALTH],
                    categories=["observasjoner"],
                    purpose="Samarbeid",
                    area="general",
                    valid_from=self.today(),
                    valid_to=self.today() + dt.timedelta(days=90),
                ).id
        return self.made["consent"]

    def measure_id(self) -> str:
        with self.world.as_(self.world.leader) as w:
            return w.measures.create(
                self.case_id,
                title="Tiltak",
                goal="Mål",
                responsible_id=self.world.leader,
                start_date=self.today(),
                evaluation_date=self.today() + dt.timedelta(days=30),
            ).id

    def entry_id(self) -> str:
        with self.world.as_(self.world.teacher) as w:
            return w.log.add_note(self.case_id, "Notat fra læreren.").id

    def holder(self) -> None:
        with self.world.as_(self.world.leader) as w:
            if w.cases.get(self.case_id).relay_holder_id is None:
                w.relay_holder.assign(self.case_id, self.world.teacher)

    def meeting_id(self) -> str:
        """A meeting in the case two days from now, set up by the unit leader."""
        with self.world.as_(self.world.leader) as w:
            starts = self.world.clock.now + dt.timedelta(days=2)
            return w.meetings.schedule(self.case_id, kind="collaboration", starts_at=starts).id

    def notification_id(self) -> str:
        """A varsel for the scene's person (each person reads and marks only their own)."""
        from core.notify.writer import Notice, store

        with self.world.platform.work(Actor.system(self.world.actor(self.person).municipality_id), "t") as w:
            kind = w.plugins.notification_kinds["handover_offered"]
            store(
                w.uow, [Notice(recipient_id=self.person, kind=kind, key=f"matrix:{self.case_id}", link="/")]
            )
        from sqlalchemy import select

        from core.storage.notification_models import NotificationRow

        with self.world.platform.database.session() as session:
            return session.scalars(
                select(NotificationRow.id).where(NotificationRow.key == f"matrix:{self.case_id}")
            ).one()

    def handover_id(self) -> str:
        """A hand-over offered to the unit leader."""
        self.holder()
        with self.world.as_(self.world.leader) as w:
            return w.relay_holder.request_handover(self.case_id, self.world.leader).id


def make_scene(world: World, role: str, other_employee: str) -> Scene:
    youth = role == YOUTH
    child = world.add_child(world.aged(16 if youth else 7), guardians=(world.mother,))
    with world.system() as w:
        w.people.link_guardian(child_id=child, guardian_id=world.stepfather, parental_responsibility=False)
    case_id = world.open_case(child).id
    consent = world.consent(case_id, [PPT])  # PPT joins only on a consent in force that names it
    with world.as_(world.teacher) as w:
        w.cases.add_participant(case_id, PPT)
    if role not in (PPT_CONSENT, COORDINATOR):  # every other scene: PPT takes part, its basis withdrawn
        with world.as_(world.mother) as w:
            w.consents.withdraw(consent.id)
    if role == REPORT_DUTY:
        with world.as_(world.teacher) as w:
            w.cases.add_participant(case_id, CHILD_WELFARE, basis=ParticipationBasis.REPORT_DUTY)
    if role == COORDINATOR:
        with world.as_(world.teacher) as w:
            w.relay_holder.assign(case_id, world.coordinator)
    person = {
        TEACHER: world.teacher,
        OTHER_UNIT: world.nurse,
        LEADER: world.leader,
        PPT_CONSENT: world.ppt,
        PPT_NO_CONSENT: world.ppt,
        PPT_WITHDRAWN: world.ppt,
        REPORT_DUTY: world.child_welfare,
        COORDINATOR: world.coordinator,
        ADMIN: world.admin,
        AUDITOR: world.auditor,
        GUARDIAN: world.mother,
        NO_RESPONSIBILITY: world.stepfather,
        YOUTH: child,
        OTHER: other_employee,
    }[role]
    return Scene(world, role, person, case_id, child)


Request = tuple[str, dict | None]  # path, JSON body


@dataclass(frozen=True)
class Endpoint:
    method: str
    path: str  # as in the route list, without converters
    request: Callable[[Scene], Request]
    allowed: set[str] | str  # roles the policy lets through, or "everyone"
    absent: set[str] = field(default_factory=set)  # roles that get 404 (another municipality's data)
    about_case: bool = False  # the case is named in the body (else: by an id in the path)
    refused_unseen: bool = False  # every refusal answers 404: a person one may not read is not shown

    @property
    def key(self) -> str:
        return f"{self.method} {self.path}"

    def expect(self, role: str) -> str:
        if role in self.absent:
            return ABSENT
        if self.allowed == "everyone" or role in self.allowed:
            return ALLOW
        if self.refused_unseen or (
            (self.about_case or any(name in self.path for name in CASE_IDS)) and role in UNAWARE
        ):
            return HIDDEN
        return DENY


def case(suffix: str = "", body: dict | None = None) -> Callable[[Scene], Request]:
    return lambda s: (f"/api/v1/cases/{s.case_id}{suffix}", body)


def child(suffix: str = "", body: dict | None = None) -> Callable[[Scene], Request]:
    return lambda s: (f"/api/v1/children/{s.child}{suffix}", body)


def made(
    collection: str, ident: Callable[[Scene], str], suffix: str, body: dict | None = None
) -> Callable[[Scene], Request]:
    """A path below what the scene makes for it: ``made("/consents", Scene.consent_id, "/give")``."""
    return lambda s: (f"/api/v1{collection}/{ident(s)}{suffix}", body)


def family(suffix: str = "", body: dict | None = None) -> Callable[[Scene], Request]:
    return lambda s: (f"/api/v1/family/cases/{s.case_id}{suffix}", body)


def fixed(path: str, body: dict | None = None) -> Callable[[Scene], Request]:
    return lambda s: (path, body)


def new_child_case(s: Scene) -> Request:
    child = s.world.add_child(s.world.aged(8))
    return "/api/v1/cases", {"subject_id": child, "unit_id": SCHOOL, "observation": "Undring."}


def lookup(s: Scene) -> Request:
    from core.storage.models import PersonRow

    with s.world.platform.database.session() as session:
        number = session.get_one(PersonRow, s.world.child).national_id
    return "/api/v1/people/lookup", {"national_id": number, "purpose": "undring"}


def pregnant_case(s: Scene) -> Request:
    """A pregnant woman whose case the school owns (the teacher and the unit leader may read her)."""
    with s.world.system() as w:
        person = w.people.register_pregnant(
            given_name="Mari",
            family_name="Gravid",
            birth_date=s.world.aged(28),
            due_date=s.today() + dt.timedelta(days=100),
        ).id
    s.world.open_case(person)
    return f"{A}/pregnant/{person}", None


def meeting(s: Scene) -> Request:
    starts = (s.world.clock.now + dt.timedelta(days=2)).isoformat()
    return "/api/v1/meetings", {"kind": "collaboration", "starts_at": starts, "case_id": s.case_id}


def in_time(s: Scene, days: int) -> str:
    return (s.world.clock.now + dt.timedelta(days=days)).isoformat()


def in_days(days: int) -> Callable[[Scene], str]:
    return lambda s: (s.today() + dt.timedelta(days=days)).isoformat()


def consent_body(s: Scene) -> Request:
    return f"/api/v1/cases/{s.case_id}/consents", {
        "unit_ids": [HEALTH],
        "categories": ["observasjoner"],
        "purpose": "Samarbeid",
        "area": "general",
        "valid_from": s.today().isoformat(),
        "valid_to": in_days(90)(s),
    }


def measure_body(s: Scene) -> Request:
    return f"/api/v1/cases/{s.case_id}/measures", {
        "title": "Tiltak",
        "goal": "Mål",
        "responsible_id": s.world.teacher,
        "start_date": s.today().isoformat(),
        "evaluation_date": in_days(30)(s),
    }


CASE_READERS_AND_FAMILY = CASE_WORKERS | FAMILY  # services pick the employee or the family view
A = "/api/v1"


def measure_status(s: Scene) -> Request:
    return f"{A}/measures/{s.measure_id()}/status", {"status": "paused", "reason": "Pause."}


REPORT_BODY = {
    "worry": "Barnet forteller om vold hjemme.",
    "history": "Samtaler med kontaktlærer.",
    "guardians_informed": False,
    "guardians_not_informed_reason": "Kan sette barnet i fare.",
    "reporter_role": "Kontaktlærer",
    "reporter_phone": "99999999",
    "reporter_email": "laerer@skole.no",
    "unit_address": "Skoleveien 1",
    "child_address": "Fjordgata 2",
}

ENDPOINTS = [
    # the municipality and what its plugins offer: no personal data, every logged-in person
    Endpoint("GET", f"{A}/municipality", fixed(f"{A}/municipality"), "everyone"),
    Endpoint("GET", f"{A}/units", fixed(f"{A}/units"), "everyone"),
    Endpoint("GET", f"{A}/units/{{unit_id}}", lambda s: (f"{A}/units/{SCHOOL}", None), "everyone", {OTHER}),
    Endpoint("GET", f"{A}/services", fixed(f"{A}/services"), "everyone"),
    Endpoint("GET", f"{A}/arenas", fixed(f"{A}/arenas"), "everyone"),
    Endpoint("GET", f"{A}/guides", fixed(f"{A}/guides"), "everyone"),
    Endpoint("GET", f"{A}/tools", fixed(f"{A}/tools"), "everyone"),
    Endpoint("GET", f"{A}/tools/{{tool_id}}", fixed(f"{A}/tools/undringsnotat"), "everyone"),
    Endpoint("GET", f"{A}/relay-holder-rules", fixed(f"{A}/relay-holder-rules"), "everyone"),
    # due reminders list case ids and dates of the whole municipality: BTI coordinators only
    Endpoint("GET", f"{A}/reminders", fixed(f"{A}/reminders"), {COORDINATOR}),
    # følgeevaluering, aggregates only: a unit leader their unit, BTI coordinators and administrators the
    # municipality; everyone else is refused (and audited)
    Endpoint("GET", f"{A}/indicators", fixed(f"{A}/indicators"), {LEADER, COORDINATOR, ADMIN}),
    Endpoint("GET", f"{A}/indicators/csv", fixed(f"{A}/indicators/csv"), {LEADER, COORDINATOR, ADMIN}),
    # the outbox of deliveries to journals: administrators
    Endpoint("GET", f"{A}/outbox", fixed(f"{A}/outbox"), {ADMIN}),
    # no dead delivery in the scene: the policy lets the administrator through to a 404, others get 403
    Endpoint("POST", f"{A}/outbox/{{message_id}}/retry", fixed(f"{A}/outbox/ukjent/retry"), set(), {ADMIN}),
    # people: employees with a unit and administrators; another municipality's people are not found
    Endpoint(
        "POST",
        f"{A}/children",
        fixed(f"{A}/children", {"given_name": "A", "family_name": "B", "birth_date": "2019-01-01"}),
        PERSON_WRITERS,
    ),
    Endpoint(
        "POST",
        f"{A}/pregnant",
        fixed(
            f"{A}/pregnant",
            {"given_name": "A", "family_name": "B", "birth_date": "1990-01-01", "due_date": "2025-06-01"},
        ),
        PERSON_WRITERS,
    ),
    # another municipality: its config refuses synthetic numbers (422), so nothing is found either way
    Endpoint("POST", f"{A}/people/lookup", lookup, PERSON_WRITERS),
    Endpoint("GET", f"{A}/people/lookup-refusals", fixed(f"{A}/people/lookup-refusals"), {ADMIN}),
    # reads of people: whoever may read a case about the person, and administrators; 404 for the rest
    Endpoint("GET", f"{A}/children/{{child_id}}", child(), CASE_WORKERS | {ADMIN}, refused_unseen=True),
    Endpoint(
        "GET",
        f"{A}/children/{{child_id}}/guardians",
        child("/guardians"),
        CASE_WORKERS | {ADMIN},
        refused_unseen=True,
    ),
    Endpoint(
        "GET", f"{A}/pregnant/{{person_id}}", pregnant_case, {TEACHER, LEADER, ADMIN}, refused_unseen=True
    ),
    Endpoint(
        "POST",
        f"{A}/children/{{child_id}}/guardians",
        child("/guardians", {"given_name": "C", "family_name": "D"}),
        PERSON_WRITERS,
        {OTHER},
    ),
    Endpoint(
        "PUT",
        f"{A}/children/{{child_id}}/guardians/{{guardian_id}}",
        lambda s: (f"{A}/children/{s.child}/guardians/{s.world.father}", {"parental_responsibility": True}),
        PERSON_WRITERS,
        {OTHER},
    ),
    Endpoint(
        "POST",
        f"{A}/employees",
        fixed(f"{A}/employees", {"given_name": "E", "family_name": "F"}),
        PERSON_WRITERS,
    ),
    Endpoint(
        "GET",
        f"{A}/employees/{{person_id}}",
        lambda s: (f"{A}/employees/{s.world.teacher}", None),
        PERSON_WRITERS,
        {OTHER},
    ),
    # cases: lists are filtered (allowed, empty for those who reach nothing); one case needs a basis
    Endpoint("GET", f"{A}/cases", fixed(f"{A}/cases"), "everyone"),
    Endpoint("POST", f"{A}/cases/search", fixed(f"{A}/cases/search", {"status": "all"}), "everyone"),
    Endpoint("POST", f"{A}/cases", new_child_case, {TEACHER, LEADER}),
    Endpoint("GET", f"{A}/cases/{{case_id}}", case(), CASE_WORKERS),
    Endpoint(
        "POST",
        f"{A}/cases/{{case_id}}/level",
        case("/level", {"level": 1, "unit_leader_informed": True, "guardians_informed": True}),
        CASE_WORKERS,
    ),
    Endpoint("POST", f"{A}/cases/{{case_id}}/close", case("/close", {"reason": "resolved"}), CASE_WORKERS),
    Endpoint("GET", f"{A}/cases/{{case_id}}/concerns", case("/concerns"), CASE_WORKERS),
    Endpoint(
        "POST",
        f"{A}/cases/{{case_id}}/concerns",
        case("/concerns", {"observation": "Ny undring."}),
        CASE_WORKERS,
    ),
    Endpoint("GET", f"{A}/cases/{{case_id}}/participants", case("/participants"), CASE_WORKERS),
    Endpoint(
        "POST",
        f"{A}/cases/{{case_id}}/participants",
        case("/participants", {"unit_id": HEALTH}),
        CASE_WORKERS,
    ),
    Endpoint(
        "GET", f"{A}/cases/{{case_id}}/participants/{{unit_id}}", case(f"/participants/{PPT}"), CASE_WORKERS
    ),
    Endpoint(
        "DELETE",
        f"{A}/cases/{{case_id}}/participants/{{unit_id}}",
        case(f"/participants/{PPT}"),
        CASE_WORKERS,
    ),
    Endpoint(
        "PUT",
        f"{A}/cases/{{case_id}}/relay-holder",
        lambda s: (f"{A}/cases/{s.case_id}/relay-holder", {"employee_id": s.world.teacher}),
        CASE_WORKERS,
    ),
    Endpoint(
        "POST",
        f"{A}/cases/{{case_id}}/handovers",
        lambda s: (s.holder(), (f"{A}/cases/{s.case_id}/handovers", {"to_id": s.world.leader}))[1],
        CASE_WORKERS,
    ),
    Endpoint("GET", f"{A}/cases/{{case_id}}/guide", case("/guide"), CASE_WORKERS),
    Endpoint("GET", f"{A}/cases/{{case_id}}/meetings", case("/meetings"), CASE_WORKERS),
    Endpoint("GET", f"{A}/cases/{{case_id}}/log", case("/log"), CASE_WORKERS),
    Endpoint("POST", f"{A}/cases/{{case_id}}/log", case("/log", {"text": "Notat."}), CASE_WORKERS),
    Endpoint(
        "GET",
        f"{A}/cases/{{case_id}}/log/{{entry_id}}",
        lambda s: (f"{A}/cases/{s.case_id}/log/{s.entry_id()}", None),
        CASE_WORKERS,
    ),
    # the log is append-only: changing an entry is 405 for everyone, before any policy question
    *(
        Endpoint(
            method,
            f"{A}/cases/{{case_id}}/log/{{entry_id}}",
            lambda s: (f"{A}/cases/{s.case_id}/log/{s.entry_id()}", None),
            "everyone",
        )
        for method in ("PUT", "PATCH", "DELETE")
    ),
    Endpoint(
        "POST",
        f"{A}/cases/{{case_id}}/log/{{entry_id}}/corrections",
        lambda s: (
            f"{A}/cases/{s.case_id}/log/{s.entry_id()}/corrections",
            {"text": "Rettet.", "reason": "Feil."},
        ),
        CASE_WORKERS,
    ),
    Endpoint("GET", f"{A}/cases/{{case_id}}/measures", case("/measures"), CASE_READERS_AND_FAMILY),
    Endpoint("POST", f"{A}/cases/{{case_id}}/measures", measure_body, CASE_WORKERS),
    Endpoint(
        "POST",
        f"{A}/measures/{{measure_id}}/evaluations",
        made("/measures", Scene.measure_id, "/evaluations", {"outcome": "achieved", "summary": "Nådd."}),
        CASE_WORKERS,
    ),
    Endpoint("GET", f"{A}/cases/{{case_id}}/consents", case("/consents"), CASE_READERS_AND_FAMILY),
    Endpoint("POST", f"{A}/cases/{{case_id}}/consents", consent_body, CASE_WORKERS),
    Endpoint(
        "POST", f"{A}/consents/{{consent_id}}/give", made("/consents", Scene.consent_id, "/give"), FAMILY
    ),
    Endpoint(
        "POST",
        f"{A}/consents/{{consent_id}}/refuse",
        made("/consents", Scene.consent_id, "/refuse", {}),
        FAMILY,
    ),
    Endpoint(
        "POST",
        f"{A}/consents/{{consent_id}}/withdraw",
        made("/consents", Scene.consent_id, "/withdraw", {}),
        CASE_READERS_AND_FAMILY,
    ),
    Endpoint("GET", f"{A}/cases/{{case_id}}/access-log", case("/access-log"), FAMILY),
    # the baton: pending hand-overs are the receiver's own list; answering needs a basis in the case
    Endpoint("GET", f"{A}/handovers", fixed(f"{A}/handovers"), "everyone"),
    Endpoint(
        "POST",
        f"{A}/handovers/{{handover_id}}/accept",
        made("/handovers", Scene.handover_id, "/accept"),
        {LEADER},  # the offer is to the unit leader: only the receiver answers
    ),
    Endpoint(
        "POST",
        f"{A}/handovers/{{handover_id}}/decline",
        made("/handovers", Scene.handover_id, "/decline", {}),
        {LEADER},
    ),
    Endpoint("POST", f"{A}/measures/{{measure_id}}/status", measure_status, CASE_WORKERS),
    Endpoint("POST", f"{A}/meetings", meeting, CASE_WORKERS, about_case=True),
    Endpoint(
        "POST",
        f"{A}/meetings/{{meeting_id}}/reschedule",
        lambda s: made("/meetings", Scene.meeting_id, "/reschedule", {"starts_at": in_time(s, 3)})(s),
        CASE_WORKERS,
        about_case=True,
    ),
    Endpoint(
        "POST",
        f"{A}/meetings/{{meeting_id}}/cancel",
        made("/meetings", Scene.meeting_id, "/cancel"),
        CASE_WORKERS,
        about_case=True,
    ),
    # one's own varsler: every person, each their own
    Endpoint("GET", f"{A}/notifications", fixed(f"{A}/notifications"), "everyone"),
    Endpoint("GET", f"{A}/notifications/unread", fixed(f"{A}/notifications/unread"), "everyone"),
    Endpoint(
        "POST",
        f"{A}/notifications/{{notification_id}}/read",
        made("/notifications", Scene.notification_id, "/read"),
        "everyone",
    ),
    Endpoint("POST", f"{A}/notifications/read-all", fixed(f"{A}/notifications/read-all"), "everyone"),
    # the family's view
    Endpoint("GET", f"{A}/family/cases", fixed(f"{A}/family/cases"), "everyone"),
    Endpoint("GET", f"{A}/family/cases/{{case_id}}", family(), FAMILY),
    Endpoint("GET", f"{A}/family/cases/{{case_id}}/log", family("/log"), FAMILY),
    Endpoint("GET", f"{A}/family/cases/{{case_id}}/measures", family("/measures"), CASE_READERS_AND_FAMILY),
    Endpoint("GET", f"{A}/family/cases/{{case_id}}/consents", family("/consents"), CASE_READERS_AND_FAMILY),
    Endpoint(
        "POST", f"{A}/family/cases/{{case_id}}/comments", family("/comments", {"text": "Takk."}), FAMILY
    ),
    # bekymringsmelding: employees with a role in the case (no receiver is set up here: a 409 after the
    # policy); an unknown report is not found for anyone (tests/test_fiks.py answers a real one)
    Endpoint("POST", f"{A}/cases/{{case_id}}/reports", case("/reports", REPORT_BODY), CASE_WORKERS),
    Endpoint("GET", f"{A}/cases/{{case_id}}/reports", case("/reports"), CASE_WORKERS),
    Endpoint(
        "POST",
        f"{A}/reports/{{report_id}}/answer",
        fixed(f"{A}/reports/ukjent/answer", {"answer": "opened"}),
        set(),
        set(ROLES),
    ),
    # the relay (issue 18): archive status (the scene's case is open: none yet), transfers, nivå 3
    Endpoint("GET", f"{A}/cases/{{case_id}}/archive", case("/archive"), CASE_WORKERS, CASE_WORKERS),
    Endpoint(
        "GET", f"{A}/cases/{{case_id}}/transfers/suggestion", case("/transfers/suggestion"), CASE_WORKERS
    ),
    Endpoint(
        "POST", f"{A}/cases/{{case_id}}/transfers", case("/transfers", {"to_unit_id": HEALTH}), {COORDINATOR}
    ),
    Endpoint("GET", f"{A}/transfers/pending", fixed(f"{A}/transfers/pending"), "everyone"),
    Endpoint(
        "POST",
        f"{A}/transfers/{{transfer_id}}/accept",
        fixed(f"{A}/transfers/ukjent/accept"),
        set(),
        set(ROLES),
    ),
    Endpoint(
        "POST",
        f"{A}/transfers/{{transfer_id}}/decline",
        fixed(f"{A}/transfers/ukjent/decline", {}),
        set(),
        set(ROLES),
    ),
    Endpoint("GET", f"{A}/coordinator-roles", fixed(f"{A}/coordinator-roles"), "everyone"),
    # (the scene's case has no plan: those the policy lets through are told so, as for an unknown id)
    Endpoint(
        "GET", f"{A}/cases/{{case_id}}/plan", case("/plan"), CASE_READERS_AND_FAMILY, CASE_READERS_AND_FAMILY
    ),
    Endpoint(
        "PUT",
        f"{A}/cases/{{case_id}}/plan/coordinator",
        lambda s: (
            f"{A}/cases/{s.case_id}/plan/coordinator",
            {"person_id": s.world.teacher, "role": "stafettholder"},
        ),
        CASE_WORKERS,
    ),
    Endpoint(
        "POST", f"{A}/cases/{{case_id}}/plan", case("/plan", {"revision_date": "2030-01-01"}), CASE_WORKERS
    ),
    Endpoint(
        "PUT",
        f"{A}/cases/{{case_id}}/plan/goals",
        case("/plan/goals", {"goals": "Mål."}),
        CASE_READERS_AND_FAMILY,
        CASE_READERS_AND_FAMILY,
    ),
    Endpoint(
        "PUT",
        f"{A}/cases/{{case_id}}/plan/sections/{{section_id}}",
        case("/plan/sections/ressurser", {"text": "Ola tegner godt."}),
        CASE_WORKERS,
        CASE_WORKERS,
    ),
    Endpoint(
        "POST",
        f"{A}/cases/{{case_id}}/plan/comments",
        case("/plan/comments", {"text": "Takk."}),
        FAMILY,
        FAMILY,
    ),
    # the audit trail
    Endpoint("GET", f"{A}/audit/verify", fixed(f"{A}/audit/verify"), {AUDITOR}),
]


def app_endpoints(app) -> set[str]:
    out = set()
    for route in app.routes:
        if isinstance(route, HTTPRoute) and route.path.startswith("/api/"):
            path = route.path.replace(":str", "")
            out |= {f"{m} {path}" for m in route.methods if m not in ("OPTIONS", "HEAD")}
    return out


def test_every_endpoint_is_in_the_matrix(app) -> None:
    listed = [e.key for e in ENDPOINTS]
    assert len(listed) == len(set(listed))
    assert app_endpoints(app) == set(listed)


@pytest.fixture
def other_employee(world: World) -> str:
    with world.platform.work(Actor.system(OTHER_MUNICIPALITY), "ansatt") as w:
        return w.people.register_employee(
            given_name="Kari", family_name="Annenkommune", memberships=[UnitMembership(unit_id=OTHER_SCHOOL)]
        ).id


@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=lambda e: e.key)
def test_endpoint_for_every_role(endpoint: Endpoint, api: Api, world: World, other_employee: str) -> None:
    wrong = []
    for role in ROLES:
        scene = make_scene(world, role, other_employee)
        path, body = endpoint.request(scene)
        refused_before = api.audit_count(actor_id=scene.person, outcome="refused")
        response = api.as_(scene.person).request(endpoint.method, path, json=body)
        refused = api.audit_count(actor_id=scene.person, outcome="refused") - refused_before
        expected = endpoint.expect(role)
        json_body = response.content and "json" in response.headers.get("content-type", "")  # not the CSV
        got = outcome(response.status_code, refused, response.json().get("code") if json_body else None)
        if got != expected:
            wrong.append(
                f"{role}: expected {expected}, got {response.status_code} ({refused} refusal(s) audited) "
                f"{response.text[:200]}"
            )
    assert not wrong, "\n".join(wrong)


def outcome(status: int, refused_events: int, code: str | None) -> str:
    assert status < 500, "a server error is never an answer"
    if status in (403, 409) and refused_events == 1:
        return DENY
    if status == 404 and refused_events == 1:
        return HIDDEN
    if status == 404 and refused_events == 0:
        return ABSENT
    if status not in (401, 403) and refused_events == 0:
        return ALLOW
    return f"inconsistent (status {status}, {refused_events} refusals audited)"


# A participant's basis must hold when it is recorded (issue 13): for those the policy lets through,
# the rule answers; everyone else is refused by the policy first.
BASES = [
    ({"unit_id": HEALTH, "basis": "consent"}, 409, "rule_refused"),  # no consent in force names it
    ({"unit_id": HEALTH, "basis": "report_duty"}, 422, "invalid_input"),  # child welfare's basis only
    ({"unit_id": HEALTH, "basis": "owner"}, 422, "invalid_input"),  # the owner is there from the start
    ({"unit_id": PPT, "basis": "consent"}, 409, "already_participant"),  # on its (maybe lapsed) consent
]


@pytest.mark.parametrize("body,status,code", BASES, ids=lambda v: str(v))
def test_a_participant_basis_must_hold_when_it_is_recorded(
    body: dict, status: int, code: str, api: Api, world: World, other_employee: str
) -> None:
    wrong = []
    for role in ROLES:
        scene = make_scene(world, role, other_employee)
        response = api.as_(scene.person).post(f"{A}/cases/{scene.case_id}/participants", json=body)
        expected = (status, code) if role in CASE_WORKERS else (404, "") if role in UNAWARE else (403, "")
        got = (response.status_code, response.json()["code"] if expected[1] else "")
        if got != expected:
            wrong.append(f"{role}: expected {expected}, got {got} {response.text[:200]}")
    assert not wrong, "\n".join(wrong)


def test_child_welfare_joins_on_the_duty_to_report_without_consent(
    api: Api, world: World, other_employee: str
) -> None:
    scene = make_scene(world, TEACHER, other_employee)
    body = {"unit_id": CHILD_WELFARE, "basis": "report_duty"}
    made = api.as_(scene.person).post(f"{A}/cases/{scene.case_id}/participants", json=body)
    assert made.status_code == 201 and made.json()["status"] == "active", made.text


def test_an_id_token_opens_no_endpoint(world: World, other_employee: str) -> None:
    """The login's ID token, sent as a bearer token through the real identity layer, is refused (401) on
    every endpoint of the matrix, for the person it was issued to (a case worker who may otherwise act)."""
    from litestar.testing import TestClient

    from core.app import create_app
    from tests.test_auth_local import pkce_tokens

    base = "http://testserver.local"
    with TestClient(create_app(world.platform, public_url=base), base_url=base) as client:
        client.follow_redirects = False
        answer, _ = pkce_tokens(client, base, world.teacher)
        headers = {"Authorization": f"Bearer {answer.json()['id_token']}"}
        wrong = []
        for endpoint in ENDPOINTS:
            path, body = endpoint.request(make_scene(world, TEACHER, other_employee))
            response = client.request(endpoint.method, path, json=body, headers=headers)
            append_only = response.status_code == 405 and endpoint.method in ("PUT", "PATCH", "DELETE")
            if response.status_code != 401 and not append_only:  # 405: the log is never changed, by anyone
                wrong.append(f"{endpoint.key}: {response.status_code} {response.text[:120]}")
        assert not wrong, "\n".join(wrong)
