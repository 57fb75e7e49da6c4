"""The words people read for the model's stable codes (bokmål, marked for nynorsk: the filters translate
them where a page shows them), and dates the Norwegian way."""

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
from core.i18n import N_, gettext

LEVELS = {level: (f"Nivå {int(level)}", title.capitalize()) for level, title in LEVEL_TITLES.items()}
SERVICE_TYPES = {
    ServiceType.HEALTH_STATION: N_("Helsestasjon og skolehelsetjeneste"),
    ServiceType.KINDERGARTEN: N_("Barnehage"),
    ServiceType.SCHOOL: N_("Skole"),
    ServiceType.AFTER_SCHOOL: N_("SFO"),
    ServiceType.PPT: N_("PPT"),
    ServiceType.CHILD_WELFARE: N_("Barneverntjenesten"),
    ServiceType.FAMILY_SERVICE: N_("Familietjeneste"),
    ServiceType.MENTAL_HEALTH_SUBSTANCE: N_("Psykisk helse og rus"),
    ServiceType.NAV: N_("NAV"),
    ServiceType.GP_EMERGENCY: N_("Fastlege og legevakt"),
    ServiceType.OTHER: N_("Annet"),
}
AREAS = {
    InformationArea.GENERAL: N_("Barnehage, skole, PPT og familietjenester"),
    InformationArea.HEALTH: N_("Helseopplysninger"),
    InformationArea.CHILD_WELFARE: N_("Barnevern"),
}
OUTCOMES: dict[str, str] = {  # StrEnum keys, looked up with the logged plain strings
    EvaluationOutcome.ACHIEVED: N_("Målet er nådd"),
    EvaluationOutcome.PARTLY: N_("Målet er delvis nådd"),
    EvaluationOutcome.NOT_ACHIEVED: N_("Målet er ikke nådd"),
}
MEETING_KINDS = {
    MeetingKind.DISCUSSION: N_("Tverrfaglig drøfting"),
    MeetingKind.COLLABORATION: N_("Samarbeidsmøte"),
    MeetingKind.COORDINATION: N_("Koordineringsmøte"),
}
MEASURE_STATUSES: dict[str, str] = {
    MeasureStatus.ACTIVE: N_("I gang"),
    MeasureStatus.PAUSED: N_("På pause"),
    MeasureStatus.ENDED: N_("Avsluttet"),
    MeasureStatus.CANCELLED: N_("Avlyst"),
}
BASES = {
    ParticipationBasis.OWNER: N_("eier saken"),
    ParticipationBasis.CONSENT: N_("med samtykke"),
    ParticipationBasis.REPORT_DUTY: N_("opplysningsplikt til barnevernet"),
}
CONCERN_KINDS = {
    ConcernKind.WONDERING: N_("Undring"),
    ConcernKind.CONCERN: N_("Bekymring"),
    ConcernKind.REPORT: N_("Bekymringsmelding"),
}
HANDOVER_STATUSES = {
    HandoverStatus.PENDING: N_("venter på svar"),
    HandoverStatus.ACCEPTED: N_("godtatt"),
    HandoverStatus.DECLINED: N_("avslått"),
    HandoverStatus.CANCELLED: N_("avbrutt"),
}
CLOSE_REASONS: dict[str, str] = dict(CLOSE_REASON_WORDS)
READ_ACTIONS = {
    "case.read": N_("leste saken"),
    "case.read_family": N_("så familiens side"),
    "person.read": N_("slo opp barnet"),
    "case.send_report": N_("ga opplysninger til barnevernet (opplysningsplikt, barnevernsloven § 13-2)"),
}
READER_KINDS = {
    "employee": N_("ansatt"),
    "guardian": N_("foresatt"),
    "youth": N_("ungdom"),
    "system": N_("system"),
}
MONTHS = [
    N_("januar"),
    N_("februar"),
    N_("mars"),
    N_("april"),
    N_("mai"),
    N_("juni"),
    N_("juli"),
    N_("august"),
    N_("september"),
    N_("oktober"),
    N_("november"),
    N_("desember"),
]


def date(value: dt.date | dt.datetime | str | None) -> str:
    """«3. mars 2025»; an empty string for no date."""
    if value is None or value == "":
        return ""
    if isinstance(value, str):
        value = dt.date.fromisoformat(value[:10])
    return f"{value.day}. {gettext(MONTHS[value.month - 1])} {value.year}"


def datetime(value: dt.datetime | None) -> str:
    """«3. mars 2025 kl. 10.15» in Norwegian time."""
    if value is None:
        return ""
    from zoneinfo import ZoneInfo

    local = value.astimezone(ZoneInfo("Europe/Oslo"))
    return f"{date(local)} kl. {local:%H.%M}"


def level_name(level: int) -> str:
    return gettext(LEVEL_NAMES[Level(level)])


def translated(text: object) -> object:
    """A text a plugin or the model brings as data (a guide step, a tool's field, an arena), in the
    reader's written form: ``{{ step.title | tr }}``. Unlike ``_()`` in a template, the result is
    escaped like any value, and a ``%`` in it is just a character."""
    return gettext(text) if isinstance(text, str) else text


def _word(words: dict, key: object) -> str:
    found = words.get(key)
    return gettext(found) if found is not None else str(key)


FILTERS = {
    "date": date,
    "datetime": datetime,
    "level_name": level_name,
    "tr": translated,
    "log_kind": lambda k: _word(LOG_ENTRY_KINDS, k),
    "service_type": lambda s: _word(SERVICE_TYPES, s),
    "area": lambda a: _word(AREAS, a),
    "outcome": lambda o: _word(OUTCOMES, o),
    "meeting_kind": lambda k: _word(MEETING_KINDS, k),
    "basis": lambda b: _word(BASES, b),
    "measure_status": lambda s: _word(MEASURE_STATUSES, s),
    "concern_kind": lambda k: _word(CONCERN_KINDS, k),
    "handover_status": lambda s: _word(HANDOVER_STATUSES, s),
    "close_reason": lambda r: _word(CLOSE_REASONS, r),
    "read_action": lambda a: _word(READ_ACTIONS, a) if a in READ_ACTIONS else a,
    "reader_kind": lambda k: _word(READER_KINDS, k) if k in READER_KINDS else k,
}
