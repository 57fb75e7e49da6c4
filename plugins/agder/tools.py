"""Two forms BTI Agder's way of working calls for, written for Stafett (BTI Agder's own forms are not known).

- «Tverrfaglig drøfting»: what a case brought to the discussion arena was, anonymously, and what
  was advised; it stays in the service (not shared with the family) because it can hold
  colleagues' assessments.
- «Overlevering av stafetten»: what the receiver of the baton needs, so nothing is lost on the way.
"""

from __future__ import annotations

from contracts import Level, ToolDefinition
from contracts.forms import choice, date, form, text, yes_no

DROFTING = ToolDefinition(
    id="agder-drofting",
    title="Tverrfaglig drøfting",
    description="Forbered og dokumenter en drøfting i den tverrfaglige drøftingsarenaen, anonymt eller "
    "med samtykke.",
    levels=[Level.INTERNAL, Level.COLLABORATE_TWO],
    shared_with_family=False,
    form_schema=form(
        "Tverrfaglig drøfting",
        {
            "dato": date("Dato for drøftingen"),
            "anonym": yes_no(
                "Drøftet anonymt", "Nei bare når foreldrene har samtykket til drøfting med navn."
            ),
            "problemstilling": text(
                "Hva ønsker du å drøfte?", 2000, "Beskriv uroen uten navn eller andre kjennetegn."
            ),
            "provd_i_egen_tjeneste": text(
                "Hva er prøvd i egen tjeneste?", 2000, "Tiltak, hvor lenge, og hvordan de virket."
            ),
            "rad": text("Råd fra drøftingen", 4000),
            "videre": choice(
                "Veien videre",
                {
                    "fortsett-niva-1": "Fortsette med tiltak i egen tjeneste",
                    "koble-pa": "Koble på en annen tjeneste (med samtykke)",
                    "avklart": "Uroen er avklart",
                    "bekymringsmelding": "Sende bekymringsmelding til barneverntjenesten",
                },
            ),
        },
        ["dato", "anonym", "problemstilling", "rad", "videre"],
    ),
)

OVERLEVERING = ToolDefinition(
    id="agder-overlevering",
    title="Overlevering av stafetten",
    description="Det mottakeren av stafetten trenger å vite: tiltakene, avtalene og hva som skal følges "
    "opp. Overleveringen gjelder først når mottakeren har godtatt den.",
    levels=list(Level),
    form_schema=form(
        "Overlevering av stafetten",
        {
            "dato": date("Dato"),
            "grunn": text("Hvorfor byttes stafettholder?", 1000, "For eksempel overgang barnehage–skole."),
            "tiltak_status": text("Tiltakene nå", 4000, "Hva virker, hva evalueres når, hvem har ansvaret."),
            "avtaler": text("Avtaler med barnet og foreldrene", 2000),
            "neste_evaluering": date("Neste evaluering"),
            "foreldre_informert": {
                "type": "boolean",
                "const": True,
                "title": "Foreldrene er informert om hvem som blir ny stafettholder",
            },
        },
        ["dato", "grunn", "tiltak_status", "foreldre_informert"],
    ),
)

TOOLS = [DROFTING, OVERLEVERING]
