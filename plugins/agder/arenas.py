"""BTI Agder's two kinds of meeting arena, as the follow-up evaluation found them in its municipalities.

Who takes part and how often each arena meets is decided by each municipality and is not known
here, so ``frequency`` says so instead of guessing.
"""

from __future__ import annotations

from contracts import Level, MeetingArena, MeetingKind

UNKNOWN_FREQUENCY = "Ikke kjent her – fastsettes av den enkelte kommunen."

DISCUSSION = MeetingArena(
    id="agder-tverrfaglig-drofting",
    name="Tverrfaglig drøfting",
    kind=MeetingKind.DISCUSSION,
    mandate="Drøfte barn, unge eller familier det er uro for, fra flere faglige ståsteder, som grunnlag "
    "for å bestemme videre oppfølging. Arenaen ligger ofte i tilknytning til barnehage eller skole og "
    "brukes på nivå 1 og 2. Saken drøftes anonymt når foreldrene ikke har samtykket til at barnet "
    "kan drøftes med navn. Kommunen gjør kjent at arenaen finnes og hva den skal brukes til, slik at "
    "saker som bør drøftes, blir løftet hit.",
    levels=[Level.INTERNAL, Level.COLLABORATE_TWO],
    anonymous_allowed=True,
    participants=[
        "ansatte som tar opp en sak fra barnehage eller skole",
        "hjelpetjenester kommunen har knyttet til arenaen (sammensetningen er ikke kjent her)",
    ],
    frequency=UNKNOWN_FREQUENCY,
)

COORDINATION = MeetingArena(
    id="agder-koordinering",
    name="Koordineringsmøte rundt barnet og familien",
    kind=MeetingKind.COORDINATION,
    mandate="Sikre helhetlige og koordinerte tjenester for barn, unge og familier som får tiltak fra "
    "flere tjenester (nivå 3). I starten av samarbeidet belyser møtet familiens behov under ett; alle "
    "tjenestene som er involvert, er med, også tjenester til de voksne. Stafettholderen kaller inn og "
    "fører avtalene i stafettloggen. Krever samtykke.",
    levels=[Level.COLLABORATE_MANY],
    anonymous_allowed=False,
    participants=[
        "barnet eller ungdommen og foreldrene",
        "alle tjenestene som er involvert i saken",
        "representanter for tjenester til barn og til voksne",
        "stafettholderen",
    ],
    frequency="Ved oppstart på nivå 3 og ellers etter avtale i saken.",
)

ARENAS = [DISCUSSION, COORDINATION]
