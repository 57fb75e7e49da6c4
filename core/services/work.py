"""What a caller (an API handler, a page, the CLI, an adapter) holds inside ``Platform.work``: the unit of
work, and the services composed on it when first used.

The unit of work (``core.unit_of_work``) knows none of these; each service is built on the unit of work
alone and makes the collaborators it needs (the services that write the stafettlogg make their own
``RelayLogService``), so no service reaches another through a registry.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Generic, TypeVar, cast

from sqlalchemy.orm import Session

from contracts import CaseEvent
from core.config import ConsentAges, MunicipalityConfig
from core.domain.policy import Actor
from core.notify.service import NotificationService
from core.pluginhost import MunicipalityPlugins
from core.services.access_log import AccessLogService
from core.services.archive import ArchiveService
from core.services.cases import CaseService
from core.services.consents import ConsentService
from core.services.directory import DirectoryService
from core.services.indicators import IndicatorService
from core.services.measures import MeasureService
from core.services.meetings import MeetingService
from core.services.moving import MovingService
from core.services.people import PeopleService
from core.services.plans import PlanService
from core.services.relay_holder import RelayHolderService
from core.services.relaylog import RelayLogService
from core.services.reports import ReportService
from core.services.retention import RetentionService
from core.services.transfers import TransferService
from core.unit_of_work import UnitOfWork

T = TypeVar("T")
S = TypeVar("S")


class _OfUow(Generic[T]):
    """An attribute of the unit of work, read through: ``w.session`` is ``w.uow.session``."""

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name

    def __get__(self, work: Work, owner: type | None = None) -> T:
        return cast(T, getattr(work.uow, self.name))


class _Service(Generic[S]):
    """A service built on the unit of work when first used, then kept for the unit of work's life."""

    def __init__(self, make: Callable[[UnitOfWork], S]) -> None:
        self.make = make

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name

    def __get__(self, work: Work, owner: type | None = None) -> S:
        service = work.__dict__[self.name] = self.make(work.uow)  # found before this from now on
        return service


class Work:
    def __init__(self, uow: UnitOfWork) -> None:
        self.uow = uow
        self.authorize = uow.authorize
        self.record_outcome = uow.record_outcome

    # what callers read of the unit of work itself
    session = _OfUow[Session]()
    actor = _OfUow[Actor]()
    now = _OfUow[dt.datetime]()
    municipality_id = _OfUow[str]()
    municipality = _OfUow[MunicipalityConfig]()
    consent_ages = _OfUow[ConsentAges]()
    plugins = _OfUow[MunicipalityPlugins]()
    events = _OfUow[list[CaseEvent]]()

    # the services
    people = _Service(PeopleService)
    cases = _Service(CaseService)
    log = _Service(RelayLogService)
    consents = _Service(ConsentService)
    measures = _Service(MeasureService)
    relay_holder = _Service(RelayHolderService)
    meetings = _Service(MeetingService)
    access_log = _Service(AccessLogService)
    directory = _Service(DirectoryService)
    reports = _Service(ReportService)
    notifications = _Service(NotificationService)
    indicators = _Service(IndicatorService)
    archive = _Service(ArchiveService)
    retention = _Service(RetentionService)
    transfers = _Service(TransferService)
    plans = _Service(PlanService)
    moving = _Service(MovingService)
