"""Rakkestad's arenas at system level: where the BTI work itself is steered and developed.

Known from Rakkestad's own presentation: a styringsgruppe that meets regularly, and a
prosessgruppe developing level 2, within a main goal of structure («møtearenaer på systemnivå,
inkl. mandat og roller»). Members, chair and meeting times are not known here; the mandates
restate the goals the groups work towards.
"""

from __future__ import annotations

from contracts import Level, MeetingArena, MeetingKind

NOT_KNOWN = "Hvem som sitter i gruppen og hvem som leder den, er ikke kjent her."

STEERING = MeetingArena(
    id="rakkestad-styringsgruppe",
    name="Styringsgruppen for BTI",
    kind=MeetingKind.COORDINATION,
    mandate="Styrer innføringen av BTI som kommunens styringssystem for arbeidsflyten fra undring til "
    "handling, og følger opp hovedmålene for struktur (handlingsveiledere og møtearenaer), kvalitet "
    "(kompetanse og ferdigheter), kultur (felles begreper og implementering) og lovverk (taushetsplikt "
    "og kjennskap til hverandres mandat). Gir oppdrag til arbeidsgruppene for handlingsveilederne, "
    "stafettloggen, verktøyene og kompetansekartleggingen. Drøfter ikke enkeltsaker. " + NOT_KNOWN,
    levels=list(Level),
    frequency="Jevnlige møter; hyppighet ikke kjent her.",
)

PROCESS = MeetingArena(
    id="rakkestad-prosessgruppe",
    name="Prosessgruppen",
    kind=MeetingKind.DISCUSSION,
    mandate="Utvikler nivå 2 i handlingsveilederne ut fra erfaringene i tjenestene, og melder tilbake "
    "til styringsgruppen. Drøfter ikke enkeltsaker. " + NOT_KNOWN,
    levels=[Level.COLLABORATE_TWO],
    frequency="Ikke kjent her.",
)

ARENAS = [STEERING, PROCESS]
