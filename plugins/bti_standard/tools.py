"""The model's standard tools (verktøy) as forms, built from ``contracts.forms``."""

from __future__ import annotations

from contracts import Level, ToolDefinition
from contracts.forms import LONG, MEDIUM, SHORT, choice, date, form, listing, obj, text, yes_no

ALL = list(Level)
MEASURE_LEVELS = [Level.INTERNAL, Level.COLLABORATE_TWO, Level.COLLABORATE_MANY]

UNDRINGSNOTAT = ToolDefinition(
    id="undringsnotat",
    title="Undringsnotat",
    description="Hjelper deg å beskrive en undring konkret før du drøfter den med kollega, leder og "
    "foreldre.",
    levels=[Level.CLARIFY, Level.INTERNAL],
    shared_with_family=False,
    form_schema=form(
        "Undringsnotat",
        {
            "dato": date("Dato"),
            "observasjon": text(
                "Hva har du sett og hørt?", LONG, "Beskriv konkret hva barnet sa og gjorde, uten tolkning."
            ),
            "situasjon": text("I hvilke situasjoner?", MEDIUM, "Når, hvor og sammen med hvem skjer det?"),
            "varighet": text("Hvor lenge og hvor ofte?", SHORT),
            "styrker": text("Hva fungerer godt?", MEDIUM, "Barnets ressurser og det som går bra."),
            "egne_tanker": text("Hva tenker du om det?", MEDIUM, "Dine tolkninger, skilt fra observasjonen."),
            "drofting": listing(
                "Drøftet med",
                choice(
                    "Drøftet med",
                    {"kollega": "Kollega", "leder": "Leder", "team": "Tverrfaglig team (anonymt)"},
                ),
                max_items=3,
            ),
            "neste_steg": text("Neste steg", MEDIUM),
        },
        ["dato", "observasjon"],
    ),
)

SAMTALE_BARN = ToolDefinition(
    id="samtale-barn",
    title="Ta opp uro – samtale med barnet",
    description="Veileder for å forberede og dokumentere en samtale med barnet om det du er urolig for.",
    levels=ALL,
    form_schema=form(
        "Samtale med barnet",
        {
            "dato": date("Dato for samtalen"),
            "forberedelse": text("Forberedelse", MEDIUM, "Hva vil du ta opp, og hvordan åpner du samtalen?"),
            "barnets_fortelling": text(
                "Hva forteller barnet?", LONG, "Bruk barnets egne ord så langt det går."
            ),
            "barnets_onsker": text("Hva ønsker barnet?", MEDIUM),
            "avtaler": text("Hva ble avtalt?", MEDIUM),
            "foreldre_informert": yes_no("Foreldrene er informert om samtalen"),
        },
        ["dato", "barnets_fortelling"],
    ),
)

SAMTALE_FORELDRE = ToolDefinition(
    id="samtale-foreldre",
    title="Samtale med foreldre",
    description="Veileder for å dele en undring med foreldrene og avtale veien videre sammen.",
    levels=ALL,
    form_schema=form(
        "Samtale med foreldre",
        {
            "dato": date("Dato for samtalen"),
            "deltakere": text("Hvem var med?", SHORT, "Roller, ikke navn: for eksempel «mor, kontaktlærer»."),
            "uro_delt": text("Hva ble delt om uroen?", LONG),
            "foreldrenes_syn": text("Foreldrenes syn", LONG),
            "ressurser": text("Hva fungerer godt hjemme?", MEDIUM),
            "avtaler": text("Hva ble avtalt?", MEDIUM),
            "neste_samtale": date("Neste samtale"),
        },
        ["dato", "uro_delt", "foreldrenes_syn"],
    ),
)

SAMTYKKESKJEMA = ToolDefinition(
    id="samtykke",
    title="Samtykkeskjema",
    description="Samtykke til samarbeid og til å dele opplysninger mellom navngitte tjenester.",
    levels=[Level.COLLABORATE_TWO, Level.COLLABORATE_MANY],
    form_schema=form(
        "Samtykke",
        {
            "samtykkegivere": listing(
                "Hvem samtykker?",
                obj(
                    "Samtykkegiver",
                    {
                        "navn": text("Navn", SHORT),
                        "rolle": choice(
                            "Rolle", {"foresatt": "Foresatt", "ungdom": "Ungdommen selv", "selv": "Meg selv"}
                        ),
                    },
                    ["navn", "rolle"],
                ),
                min_items=1,
                max_items=4,
            ),
            "tjenester": listing("Tjenester som kan samarbeide", text("Tjeneste", SHORT), min_items=1),
            "opplysninger": listing("Hvilke opplysninger kan deles?", text("Opplysning", SHORT), min_items=1),
            "formal": text("Formål", MEDIUM, "Hva samarbeidet skal bidra til."),
            "gyldig_fra": date("Gyldig fra"),
            "gyldig_til": date("Gyldig til", "Samtykket må fornyes når det går ut."),
            "kjenner_retten_til_a_trekke": {
                "type": "boolean",
                "const": True,
                "title": "Jeg vet at samtykket kan trekkes tilbake når som helst",
            },
            "dato": date("Dato"),
        },
        [
            "samtykkegivere",
            "tjenester",
            "opplysninger",
            "formal",
            "gyldig_fra",
            "gyldig_til",
            "kjenner_retten_til_a_trekke",
            "dato",
        ],
    ),
)

TILTAK = obj(
    "Tiltak",
    {
        "tiltak": text("Tiltak", SHORT),
        "mal": text("Mål", MEDIUM, "Hva skal være annerledes når tiltaket virker?"),
        "ansvarlig": text("Ansvarlig", SHORT, "Rolle eller tjeneste som har ansvaret."),
        "oppstart": date("Oppstart"),
        "evalueringsdato": date("Evalueres"),
        "hjemmelekse": yes_no("Hjemmelekse", "Tiltaket gjøres hjemme av familien."),
    },
    ["tiltak", "mal", "ansvarlig", "oppstart", "evalueringsdato"],
)

TILTAKSPLAN = ToolDefinition(
    id="tiltaksplan",
    title="Tiltaksplan",
    description="Tiltakene med mål, ansvarlig, oppstart og dato for evaluering.",
    levels=MEASURE_LEVELS,
    form_schema=form(
        "Tiltaksplan",
        {
            "mal_for_barnet": text("Mål for barnet", MEDIUM),
            "barnets_stemme": text("Barnets og foreldrenes innspill", MEDIUM),
            "tiltak": listing("Tiltak", TILTAK, min_items=1),
        },
        ["mal_for_barnet", "tiltak"],
    ),
)

EVALUERING = ToolDefinition(
    id="evaluering",
    title="Evaluering av tiltak",
    description="Om tiltaket virket, hva barnet og foreldrene mener, og hva som skjer videre.",
    levels=MEASURE_LEVELS,
    form_schema=form(
        "Evaluering av tiltak",
        {
            "dato": date("Dato"),
            "tiltak": text("Tiltak som evalueres", SHORT),
            "resultat": choice(
                "Resultat",
                {
                    "achieved": "Målet er nådd",
                    "partly": "Målet er delvis nådd",
                    "not_achieved": "Målet er ikke nådd",
                },
            ),
            "beskrivelse": text("Hva har skjedd?", LONG),
            "familiens_syn": text("Barnets og foreldrenes syn", MEDIUM),
            "videre": choice(
                "Videre",
                {
                    "fortsette": "Fortsette tiltaket",
                    "endre": "Endre tiltaket",
                    "avslutte": "Avslutte tiltaket",
                    "annet_niva": "Vurdere et annet nivå",
                },
            ),
            "neste_evaluering": date("Neste evaluering"),
        },
        ["dato", "tiltak", "resultat", "beskrivelse", "videre"],
    ),
)

MOTEREFERAT = ToolDefinition(
    id="motereferat",
    title="Møtereferat",
    description="Referat fra drøfting, samarbeidsmøte eller koordineringsmøte, skrevet inn i stafettloggen.",
    levels=MEASURE_LEVELS,
    form_schema=form(
        "Møtereferat",
        {
            "dato": date("Dato"),
            "motetype": choice(
                "Type møte",
                {
                    "discussion": "Tverrfaglig drøfting",
                    "collaboration": "Samarbeidsmøte",
                    "coordination": "Koordineringsmøte",
                },
            ),
            "deltakere": listing("Deltakere", text("Deltaker (rolle eller tjeneste)", SHORT), min_items=1),
            "anonym": yes_no("Anonym drøfting", "Barnet og familien er ikke navngitt."),
            "tema": text("Tema", SHORT),
            "drofting": text("Hva ble drøftet?", LONG),
            "avtaler": listing(
                "Avtaler",
                obj(
                    "Avtale",
                    {"hva": text("Hva", MEDIUM), "hvem": text("Hvem", SHORT), "frist": date("Frist")},
                    ["hva", "hvem"],
                ),
            ),
            "neste_mote": date("Neste møte"),
        },
        ["dato", "motetype", "deltakere", "drofting"],
    ),
)

BEKYMRINGSMELDING = ToolDefinition(
    id="bekymringsmelding",
    title="Bekymringsmelding til barneverntjenesten",
    description="Når opplysningsplikten gjelder: grunnlaget for bekymringen, sendt til barneverntjenesten.",
    levels=ALL,
    shared_with_family=False,
    form_schema=form(
        "Bekymringsmelding",
        {
            "dato": date("Dato"),
            "melder_tjeneste": text("Tjenesten som melder", SHORT),
            "kontaktperson": text("Kontaktperson hos melder", SHORT),
            "grunnlag": text(
                "Hva bygger bekymringen på?", LONG, "Konkrete observasjoner og utsagn, med tidspunkt."
            ),
            "tidligere_tiltak": text("Tiltak som er prøvd", MEDIUM),
            "foreldre_informert": choice(
                "Er foreldrene informert?",
                {
                    "ja": "Ja",
                    "nei": "Nei",
                    "ikke_forsvarlig": "Nei, fordi det kan skade barnet å informere dem",
                },
            ),
            "haster": yes_no("Haster det?", "Kryss av hvis barnet kan være i fare nå; ring i tillegg."),
        },
        ["dato", "melder_tjeneste", "grunnlag", "foreldre_informert"],
    ),
)

TOOLS: list[ToolDefinition] = [
    UNDRINGSNOTAT,
    SAMTALE_BARN,
    SAMTALE_FORELDRE,
    SAMTYKKESKJEMA,
    TILTAKSPLAN,
    EVALUERING,
    MOTEREFERAT,
    BEKYMRINGSMELDING,
]
