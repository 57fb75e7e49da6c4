"""The national baseline action guide: every service type, every level, tied to the standard tools."""

from __future__ import annotations

from contracts import action_guide

from .levels import LEVELS

SOURCE = (
    "Nasjonal grunnmodell skrevet for Stafett med egne ord, bygd på den offentlige beskrivelsen av "
    "BTI-modellen (Helsedirektoratet og KoRus: fire nivåer, handlingsveileder, verktøy, stafettholder og "
    "stafettlogg) og kommunale handlingsveiledere. Trinnene er generelle: frister, møtearenaer og lokale "
    "rutiner er ikke kjent her og hører hjemme i kommunens eget programtillegg."
)

GUIDE = action_guide("bti-standard", "Nasjonal grunnmodell", LEVELS, source=SOURCE)
