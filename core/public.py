"""The one module of core that adapters import (besides ``contracts``): core's public service layer.

Adapters (``adapters/fhir``, ``adapters/school``) reach Stafett only through these names: the
platform and its unit of work, the actor, the errors, the services they drive, the CLI helpers
their commands share, and the naming convention and UTC column type of their own tables. Nothing
here exposes the ORM models; an adapter's own tables are its own. Adding a name here widens the
contract between core and every adapter, so keep it short.
"""

from __future__ import annotations

from core import i18n
from core.cli_support import (
    config_option,
    database_option,
    echo_outcome,
    municipality_ids,
    open_platform,
    opened_platform,
    platform_options,
    repeat,
    reported,
)
from core.config import valid_organization_number
from core.domain import national_id
from core.domain.policy import Actor
from core.errors import Forbidden, InvalidInput, NotFound, StafettError
from core.i18n import _
from core.outbox import OutboxService, RetryPolicy
from core.outbox_worker import run as run_outbox
from core.outbox_worker import run_archive, run_reports
from core.platform import Platform, Work
from core.services.archive import ArchiveService
from core.services.directory_sync import (
    ContactTeacher,
    DirectoryReads,
    DirectorySync,
    PersonData,
    PersonResult,
    SchoolLink,
    UnitData,
)
from core.services.people import actor_for
from core.services.record import RecordService
from core.services.reports import ReportService
from core.storage.base import NAMING, UTCDateTime

__all__ = [
    "NAMING",
    "Actor",
    "ArchiveService",
    "ContactTeacher",
    "DirectoryReads",
    "DirectorySync",
    "Forbidden",
    "InvalidInput",
    "NotFound",
    "OutboxService",
    "PersonData",
    "PersonResult",
    "Platform",
    "RecordService",
    "ReportService",
    "RetryPolicy",
    "SchoolLink",
    "StafettError",
    "UTCDateTime",
    "UnitData",
    "Work",
    "_",
    "actor_for",
    "config_option",
    "database_option",
    "echo_outcome",
    "i18n",
    "municipality_ids",
    "national_id",
    "open_platform",
    "opened_platform",
    "platform_options",
    "repeat",
    "reported",
    "run_archive",
    "run_outbox",
    "run_reports",
    "valid_organization_number",
]
