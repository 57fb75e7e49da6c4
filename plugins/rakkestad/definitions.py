"""Rakkestad's three words for how serious a worry is: undring, bekymring and BEKYMRING.

Rakkestad named the defining of these words a goal («Hva er en undring? … en bekymring? … en
BEKYMRING?»); its own wording is not known here, so these are Stafett's, from the model. The
values match ``contracts.ConcernKind``, so a choice made in the form maps onto the case.
"""

from __future__ import annotations

from contracts import ConcernKind, Level, ToolDefinition

DEFINITIONS: dict[ConcernKind, tuple[str, str]] = {
    ConcernKind.WONDERING: (
        "undring",
        "Du har sett eller hørt noe som gjør deg usikker, men vet ikke om det er grunn til bekymring. "
        "Undringen avklares på nivå 0: skriv den ned, drøft med kollega eller leder, og snakk med barnet "
        "og foreldrene.",
    ),
    ConcernKind.CONCERN: (
        "bekymring",
        "Det er grunn til å tro at barnet trenger ekstra oppfølging. En bekymring følges opp med tiltak "
        "i egen tjeneste (nivå 1) og, med foreldrenes samtykke, sammen med andre tjenester (nivå 2 og 3).",
    ),
    ConcernKind.REPORT: (
        "BEKYMRING",
        "Det er grunn til å tro at barnet blir eller vil bli utsatt for alvorlig omsorgssvikt, vold eller "
        "overgrep. Da gjelder opplysningsplikten: send bekymringsmelding til barneverntjenesten straks, "
        "uansett nivå. Foreldrene skal ikke varsles først hvis det kan skade barnet.",
    ),
}

TOOL = ToolDefinition(
    id="rakkestad-begreper",
    title="Undring, bekymring eller BEKYMRING?",
    description="Rakkestads felles begreper: avklar hvor alvorlig uroen er, og dermed hva du skal gjøre.",
    levels=list(Level),
    shared_with_family=False,
    form_schema={
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "type": "object",
        "title": "Undring, bekymring eller BEKYMRING?",
        "additionalProperties": False,
        "required": ["dato", "vurdering", "begrunnelse"],
        "properties": {
            "dato": {"type": "string", "format": "date", "title": "Dato"},
            "vurdering": {
                "title": "Hva er det?",
                "oneOf": [
                    {"const": str(kind), "title": word, "description": text}
                    for kind, (word, text) in DEFINITIONS.items()
                ],
            },
            "begrunnelse": {
                "type": "string",
                "title": "Hvorfor?",
                "description": "Hva du har sett og hørt som gjør at du velger dette.",
                "minLength": 1,
                "maxLength": 4000,
            },
        },
    },
)


def as_text() -> str:
    """The three definitions as one paragraph, for guide steps and printed material."""
    return " ".join(
        f"{word.capitalize() if word.islower() else word}: {text}" for word, text in DEFINITIONS.values()
    )
