"""The running platform: config, database and plugins, and the unit of work every call goes through.

``Platform.work(actor, purpose)`` opens one transaction. Inside it the services check
access with ``Work.authorize`` (the one policy, always audited), write, and append to the
stafettlogg; on leaving the block everything commits together or nothing does. Case
events reach the plugins only after the commit, so a plugin never hears of a change
that was rolled back.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import cached_property
from typing import NoReturn

from sqlalchemy import select
from sqlalchemy.orm import Session

from contracts import CaseEvent
from core import audit, outbox
from core.config import ConsentAges, DeploymentConfig, MunicipalityConfig
from core.domain.policy import Action, Actor, Answer, CaseFacts, Decision, decide
from core.errors import Conflict, Forbidden, StafettError, case_not_found
from core.pluginhost import MunicipalityPlugins, PluginHost
from core.services.access_log import AccessLogService
from core.services.cases import CaseService
from core.services.consents import ConsentService
from core.services.directory import DirectoryService
from core.services.measures import MeasureService
from core.services.meetings import MeetingService
from core.services.people import PeopleService
from core.services.relay_holder import RelayHolderService
from core.services.relaylog import RelayLogService
from core.storage.database import Database
from core.storage.models import MunicipalityRow, UnitRow

log = logging.getLogger(__name__)
DEFAULT_DATABASE_URL = "sqlite:///stafett.db"


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class Platform:
    def __init__(
        self,
        config: DeploymentConfig,
        database: Database,
        plugins: PluginHost,
        clock: Callable[[], dt.datetime] = utcnow,
    ) -> None:
        self.config = config
        self.database = database
        self.plugins = plugins
        self.clock = clock

    @classmethod
    def open(
        cls,
        config: DeploymentConfig,
        *,
        database_url: str | None = None,
        extra_plugins: dict[str, object] | None = None,
        clock: Callable[[], dt.datetime] = utcnow,
        upgrade: bool = True,
    ) -> Platform:
        """Load plugins (refusing broken ones), migrate the database, and sync municipalities and units."""
        plugins = PluginHost.load(config, extra=extra_plugins)
        database = Database(database_url or config.database_url or DEFAULT_DATABASE_URL)
        if upgrade:
            database.upgrade()
        platform = cls(config, database, plugins, clock)
        platform.sync_config()
        return platform

    def sync_config(self) -> None:
        """Make the database's municipalities and units match the config (units are never deleted)."""
        with self.database.session() as session, session.begin():
            for mconf in self.config.municipalities:
                row = session.get(MunicipalityRow, mconf.id) or MunicipalityRow(id=mconf.id)
                row.name, row.region = mconf.name, mconf.region
                session.add(row)
                session.flush()
                audit.ensure_chain(session, mconf.id)
                for uconf in mconf.units:
                    unit = session.get(UnitRow, uconf.id) or UnitRow(id=uconf.id, municipality_id=mconf.id)
                    if unit.municipality_id != mconf.id:
                        raise ValueError(
                            f"Enheten «{uconf.id}» tilhører allerede kommune {unit.municipality_id}."
                        )
                    unit.name, unit.service_type = uconf.name, str(uconf.service_type)
                    unit.organization_number, unit.active = uconf.organization_number, True
                    session.add(unit)

    def municipality(self, municipality_id: str) -> MunicipalityConfig:
        return self.config.municipality(municipality_id)

    def municipality_ids(self) -> list[str]:
        with self.database.session() as session:
            return list(session.scalars(select(MunicipalityRow.id).order_by(MunicipalityRow.id)))

    @contextmanager
    def work(self, actor: Actor, purpose: str) -> Iterator[Work]:
        """One transaction on behalf of ``actor``, for a stated purpose recorded in the audit trail."""
        session = self.database.session()
        unit = Work(self, session, actor, purpose)
        try:
            yield unit
            cancelled = outbox.enqueue(unit)  # deliveries owed commit with the events, or not at all
            unit.flush_audit()
            session.commit()
        except BaseException:
            session.rollback()
            raise
        finally:
            session.close()
        for event in unit.events:
            self.plugins.for_municipality(event.municipality_id).notify(event)
        outbox.notify(self, cancelled)

    def close(self) -> None:
        self.database.dispose()


class Work:
    """A unit of work: the session, who acts, why, and the services bound to them."""

    def __init__(self, platform: Platform, session: Session, actor: Actor, purpose: str) -> None:
        self.platform = platform
        self.session = session
        self.actor = actor
        self.purpose = purpose
        self.now = platform.clock()
        self.events: list[CaseEvent] = []
        self._audit_pending: list[audit.AuditEvent] = []

    @property
    def municipality_id(self) -> str:
        return self.actor.municipality_id

    @cached_property
    def plugins(self) -> MunicipalityPlugins:
        return self.platform.plugins.for_municipality(self.municipality_id)

    @cached_property
    def consent_ages(self) -> ConsentAges:
        return self.platform.municipality(self.municipality_id).consent_ages

    def authorize(
        self,
        action: Action,
        *,
        case: CaseFacts | None = None,
        unit_id: str | None = None,
        subject_id: str | None = None,
        missing: StafettError | None = None,
    ) -> Decision:
        """Ask the policy and audit the answer. A refusal is committed on its own, then raised.

        ``missing`` is what an unknown id of the thing asked for answers (a measure, a consent), for a
        case the caller may not know exists; by default the unknown case's answer.
        """
        decision = decide(
            self.actor, action, municipality_id=self.municipality_id, case=case, unit_id=unit_id
        )
        if not decision.allowed:
            self.refuse(action, decision, case=case, subject_id=subject_id, missing=missing)
        self._audit(action, decision, case, subject_id)
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
        """Record a refusal on its own (anything pending is rolled back), commit it, and raise the
        error the decision's ``answer`` names: Forbidden (403), Conflict (409), or, for a case the
        caller may not know exists, the very error an unknown id gives (404).

        The policy's refusals come here, and so do the few rules that depend on who exactly asks
        (only the receiver answers a hand-over), so every refusal leaves one audit event.
        """
        self.session.rollback()
        self._audit_pending.clear()
        self._audit(action, decision, case, subject_id)
        self.flush_audit()
        self.session.commit()
        if decision.answer is Answer.NOT_FOUND and case is not None:
            raise missing or case_not_found(case.case_id)
        if decision.answer is Answer.CONFLICT:
            raise Conflict(decision.reason, code=decision.basis)
        raise Forbidden(decision.reason, code=decision.basis)

    def record_outcome(
        self, action: Action, *, outcome: str, reason: str, case_id: str | None = None
    ) -> None:
        """Audit what came of an allowed action that happens outside Stafett (an outbox delivery:
        ``delivered``, ``failed``, ``cancelled``), through the same queue as every decision."""
        self._audit_pending.append(self._event(action, outcome, reason, case_id, None))

    def _audit(
        self, action: Action, decision: Decision, case: CaseFacts | None, subject_id: str | None
    ) -> None:
        """Queue an audit event; ``flush_audit`` chains the queue in just before commit."""
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

    def flush_audit(self) -> None:
        """Append the queued audit events to the chain. Done last in the transaction, so the chain head
        of the municipality is locked only for the moment before commit, not for the whole request."""
        audit.append(self.session, self._audit_pending)
        self._audit_pending.clear()

    @cached_property
    def people(self) -> PeopleService:
        return PeopleService(self)

    @cached_property
    def cases(self) -> CaseService:
        return CaseService(self)

    @cached_property
    def log(self) -> RelayLogService:
        return RelayLogService(self)

    @cached_property
    def consents(self) -> ConsentService:
        return ConsentService(self)

    @cached_property
    def measures(self) -> MeasureService:
        return MeasureService(self)

    @cached_property
    def relay_holder(self) -> RelayHolderService:
        return RelayHolderService(self)

    @cached_property
    def meetings(self) -> MeetingService:
        return MeetingService(self)

    @cached_property
    def access_log(self) -> AccessLogService:
        return AccessLogService(self)

    @cached_property
    def directory(self) -> DirectoryService:
        return DirectoryService(self)
