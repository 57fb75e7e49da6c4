"""Two forms BTI Agder's way of working calls for, written for Stafett (BTI Agder's own forms are not known).

- «Tverrfaglig drøfting»: what a case brought to the discussion arena was, anonymously, and what
  was advised; it stays in the service (not shared with the family) because it can hold
  colleagues' assessments.
- «Overlevering av stafetten»: what the receiver of the baton needs, so nothing is lost on the way.
"""

from __future__ import annotations

from typing import Any

from contracts import Level, ToolDefinition

DRAFT = "https://json-schema.org/draft/2020-12/schema"


def _text(title: str, max_length: int, description: str = "") -> dict[str, Any]:
    field: dict[str, Any] = {"type": "string", "title": title, "minLength": 1, "maxLength": max_length}
    return field | ({"description": description} if description else {})


def _date(title: str) -> dict[str, Any]:
    return {"type": "string", "format": "date", "title": title}


def _form(title: str, properties: dict[str, Any], required: list[str]) -> dict[str, Any]:
    return {
        "$schema": DRAFT,
        "type": "object",
        "title": title,
        "properties": properties,
        "required": required,
        "additionalProperties": False,
    }


DROFTING = ToolDefinition(
    id="agder-drofting",
    title="Tverrfaglig drøfting",
    description="Forbered og dokumenter en drøfting i den tverrfaglige drøftingsarenaen, anonymt eller "
    "med samtykke.",
    levels=[Level.INTERNAL, Level.COLLABORATE_TWO],
    shared_with_family=False,
    form_schema=_form(
        "Tverrfaglig drøfting",
        {
            "dato": _date("Dato for drøftingen"),
            "anonym": {
                "type": "boolean",
                "title": "Drøftet anonymt",
                "description": "Nei bare når foreldrene har samtykket til drøfting med navn.",
            },
            "problemstilling": _text(
                "Hva ønsker du å drøfte?", 2000, "Beskriv uroen uten navn eller andre kjennetegn."
            ),
            "provd_i_egen_tjeneste": _text(
                "Hva er prøvd i egen tjeneste?", 2000, "Tiltak, hvor lenge, og hvordan de virket."
            ),
            "rad": _text("Råd fra drøftingen", 4000),
            "videre": {
                "title": "Veien videre",
                "oneOf": [
                    {"const": "fortsett-niva-1", "title": "Fortsette med tiltak i egen tjeneste"},
                    {"const": "koble-pa", "title": "Koble på en annen tjeneste (med samtykke)"},
                    {"const": "avklart", "title": "Uroen er avklart"},
                    {"const": "bekymringsmelding", "title": "Sende bekymringsmelding til barneverntjenesten"},
                ],
            },
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
    form_schema=_form(
        "Overlevering av stafetten",
        {
            "dato": _date("Dato"),
            "grunn": _text("Hvorfor byttes stafettholder?", 1000, "For eksempel overgang barnehage–skole."),
            "tiltak_status": _text("Tiltakene nå", 4000, "Hva virker, hva evalueres når, hvem har ansvaret."),
            "avtaler": _text("Avtaler med barnet og foreldrene", 2000),
            "neste_evaluering": _date("Neste evaluering"),
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
