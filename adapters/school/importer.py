"""One OneRoster import: stage every row, check them all, then drive core's directory-sync seam.

Rows go into temporary staging tables (``staging``), so memory stays flat however large the
source. Nothing real is written until ``finish``: it checks every reference and identity number,
then applies only what differs from the last import (a digest per source row in
``roster_record``) through ``core.public.DirectorySync`` (policy-checked and audited there), and
raises ``RosterRefused`` listing every problem with its file and line when anything is wrong, so
the unit of work rolls back whole. Manifest modes (bulk: what is missing has ended; delta; absent),
``sourcedId``s, agents and homeroom classes are OneRoster's and are handled here; ending a link
never deletes a person or touches a case.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy import and_, exists, func, not_, select

from adapters.school import staging
from adapters.school.records import (
    ENTITY_OF_KIND,
    GROUP_OF_ROLE,
    KIND_OF_GROUP,
    MAX_PROBLEMS,
    PERSON_KINDS,
    BirthDate,
    Enrollment,
    Group,
    Org,
    Problem,
    Progress,
    Role,
    RosterRefused,
    Summary,
    User,
)
from adapters.school.staging import (
    SEP,
    ST_AGENT,
    ST_BIRTH,
    ST_CLASS,
    ST_ENROL,
    ST_ORG,
    ST_ROLE,
    ST_ROLE_AGG,
    ST_ROLE_OWNER,
    ST_SEEN,
    ST_USER,
    digest,
    key,
)
from adapters.school.storage import RosterRecordRow, RosterSourceRow
from contracts import PersonKind, ServiceType
from core.public import (
    DirectorySync,
    InvalidInput,
    PersonData,
    UnitData,
    _,
    national_id,
    valid_organization_number,
)

PAGE = 1000
PERSON_KIND = {"child": PersonKind.CHILD, "guardian": PersonKind.GUARDIAN, "employee": PersonKind.EMPLOYEE}


class RosterImport:
    """One import: stage rows with ``add``, then ``finish`` checks and applies them, or refuses them all."""

    def __init__(
        self,
        sync: DirectorySync,
        source: str,
        modes: Mapping[str, str],
        progress: Progress | None = None,
        *,
        allow_mass_end: bool = False,
    ) -> None:
        if not source or len(source) > 200:
            raise InvalidInput(_("Kildesystemet må ha et navn (høyst 200 tegn)."), field="source")
        self.sync, self.session, self.source = sync, sync.session, source
        self.municipality_id = sync.municipality_id
        declared = self.session.get(RosterSourceRow, (self.municipality_id, source))
        self.owns = list(declared.owns or []) if declared else []
        self.max_end_share = declared.max_end_share if declared else 0.25
        self.national_id_in_identifier = bool(declared and declared.national_id_in_identifier)
        self.allow_mass_end = allow_mass_end
        self.modes = {k: modes.get(k, "absent") for k in ("orgs", "users", "roles", "classes", "enrollments")}
        self.progress = progress or (lambda phase, done, total: None)
        self.allow_synthetic = sync.allow_synthetic_national_ids
        self.problems: list[Problem] = []
        self.problem_count = 0
        self.summary = Summary()
        self.delta_since: dt.datetime | None = None
        self._buffers: dict[sa.Table, list[dict[str, Any]]] = {}
        staging.create(self.session.connection())

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
                    self._stage_known(
                        ST_CLASS,
                        record,
                        org_sid=record.org,
                        title=record.title.strip()[:300],
                        homeroom=int(record.homeroom),
                    )
            case Enrollment():
                if self._required(
                    record.origin, sourcedId=record.sourced_id, cls=record.group, user=record.user
                ):
                    self._stage_known(
                        ST_ENROL,
                        record,
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
        known_unit = org.active and org.service_type is not None and orgnr is not None
        if known_unit and orgnr is not None and not valid_organization_number(orgnr):
            self.problem(org.origin, f"«{orgnr}» er ikke et gyldig organisasjonsnummer")
        self._stage_known(
            ST_ORG,
            org,
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
        hpr = "".join((user.hpr_number or "").split()) or None
        if hpr is not None and not (hpr.isascii() and hpr.isdigit() and len(hpr) <= 9):
            self.problem(
                user.origin, f"HPR-nummeret til «{user.sourced_id}» («{hpr}») er ikke høyst ni sifre"
            )
            return
        given = user.national_id or (user.identifier if self.national_id_in_identifier else None)
        nin, birth = ("".join((given or "").split()) or None), None
        if nin is not None:
            try:
                birth = national_id.validate(nin, allow_synthetic=self.allow_synthetic).birth_date
            except national_id.InvalidNationalId as exc:
                self.problem(user.origin, f"fødselsnummeret til «{user.sourced_id}» er ugyldig: {exc}")
                return
        self._stage_known(
            ST_USER,
            user,
            given=user.given_name.strip()[:300],
            family=user.family_name.strip()[:300],
            nin=nin,
            birth=birth,
            email=(user.email or "").strip()[:300] or None,
            phone=(user.phone or "").strip()[:40] or None,
            hpr=hpr,
        )
        if user.active:
            for agent in dict.fromkeys(a for a in user.agents if a):
                self._stage(ST_AGENT, origin=user.origin, user_sid=user.sourced_id, agent_sid=agent)

    def _stage_known(self, table: sa.Table, record: Org | User | Group | Enrollment, **row: Any) -> None:
        """Stage a record that has a sourcedId: where it came from, the id and whether it is active."""
        self._stage(table, origin=record.origin, sid=record.sourced_id, active=int(record.active), **row)

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
        self._refuse_if_problems()
        source = self.session.get(RosterSourceRow, (self.municipality_id, self.source))
        if source is None:
            source = RosterSourceRow(municipality_id=self.municipality_id, name=self.source)
            self.session.add(source)
        source.last_import_at = self.sync.now
        if self.delta_since is not None:
            source.delta_since = self.delta_since
        self.session.flush()
        staging.drop(self.session.connection())
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
            for origin, sid, _count in rows:
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

    def _pages(self, table: sa.Table, phase: str) -> Iterator[Sequence[sa.Row]]:
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
            self.sync.checkpoint()  # the identity map would otherwise hold every row of the import
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
                unit_id = None
                if row.service_type:
                    unit = UnitData(row.name, ServiceType(row.service_type), row.orgnr)
                    unit_id, outcome = self.sync.upsert_unit(unit, record.target_id if record else None)
                    self.summary.add("units", outcome)
                self._record(record, "org", row.sid, unit_id, None, dig)
            self._seen("org", seen)

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
            for (kind, sid), known in records.items():
                if known.active:
                    kinds.setdefault(sid, set()).add(kind)
            seen: dict[str, list[str]] = {k: [] for k in PERSON_KINDS}
            changed: list[tuple[str, sa.Row, RosterRecordRow | None, str]] = []
            for row in page:
                for kind in sorted(kinds.get(row.sid, ())):
                    record = records.get((kind, row.sid))
                    if not row.active:
                        if record is not None and record.active:
                            self._end(kind, record)
                        continue
                    seen[kind].append(row.sid)
                    nin = row.nin if kind != "employee" else None
                    email, phone = row.email, row.phone if kind == "guardian" else None
                    hpr = (row.hpr,) if kind == "employee" and row.hpr else ()  # unchanged digest without
                    dig = digest(row.given, row.family, nin, email, phone, *hpr)
                    if record is not None and record.active and record.digest == dig:
                        self.summary.add(ENTITY_OF_KIND[kind], "unchanged")
                    else:
                        changed.append((kind, row, record, dig))
            self._upsert_people(changed)
            for kind, sids_seen in seen.items():
                self._seen(kind, sids_seen)

    def _upsert_people(self, changed: list[tuple[str, sa.Row, RosterRecordRow | None, str]]) -> None:
        batch = []
        for kind, row, record, _digest in changed:
            nin = row.nin if kind != "employee" else None
            person = PersonData(
                kind=PERSON_KIND[kind],
                given_name=row.given,
                family_name=row.family,
                national_id=nin,
                birth_date=row.birth if nin else None,
                email=row.email,
                phone=row.phone if kind == "guardian" else None,
                hpr_number=row.hpr if kind == "employee" else None,
            )
            batch.append((person, record.target_id if record else None))
        for (kind, row, record, dig), result in zip(changed, self.sync.upsert_people(batch), strict=True):
            if result.problem == "national_id_taken":
                self.problem(row.origin, f"fødselsnummeret til «{row.sid}» tilhører allerede en annen person")
            elif result.problem == "national_id_missing":
                self.problem(row.origin, f"eleven «{row.sid}» mangler fødselsnummer eller D-nummer")
            else:
                self.summary.add(ENTITY_OF_KIND[kind], result.outcome or "unchanged")
                self._record(record, kind, row.sid, result.person_id, None, dig)

    def _apply_roles(self) -> None:
        for page in self._pages(ST_ROLE_AGG, "roller"):
            keys = [key(r.user_sid, r.org_sid, r.grp) for r in page]
            records = self._records("role", keys)
            people = self._records(PERSON_KINDS, [r.user_sid for r in page])
            orgs = self._records("org", [r.org_sid for r in page])
            self.sync.preload(p.target_id for p in people.values())
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
                if row.grp == "pupil":
                    self.summary.add("school_links", self.sync.enrol(person.target, org.target))
                else:
                    outcome = self.sync.set_membership(person.target, org.target, leader=bool(row.leader))
                    self.summary.add("staff_links", outcome)
                self._record(record, "role", k, person.target_id, org.target_id, dig)
            self._seen("role", seen)

    def _apply_agents(self) -> None:
        for page in self._pages(ST_AGENT, "foresatte"):
            sids = [r.user_sid for r in page] + [r.agent_sid for r in page]
            people = self._records(("child", "guardian"), sids)
            pairs: dict[str, tuple[str, str, str]] = {}
            for row in page:
                a, b = row.user_sid, row.agent_sid
                for child_sid, guardian_sid in ((a, b), (b, a)):
                    child, guardian = people.get(("child", child_sid)), people.get(("guardian", guardian_sid))
                    if child and guardian and child.active and guardian.active:
                        pairs[key(child_sid, guardian_sid)] = (
                            child.target,
                            guardian.target,
                            guardian_sid,
                        )
                        break
                else:
                    self.problem(row.origin, f"«{a}» og «{b}» er ikke elev og foresatt (agentSourcedIds)")
            if not pairs:
                continue
            records = self._records("agent", list(pairs))
            self.sync.preload(c for c, _, _ in pairs.values())
            guardians = {g for _, _, g in pairs.values()}
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
            for k, (child_id, guardian_id, guardian_sid) in pairs.items():
                record = records.get(("agent", k))
                known = self.sync.parental_responsibility(child_id, guardian_id)
                if guardian_sid in responsible:
                    parental = bool(responsible[guardian_sid])
                else:  # the guardian's roles are not in this delta: keep what is known
                    parental = known if known is not None else True
                dig = digest(child_id, guardian_id, parental)
                if record is not None and record.digest == dig:
                    self.summary.add("guardian_links", "unchanged")
                    continue
                outcome = self.sync.set_guardian(child_id, guardian_id, parental_responsibility=parental)
                self.summary.add("guardian_links", outcome)
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
                class_id, outcome = self.sync.upsert_class(
                    record.target_id if record else None,
                    unit_id=org.target_id,
                    name=row.title,
                    homeroom=bool(row.homeroom),
                )
                self.summary.add("classes", outcome)
                self._record(record, "class", row.sid, class_id, org.target_id, dig)
            self._seen("class", seen)

    def _apply_enrollments(self) -> None:
        for page in self._pages(ST_ENROL, "klassemedlemskap"):
            records = self._records("enrollment", [r.sid for r in page])
            classes = self._records("class", [r.class_sid for r in page])
            people = self._records(("child", "employee"), [r.user_sid for r in page])
            self.sync.preload(p.target_id for p in people.values())
            seen = []
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
                outcome = self.sync.set_class_member(
                    group.target,
                    person.target,
                    role="pupil" if row.role == "pupil" else "teacher",
                    primary=bool(row.is_primary),
                )
                self.summary.add("class_members", outcome)
                self._record(record, "enrollment", row.sid, person.target_id, group.target_id, dig)
            self._seen("enrollment", seen)

    # --- ending links ------------------------------------------------------------------------

    def _end_missing(self) -> None:
        """In a bulk file, what the source no longer lists has ended, exactly as if marked tobedeleted."""
        plan: list[tuple[str, tuple[str, ...]]] = [
            ("enrollments", ("enrollment",)),
            ("roles", ("role",)),
            ("classes", ("class",)),
        ]
        plan += [("users", PERSON_KINDS), ("orgs", ("org",))]
        r = RosterRecordRow
        owner = exists().where(
            func.substr(r.sourced_id, 1, func.length(ST_ROLE_OWNER.c.user_sid) + 1)
            == ST_ROLE_OWNER.c.user_sid + SEP
        )
        if any(self.modes[entity] == "bulk" for entity, _ in plan):
            self._refuse_mass_end()
        for entity, kinds in plan:
            scope: sa.ColumnElement[bool] = sa.true()
            if self.modes[entity] != "bulk":
                if entity != "roles":
                    continue
                scope = owner
            for kind in kinds:
                if self.owns and kind in PERSON_KINDS:
                    continue  # a source with a scope ends links, not people: they may be at other schools
                scope_of_kind = scope & self._owned(kind)
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
                            scope_of_kind,
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
                    self.sync.checkpoint()

    def _owned_units(self) -> sa.Select[Any]:
        r = RosterRecordRow.__table__.alias("owned_org")
        return select(r.c.target_id).where(
            r.c.municipality_id == self.municipality_id,
            r.c.source == self.source,
            r.c.kind == "org",
            r.c.sourced_id.in_(self.owns),
        )

    def _owned(self, kind: str) -> sa.ColumnElement[bool]:
        """Records inside the source's declared scope (every record when it declared none)."""
        if not self.owns:
            return sa.true()
        r = RosterRecordRow
        units = self._owned_units()
        if kind == "org":
            return r.sourced_id.in_(self.owns)
        if kind in ("role", "class"):
            return r.other_id.in_(units)
        if kind == "enrollment":
            c = RosterRecordRow.__table__.alias("owned_class")
            return exists().where(
                c.c.municipality_id == r.municipality_id,
                c.c.source == r.source,
                c.c.kind == "class",
                c.c.target_id == r.other_id,
                c.c.other_id.in_(units),
            )
        return sa.true()

    def _refuse_mass_end(self) -> None:
        """A bulk package that would end more than the declared share of the source's school links (a
        single school's export after the whole municipality's) is refused unless ``allow_mass_end``."""
        if self.allow_mass_end or self.modes["roles"] != "bulk":
            return
        r = RosterRecordRow
        base = (
            r.municipality_id == self.municipality_id,
            r.source == self.source,
            r.kind == "role",
            r.active,
        )
        total = self.session.scalar(select(func.count()).where(*base, self._owned("role"))) or 0
        ending = (
            self.session.scalar(
                select(func.count()).where(
                    *base,
                    self._owned("role"),
                    not_(exists().where(ST_SEEN.c.kind == "role", ST_SEEN.c.sid == r.sourced_id)),
                )
            )
            or 0
        )
        if total and ending / total > self.max_end_share:
            self.problem(
                "manifest.csv",
                f"pakken ville avslutte {ending} av {total} skole- og ansattkoblinger fra «{self.source}» "
                f"({ending / total:.0%}, grensen er {self.max_end_share:.0%}). Er det en eksport fra bare "
                "én skole, oppgi skolene kilden eier (stafett import oneroster-source --owns); er det "
                "riktig, kjør på nytt med --allow-mass-end",
            )
            self._refuse_if_problems()

    def _end(self, kind: str, record: RosterRecordRow) -> None:
        """The source removed this row: end what it linked, never delete a person or touch a case."""
        record.active = False
        sync = self.sync
        if kind in ENTITY_OF_KIND and kind not in ("agent", "enrollment"):
            self.summary.add(ENTITY_OF_KIND[kind], "deactivated")
        if kind in ("child", "employee"):
            self._end_links_of(kind, record)
            if kind == "employee" and record.target_id:
                sync.deactivate_person(record.target_id)
        elif kind == "role" and record.other_id is not None and record.target_id:
            group = record.sourced_id.rsplit(SEP, 1)[-1]
            if self._still_linked("role", record):
                return
            if group == "pupil":
                if sync.end_enrolment(record.target_id, record.other_id):
                    self.summary.add("school_links", "deactivated")
            elif group == "staff" and sync.remove_membership(record.target_id, record.other_id):
                self.summary.add("staff_links", "deactivated")
        elif kind == "enrollment" and record.target_id and record.other_id:
            # counted only when it ends a membership: a deleted class has ended its own already
            if not self._still_linked("enrollment", record) and sync.end_class_member(
                record.other_id, record.target_id
            ):
                self.summary.add("class_members", "deactivated")
        elif kind == "class" and record.target_id:
            self.summary.add("class_members", "deactivated", sync.end_class(record.target_id))

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
