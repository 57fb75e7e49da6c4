"""What a caller (an API handler, a page, the CLI, an adapter) holds inside ``Platform.work``: the unit of
work, and the services composed on it when first used.

The unit of work (``core.unit_of_work``) knows none of these; each service is built on the unit of work
alone and makes the collaborators it needs (the services that write the stafettlogg make their own
``RelayLogService``), so no service reaches another through a registry.
"""

from __future__ import annotations

import datetime as dt
from functools import cached_property

from sqlalchemy.orm import Session

from contracts import CaseEvent
from core.config import ConsentAges, MunicipalityConfig
from core.domain.policy import Actor
from core.pluginhost import MunicipalityPlugins
from core.services.access_log import AccessLogService
from core.services.cases import CaseService
from core.services.consents import ConsentService
from core.services.directory import DirectoryService
from core.services.measures import MeasureService
from core.services.meetings import MeetingService
from core.services.people import PeopleService
from core.services.relay_holder import RelayHolderService
from core.services.relaylog import RelayLogService
from core.services.reports import ReportService
from core.unit_of_work import UnitOfWork


class Work:
    def __init__(self, uow: UnitOfWork) -> None:
        self.uow = uow
        self.authorize = uow.authorize
        self.record_outcome = uow.record_outcome

    # what callers read of the unit of work itself

    @property
    def session(self) -> Session:
        return self.uow.session

    @property
    def actor(self) -> Actor:
        return self.uow.actor

    @property
    def now(self) -> dt.datetime:
        return self.uow.now

    @property
    def municipality_id(self) -> str:
        return self.uow.municipality_id

    @property
    def municipality(self) -> MunicipalityConfig:
        return self.uow.municipality

    @property
    def consent_ages(self) -> ConsentAges:
        return self.uow.consent_ages

    @property
    def plugins(self) -> MunicipalityPlugins:
        return self.uow.plugins

    @property
    def events(self) -> list[CaseEvent]:
        return self.uow.events

    # the services

    @cached_property
    def people(self) -> PeopleService:
        return PeopleService(self.uow)

    @cached_property
    def cases(self) -> CaseService:
        return CaseService(self.uow)

    @cached_property
    def log(self) -> RelayLogService:
        return RelayLogService(self.uow)

    @cached_property
    def consents(self) -> ConsentService:
        return ConsentService(self.uow)

    @cached_property
    def measures(self) -> MeasureService:
        return MeasureService(self.uow)

    @cached_property
    def relay_holder(self) -> RelayHolderService:
        return RelayHolderService(self.uow)

    @cached_property
    def meetings(self) -> MeetingService:
        return MeetingService(self.uow)

    @cached_property
    def access_log(self) -> AccessLogService:
        return AccessLogService(self.uow)

    @cached_property
    def reports(self) -> ReportService:
        return ReportService(self.uow)

    @cached_property
    def directory(self) -> DirectoryService:
        return DirectoryService(self.uow)
