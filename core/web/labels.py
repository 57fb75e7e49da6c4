"""The words people read for the model's stable codes (bokmål), and dates the Norwegian way."""

from __future__ import annotations

import datetime as dt

from contracts import (
    ConcernKind,
    EvaluationOutcome,
    HandoverStatus,
    InformationArea,
    Level,
    MeasureStatus,
    MeetingKind,
    ParticipationBasis,
    ServiceType,
)
from contracts.words import CLOSE_REASON_WORDS, LEVEL_NAMES, LEVEL_TITLES, LOG_ENTRY_KINDS

LEVELS = {level: (f"Nivå {int(level)}", title.capitalize()) for level, title in LEVEL_TITLES.items()}
SERVICE_TYPES = {
    ServiceType.HEALTH_STATION: "Helsestasjon og skolehelsetjeneste",
    ServiceType.KINDERGARTEN: "Barnehage",
    ServiceType.SCHOOL: "Skole",
    ServiceType.AFTER_SCHOOL: "SFO",
    ServiceType.PPT: "PPT",
    ServiceType.CHILD_WELFARE: "Barneverntjenesten",
    ServiceType.FAMILY_SERVICE: "Familietjeneste",
    ServiceType.MENTAL_HEALTH_SUBSTANCE: "Psykisk helse og rus",
    ServiceType.NAV: "NAV",
    ServiceType.GP_EMERGENCY: "Fastlege og legevakt",
    ServiceType.OTHER: "Annet",
}
AREAS = {
    InformationArea.GENERAL: "Barnehage, skole, PPT og familietjenester",
    InformationArea.HEALTH: "Helseopplysninger",
    InformationArea.CHILD_WELFARE: "Barnevern",
}
OUTCOMES: dict[str, str] = {  # StrEnum keys, looked up with the logged plain strings
    EvaluationOutcome.ACHIEVED: "Målet er nådd",
    EvaluationOutcome.PARTLY: "Målet er delvis nådd",
    EvaluationOutcome.NOT_ACHIEVED: "Målet er ikke nådd",
}
MEETING_KINDS = {
    MeetingKind.DISCUSSION: "Tverrfaglig drøfting",
    MeetingKind.COLLABORATION: "Samarbeidsmøte",
    MeetingKind.COORDINATION: "Koordineringsmøte",
}
MEASURE_STATUSES: dict[str, str] = {
    MeasureStatus.ACTIVE: "I gang",
    MeasureStatus.PAUSED: "På pause",
    MeasureStatus.ENDED: "Avsluttet",
    MeasureStatus.CANCELLED: "Avlyst",
}
BASES = {
    ParticipationBasis.OWNER: "eier saken",
    ParticipationBasis.CONSENT: "med samtykke",
    ParticipationBasis.REPORT_DUTY: "opplysningsplikt til barnevernet",
}
CONCERN_KINDS = {
    ConcernKind.WONDERING: "Undring",
    ConcernKind.CONCERN: "Bekymring",
    ConcernKind.REPORT: "Bekymringsmelding",
}
HANDOVER_STATUSES = {
    HandoverStatus.PENDING: "venter på svar",
    HandoverStatus.ACCEPTED: "godtatt",
    HandoverStatus.DECLINED: "avslått",
    HandoverStatus.CANCELLED: "avbrutt",
}
CLOSE_REASONS: dict[str, str] = dict(CLOSE_REASON_WORDS)
READ_ACTIONS = {
    "case.read": "leste saken",
    "case.read_family": "så familiens side",
    "person.read": "slo opp barnet",
    "case.send_report": "ga opplysninger til barnevernet (opplysningsplikt, barnevernsloven § 13-2)",
}
READER_KINDS = {"employee": "ansatt", "guardian": "foresatt", "youth": "ungdom", "system": "system"}
MONTHS = [
    "januar",
    "februar",
    "mars",
    "april",
    "mai",
    "juni",
    "juli",
    "august",
    "september",
    "oktober",
    "november",
    "desember",
]


def date(value: dt.date | dt.datetime | str | None) -> str:
    """«3. mars 2025»; an empty string for no date."""
    if value is None or value == "":
        return ""
    if isinstance(value, str):
        value = dt.date.fromisoformat(value[:10])
    return f"{value.day}. {MONTHS[value.month - 1]} {value.year}"


def datetime(value: dt.datetime | None) -> str:
    """«3. mars 2025 kl. 10.15» in Norwegian time."""
    if value is None:
        return ""
    from zoneinfo import ZoneInfo

    local = value.astimezone(ZoneInfo("Europe/Oslo"))
    return f"{date(local)} kl. {local:%H.%M}"


def level_name(level: int) -> str:
    return LEVEL_NAMES[Level(level)]


FILTERS = {
    "date": date,
    "datetime": datetime,
    "level_name": level_name,
    "log_kind": lambda k: LOG_ENTRY_KINDS.get(k, str(k)),
    "service_type": lambda s: SERVICE_TYPES.get(s, str(s)),
    "area": lambda a: AREAS.get(a, str(a)),
    "outcome": lambda o: OUTCOMES.get(o, str(o)),
    "meeting_kind": lambda k: MEETING_KINDS.get(k, str(k)),
    "basis": lambda b: BASES.get(b, str(b)),
    "measure_status": lambda s: MEASURE_STATUSES.get(s, str(s)),
    "concern_kind": lambda k: CONCERN_KINDS.get(k, str(k)),
    "handover_status": lambda s: HANDOVER_STATUSES.get(s, str(s)),
    "close_reason": lambda r: CLOSE_REASONS.get(r, str(r)),
    "read_action": lambda a: READ_ACTIONS.get(a, a),
    "reader_kind": lambda k: READER_KINDS.get(k, k),
}
