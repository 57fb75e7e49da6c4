"""What a consent lets a unit's journal receive: the content inside its categories and period.

A samtykke names the information that may be shared in the family's words ("observasjoner",
"tiltak og evalueringer"). A delivery carries the case's frame (the child, the guardians, the units,
the people, the case, the services, the consents) and, of the content, only what a consent in force
for the receiving unit covers: its categories, inside its period. A category word that matches no
content class shares no content (deny by default). The words are listed in docs/fhir.md.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

import msgspec

from contracts import CaseRecord, Consent, LogEntry, LogEntryKind, Measure

OBSERVATIONS = "observasjoner"
MEASURES = "tiltak"
MEETINGS = "møter"
COURSE = "saksforløp"

KINDS = {
    OBSERVATIONS: {
        LogEntryKind.NOTE,
        LogEntryKind.BRIGHT_MOMENT,
        LogEntryKind.CONCERN,
        LogEntryKind.FAMILY_COMMENT,
    },
    MEASURES: {
        LogEntryKind.MEASURE_CREATED,
        LogEntryKind.MEASURE_EVALUATED,
        LogEntryKind.MEASURE_STATUS_CHANGED,
        LogEntryKind.HOME_TASK,
    },
    MEETINGS: {LogEntryKind.MEETING, LogEntryKind.MEETING_CHANGED, LogEntryKind.MEETING_CANCELLED},
    COURSE: {
        LogEntryKind.CONSENT_GIVEN,
        LogEntryKind.CONSENT_WITHDRAWN,
        LogEntryKind.LEVEL_CHANGED,
        LogEntryKind.PARTICIPANT_ADDED,
        LogEntryKind.PARTICIPANT_REMOVED,
        LogEntryKind.PARTICIPANT_BASIS_LAPSED,
        LogEntryKind.RELAY_HOLDER_ASSIGNED,
        LogEntryKind.HANDOVER_REQUESTED,
        LogEntryKind.HANDOVER_ACCEPTED,
        LogEntryKind.HANDOVER_DECLINED,
        LogEntryKind.CASE_CLOSED,
    },
}
# Word stems in a consent's category text, and the content classes they name.
WORDS: dict[str, frozenset[str]] = {
    "observasjon": frozenset({OBSERVATIONS}),
    "notat": frozenset({OBSERVATIONS}),
    "undring": frozenset({OBSERVATIONS}),
    "bekymring": frozenset({OBSERVATIONS}),
    "lysglimt": frozenset({OBSERVATIONS}),
    "tiltak": frozenset({MEASURES}),
    "evaluering": frozenset({MEASURES}),
    "hjemmelekse": frozenset({MEASURES}),
    "møte": frozenset({MEETINGS}),
    "forløp": frozenset({COURSE}),
    "saksgang": frozenset({COURSE}),
    "stafettlogg": frozenset(KINDS),  # "hele stafettloggen": every class
}


def classes(category: str) -> frozenset[str]:
    """The content classes one category of a consent names (none if no word is known)."""
    text = category.casefold()
    return frozenset(c for stem, named in WORDS.items() if stem in text for c in named)


class Window(msgspec.Struct, frozen=True):
    start: dt.date
    end: dt.date

    def holds(self, day: dt.date) -> bool:
        return self.start <= day <= self.end

    def overlaps(self, start: dt.date, end: dt.date) -> bool:
        return start <= self.end and self.start <= end


def windows(consents: Iterable[Consent], unit_id: str, now: dt.datetime) -> dict[str, list[Window]]:
    """Per content class, the periods of the consents in force now that cover ``unit_id``."""
    out: dict[str, list[Window]] = {}
    for consent in consents:
        if unit_id not in consent.unit_ids or not consent.is_in_force(now):
            continue
        window = Window(consent.valid_from, consent.valid_to)
        for name in {c for category in consent.categories for c in classes(category)}:
            out.setdefault(name, []).append(window)
    return out


def _class_of(entry: LogEntry, by_id: dict[str, LogEntry]) -> str | None:
    seen: set[str] = set()
    while entry.kind is LogEntryKind.CORRECTION and entry.corrects and entry.corrects not in seen:
        seen.add(entry.corrects)
        target = by_id.get(entry.corrects)
        if target is None:
            return None
        entry = target
    return next((name for name, kinds in KINDS.items() if entry.kind in kinds), None)


def scoped(record: CaseRecord, unit_id: str, now: dt.datetime) -> CaseRecord:
    """The record as ``unit_id``'s journal may receive it now: content outside every consent's scope removed.

    A correction follows the entry it corrects; a measure is in scope when its period overlaps a
    consent's, with only the evaluations made inside it.
    """
    allowed = windows(record.consents, unit_id, now)
    by_id = {e.id: e for e in record.log}

    def entry_in(entry: LogEntry) -> bool:
        name = _class_of(entry, by_id)
        return name is not None and any(w.holds(entry.at.date()) for w in allowed.get(name, ()))

    measure_windows = allowed.get(MEASURES, [])

    def measure_in(measure: Measure) -> Measure | None:
        inside = [w for w in measure_windows if w.overlaps(measure.start_date, measure.evaluation_date)]
        if not inside:
            return None
        evaluations = [e for e in measure.evaluations if any(w.holds(e.evaluated_at.date()) for w in inside)]
        return msgspec.structs.replace(measure, evaluations=evaluations)

    measures = [m for m in (measure_in(m) for m in record.measures) if m is not None]
    return msgspec.structs.replace(
        record,
        log=[e for e in record.log if entry_in(e)],
        measures=measures,
        handovers=record.handovers if allowed.get(COURSE) else [],
        concerns=[],  # the concerns' text reaches a journal only as log entries, scoped above
        meetings=[],
        audit=[],
    )
