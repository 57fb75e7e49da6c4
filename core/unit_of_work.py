"""The unit of work: one transaction on behalf of one actor, for one stated purpose.

It holds the session, who acts and why, the clock reading of the request, the municipality's config
and plugins, the case events written, and the audit events queued; it asks the one policy
(``authorize``) and records every answer. It knows no service: services are built on it
(``core.services.work``), and what must happen at commit (the outbox's deliveries, later notifications)
is a listener the platform adds. A request that only reads runs in a read transaction, and its audit
events are stored by group commit (``core.audit_writer``) before it is answered.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from typing import Any, NoReturn

from sqlalchemy import Executable
from sqlalchemy.orm import Session

from contracts import CaseEvent
from core import audit
from core.config import ConsentAges, MunicipalityConfig
from core.domain.policy import Action, Actor, Answer, CaseFacts, Decision, decide
from core.errors import Conflict, Forbidden, StafettError, case_not_found
from core.i18n import _
from core.pluginhost import MunicipalityPlugins

Listener = Callable[["UnitOfWork"], None]
StoreAudit = Callable[[Sequence[audit.AuditEvent]], None]


class UnitOfWork:
    def __init__(
        self,
        session: Session,
        actor: Actor,
        purpose: str,
        *,
        now: dt.datetime,
        municipality: MunicipalityConfig,
        plugins: MunicipalityPlugins,
        store_audit: StoreAudit | None = None,
    ) -> None:
        self.session = session
        self.actor = actor
        self.purpose = purpose
        self.now = now
        self.municipality = municipality
        self.plugins = plugins
        self.events: list[CaseEvent] = []
        self.before_commit: list[Listener] = []  # in the transaction, after the caller's work
        self.after_commit: list[Listener] = []  # once it is durable; a fault there undoes nothing
        self._audit_pending: list[audit.AuditEvent] = []
        self._store_audit = store_audit  # reads: group commit; None: in this transaction
        self._decided: dict[tuple, tuple[CaseFacts, Decision]] = {}
        self.loaded: dict[
            Any, Any
        ] = {}  # what a read-only work has loaded, reused within it (nothing changes)

    @property
    def read_only(self) -> bool:
        return self._store_audit is not None

    def execute(self, statement: Executable, params: Any = None) -> Any:  # a Result of plain rows
        """Run a Core statement and get plain rows: in a read-only work on the connection (no ORM result
        set-up); in a writing one through the session, which first flushes what the work has pending,
        so the read sees the work's own changes."""
        if self.read_only:
            return self.session.connection().execute(statement, params)
        return self.session.execute(statement, params)

    @property
    def municipality_id(self) -> str:
        return self.actor.municipality_id

    @property
    def consent_ages(self) -> ConsentAges:
        return self.municipality.consent_ages

    def authorize(
        self,
        action: Action,
        *,
        case: CaseFacts | None = None,
        unit_id: str | None = None,
        subject_id: str | None = None,
        missing: StafettError | None = None,
    ) -> Decision:
        """Ask the policy and audit the answer. A refusal is stored on its own, then raised.

        The same question about the same case and facts is asked once per unit of work: a page that
        reads a case through several services leaves one audit event for it. Questions without a case
        (a look-up of a person) are each their own act and each audited. ``missing`` is what an unknown
        id of the thing asked for answers (a measure, a consent), for a case the caller may not know
        exists; by default the unknown case's answer.
        """
        key = (action, case.case_id, unit_id, subject_id) if case is not None else None
        known = self._decided.get(key) if key is not None else None
        if known is not None and known[0] == case:
            return known[1]
        decision = decide(
            self.actor, action, municipality_id=self.municipality_id, case=case, unit_id=unit_id
        )
        if not decision.allowed:
            self.refuse(action, decision, case=case, subject_id=subject_id, missing=missing)
        self._audit(action, decision, case, subject_id)
        if key is not None and case is not None:
            self._decided[key] = (case, decision)
        return decision

    def permits(self, action: Action, case: CaseFacts) -> bool:
        """For lists: whether ``action`` is allowed on ``case``; audits the ones shown, skips the rest."""
        decision = decide(self.actor, action, municipality_id=self.municipality_id, case=case)
        if decision.allowed:
            self._audit(action, decision, case, None)
        return decision.allowed

    def refuse(
        self,
        action: Action,
        decision: Decision,
        *,
        case: CaseFacts | None = None,
        subject_id: str | None = None,
        missing: StafettError | None = None,
    ) -> NoReturn:
        """Store a refusal on its own (anything pending is rolled back) and raise the error the
        decision's ``answer`` names: Forbidden (403), Conflict (409), or, for a case the caller may
        not know exists, the very error an unknown id gives (404).

        The policy's refusals come here, and so do the few rules that depend on who exactly asks
        (only the receiver answers a hand-over), so every refusal leaves one audit event.
        """
        self.session.rollback()
        self._audit_pending.clear()
        self._audit(action, decision, case, subject_id)
        self.commit_audit_alone()
        if decision.answer is Answer.NOT_FOUND and case is not None:
            raise missing or case_not_found(case.case_id)
        if decision.answer is Answer.CONFLICT:
            raise Conflict(_(decision.reason), code=decision.basis)
        raise Forbidden(_(decision.reason), code=decision.basis)

    def record_outcome(
        self, action: Action, *, outcome: str, reason: str, case_id: str | None = None
    ) -> None:
        """Audit what came of an allowed action that happens outside Stafett (an outbox delivery:
        ``delivered``, ``failed``, ``cancelled``), through the same queue as every decision."""
        self._audit_pending.append(self._event(action, outcome, reason, case_id, None))

    def _audit(
        self, action: Action, decision: Decision, case: CaseFacts | None, subject_id: str | None
    ) -> None:
        self._audit_pending.append(
            self._event(
                action,
                "allowed" if decision.allowed else "refused",
                decision.basis if decision.allowed else f"{decision.basis}: {decision.reason}",
                case.case_id if case else None,
                subject_id or (case.subject_id if case else None),
            )
        )

    def _event(
        self, action: Action, outcome: str, reason: str, case_id: str | None, subject_id: str | None
    ) -> audit.AuditEvent:
        """The one place an audit event is made."""
        return audit.AuditEvent(
            municipality_id=self.municipality_id,
            at=self.now,
            actor_id=self.actor.id,
            actor_kind=str(self.actor.kind),
            on_behalf_of=self.actor.on_behalf_of,
            action=str(action),
            purpose=self.purpose,
            outcome=outcome,
            reason=reason,
            case_id=case_id,
            subject_id=subject_id,
        )

    def commit(self) -> None:
        """Run the commit listeners, chain the audit events in last (so the chain heads are locked only
        for that moment), and commit; a read instead hands its events to group commit and waits."""
        if self.read_only:
            self.session.rollback()
            self.commit_audit_alone()
            return
        for listener in self.before_commit:
            listener(self)
        audit.append(self.session, self._audit_pending)
        self._audit_pending.clear()
        self.session.commit()

    def commit_audit_alone(self) -> None:
        """Store the queued audit events and nothing else (a refusal, or a read)."""
        events, self._audit_pending = self._audit_pending, []
        if self._store_audit is not None:
            self._store_audit(events)
            return
        audit.append(self.session, events)
        self.session.commit()
