"""The model's own words in bokmål for its stable codes: one place for the core's messages, the pages
and the adapters' display texts, so a level or a log entry reads the same everywhere."""

from __future__ import annotations

from .enums import CloseReason, Level, LogEntryKind

LEVEL_TITLES = {
    Level.CLARIFY: "avklar undring",
    Level.INTERNAL: "intern innsats",
    Level.COLLABORATE_TWO: "samarbeid to",
    Level.COLLABORATE_MANY: "samarbeid flere",
}
LEVEL_NAMES = {level: f"nivå {int(level)} – {title}" for level, title in LEVEL_TITLES.items()}
# The consent step that opens nivå 2 and widens at nivå 3 (contracts.guides.consent_step): title, description.
CONSENT_STEPS = {
    Level.COLLABORATE_TWO: (
        "Innhent samtykke",
        "Foreldrene (og ungdommen, etter alder) samtykker til samarbeidet og til hvilke opplysninger som "
        "kan deles med hvilke tjenester, til hvilket formål og hvor lenge.",
    ),
    Level.COLLABORATE_MANY: (
        "Utvid samtykket",
        "Foreldrene samtykker til samarbeid med alle tjenestene som skal være med.",
    ),
}
# Purpose, target group and goal of each level, after the model's overview ("Målgrupper og mål"): what a
# guide level says when its guide does not say otherwise (contracts.guides.guide_level).
LEVEL_PURPOSES = {
    Level.CLARIFY: "Beskriver hvordan den som undrer seg, avklarer om det er grunn til bekymring.",
    Level.INTERNAL: "Beskriver tidlig innsats innenfor den enkelte tjenesten.",
    Level.COLLABORATE_TWO: "Beskriver tidlig innsats der enkelt tverrfaglig samarbeid, fortrinnsvis mellom "
    "to tjenester, er nok.",
    Level.COLLABORATE_MANY: "Beskriver tidlig innsats der det trengs mer omfattende tverrfaglig samarbeid "
    "mellom flere tjenester, for eksempel når barneverntjenesten er involvert.",
}
LEVEL_TARGET_GROUPS = {
    Level.CLARIFY: "Barn, unge og foreldre vi undrer oss over eller er bekymret for.",
    Level.INTERNAL: "Barn, unge og foreldre med behov for oppfølging fra én tjeneste.",
    Level.COLLABORATE_TWO: "Barn, unge og foreldre med behov for oppfølging fra to tjenester.",
    Level.COLLABORATE_MANY: "Barn, unge og foreldre med samordnet innsats fra flere tjenester.",
}
LEVEL_GOALS = {  # from level 1 the goal is the same: the child's development
    Level.CLARIFY: "Avklare om det skal følges opp med ekstra innsats.",
    **dict.fromkeys(list(Level)[1:], "Hensiktsmessig utvikling for barnet."),
}
LOG_ENTRY_KINDS = {
    LogEntryKind.NOTE: "Notat",
    LogEntryKind.BRIGHT_MOMENT: "Lysglimt",
    LogEntryKind.CONCERN: "Undring",
    LogEntryKind.MEASURE_CREATED: "Nytt tiltak",
    LogEntryKind.MEASURE_EVALUATED: "Tiltak evaluert",
    LogEntryKind.MEASURE_STATUS_CHANGED: "Tiltakets status er endret",
    LogEntryKind.MEETING: "Møte",
    LogEntryKind.MEETING_CHANGED: "Møte endret",
    LogEntryKind.MEETING_CANCELLED: "Møte avlyst",
    LogEntryKind.CONSENT_GIVEN: "Samtykke gitt",
    LogEntryKind.CONSENT_WITHDRAWN: "Samtykke trukket tilbake",
    LogEntryKind.CONSENT_REFUSED: "Samtykke avslått",
    LogEntryKind.LEVEL_CHANGED: "Nytt nivå",
    LogEntryKind.PARTICIPANT_ADDED: "Tjeneste med i saken",
    LogEntryKind.PARTICIPANT_REMOVED: "Tjeneste ute av saken",
    LogEntryKind.PARTICIPANT_BASIS_LAPSED: "Tjeneste uten grunnlag",
    LogEntryKind.RELAY_HOLDER_ASSIGNED: "Stafettholder tildelt",
    LogEntryKind.HANDOVER_REQUESTED: "Stafetten tilbudt",
    LogEntryKind.HANDOVER_ACCEPTED: "Stafetten overlevert",
    LogEntryKind.HANDOVER_DECLINED: "Overlevering avslått",
    LogEntryKind.HOME_TASK: "Hjemmelekse",
    LogEntryKind.FAMILY_COMMENT: "Kommentar fra familien",
    LogEntryKind.CORRECTION: "Rettelse",
    LogEntryKind.CASE_CLOSED: "Saken avsluttet",
    LogEntryKind.CHILD_WELFARE_REPORT: "Bekymringsmelding sendt",
    LogEntryKind.CHILD_WELFARE_RECEIPT: "Kvittering fra barnevernet",
    LogEntryKind.CHILD_WELFARE_ANSWER: "Svar fra barnevernet",
    LogEntryKind.CASE_ARCHIVED: "Arkivert",
    LogEntryKind.TRANSFER_PROPOSED: "Overføring foreslått",
    LogEntryKind.TRANSFER_ACCEPTED: "Saken er overført",
    LogEntryKind.TRANSFER_DECLINED: "Overføring avslått",
    LogEntryKind.COORDINATOR_ASSIGNED: "Koordinator",
    LogEntryKind.PLAN_UPDATED: "Individuell plan",
}

COORDINATOR_ROLES = {  # what each role is, for the case page (nivå 3)
    "stafettholder": (
        "Stafettholder (BTI)",
        "Har ansvar for at samarbeidet rundt barnet blir koordinert og dokumentert i stafettloggen. "
        "Rollen følger BTI-modellen og kan overleveres som en stafettpinne.",
    ),
    "ip_koordinator": (
        "Koordinator for individuell plan",
        "Har hovedansvar for oppfølging og for å samordne arbeidet med individuell plan "
        "(forskrift om individuell plan ved ytelse av velferdstjenester, 2022). Alle som har behov for "
        "langvarige og koordinerte tjenester, har rett til en individuell plan.",
    ),
    "barnekoordinator": (
        "Barnekoordinator",
        "Familier som har eller venter barn med alvorlig sykdom, skade eller nedsatt funksjonsevne og "
        "som vil ha behov for sammensatte tjenester, har rett til barnekoordinator "
        "(helse- og omsorgstjenesteloven § 7-2 a). Barnekoordinatoren gir informasjon og veiledning, "
        "samordner tjenestene og har ansvar for individuell plan.",
    ),
}

# how a case closed, as the avslutning form and følgeevaluering say it
CLOSE_REASON_WORDS: dict[str, str] = {
    CloseReason.RESOLVED: "Undringen er avklart eller målet nådd",
    CloseReason.MOVED: "Flyttet fra kommunen",
    CloseReason.CHILD_WELFARE: "Overført til barneverntjenesten",
    CloseReason.CONSENT_WITHDRAWN: "Samtykket er trukket tilbake",
    CloseReason.OUT_OF_TARGET_GROUP: "Utenfor målgruppen",
    CloseReason.OTHER_SERVICE: "Arbeidet fortsetter i en annen tjeneste",
    CloseReason.INDIVIDUAL_PLAN: "Barnet har fått individuell plan",
}
