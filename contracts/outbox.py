"""Sharing a case with other systems under consent: the case as shared, and the outbox that carries it.

Adapters (FHIR, school systems) receive a ``CaseRecord`` from core and turn it into their own
format; core keeps no foreign types. An ``OutboxMessage`` is one delivery owed to one receiving
unit's system, written in the same transaction as the case event that caused it.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Annotated, Any, Literal

import msgspec

from .base import Contract, Id, MunicipalityNumber, ShortText, Text
from .cases import Case, Concern, Consent, Handover, LogEntry, Measure, Meeting, Participant
from .enums import LogEntryKind
from .people import Child, Employee, Guardian, Guardianship, PregnantPerson, Unit


class OutboxStatus(StrEnum):
    PENDING = "pending"  # waiting for its first try, or for the next retry after a failure
    DELIVERED = "delivered"
    DEAD = "dead"  # failed too many times; an operator retries it with `stafett outbox retry`
    CANCELLED = "cancelled"  # consent withdrawn or no longer covering the unit: nothing is sent


class OutboxMessage(Contract):
    """One delivery of a case to the system of a unit that takes part in it under consent."""

    id: Id
    municipality_id: MunicipalityNumber
    case_id: Id
    unit_id: Id  # the receiving unit (e.g. the health station)
    channel: ShortText  # "fhir"
    endpoint: ShortText  # the receiving system's address (base URL, Fiks IO account, drop folder)
    event_kind: LogEntryKind
    entry_id: Id | None  # the log entry; for a bekymringsmelding, the report's id
    status: OutboxStatus
    attempts: int
    created_at: dt.datetime
    next_attempt_at: dt.datetime
    last_error: Text = ""
    delivered_at: dt.datetime | None = None


class OutboxChannel(Contract):
    """A way to deliver cases to units' own systems, supplied by a plugin (``outbox_channels``).

    A unit opts in with a table ``[municipality.unit.adapters.<name>]`` in the config; core
    validates that table against ``config_schema`` at start-up and records the value of its
    ``endpoint_field`` on every message as the receiver's address.
    """

    name: Annotated[str, msgspec.Meta(pattern=r"^[a-z][a-z0-9-]*$", max_length=16)]  # e.g. "fhir"
    title: ShortText  # for messages, in bokmål: "FHIR-journal"
    config_schema: dict[str, Any]  # JSON Schema (draft 2020-12) of a unit's table
    endpoint_field: ShortText = "url"
    # what the channel carries: "case" (the case, whenever it changes, under consent),
    # "child_welfare_report" (a bekymringsmelding, once, when an employee sends one) or
    # "archive" (the archive version of a case, once, when it is closed: the municipality's archive)
    carries: Literal["case", "child_welfare_report", "archive"] = "case"


class ArchiveStatus(StrEnum):
    """Where a closed case stands with the municipality's archive and Stafett's retention."""

    PENDING = "pending"  # closed; the archive version is on its way through the outbox
    DELIVERED = "delivered"  # the archive has the version; its receipt is awaited
    CONFIRMED = "confirmed"  # the archive's receipt is recorded: the retention period runs from here
    NO_ARCHIVE = "no_archive"  # the municipality has no archive channel: nothing is ever erased
    ERASED = "erased"  # retention has erased the case's personal data from Stafett


class ArchiveReceipt(Contract):
    """The archive's confirmation that it has taken a case's archive version, as Stafett recorded it."""

    municipality_id: MunicipalityNumber
    case_id: Id
    reference: ShortText  # the archive's own id of the case folder (saksnummer or systemID)
    checksum: ShortText  # "sha256:<hex>" of the PDF the archive took; equal to the one Stafett sent
    confirmed_at: dt.datetime
    erase_after: dt.date  # when retention erases the case from Stafett's own store


class AuditRecord(Contract):
    """One audit event about a case, as an auditor may export it."""

    id: Id
    municipality_id: MunicipalityNumber
    seq: int
    at: dt.datetime
    actor_id: str | None
    actor_kind: ShortText
    on_behalf_of: str | None
    action: ShortText
    purpose: Text
    outcome: ShortText  # "allowed" | "refused"
    reason: Text = ""
    case_id: Id | None = None
    subject_id: Id | None = None


class CaseRecord(Contract):
    """Everything about one case that may leave Stafett, read through the policy and audited."""

    case: Case
    subject: Child | PregnantPerson
    guardians: list[Guardian]
    guardianships: list[Guardianship]
    units: list[Unit]  # the owner and every unit that has taken part
    employees: list[Employee]  # the stafettholder, authors, responsible persons
    participants: list[Participant]
    consents: list[Consent]
    concerns: list[Concern]
    measures: list[Measure]
    handovers: list[Handover]
    meetings: list[Meeting]
    log: list[LogEntry]
    audit: list[AuditRecord] = []  # only for a caller who may read the audit trail
