"""The school roster: units, pupils, guardians, employees, classes and contact teachers from a source system.

An adapter streams what a school administration system says, in this module's own vocabulary
(``Org``, ``User``, ``Role``, ``Group``, ``Enrollment``, ``BirthDate``), into a ``RosterImport``.
Rows go into temporary staging tables, so memory stays flat however large the source. Nothing
real is written until ``finish``: it checks every reference and identity number, then applies
only what differs from the last import (a digest per source row), through the policy and audited,
and raises ``RosterRefused`` listing every problem with its file and line when anything is wrong,
so the unit of work rolls back whole. Ending a link (a pupil leaves a school, a teacher a class)
never deletes a person or touches a case.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

import sqlalchemy as sa
from sqlalchemy import and_, delete, exists, func, not_, select

from contracts import PersonKind, ServiceType, UnitRole
from core.domain import national_id
from core.domain.policy import Action
from core.errors import InvalidInput
from core.ids import new_id
from core.storage import models as m
from core.storage.roster_models import (
    ClassMemberRow,
    RosterRecordRow,
    RosterSourceRow,
    SchoolClassRow,
    SchoolEnrollmentRow,
)

if TYPE_CHECKING:
    from core.platform import Work

Mode = Literal["bulk", "delta", "absent"]
RoleKind = Literal["pupil", "guardian", "relative", "staff", "leader"]
SEP = "\x1f"  # joins source identifiers into one key; never part of an identifier
PAGE = 1000
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
        more = f" (viser de første {len(problems)})" if total > len(problems) else ""
        lines = "\n".join(f"  {p}" for p in problems)
        super().__init__(
            f"Importen ble avvist med {total} feil{more}; ingenting er endret.\n{lines}",
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


@dataclass(frozen=True, slots=True)
class ContactTeacher:
    teacher_id: str
    class_id: str
    class_name: str
    unit_id: str


@dataclass(frozen=True, slots=True)
class SchoolLink:
    unit_id: str
    active: bool
    since: dt.datetime
    ended_at: dt.datetime | None


Progress = Callable[[str, int, int], None]  # phase, done, total


# --- staging --------------------------------------------------------------------------------

_stage = sa.MetaData()


def _table(name: str, *columns: sa.Column) -> sa.Table:
    return sa.Table(
        f"roster_stage_{name}",
        _stage,
        sa.Column("seq", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("origin", sa.String),
        *columns,
        prefixes=["TEMPORARY"],
        postgresql_on_commit="DROP",
    )


ST_ORG = _table(
    "org",
    sa.Column("sid", sa.String),
    sa.Column("active", sa.Integer),
    sa.Column("name", sa.String),
    sa.Column("service_type", sa.String),
    sa.Column("orgnr", sa.String),
)
ST_USER = _table(
    "user",
    sa.Column("sid", sa.String),
    sa.Column("active", sa.Integer),
    sa.Column("given", sa.String),
    sa.Column("family", sa.String),
    sa.Column("nin", sa.String),
    sa.Column("birth", sa.Date),
    sa.Column("email", sa.String),
    sa.Column("phone", sa.String),
)
ST_AGENT = _table("agent", sa.Column("user_sid", sa.String), sa.Column("agent_sid", sa.String))


def _role_columns() -> list[sa.Column]:
    """A person's role at an org: staged per source row, then aggregated per (user, org, group)."""
    return [
        sa.Column("user_sid", sa.String),
        sa.Column("org_sid", sa.String),
        sa.Column("grp", sa.String),
        sa.Column("leader", sa.Integer),
        sa.Column("responsible", sa.Integer),
        sa.Column("active", sa.Integer),
    ]


ST_ROLE = _table("role", *_role_columns())
ST_ROLE_AGG = _table("role_agg", *_role_columns())
ST_CLASS = _table(
    "class",
    sa.Column("sid", sa.String),
    sa.Column("active", sa.Integer),
    sa.Column("org_sid", sa.String),
    sa.Column("title", sa.String),
    sa.Column("homeroom", sa.Integer),
)
ST_ENROL = _table(
    "enrol",
    sa.Column("sid", sa.String),
    sa.Column("active", sa.Integer),
    sa.Column("class_sid", sa.String),
    sa.Column("user_sid", sa.String),
    sa.Column("role", sa.String),
    sa.Column("is_primary", sa.Integer),
)
ST_BIRTH = _table("birth", sa.Column("user_sid", sa.String), sa.Column("birth", sa.Date))
ST_SEEN = _table("seen", sa.Column("kind", sa.String), sa.Column("sid", sa.String))
ST_ROLE_OWNER = _table("role_owner", sa.Column("user_sid", sa.String))  # users whose roles are all listed
STAGE_INDEXES = [  # created with their tables
    sa.Index("ix_roster_stage_org_sid", ST_ORG.c.sid),
    sa.Index("ix_roster_stage_user_sid", ST_USER.c.sid),
    sa.Index("ix_roster_stage_user_nin", ST_USER.c.nin),
    sa.Index("ix_roster_stage_role_user", ST_ROLE.c.user_sid, ST_ROLE.c.grp),
    sa.Index("ix_roster_stage_role_agg_user", ST_ROLE_AGG.c.user_sid, ST_ROLE_AGG.c.grp),
    sa.Index("ix_roster_stage_class_sid", ST_CLASS.c.sid),
    sa.Index("ix_roster_stage_enrol_sid", ST_ENROL.c.sid),
    sa.Index("ix_roster_stage_seen", ST_SEEN.c.kind, ST_SEEN.c.sid),
]


def digest(*values: object) -> str:
    text = SEP.join("" if v is None else str(v) for v in values)
    return hashlib.md5(text.encode(), usedforsecurity=False).hexdigest()


def key(*parts: str) -> str:
    return SEP.join(parts)


class RosterService:
    """Reads of the roster for the rest of Stafett, and the door to an import."""

    def __init__(self, work: Work) -> None:
        self.work = work

    def begin(self, source: str, modes: dict[str, Mode], *, progress: Progress | None = None) -> RosterImport:
        """Start an import from ``source`` (the system's name).

        ``modes`` per entity (orgs, users, roles, classes, enrollments): "bulk" (everything; what is
        missing has ended), "delta" (only changes) or "absent".
        """
        return RosterImport(self.work, source, modes, progress)

    def contact_teachers(self, child_id: str) -> list[ContactTeacher]:
        """The primary teachers of the child's active homeroom classes (all of them if none is primary)."""
        self.work.authorize(Action.READ_PERSON, subject_id=child_id)
        session = self.work.session
        pupil, teacher = sa.orm.aliased(ClassMemberRow), sa.orm.aliased(ClassMemberRow)
        rows = session.execute(
            select(teacher.person_id, teacher.is_primary, SchoolClassRow)
            .join(pupil, pupil.class_id == SchoolClassRow.id)
            .join(teacher, teacher.class_id == SchoolClassRow.id)
            .where(
                pupil.person_id == child_id,
                pupil.role == "pupil",
                pupil.active,
                teacher.role == "teacher",
                teacher.active,
                SchoolClassRow.homeroom,
                SchoolClassRow.active,
                SchoolClassRow.municipality_id == self.work.municipality_id,
            )
            .order_by(SchoolClassRow.name, teacher.person_id)
        ).all()
        primary_classes = {c.id for _, is_primary, c in rows if is_primary}
        return [
            ContactTeacher(teacher_id=t, class_id=c.id, class_name=c.name, unit_id=c.unit_id)
            for t, is_primary, c in rows
            if is_primary or c.id not in primary_classes
        ]

    def school_links(self, child_id: str) -> list[SchoolLink]:
        """The schools and kindergartens a child is or was enrolled at."""
        self.work.authorize(Action.READ_PERSON, subject_id=child_id)
        rows = self.work.session.scalars(
            select(SchoolEnrollmentRow)
            .where(SchoolEnrollmentRow.person_id == child_id)
            .order_by(SchoolEnrollmentRow.since)
        )
        return [SchoolLink(r.unit_id, r.active, r.since, r.ended_at) for r in rows]

    def delta_since(self, source: str) -> dt.datetime | None:
        row = self.work.session.get(RosterSourceRow, (self.work.municipality_id, source))
        return row.delta_since if row else None


class RosterImport:
    """One import: stage rows with ``add``, then ``finish`` checks and applies them, or refuses them all."""

    def __init__(self, work: Work, source: str, modes: dict[str, Mode], progress: Progress | None) -> None:
        if not source or len(source) > 200:
            raise InvalidInput("Kildesystemet må ha et navn (høyst 200 tegn).", field="source")
        self.work, self.session, self.source = work, work.session, source
        self.municipality_id = work.municipality_id
        self.modes = {k: modes.get(k, "absent") for k in ("orgs", "users", "roles", "classes", "enrollments")}
        self.progress = progress or (lambda phase, done, total: None)
        self.allow_synthetic = work.platform.municipality(self.municipality_id).allow_synthetic_national_ids
        self.configured_units = {u.id for u in work.platform.municipality(self.municipality_id).units}
        self.problems: list[Problem] = []
        self._to_authorize: set[str] = set()
        self.problem_count = 0
        self.summary = Summary()
        self.delta_since: dt.datetime | None = None
        self._buffers: dict[sa.Table, list[dict[str, Any]]] = {}
        connection = self.session.connection()
        for table in _stage.sorted_tables:
            table.drop(connection, checkfirst=True)
            table.create(connection)

    # --- staging ---------------------------------------------------------------------------

    def problem(self, origin: str, reason: str) -> None:
        """Record a fault; the import will be refused. Adapters report their own (format) faults here."""
        self.problem_count += 1
        if len(self.problems) < MAX_PROBLEMS:
            self.problems.append(Problem(origin, reason))

    def roles_complete_for(self, user: str) -> None:
        """The user's roles in this import are all they have: in a delta, any other role has ended."""
        self._stage(ST_ROLE_OWNER, origin="", user_sid=user)

    def add(self, record: Org | User | Role | Group | Enrollment | BirthDate) -> None:
        match record:
            case Org():
                self._add_org(record)
            case User():
                self._add_user(record)
            case Role():
                group = GROUP_OF_ROLE[record.role]
                self._stage(
                    ST_ROLE,
                    origin=record.origin,
                    user_sid=record.user,
                    org_sid=record.org,
                    grp=group,
                    leader=int(record.role == "leader"),
                    responsible=int(record.role == "guardian"),
                    active=int(record.active),
                )
            case Group():
                if self._required(
                    record.origin, sourcedId=record.sourced_id, org=record.org, title=record.title
                ):
                    self._stage(
                        ST_CLASS,
                        origin=record.origin,
                        sid=record.sourced_id,
                        active=int(record.active),
                        org_sid=record.org,
                        title=record.title.strip()[:300],
                        homeroom=int(record.homeroom),
                    )
            case Enrollment():
                if self._required(
                    record.origin, sourcedId=record.sourced_id, cls=record.group, user=record.user
                ):
                    self._stage(
                        ST_ENROL,
                        origin=record.origin,
                        sid=record.sourced_id,
                        active=int(record.active),
                        class_sid=record.group,
                        user_sid=record.user,
                        role=record.role,
                        is_primary=int(record.primary),
                    )
            case BirthDate():
                self._stage(ST_BIRTH, origin=record.origin, user_sid=record.user, birth=record.birth_date)
            case _:
                raise TypeError(f"not a roster record: {record!r}")

    def _required(self, origin: str, **values: str) -> bool:
        missing = [name for name, value in values.items() if not (value or "").strip()]
        for name in missing:
            self.problem(origin, f"feltet «{name}» mangler verdi")
        return not missing

    def _add_org(self, org: Org) -> None:
        if not self._required(org.origin, sourcedId=org.sourced_id, name=org.name):
            return
        orgnr = (org.organization_number or "").strip() or None
        if org.active and org.service_type is not None and orgnr is not None:
            from core.config import valid_organization_number

            if not valid_organization_number(orgnr):
                self.problem(org.origin, f"«{orgnr}» er ikke et gyldig organisasjonsnummer")
        self._stage(
            ST_ORG,
            origin=org.origin,
            sid=org.sourced_id,
            active=int(org.active),
            name=org.name.strip(),
            service_type=org.service_type and str(org.service_type),
            orgnr=orgnr,
        )

    def _add_user(self, user: User) -> None:
        if not self._required(user.origin, sourcedId=user.sourced_id):
            return
        if user.active and not self._required(
            user.origin, givenName=user.given_name, familyName=user.family_name
        ):
            return
        nin, birth = ("".join((user.national_id or "").split()) or None), None
        if nin is not None:
            try:
                birth = national_id.validate(nin, allow_synthetic=self.allow_synthetic).birth_date
            except national_id.InvalidNationalId as exc:
                self.problem(user.origin, f"fødselsnummeret til «{user.sourced_id}» er ugyldig: {exc}")
                return
        self._stage(
            ST_USER,
            origin=user.origin,
            sid=user.sourced_id,
            active=int(user.active),
            given=user.given_name.strip()[:300],
            family=user.family_name.strip()[:300],
            nin=nin,
            birth=birth,
            email=(user.email or "").strip()[:300] or None,
            phone=(user.phone or "").strip()[:40] or None,
        )
        if user.active:
            for agent in dict.fromkeys(a for a in user.agents if a):
                self._stage(ST_AGENT, origin=user.origin, user_sid=user.sourced_id, agent_sid=agent)

    def _stage(self, table: sa.Table, **row: Any) -> None:
        buffer = self._buffers.setdefault(table, [])
        buffer.append(row)
        if len(buffer) >= PAGE:
            self._flush_stage(table)

    def _flush_stage(self, table: sa.Table) -> None:
        if rows := self._buffers.get(table):
            self.session.execute(table.insert(), rows)
            rows.clear()

    # --- finish ----------------------------------------------------------------------------

    def finish(self) -> Summary:
        """Check everything, apply the differences, and return what changed; raises ``RosterRefused``."""
        for table in list(self._buffers):
            self._flush_stage(table)
        self.session.execute(
            ST_ROLE_AGG.insert().from_select(
                ["origin", "user_sid", "org_sid", "grp", "leader", "responsible", "active"],
                select(
                    func.min(ST_ROLE.c.origin),
                    ST_ROLE.c.user_sid,
                    ST_ROLE.c.org_sid,
                    ST_ROLE.c.grp,
                    func.max(ST_ROLE.c.leader),
                    func.max(ST_ROLE.c.responsible),
                    func.max(ST_ROLE.c.active),
                ).group_by(ST_ROLE.c.user_sid, ST_ROLE.c.org_sid, ST_ROLE.c.grp),
            )
        )
        self._validate()
        self._refuse_if_problems()
        self._apply_orgs()
        self._apply_users()
        self._apply_roles()
        self._apply_agents()
        self._apply_classes()
        self._apply_enrollments()
        self._end_missing()
        self._authorize_pending()
        self._refuse_if_problems()
        source = self.session.get(RosterSourceRow, (self.municipality_id, self.source))
        if source is None:
            source = RosterSourceRow(municipality_id=self.municipality_id, name=self.source)
            self.session.add(source)
        source.last_import_at = self.work.now
        if self.delta_since is not None:
            source.delta_since = self.delta_since
        self.session.flush()
        for table in reversed(_stage.sorted_tables):
            table.drop(self.session.connection())
        return self.summary

    def _refuse_if_problems(self) -> None:
        if self.problem_count:
            self.summary.refused = self.problem_count
            raise RosterRefused(self.problems, self.problem_count)

    # --- checks: all of them, before anything is written -----------------------------------

    def _known(self, sid: sa.ColumnElement, kinds: Sequence[str]) -> sa.ColumnElement[bool]:
        r = RosterRecordRow
        return exists().where(
            r.municipality_id == self.municipality_id,
            r.source == self.source,
            r.kind.in_(kinds),
            r.sourced_id == sid,
            r.active,
        )

    def _check_refs(
        self, table: sa.Table, column: sa.Column, target: sa.Table, kinds: Sequence[str], what: str
    ) -> None:
        """Active rows referring to neither an active row of the package nor (if not in it) a known one."""
        t = target.alias()
        staged_any = exists().where(t.c.sid == column)
        staged_active = exists().where(t.c.sid == column, t.c.active == 1)
        rows = self.session.execute(
            select(table.c.origin, column, staged_any)
            .where(table.c.active == 1, not_(staged_active), staged_any | not_(self._known(column, kinds)))
            .order_by(table.c.seq)
            .limit(MAX_PROBLEMS)
        )
        for origin, sid, deleted in rows:
            state = "som er merket tobedeleted" if deleted else "som ikke finnes i pakken eller fra før"
            self.problem(origin, f"viser til {what} «{sid}», {state}")

    def _validate(self) -> None:
        s = self.session
        for table, what in (
            (ST_ORG, "org"),
            (ST_USER, "user"),
            (ST_CLASS, "class"),
            (ST_ENROL, "enrollment"),
        ):
            dup = select(table.c.sid).group_by(table.c.sid).having(func.count() > 1)
            first = select(table.c.sid, func.min(table.c.seq).label("seq")).group_by(table.c.sid).subquery()
            rows = s.execute(
                select(table.c.origin, table.c.sid, first.c.seq)
                .join(first, first.c.sid == table.c.sid)
                .where(table.c.sid.in_(dup), table.c.seq != first.c.seq)
                .order_by(table.c.seq)
                .limit(MAX_PROBLEMS)
            )
            for origin, sid, _ in rows:
                self.problem(origin, f"{what} med sourcedId «{sid}» står mer enn én gang")
        self._check_refs(ST_ROLE, ST_ROLE.c.user_sid, ST_USER, PERSON_KINDS, "brukeren")
        self._check_refs(ST_ROLE, ST_ROLE.c.org_sid, ST_ORG, ("org",), "org")
        self._check_agent_refs()
        self._check_refs(ST_CLASS, ST_CLASS.c.org_sid, ST_ORG, ("org",), "skolen (org)")
        self._check_refs(ST_ENROL, ST_ENROL.c.class_sid, ST_CLASS, ("class",), "klassen")
        self._check_refs(ST_ENROL, ST_ENROL.c.user_sid, ST_USER, PERSON_KINDS, "brukeren")
        u = ST_USER
        missing_user = not_(exists().where(u.c.sid == ST_BIRTH.c.user_sid)) & not_(
            self._known(ST_BIRTH.c.user_sid, PERSON_KINDS)
        )
        for origin, sid in s.execute(
            select(ST_BIRTH.c.origin, ST_BIRTH.c.user_sid).where(missing_user).limit(MAX_PROBLEMS)
        ):
            self.problem(origin, f"viser til brukeren «{sid}», som ikke finnes i pakken eller fra før")
        for origin, sid in s.execute(
            select(ST_BIRTH.c.origin, ST_BIRTH.c.user_sid)
            .join(u, u.c.sid == ST_BIRTH.c.user_sid)
            .where(u.c.birth.is_not(None), u.c.birth != ST_BIRTH.c.birth)
            .limit(MAX_PROBLEMS)
        ):
            self.problem(origin, f"fødselsdatoen til «{sid}» stemmer ikke med fødselsnummeret")
        pupil = exists().where(ST_ROLE.c.user_sid == u.c.sid, ST_ROLE.c.grp == "pupil", ST_ROLE.c.active == 1)
        for origin, sid in s.execute(
            select(u.c.origin, u.c.sid).where(u.c.active == 1, u.c.nin.is_(None), pupil).limit(MAX_PROBLEMS)
        ):
            self.problem(origin, f"eleven «{sid}» mangler fødselsnummer eller D-nummer")
        dup_nin = select(u.c.nin).where(u.c.nin.is_not(None)).group_by(u.c.nin).having(func.count() > 1)
        first = select(u.c.nin, func.min(u.c.seq).label("seq")).group_by(u.c.nin).subquery()
        f = ST_USER.alias("f")
        for origin, sid, first_sid in s.execute(
            select(u.c.origin, u.c.sid, f.c.sid)
            .join(first, first.c.nin == u.c.nin)
            .join(f, f.c.seq == first.c.seq)
            .where(u.c.nin.in_(dup_nin), u.c.seq != first.c.seq)
            .order_by(u.c.seq)
            .limit(MAX_PROBLEMS)
        ):
            self.problem(origin, f"«{sid}» har samme fødselsnummer som «{first_sid}»")

    def _check_agent_refs(self) -> None:
        t = ST_USER.alias()
        column = ST_AGENT.c.agent_sid
        staged_any = exists().where(t.c.sid == column)
        staged_active = exists().where(t.c.sid == column, t.c.active == 1)
        rows = self.session.execute(
            select(ST_AGENT.c.origin, column, staged_any)
            .where(not_(staged_active), staged_any | not_(self._known(column, PERSON_KINDS)))
            .order_by(ST_AGENT.c.seq)
            .limit(MAX_PROBLEMS)
        )
        for origin, sid, deleted in rows:
            state = "som er merket tobedeleted" if deleted else "som ikke finnes i pakken eller fra før"
            self.problem(origin, f"agentSourcedIds viser til brukeren «{sid}», {state}")

    # --- apply -----------------------------------------------------------------------------

    def _pages(self, table: sa.Table, phase: str) -> Iterator[list[sa.Row]]:
        total = self.session.scalar(select(func.count()).select_from(table)) or 0
        done, last = 0, 0
        while True:
            rows = self.session.execute(
                select(table).where(table.c.seq > last).order_by(table.c.seq).limit(PAGE)
            ).all()
            if not rows:
                return
            with self.session.no_autoflush:  # a flush per lookup would cost more than the page's writes
                yield rows
            done, last = done + len(rows), rows[-1].seq
            self.session.flush()  # the page's writes first, so each audit append flushes only itself
            self._authorize_pending()
            self.session.flush()
            self.session.expunge_all()  # the identity map would otherwise hold every row of the import
            self.progress(phase, done, total)

    def _records(
        self, kind: str | Sequence[str], sids: Sequence[str]
    ) -> dict[tuple[str, str], RosterRecordRow]:
        kinds = [kind] if isinstance(kind, str) else list(kind)
        if not sids:
            return {}
        r = RosterRecordRow
        rows = self.session.scalars(
            select(r).where(
                r.municipality_id == self.municipality_id,
                r.source == self.source,
                r.kind.in_(kinds),
                r.sourced_id.in_(set(sids)),
            )
        )
        return {(row.kind, row.sourced_id): row for row in rows}

    def _preload(self, model: type, column: sa.Column, ids: Sequence[str | None]) -> None:
        """Load a page's link rows in one query, so the lookups row by row hit the identity map."""
        if wanted := {i for i in ids if i}:
            self.session.scalars(select(model).where(column.in_(wanted))).all()

    def _record(
        self,
        existing: RosterRecordRow | None,
        kind: str,
        sid: str,
        target: str | None,
        other: str | None,
        dig: str,
    ) -> RosterRecordRow:
        row = existing or RosterRecordRow(
            municipality_id=self.municipality_id, source=self.source, kind=kind, sourced_id=sid
        )
        row.target_id, row.other_id, row.digest, row.active = target, other, dig, True
        if existing is None:
            self.session.add(row)
        return row

    def _seen(self, kind: str, sids: Sequence[str]) -> None:
        if sids:
            self.session.execute(ST_SEEN.insert(), [{"kind": kind, "sid": sid} for sid in sids])

    def _write_person(self, subject_id: str) -> None:
        """Note a write of this person's data; ``_authorize_pending`` asks the policy before flushing."""
        self._to_authorize.add(subject_id)

    def _authorize_pending(self) -> None:
        """One policy decision and audit event per person whose data this import changes, not one per row."""
        if not self._to_authorize:
            return
        ids = sorted(self._to_authorize)
        self._to_authorize.clear()
        seen = ST_SEEN.c.kind == "authorized"
        done = set(self.session.scalars(select(ST_SEEN.c.sid).where(seen, ST_SEEN.c.sid.in_(ids))))
        new = [i for i in ids if i not in done]
        for subject_id in new:
            self.work.authorize(Action.WRITE_PERSON, subject_id=subject_id)
        self._seen("authorized", new)

    def _apply_orgs(self) -> None:
        for page in self._pages(ST_ORG, "enheter"):
            records = self._records("org", [r.sid for r in page])
            seen = []
            for row in page:
                record = records.get(("org", row.sid))
                if not row.active:
                    if record is not None and record.active:
                        self._end("org", record)
                    continue
                seen.append(row.sid)
                dig = digest(row.name, row.service_type, row.orgnr)
                if record is not None and record.active and record.digest == dig:
                    if row.service_type:
                        self.summary.add("units", "unchanged")
                    continue
                unit_id = self._unit_for(row, record) if row.service_type else None
                self._record(record, "org", row.sid, unit_id, None, dig)
            self._seen("org", seen)

    def _unit_for(self, row: sa.Row, record: RosterRecordRow | None) -> str:
        session = self.session
        unit = session.get(m.UnitRow, record.target_id) if record and record.target_id else None
        if unit is None and row.orgnr:
            unit = session.scalar(
                select(m.UnitRow).where(
                    m.UnitRow.municipality_id == self.municipality_id,
                    m.UnitRow.organization_number == row.orgnr,
                )
            )
        if unit is None:
            unit_id = self._new_unit_id(row.name)
            self.work.authorize(Action.MANAGE_UNITS, unit_id=unit_id)
            unit = m.UnitRow(
                id=unit_id,
                municipality_id=self.municipality_id,
                name=row.name[:300],
                service_type=row.service_type,
                organization_number=row.orgnr,
                active=True,
            )
            session.add(unit)
            session.flush()
            self.summary.add("units", "created")
        elif unit.id not in self.configured_units and (unit.name, unit.organization_number) != (
            row.name[:300],
            row.orgnr,
        ):
            self.work.authorize(Action.MANAGE_UNITS, unit_id=unit.id)
            unit.name, unit.organization_number = row.name[:300], row.orgnr
            self.summary.add("units", "updated")
        else:
            self.summary.add("units", "unchanged")
        return unit.id

    def _new_unit_id(self, name: str) -> str:
        text = name.lower().replace("æ", "ae").replace("ø", "o").replace("å", "a")
        text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
        base = re.sub(r"[^a-z0-9]+", "-", text).strip("-")[:56] or "enhet"
        candidate, n = base, 1
        while self.session.get(m.UnitRow, candidate) is not None:
            n += 1
            candidate = f"{base}-{n}"
        return candidate

    def _apply_users(self) -> None:
        for page in self._pages(ST_USER, "personer"):
            sids = [r.sid for r in page]
            records = self._records(PERSON_KINDS, sids)
            groups = self.session.execute(
                select(ST_ROLE_AGG.c.user_sid, ST_ROLE_AGG.c.grp).where(
                    ST_ROLE_AGG.c.user_sid.in_(sids), ST_ROLE_AGG.c.active == 1
                )
            ).all()
            kinds: dict[str, set[str]] = {}
            for sid, grp in groups:
                kinds.setdefault(sid, set()).add(KIND_OF_GROUP[grp])
            for (kind, sid), record in records.items():
                if record.active:
                    kinds.setdefault(sid, set()).add(kind)
            nins = [r.nin for r in page if r.nin]
            by_nin = (
                {
                    p.national_id: p
                    for p in self.session.scalars(
                        select(m.PersonRow).where(
                            m.PersonRow.municipality_id == self.municipality_id,
                            m.PersonRow.national_id.in_(nins),
                        )
                    )
                }
                if nins
                else {}
            )
            seen: dict[str, list[str]] = {k: [] for k in PERSON_KINDS}
            for row in page:
                for kind in sorted(kinds.get(row.sid, ())):
                    record = records.get((kind, row.sid))
                    if not row.active:
                        if record is not None and record.active:
                            self._end(kind, record)
                        continue
                    seen[kind].append(row.sid)
                    self._upsert_person(kind, row, record, by_nin)
            for kind, sids_seen in seen.items():
                self._seen(kind, sids_seen)

    def _upsert_person(self, kind: str, row: sa.Row, record: RosterRecordRow | None, by_nin: dict) -> None:
        entity = ENTITY_OF_KIND[kind]
        nin = row.nin if kind != "employee" else None
        email, phone = row.email, row.phone if kind == "guardian" else None
        dig = digest(row.given, row.family, nin, email, phone)
        if record is not None and record.active and record.digest == dig:
            self.summary.add(entity, "unchanged")
            return
        person = self.session.get(m.PersonRow, record.target_id) if record else None
        match = by_nin.get(nin) if nin else None
        if match is not None and (person is None or match.id != person.id):
            if match.kind != {"child": PersonKind.CHILD, "guardian": PersonKind.GUARDIAN}[kind] or person:
                self.problem(row.origin, f"fødselsnummeret til «{row.sid}» tilhører allerede en annen person")
                return
            person = match
        if kind == "child" and nin is None and (person is None or person.national_id is None):
            self.problem(row.origin, f"eleven «{row.sid}» mangler fødselsnummer eller D-nummer")
            return
        values = {"given_name": row.given, "family_name": row.family, "email": email, "active": True}
        if kind == "guardian":
            values["phone"] = phone
        if nin is not None:
            values |= {"national_id": nin, "birth_date": row.birth}
        if person is None:
            person_id = new_id()
            self._write_person(person_id)
            pkind = {"child": PersonKind.CHILD, "guardian": PersonKind.GUARDIAN}.get(
                kind, PersonKind.EMPLOYEE
            )
            person = m.PersonRow(
                id=person_id,
                municipality_id=self.municipality_id,
                kind=str(pkind),
                created_at=self.work.now,
                **values,
            )
            self.session.add(person)
            self.summary.add(entity, "created")
        elif any(getattr(person, name) != value for name, value in values.items()):
            self._write_person(person.id)
            for name, value in values.items():
                setattr(person, name, value)
            self.summary.add(entity, "updated")
        else:
            self.summary.add(entity, "unchanged")
        self._record(record, kind, row.sid, person.id, None, dig)

    def _apply_roles(self) -> None:
        for page in self._pages(ST_ROLE_AGG, "roller"):
            keys = [key(r.user_sid, r.org_sid, r.grp) for r in page]
            records = self._records("role", keys)
            people = self._records(PERSON_KINDS, [r.user_sid for r in page])
            orgs = self._records("org", [r.org_sid for r in page])
            person_ids = [p.target_id for p in people.values()]
            self._preload(SchoolEnrollmentRow, SchoolEnrollmentRow.person_id, person_ids)
            self._preload(m.UnitMembershipRow, m.UnitMembershipRow.person_id, person_ids)
            seen = []
            for row, k in zip(page, keys, strict=True):
                record = records.get(("role", k))
                if not row.active:
                    if record is not None and record.active:
                        self._end("role", record)
                    continue
                org = orgs.get(("org", row.org_sid))
                if org is None or org.target_id is None:
                    continue  # a role at the district or a department: not a unit of Stafett
                person = people.get((KIND_OF_GROUP[row.grp], row.user_sid))
                if person is None or not person.active:
                    self.problem(row.origin, f"brukeren «{row.user_sid}» må stå i users.csv når rollen er ny")
                    continue
                seen.append(k)
                if row.grp == "guardian":
                    if record is None or not record.active or record.digest != digest(row.responsible):
                        self._record(
                            record, "role", k, person.target_id, org.target_id, digest(row.responsible)
                        )
                    continue
                dig = digest(person.target_id, org.target_id, row.leader)
                if record is not None and record.active and record.digest == dig:
                    self.summary.add("school_links" if row.grp == "pupil" else "staff_links", "unchanged")
                    continue
                if (
                    record is not None
                    and record.active
                    and (record.target_id, record.other_id) != (person.target_id, org.target_id)
                ):
                    self._end("role", record)
                self._link(row.grp, person.target_id, org.target_id, bool(row.leader))
                self._record(record, "role", k, person.target_id, org.target_id, dig)
            self._seen("role", seen)

    def _link(self, group: str, person_id: str, unit_id: str, leader: bool) -> None:
        session = self.session
        if group == "pupil":
            link = session.get(SchoolEnrollmentRow, (person_id, unit_id))
            if link is not None and link.active:
                self.summary.add("school_links", "unchanged")
                return
            self._write_person(person_id)
            if link is None:
                session.add(
                    SchoolEnrollmentRow(
                        person_id=person_id, unit_id=unit_id, active=True, since=self.work.now, ended_at=None
                    )
                )
                self.summary.add("school_links", "created")
            else:
                link.active, link.since, link.ended_at = True, self.work.now, None
                self.summary.add("school_links", "updated")
            return
        role = str(UnitRole.UNIT_LEADER if leader else UnitRole.EMPLOYEE)
        membership = session.get(m.UnitMembershipRow, (person_id, unit_id))
        if membership is not None and membership.role == role:
            self.summary.add("staff_links", "unchanged")
            return
        self._write_person(person_id)
        if membership is None:
            session.add(m.UnitMembershipRow(person_id=person_id, unit_id=unit_id, role=role))
            self.summary.add("staff_links", "created")
        else:
            membership.role = role
            self.summary.add("staff_links", "updated")

    def _apply_agents(self) -> None:
        for page in self._pages(ST_AGENT, "foresatte"):
            sids = [r.user_sid for r in page] + [r.agent_sid for r in page]
            people = self._records(("child", "guardian"), sids)
            pairs: dict[str, tuple[sa.Row, str, str, str]] = {}
            for row in page:
                a, b = row.user_sid, row.agent_sid
                for child_sid, guardian_sid in ((a, b), (b, a)):
                    child, guardian = people.get(("child", child_sid)), people.get(("guardian", guardian_sid))
                    if child and guardian and child.active and guardian.active:
                        pairs[key(child_sid, guardian_sid)] = (
                            row,
                            child.target_id,
                            guardian.target_id,
                            guardian_sid,
                        )
                        break
                else:
                    self.problem(row.origin, f"«{a}» og «{b}» er ikke elev og foresatt (agentSourcedIds)")
            if not pairs:
                continue
            records = self._records("agent", list(pairs))
            self._preload(m.GuardianshipRow, m.GuardianshipRow.child_id, [c for _, c, _, _ in pairs.values()])
            guardians = {g for _, _, _, g in pairs.values()}
            query = (
                select(ST_ROLE_AGG.c.user_sid, func.max(ST_ROLE_AGG.c.responsible))
                .where(
                    ST_ROLE_AGG.c.user_sid.in_(guardians),
                    ST_ROLE_AGG.c.grp == "guardian",
                    ST_ROLE_AGG.c.active == 1,
                )
                .group_by(ST_ROLE_AGG.c.user_sid)
            )
            responsible = {sid: flag for sid, flag in self.session.execute(query)}
            for k, (_row, child_id, guardian_id, guardian_sid) in pairs.items():
                record = records.get(("agent", k))
                link = self.session.get(m.GuardianshipRow, (child_id, guardian_id))
                if guardian_sid in responsible:
                    parental = bool(responsible[guardian_sid])
                else:  # the guardian's roles are not in this delta: keep what is known
                    parental = link.parental_responsibility if link is not None else True
                dig = digest(child_id, guardian_id, parental)
                if record is not None and record.digest == dig:
                    self.summary.add("guardian_links", "unchanged")
                    continue
                if link is None:
                    self._write_person(child_id)
                    self.session.add(
                        m.GuardianshipRow(
                            child_id=child_id, guardian_id=guardian_id, parental_responsibility=parental
                        )
                    )
                    self.summary.add("guardian_links", "created")
                elif link.parental_responsibility != parental:
                    self._write_person(child_id)
                    link.parental_responsibility = parental
                    self.summary.add("guardian_links", "updated")
                else:
                    self.summary.add("guardian_links", "unchanged")
                self._record(record, "agent", k, child_id, guardian_id, dig)

    def _apply_classes(self) -> None:
        for page in self._pages(ST_CLASS, "klasser"):
            records = self._records("class", [r.sid for r in page])
            orgs = self._records("org", [r.org_sid for r in page])
            seen = []
            for row in page:
                record = records.get(("class", row.sid))
                if not row.active:
                    if record is not None and record.active:
                        self._end("class", record)
                    continue
                org = orgs.get(("org", row.org_sid))
                if org is None or org.target_id is None:
                    self.problem(
                        row.origin, f"klassen «{row.sid}» hører til «{row.org_sid}», som ikke er en skole"
                    )
                    continue
                seen.append(row.sid)
                dig = digest(row.title, row.homeroom, org.target_id)
                if record is not None and record.active and record.digest == dig:
                    self.summary.add("classes", "unchanged")
                    continue
                group = self.session.get(SchoolClassRow, record.target_id) if record else None
                self.work.authorize(Action.MANAGE_UNITS, unit_id=org.target_id)
                if group is None:
                    group = SchoolClassRow(id=new_id(), municipality_id=self.municipality_id)
                    self.session.add(group)
                    self.summary.add("classes", "created")
                else:
                    self.summary.add("classes", "updated")
                group.unit_id, group.name, group.homeroom = org.target_id, row.title, bool(row.homeroom)
                group.active = True
                self._record(record, "class", row.sid, group.id, org.target_id, dig)
            self._seen("class", seen)

    def _apply_enrollments(self) -> None:
        for page in self._pages(ST_ENROL, "klassemedlemskap"):
            records = self._records("enrollment", [r.sid for r in page])
            classes = self._records("class", [r.class_sid for r in page])
            people = self._records(("child", "employee"), [r.user_sid for r in page])
            seen = []
            created: dict[tuple[str, str], ClassMemberRow] = {}
            self._preload(ClassMemberRow, ClassMemberRow.person_id, [p.target_id for p in people.values()])
            for row in page:
                record = records.get(("enrollment", row.sid))
                if not row.active:
                    if record is not None and record.active:
                        self._end("enrollment", record)
                    continue
                group = classes.get(("class", row.class_sid))
                kind = "child" if row.role == "pupil" else "employee"
                person = people.get((kind, row.user_sid))
                if group is None or person is None or not person.active:
                    what = "elev" if kind == "child" else "ansatt (lærerrolle)"
                    self.problem(row.origin, f"brukeren «{row.user_sid}» er ikke registrert som {what}")
                    continue
                seen.append(row.sid)
                dig = digest(person.target_id, group.target_id, row.role, row.is_primary)
                if record is not None and record.active and record.digest == dig:
                    self.summary.add("class_members", "unchanged")
                    continue
                if (
                    record is not None
                    and record.active
                    and (record.target_id, record.other_id) != (person.target_id, group.target_id)
                ):
                    self._end("enrollment", record)
                self._write_person(person.target_id)
                ids = (group.target_id, person.target_id)
                member = created.get(ids) or self.session.get(ClassMemberRow, ids)
                role = "pupil" if row.role == "pupil" else "teacher"
                if member is None:
                    created[ids] = member = ClassMemberRow(
                        class_id=group.target_id, person_id=person.target_id
                    )
                    self.session.add(member)
                    self.summary.add("class_members", "created")
                else:
                    self.summary.add("class_members", "updated")
                member.role, member.is_primary, member.active = role, bool(row.is_primary), True
                self._record(record, "enrollment", row.sid, person.target_id, group.target_id, dig)
            self._seen("enrollment", seen)

    # --- ending links ------------------------------------------------------------------------

    def _end_missing(self) -> None:
        """In a bulk file, what the source no longer lists has ended, exactly as if marked tobedeleted."""
        plan = [("enrollments", ("enrollment",)), ("roles", ("role",)), ("classes", ("class",))]
        plan += [("users", PERSON_KINDS), ("orgs", ("org",))]
        r = RosterRecordRow
        owner = exists().where(
            func.substr(r.sourced_id, 1, func.length(ST_ROLE_OWNER.c.user_sid) + 1)
            == ST_ROLE_OWNER.c.user_sid + SEP
        )
        for entity, kinds in plan:
            scope = sa.true()
            if self.modes[entity] != "bulk":
                if entity != "roles":
                    continue
                scope = owner
            for kind in kinds:
                last = ""
                while True:
                    rows = self.session.scalars(
                        select(r)
                        .where(
                            r.municipality_id == self.municipality_id,
                            r.source == self.source,
                            r.kind == kind,
                            r.active,
                            r.sourced_id > last,
                            scope,
                            not_(exists().where(ST_SEEN.c.kind == kind, ST_SEEN.c.sid == r.sourced_id)),
                        )
                        .order_by(r.sourced_id)
                        .limit(PAGE)
                    ).all()
                    if not rows:
                        break
                    last = rows[-1].sourced_id
                    for record in rows:
                        self._end(kind, record)
                    self._authorize_pending()
                    self.session.flush()
                    self.session.expunge_all()

    def _end(self, kind: str, record: RosterRecordRow) -> None:
        """The source removed this row: end what it linked, never delete a person or touch a case."""
        record.active = False
        session, now = self.session, self.work.now
        if kind in ENTITY_OF_KIND and kind != "agent":
            self.summary.add(ENTITY_OF_KIND[kind], "deactivated")
        if kind in ("child", "employee"):
            self._end_links_of(kind, record)
            if kind == "employee":
                person = session.get(m.PersonRow, record.target_id)
                if person is not None and person.active:
                    self._write_person(person.id)
                    person.active = False
        elif kind == "role" and record.other_id is not None:
            group = record.sourced_id.rsplit(SEP, 1)[-1]
            if self._still_linked("role", record):
                return
            if group == "pupil":
                link = session.get(SchoolEnrollmentRow, (record.target_id, record.other_id))
                if link is not None and link.active:
                    self._write_person(record.target_id)
                    link.active, link.ended_at = False, now
                    self.summary.add("school_links", "deactivated")
            elif group == "staff":
                self._write_person(record.target_id)
                result = session.execute(
                    delete(m.UnitMembershipRow).where(
                        m.UnitMembershipRow.person_id == record.target_id,
                        m.UnitMembershipRow.unit_id == record.other_id,
                    )
                )
                if result.rowcount:
                    self.summary.add("staff_links", "deactivated")
        elif kind == "enrollment":
            if self._still_linked("enrollment", record):
                return
            member = session.get(ClassMemberRow, (record.other_id, record.target_id))
            if member is not None and member.active:
                self._write_person(record.target_id)
                member.active = False
        elif kind == "class":
            group = session.get(SchoolClassRow, record.target_id)
            if group is not None:
                group.active = False
                for member in session.scalars(
                    select(ClassMemberRow).where(ClassMemberRow.class_id == group.id, ClassMemberRow.active)
                ):
                    self._write_person(member.person_id)
                    member.active = False
                    self.summary.add("class_members", "deactivated")

    def _still_linked(self, kind: str, record: RosterRecordRow) -> bool:
        """Another active row of this source makes the same link (a new sourcedId, same pupil and class)."""
        r = RosterRecordRow
        self.session.flush()  # the page runs without autoflush; this query must see its changes
        return bool(
            self.session.scalar(
                select(func.count()).where(
                    r.municipality_id == self.municipality_id,
                    r.source == self.source,
                    r.kind == kind,
                    r.target_id == record.target_id,
                    r.other_id == record.other_id,
                    r.active,
                    r.sourced_id != record.sourced_id,
                )
            )
        )

    def _end_links_of(self, kind: str, record: RosterRecordRow) -> None:
        r = RosterRecordRow
        group = "pupil" if kind == "child" else "staff"
        self.session.flush()
        links = self.session.scalars(
            select(r).where(
                r.municipality_id == self.municipality_id,
                r.source == self.source,
                r.active,
                (
                    (r.kind == "role")
                    & r.sourced_id.startswith(record.sourced_id + SEP, autoescape=True)
                    & r.sourced_id.endswith(SEP + group, autoescape=True)
                )
                | (and_(r.kind == "enrollment", r.target_id == record.target_id)),
            )
        ).all()
        for link in links:
            self._end(link.kind, link)
