"""Where BTI Agder's texts come from, and what is not known, said once for the whole plugin."""

SOURCE = (
    "Skrevet for Stafett med egne ord ut fra offentlig materiale om BTI Agder: statusoversikten for "
    "tiltakene i BTI Agder (implementering av modell, handlingsveiledere og verktøy; digital "
    "handlingsveileder, BTI stafettlogg, e-læring og kompetanseportal) og hovedfunnene fra PwCs "
    "følgeevaluering av BTI Agder (to typer samhandlingsarenaer, uklar stafettholderrolle, forskjellen "
    "mellom stafettholder og koordinator). Hver kommune i BTI Agder har sin egen handlingsveileder; "
    "trinn, frister, møtetider og hvem som deltar i arenaene i den enkelte kommunen er ikke kjent her og "
    "hører hjemme i kommunens eget programtillegg. BTI Agders egne skjemaer er ikke gjengitt: "
    "verktøyene «Tverrfaglig drøfting» og «Overlevering av stafetten» er laget for Stafett."
)
