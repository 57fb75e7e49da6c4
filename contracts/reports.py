"""A bekymringsmelding (report to child welfare) as it leaves Stafett, and what the case records of it.

The report is sent under the duty to report (barnevernsloven § 13-2, opplysningsplikt), which needs
no consent. ``ChildWelfareReport`` is everything an adapter needs to write it in the receiver's format
(KS Fiks bekymringsmelding v2: ``adapters/fiks``); ``ReportSummary`` is what the case shows of it:
that it was sent, when, by whom, on which basis, and what came back — never its content.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

from .base import Contract, Id, MunicipalityNumber, ShortText, Text

LEGAL_BASIS = "barnevernsloven § 13-2"  # opplysningsplikt til barnevernet


class ReportStatus(StrEnum):
    QUEUED = "queued"  # written, waiting in the outbox (also between retries)
    DELIVERED = "delivered"  # handed to the receiver's channel; no receipt yet
    RECEIVED = "received"  # the receiving system answered ``mottatt``
    FAILED = "failed"  # the receiving system answered ``feilet``, or delivery gave up


class ReportAnswer(StrEnum):
    """What child welfare answered the reporter (barnevernsloven § 13-2 fifth paragraph)."""

    OPENED = "opened"  # undersøkelse åpnet
    NOT_OPENED = "not_opened"  # henlagt uten undersøkelse


class Address(Contract):
    line1: ShortText
    line2: str = ""
    postal_code: str = ""
    postal_town: str = ""


class ReportPerson(Contract):
    """The child or a guardian as the report names them, and whether they have been told of it."""

    name: ShortText
    informed: bool
    not_informed_reason: Text = ""  # why not, when not told
    phone: str = ""
    national_id: str = ""  # the child's fødselsnummer or D-nummer; empty for an unborn child
    unborn: bool = False
    party: bool = False  # a youth of 15 or more is a party in the child welfare case


class Reporter(Contract):
    name: ShortText
    role: ShortText
    phone: ShortText
    email: ShortText
    unit_name: ShortText
    unit_address: Address
    organization_number: str = ""


class ChildWelfareReport(Contract):
    """One bekymringsmelding, complete: the receiver's municipality (and bydel), the reporter, the child,
    the guardians, the worry, what has been tried, and the urgency."""

    id: Id
    case_id: Id
    municipality_id: MunicipalityNumber
    municipality_name: ShortText
    receiver_unit_id: Id
    reporter: Reporter
    child: ReportPerson
    child_address: Address
    guardians: list[ReportPerson]
    worry: Text  # what the worry is
    sent_at: dt.datetime
    history: Text  # what has been tried: the chosen tiltak and evaluations from the log, and background
    other_views: Text = ""
    interpreter: str = ""
    other_services: Text = ""
    urgent: bool = False
    legal_basis: ShortText = LEGAL_BASIS
    district_number: str = ""  # bydelsnummer, two digits, where the municipality has bydeler
    district_name: str = ""


class ReportSummary(Contract):
    """What the case shows of a report (to the services in the case; the family sees none of it)."""

    id: Id
    case_id: Id
    author_id: Id | None
    author_name: str
    reporter_unit_id: Id
    receiver_unit_id: Id
    receiver_name: str
    legal_basis: ShortText
    urgent: bool
    youth_is_party: bool
    status: ReportStatus
    created_at: dt.datetime
    delivered_at: dt.datetime | None = None
    receipt_at: dt.datetime | None = None
    receipt_error: Text = ""
    answer: ReportAnswer | None = None
    answer_at: dt.datetime | None = None
    answer_by: Id | None = None
