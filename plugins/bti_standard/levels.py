"""The four levels of the BTI model and the standard steps of each, in the model's own words.

Purpose, target group and goal follow the model's overview ("Målgrupper og mål"); the steps
are a national baseline written for Stafett: a municipality's own guide adds its deadlines,
arenas and local practice.
"""

from __future__ import annotations

from contracts import GuideLevel, Level, consent_step, guide_level, guide_step

CLARIFY = guide_level(
    Level.CLARIFY,
    steps=[
        guide_step(
            1,
            "Beskriv undringen",
            "Skriv ned hva du har sett og hørt, når og hvor ofte – så konkret som mulig, og skill det du "
            "har observert fra det du tenker om det.",
            "ansatt",
            "undringsnotat",
        ),
        guide_step(
            2,
            "Drøft med kollega eller leder",
            "Hent råd hos en kollega eller nærmeste leder. Drøftingen kan være anonym.",
            "ansatt",
        ),
        guide_step(
            3,
            "Snakk med barnet",
            "Ta opp uroen med barnet på en måte som passer alder og modenhet, og lytt til barnets egen "
            "forklaring.",
            "ansatt",
            "samtale-barn",
        ),
        guide_step(
            4,
            "Snakk med foreldrene",
            "Del undringen med foreldrene, hør hvordan de ser det, og avtal veien videre sammen.",
            "ansatt",
            "samtale-foreldre",
        ),
        guide_step(
            5,
            "Avklar videre oppfølging",
            "Er undringen avklart, avsluttes saken. Trengs det ekstra innsats i egen tjeneste, går saken "
            "til nivå 1. Ved mistanke om vold, overgrep eller alvorlig omsorgssvikt gjelder "
            "opplysningsplikten til barneverntjenesten straks, uansett nivå.",
            "ansatt og leder",
            "bekymringsmelding",
        ),
    ],
)

INTERNAL = guide_level(
    Level.INTERNAL,
    steps=[
        guide_step(1, "Informer leder", "Leder for enheten informeres om saken.", "ansatt"),
        guide_step(
            2,
            "Informer og involver foreldrene",
            "Foreldrene skal være informert. Barnet og foreldrene er med på å finne tiltak som kan "
            "prøves ut.",
            "ansatt",
            "samtale-foreldre",
            "samtale-barn",
        ),
        guide_step(
            3,
            "Utpek stafettholder",
            "Det anbefales at en ansatt i enheten blir stafettholder og holder stafettloggen oppdatert.",
            "leder",
        ),
        guide_step(
            4,
            "Lag tiltaksplan",
            "Prøv ut tiltak i egen tjeneste. Hvert tiltak har mål, ansvarlig, oppstart og dato for "
            "evaluering.",
            "stafettholder",
            "tiltaksplan",
        ),
        guide_step(
            5,
            "Drøft ved behov",
            "Saken kan drøftes anonymt i et tverrfaglig team før andre tjenester kobles på.",
            "stafettholder",
            "motereferat",
        ),
        guide_step(
            6,
            "Evaluer tiltakene",
            "Evaluer til avtalt tid sammen med foreldrene. Er målet nådd, avsluttes saken; hvis ikke, "
            "justeres tiltakene, eller en annen tjeneste kobles på (nivå 2).",
            "stafettholder",
            "evaluering",
        ),
    ],
)

COLLABORATE_TWO = guide_level(
    Level.COLLABORATE_TWO,
    steps=[
        consent_step(Level.COLLABORATE_TWO),
        guide_step(
            2,
            "Koble på en annen tjeneste",
            "Finn riktig tjeneste i tjenesteoversikten, for eksempel PPT eller helsestasjon, og ta kontakt.",
            "stafettholder",
        ),
        guide_step(
            3,
            "Avklar stafettholder",
            "Saken skal ha en stafettholder fra en av tjenestene som samarbeider.",
            "ledere i tjenestene",
        ),
        guide_step(
            4,
            "Samarbeidsmøte med familien",
            "Tjenestene, barnet og foreldrene møtes for å bli enige om mål og tiltak.",
            "stafettholder",
            "motereferat",
        ),
        guide_step(
            5,
            "Felles tiltaksplan",
            "Tiltakene skrives inn i stafettloggen med ansvarlig og dato for evaluering.",
            "stafettholder",
            "tiltaksplan",
        ),
        guide_step(
            6,
            "Evaluer og avklar veien videre",
            "Evaluer tiltakene sammen med familien. Trappes innsatsen ned, går saken til nivå 1 eller "
            "avsluttes; trengs flere tjenester, går den til nivå 3.",
            "stafettholder",
            "evaluering",
        ),
    ],
)

COLLABORATE_MANY = guide_level(
    Level.COLLABORATE_MANY,
    steps=[
        consent_step(Level.COLLABORATE_MANY),
        guide_step(
            2,
            "Stafettholder koordinerer",
            "Saken skal ha en stafettholder som sørger for at samarbeidet blir koordinert og dokumentert i "
            "stafettloggen.",
            "stafettholder",
        ),
        guide_step(
            3,
            "Koordineringsmøte",
            "Alle tjenestene som er involvert, barnet og foreldrene møtes for å se familiens behov "
            "under ett.",
            "stafettholder",
            "motereferat",
        ),
        guide_step(
            4,
            "Samordnet tiltaksplan",
            "Tjenestenes tiltak samles i én plan med ansvarlig og dato for evaluering for hvert tiltak.",
            "stafettholder",
            "tiltaksplan",
        ),
        guide_step(
            5,
            "Evaluer og avklar veien videre",
            "Evaluer jevnlig. Når behovet er mindre, trappes innsatsen ned til et lavere nivå; får barnet "
            "individuell plan, overtar koordinator.",
            "stafettholder",
            "evaluering",
        ),
        guide_step(
            6,
            "Vurder opplysningsplikten",
            "Ved mistanke om alvorlig omsorgssvikt skal barneverntjenesten varsles med bekymringsmelding.",
            "alle ansatte",
            "bekymringsmelding",
        ),
    ],
)

LEVELS: list[GuideLevel] = [CLARIFY, INTERNAL, COLLABORATE_TWO, COLLABORATE_MANY]
