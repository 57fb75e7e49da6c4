"""The JSON API under /api/v1: Litestar controllers over the core's unit of work.

Handlers get the actor from ``request.user`` (set by the authentication middleware), open one
``Platform.work`` per request with a purpose derived from the route, call one service and return
contract structs. Errors are RFC 9457 problem details (``problems``); lists are paginated.
"""

from __future__ import annotations

from litestar import Router

from core.api.cases import CaseController
from core.api.dependencies import DEPENDENCIES
from core.api.directory import DirectoryController
from core.api.family import AuditController, FamilyController
from core.api.indicators import IndicatorController
from core.api.notifications import NotificationController
from core.api.outbox import OutboxController
from core.api.people import PeopleController
from core.api.problems import EXCEPTION_HANDLERS
from core.api.relay import RelayController
from core.api.reports import ReportController
from core.api.strict import StrictRequest, refuse_unknown_query
from core.api.work import ConsentController, HandoverController, MeasureController, MeetingController

API_PREFIX = "/api/v1"


def api_router() -> Router:
    return Router(
        path=API_PREFIX,
        route_handlers=[
            DirectoryController,
            PeopleController,
            CaseController,
            MeasureController,
            ConsentController,
            HandoverController,
            MeetingController,
            FamilyController,
            AuditController,
            OutboxController,
            ReportController,
            NotificationController,
            IndicatorController,
            RelayController,
        ],
        dependencies=DEPENDENCIES,
        request_class=StrictRequest,
        before_request=refuse_unknown_query,
    )


__all__ = ["API_PREFIX", "EXCEPTION_HANDLERS", "api_router"]
