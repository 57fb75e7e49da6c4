"""The running platform: config, database and plugins, and the unit of work every call goes through.

``Platform.work(actor, purpose)`` opens one unit of work (``core.unit_of_work``) and hands the caller
the services composed on it (``core.services.work.Work``). Inside it the services check access with
``authorize`` (the one policy, always audited), write, and append to the stafettlogg; on leaving the
block everything commits together or nothing does. The outbox is a commit listener; case events reach
the plugins only after the commit, so a plugin never hears of a change that was rolled back.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import cached_property

from sqlalchemy import select

from core import audit, outbox
from core.audit_writer import GroupCommit
from core.config import DeploymentConfig, MunicipalityConfig
from core.domain.policy import Actor
from core.notify.writer import Notifications
from core.pluginhost import PluginHost
from core.services.work import Work
from core.storage.database import Database
from core.storage.models import MunicipalityRow, UnitRow
from core.unit_of_work import UnitOfWork

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
            self.database.one_at_a_time(session)
            for mconf in self.config.municipalities:
                row = session.get(MunicipalityRow, mconf.id) or MunicipalityRow(id=mconf.id)
                row.name, row.region = mconf.name, mconf.region
                row.named_in_region = mconf.named_in_region
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
    def work(self, actor: Actor, purpose: str, *, read_only: bool = False) -> Iterator[Work]:
        """One transaction on behalf of ``actor``, for a stated purpose recorded in the audit trail.

        ``read_only``: the work only reads; it runs in a read transaction that never waits for the
        write lock, and its audit events are stored by group commit before the block is left.
        """
        session = self.database.reader() if read_only else self.database.session()
        uow = UnitOfWork(
            session,
            actor,
            purpose,
            now=self.clock(),
            municipality=self.municipality(actor.municipality_id),
            plugins=self.plugins.for_municipality(actor.municipality_id),
            store_audit=self.audit_writer.write if read_only else None,
        )
        deliveries = outbox.Deliveries()  # deliveries owed commit with the events, or not at all
        uow.before_commit += [deliveries.before_commit, Notifications().before_commit]  # varsler likewise
        uow.after_commit += [_tell_plugins, deliveries.after_commit]
        try:
            yield Work(uow)
            uow.commit()
        except BaseException:
            session.rollback()
            raise
        finally:
            session.close()
        for listener in uow.after_commit:
            listener(uow)

    @cached_property
    def audit_writer(self) -> GroupCommit:
        """This process's group commit of the audit events of reads."""
        return GroupCommit(self.database)

    def close(self) -> None:
        if "audit_writer" in self.__dict__:
            self.audit_writer.close()
        self.database.dispose()


def _tell_plugins(uow: UnitOfWork) -> None:
    """Case events reach the plugins (``case_event``) once they are durable; a plugin's fault is logged."""
    for event in uow.events:
        uow.plugins.notify(event)
