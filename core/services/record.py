"""The whole case as contracts, for adapters that export or share it (FHIR): one audited read per case.

Adapters never touch the ORM; they ask for a ``CaseRecord`` here, after the policy has allowed
the read (``case.read`` for people, ``case.share`` for a delivery to a unit's system), and map it.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from sqlalchemy import BindParameter, bindparam, select

from contracts import AuditRecord, CaseRecord, Guardianship, PersonKind
from core.domain.policy import Action, decide
from core.services import mapping
from core.services.base import Service
from core.services.readable import readable_cases
from core.services.state import CaseState
from core.services.transfer_scope import employee_units, hidden_from
from core.storage import models as m
from core.storage.queries import rows_in, rows_where


class RecordService(Service):
    def case(self, case_id: str, *, include_audit: bool = False) -> CaseRecord:
        """The case for a caller who may read it; the audit trail too if asked and they may read that."""
        state = CaseState.read(self.work, case_id)
        self.work.authorize(Action.READ_CASE, case=state.facts())
        audit = self._audit(state) if include_audit else []
        return self.load(state, audit)

    def visible_case_ids(self, *, subject_id: str | None = None) -> Iterator[str]:
        """Ids of the municipality's cases (open and closed) the caller may read, oldest first;
        with ``subject_id`` only that child's or pregnant person's cases.

        Unaudited: it yields ids only; each case read after it is audited by ``case``.
        """
        work = self.work
        readable = readable_cases(work.actor, work.now)
        stmt = select(m.CaseRow.id).where(readable.clause)
        if subject_id is not None:
            stmt = stmt.where(m.CaseRow.subject_id == subject_id)
        ordered = stmt.order_by(m.CaseRow.opened_at, m.CaseRow.id)
        yield from work.session.scalars(ordered, readable.params).all()

    def case_ids_of(self, kind: str, entity_id: str) -> list[str]:
        """Ids of the municipality's cases a subject (child or pregnant person), measure, consent,
        hand-over, log entry or audit event belongs to, so an adapter can ask ``case`` for them and
        the policy answers (a refusal is a 403, not a silent miss). Unaudited: ids only.
        """
        column = {
            "subject": m.CaseRow.subject_id,
            "measure": m.MeasureRow.id,
            "consent": m.ConsentRow.id,
            "handover": m.HandoverRow.id,
            "log_entry": m.LogEntryRow.id,
            "audit_event": m.AuditEventRow.id,
        }[kind]
        stmt = select(m.CaseRow.id).where(
            m.CaseRow.municipality_id == self.work.municipality_id, column == entity_id
        )
        if column.class_ is not m.CaseRow:
            stmt = stmt.join(column.class_, column.class_.case_id == m.CaseRow.id)
        return list(self.work.session.scalars(stmt.order_by(m.CaseRow.opened_at, m.CaseRow.id)))

    def _audit(self, state: CaseState) -> list[AuditRecord]:
        work = self.work
        allowed = decide(work.actor, Action.READ_AUDIT, municipality_id=work.municipality_id)
        if not allowed:
            return []
        work.authorize(Action.READ_AUDIT, subject_id=state.row.subject_id)
        rows = work.session.scalars(
            select(m.AuditEventRow).where(m.AuditEventRow.case_id == state.id).order_by(m.AuditEventRow.seq)
        )
        return [mapping.from_row(AuditRecord, r) for r in rows]

    def load(self, state: CaseState, audit: list[AuditRecord]) -> CaseRecord:
        """Gather the record of a case the caller has already been authorized for."""
        session, case_id = self.work.session, state.id
        plain = self.work.read_only  # shown, not changed: plain rows, no ORM identity or tracking

        def fetch(stmt: Any, params: dict[str, Any]) -> Sequence[Any]:
            if plain:
                return session.connection().execute(stmt, params).all()
            return session.scalars(stmt, params).all()

        mine = employee_units(self.work)  # a transfer of chosen entries keeps the rest from the receiver

        def of_case(row: type[Any], order: str, created: str | None = None) -> Sequence[Any]:
            """The case's rows of one table, in ``order``, less what a transfer keeps from the caller."""
            stmt = _case_rows(row, order, created, for_units=bool(mine), plain=plain)
            return fetch(stmt, {"value": case_id, "units": mine})

        def of_ids(row: type[Any], column: str, ids: Iterable[str], *order: str) -> Sequence[Any]:
            return fetch(rows_in(row, column, *order, plain=plain), {"values": list(ids)})

        links = fetch(rows_where(m.GuardianshipRow, "child_id", plain=plain), {"value": state.row.subject_id})
        guardians = of_ids(m.PersonRow, "id", [g.guardian_id for g in links], "id")
        participants = rows_where(
            m.ParticipantRow, "case_id", "added_at", plain=plain
        )  # a transfer hides none
        all_participants = fetch(participants, {"value": case_id})
        units = of_ids(
            m.UnitRow, "id", {state.row.owner_unit_id, *(p.unit_id for p in all_participants)}, "id"
        )
        concerns = of_case(m.ConcernRow, "recorded_at", "recorded_at")
        measures = of_case(m.MeasureRow, "created_at", "created_at")
        evaluations: dict[str, list[m.EvaluationRow]] = {}
        for e in of_ids(m.EvaluationRow, "measure_id", [r.id for r in measures], "evaluated_at", "id"):
            evaluations.setdefault(e.measure_id, []).append(e)
        handovers = of_case(m.HandoverRow, "requested_at", "requested_at")
        log_rows = of_case(m.LogEntryRow, "seq")
        newest_correction = {r.corrects: r.id for r in log_rows if r.corrects}
        employee_ids = {
            state.row.relay_holder_id,
            *(r.author_id for r in log_rows),
            *(r.responsible_id for r in measures),
            *(c.raised_by for c in concerns),
            *(h.to_id for h in handovers),
            *(h.from_id for h in handovers),
        }
        people = of_ids(m.PersonRow, "id", [i for i in employee_ids if i], "id")
        employees = [p for p in people if p.kind == PersonKind.EMPLOYEE]
        memberships: dict[str, list[m.UnitMembershipRow]] = {}
        roles: dict[str, list[m.MunicipalRoleRow]] = {}
        ids = [e.id for e in employees]
        for r in of_ids(m.UnitMembershipRow, "person_id", ids, "unit_id"):
            memberships.setdefault(r.person_id, []).append(r)
        for role in of_ids(m.MunicipalRoleRow, "person_id", ids, "role"):
            roles.setdefault(role.person_id, []).append(role)
        return CaseRecord(
            case=state.case,
            subject=mapping.subject(state.subject),
            guardians=[mapping.guardian(g) for g in guardians],
            guardianships=[
                Guardianship(
                    child_id=g.child_id,
                    guardian_id=g.guardian_id,
                    parental_responsibility=g.parental_responsibility,
                )
                for g in sorted(links, key=lambda g: g.guardian_id)
            ],
            units=[mapping.unit(u) for u in units],
            employees=[
                mapping.employee(e, memberships.get(e.id, []), roles.get(e.id, [])) for e in employees
            ],
            participants=state.participants,
            consents=state.consents,
            concerns=[mapping.concern(c) for c in concerns],
            measures=[mapping.measure(r, evaluations.get(r.id, [])) for r in measures],
            handovers=[mapping.handover(h) for h in handovers],
            meetings=state.meetings,
            log=[mapping.log_entry(r, newest_correction.get(r.id)) for r in log_rows],
            audit=audit,
        )


_CASE_ROWS: dict[tuple[Any, ...], Any] = {}


def _case_rows(row: type[Any], order: str, created: str | None, *, for_units: bool, plain: bool) -> Any:
    """A case's rows of one table in ``order`` (``:value`` the case); ``for_units``: less what a transfer
    of chosen entries keeps from the units in ``:units`` (rows before it, by ``created``, or the log's
    entries left out). Built once per shape."""
    key = (row, order, created, for_units, plain)
    stmt = _CASE_ROWS.get(key)
    if stmt is None:
        stmt = rows_where(row, "case_id", order, plain=plain)
        if for_units:
            units: BindParameter[Any] = bindparam("units", expanding=True)
            hidden = (
                hidden_from(units, row)
                if created is None
                else hidden_from(units, row.case_id, created=getattr(row, created))
            )
            stmt = stmt.where(~hidden)
        _CASE_ROWS[key] = stmt
    return stmt
