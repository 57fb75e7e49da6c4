"""The national baseline's varsler: who is told what, and when (docs/notifications.md).

Titles are what a person reads in Stafett; none names the child, the concern or the service.
"""

from __future__ import annotations

from contracts import Delivery, LogEntryKind, NotificationKind, Recipient, Scan

K, R, S = LogEntryKind, Recipient, Scan
SHARED_WITH_FAMILY = [  # entries a family reads on Min side; only those shared with them notify them
    K.NOTE,
    K.BRIGHT_MOMENT,
    K.MEASURE_CREATED,
    K.MEASURE_EVALUATED,
    K.HOME_TASK,
    K.LEVEL_CHANGED,
]


TITLES = {  # what the person reads, by kind
    "handover_offered": "Du er tilbudt stafetten i en sak",
    "handover_accepted": "Stafetten du tilbød, er tatt imot",
    "handover_declined": "Stafetten du tilbød, er avslått",
    "meeting_invited": "Du er invitert til et møte",
    "meeting_changed": "Et møte du er invitert til, har fått ny tid eller nytt sted",
    "meeting_cancelled": "Et møte du var invitert til, er avlyst",
    "evaluation_due": "Et tiltak du er ansvarlig for, skal snart evalueres",
    "evaluation_overdue": "Et tiltak du er ansvarlig for, skulle vært evaluert",
    "consent_expiring": "Et samtykke i saken går ut om 30 dager",
    "consent_expired": "Et samtykke i saken har gått ut",
    "family_comment": "Familien har skrevet i stafettloggen",
    "no_relay_holder": "En sak i enheten din har vært uten stafettholder lenge",
    "basis_lapsed": "En tjeneste mistet grunnlaget i saken da samtykket ble trukket",
    "family_entry": "Det er noe nytt i stafettloggen",
    "consent_requested": "Du er bedt om å gi samtykke",
    "family_meeting": "Det er satt opp et møte om saken",
}


def _kind(
    id_: str,
    to: list[Recipient],
    cause: list[LogEntryKind] | Scan,
    days: int = 0,
    delivery: Delivery = Delivery.IMMEDIATELY,
) -> NotificationKind:
    """One row of the table below: caused by stafettlogg entries, or found by a scan (with its days)."""
    on, scan = ([], cause) if isinstance(cause, Scan) else (cause, None)
    return NotificationKind(
        id=id_, title=TITLES[id_], recipients=to, on=on, scan=scan, days=days, default_delivery=delivery
    )


KINDS = [
    _kind("handover_offered", [R.HANDOVER_RECEIVER], [K.HANDOVER_REQUESTED]),
    _kind("handover_accepted", [R.HANDOVER_GIVER], [K.HANDOVER_ACCEPTED]),
    _kind("handover_declined", [R.HANDOVER_GIVER], [K.HANDOVER_DECLINED]),
    _kind("meeting_invited", [R.MEETING_INVITEES], [K.MEETING]),
    _kind("meeting_changed", [R.MEETING_INVITEES, R.FAMILY], [K.MEETING_CHANGED]),
    _kind("meeting_cancelled", [R.MEETING_INVITEES, R.FAMILY], [K.MEETING_CANCELLED]),
    _kind("evaluation_due", [R.MEASURE_RESPONSIBLE], S.EVALUATION_DUE, 7),
    _kind("evaluation_overdue", [R.MEASURE_RESPONSIBLE], S.EVALUATION_OVERDUE),
    _kind("consent_expiring", [R.RELAY_HOLDER, R.CONSENT_GIVERS], S.CONSENT_EXPIRING, 30),
    _kind("consent_expired", [R.RELAY_HOLDER, R.CONSENT_GIVERS], S.CONSENT_EXPIRED),
    _kind("family_comment", [R.RELAY_HOLDER], [K.FAMILY_COMMENT]),
    _kind("no_relay_holder", [R.OWNER_UNIT_LEADERS], S.NO_RELAY_HOLDER, 14, Delivery.DAILY_DIGEST),
    _kind("basis_lapsed", [R.RELAY_HOLDER, R.OWNER_UNIT_LEADERS], [K.PARTICIPANT_BASIS_LAPSED]),
    _kind("family_entry", [R.FAMILY], SHARED_WITH_FAMILY, 0, Delivery.DAILY_DIGEST),
    _kind("consent_requested", [R.CONSENT_ASKED], S.CONSENT_REQUESTED),
    _kind("family_meeting", [R.FAMILY], [K.MEETING]),
]
