"""The national baseline's varsler: who is told what, and when (docs/notifications.md).

Titles are what a person reads in Stafett; none names the child, the concern or the service.
"""

from __future__ import annotations

from contracts import Delivery, LogEntryKind, NotificationKind, Recipient, Scan

K, R = LogEntryKind, Recipient
SHARED_WITH_FAMILY = [  # entries a family reads on Min side; only those shared with them notify them
    K.NOTE,
    K.BRIGHT_MOMENT,
    K.MEASURE_CREATED,
    K.MEASURE_EVALUATED,
    K.HOME_TASK,
    K.LEVEL_CHANGED,
]

KINDS = [
    NotificationKind(
        id="handover_offered",
        title="Du er tilbudt stafetten i en sak",
        recipients=[R.HANDOVER_RECEIVER],
        on=[K.HANDOVER_REQUESTED],
    ),
    NotificationKind(
        id="handover_accepted",
        title="Stafetten du tilbød, er tatt imot",
        recipients=[R.HANDOVER_GIVER],
        on=[K.HANDOVER_ACCEPTED],
    ),
    NotificationKind(
        id="handover_declined",
        title="Stafetten du tilbød, er avslått",
        recipients=[R.HANDOVER_GIVER],
        on=[K.HANDOVER_DECLINED],
    ),
    NotificationKind(
        id="meeting_invited",
        title="Du er invitert til et møte",
        recipients=[R.MEETING_INVITEES],
        on=[K.MEETING],
    ),
    NotificationKind(
        id="meeting_changed",
        title="Et møte du er invitert til, har fått ny tid eller nytt sted",
        recipients=[R.MEETING_INVITEES, R.FAMILY],
        on=[K.MEETING_CHANGED],
    ),
    NotificationKind(
        id="meeting_cancelled",
        title="Et møte du var invitert til, er avlyst",
        recipients=[R.MEETING_INVITEES, R.FAMILY],
        on=[K.MEETING_CANCELLED],
    ),
    NotificationKind(
        id="evaluation_due",
        title="Et tiltak du er ansvarlig for, skal snart evalueres",
        recipients=[R.MEASURE_RESPONSIBLE],
        scan=Scan.EVALUATION_DUE,
        days=7,
    ),
    NotificationKind(
        id="evaluation_overdue",
        title="Et tiltak du er ansvarlig for, skulle vært evaluert",
        recipients=[R.MEASURE_RESPONSIBLE],
        scan=Scan.EVALUATION_OVERDUE,
    ),
    NotificationKind(
        id="consent_expiring",
        title="Et samtykke i saken går ut om 30 dager",
        recipients=[R.RELAY_HOLDER, R.CONSENT_GIVERS],
        scan=Scan.CONSENT_EXPIRING,
        days=30,
    ),
    NotificationKind(
        id="consent_expired",
        title="Et samtykke i saken har gått ut",
        recipients=[R.RELAY_HOLDER, R.CONSENT_GIVERS],
        scan=Scan.CONSENT_EXPIRED,
    ),
    NotificationKind(
        id="family_comment",
        title="Familien har skrevet i stafettloggen",
        recipients=[R.RELAY_HOLDER],
        on=[K.FAMILY_COMMENT],
    ),
    NotificationKind(
        id="no_relay_holder",
        title="En sak i enheten din har vært uten stafettholder lenge",
        recipients=[R.OWNER_UNIT_LEADERS],
        scan=Scan.NO_RELAY_HOLDER,
        days=14,
        default_delivery=Delivery.DAILY_DIGEST,
    ),
    NotificationKind(
        id="basis_lapsed",
        title="En tjeneste mistet grunnlaget i saken da samtykket ble trukket",
        recipients=[R.RELAY_HOLDER, R.OWNER_UNIT_LEADERS],
        on=[K.PARTICIPANT_BASIS_LAPSED],
    ),
    NotificationKind(
        id="family_entry",
        title="Det er noe nytt i stafettloggen",
        recipients=[R.FAMILY],
        on=SHARED_WITH_FAMILY,
        default_delivery=Delivery.DAILY_DIGEST,
    ),
    NotificationKind(
        id="consent_requested",
        title="Du er bedt om å gi samtykke",
        recipients=[R.CONSENT_ASKED],
        scan=Scan.CONSENT_REQUESTED,
    ),
    NotificationKind(
        id="family_meeting",
        title="Det er satt opp et møte om saken",
        recipients=[R.FAMILY],
        on=[K.MEETING],
    ),
]
