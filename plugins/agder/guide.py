"""BTI Agder's shared action guide: the model's four levels, with what BTI Agder emphasises at each.

The emphasis follows what BTI Agder reported: a more thorough assessment of the uro on level 0
with the undringsnotat, measures tried, evaluated and documented in one's own service before
other services are brought in, the two arenas, and the stafettholder role. It uses the tools of
``bti-standard`` (enable that first) and its own two.
"""

from __future__ import annotations

from contracts import Level, action_guide, consent_step, guide_level, guide_step

from .source import SOURCE

LEVELS = [
    guide_level(
        Level.CLARIFY,
        purpose="Avklare på egen enhet om det er grunn til bekymring, før saken tas videre til andre.",
        target_group="Gravide, barn, unge og foreldre det er knyttet undring eller bekymring til.",
        steps=[
            guide_step(
                1,
                "Vurder uroen grundig med undringsnotat",
                "Skriv ned hva du har sett og hørt, og skill observasjon fra tolkning. BTI Agder erfarte at "
                "undringsnotatet gir grundigere vurderinger på enheten før saken går videre.",
                "ansatt",
                "undringsnotat",
            ),
            guide_step(
                2,
                "Ta opp uro med barnet",
                "Den viktige samtalen: snakk med barnet på en måte som passer alder og modenhet. Øv gjerne "
                "på forhånd med kolleger.",
                "ansatt",
                "samtale-barn",
            ),
            guide_step(
                3,
                "Ta opp uro med foreldrene",
                "Del uroen med foreldrene tidlig, lytt til hvordan de ser det, og avtal veien videre.",
                "ansatt",
                "samtale-foreldre",
            ),
            guide_step(
                4,
                "Avklar med leder",
                "Avklart: saken avsluttes. Trengs ekstra innsats: nivå 1. Ved mistanke om vold, overgrep "
                "eller alvorlig omsorgssvikt gjelder opplysningsplikten til barneverntjenesten straks.",
                "ansatt og leder",
                "bekymringsmelding",
            ),
        ],
    ),
    guide_level(
        Level.INTERNAL,
        purpose="Prøve ut tiltak i egen tjeneste før andre hjelpetjenester kobles på.",
        steps=[
            guide_step(1, "Informer leder og foreldre", "Leder og foreldre er informert om saken.", "ansatt"),
            guide_step(
                2,
                "Ta stafetten",
                "En ansatt i enheten blir stafettholder og fører saken i stafettloggen.",
                "leder",
            ),
            guide_step(
                3,
                "Konkretiser tiltak i egen tjeneste",
                "Barnet og foreldrene er med på å velge tiltak. Hvert tiltak har mål, ansvarlig og dato for "
                "evaluering.",
                "stafettholder",
                "tiltaksplan",
            ),
            guide_step(
                4,
                "Drøft i den tverrfaglige drøftingsarenaen ved behov",
                "Løft saken dit, anonymt uten samtykke, for å få flere faglige blikk på hva som kan prøves.",
                "stafettholder",
                "agder-drofting",
            ),
            guide_step(
                5,
                "Evaluer og dokumenter",
                "Evaluer til avtalt tid og skriv resultatet i stafettloggen. Er målet nådd, avsluttes saken; "
                "hvis ikke, justeres tiltakene eller en annen tjeneste kobles på (nivå 2).",
                "stafettholder",
                "evaluering",
            ),
        ],
    ),
    guide_level(
        Level.COLLABORATE_TWO,
        steps=[
            consent_step(Level.COLLABORATE_TWO),
            guide_step(
                2,
                "Finn riktig tjeneste",
                "Bruk kommunens tjenesteoversikt for å finne og kontakte tjenesten som skal kobles på.",
                "stafettholder",
            ),
            guide_step(
                3,
                "Samarbeidsmøte og felles tiltak",
                "Tjenestene, barnet og foreldrene blir enige om mål og tiltak; stafettholderen fører dem i "
                "stafettloggen.",
                "stafettholder",
                "motereferat",
                "tiltaksplan",
            ),
            guide_step(
                4,
                "Evaluer og avklar veien videre",
                "Evaluer sammen med familien: trapp ned til nivå 1, avslutt, eller gå til nivå 3.",
                "stafettholder",
                "evaluering",
            ),
        ],
    ),
    guide_level(
        Level.COLLABORATE_MANY,
        purpose="Helhetlige og koordinerte tjenester når familien får tiltak fra flere tjenester.",
        steps=[
            consent_step(Level.COLLABORATE_MANY),
            guide_step(
                2,
                "Tverrfaglig møte om familiens behov",
                "I starten belyses familiens behov under ett, med representanter for tjenester til både barn "
                "og voksne. Alle tjenestene som er involvert, inviteres.",
                "stafettholder",
                "motereferat",
            ),
            guide_step(
                3,
                "Samordnet tiltaksplan",
                "Tjenestenes tiltak samles i én plan med ansvarlig og dato for evaluering.",
                "stafettholder",
                "tiltaksplan",
            ),
            guide_step(
                4,
                "Gi stafetten videre ved behov",
                "Byttes stafettholder, skrives en overlevering; den gjelder når mottakeren har godtatt. "
                "Får barnet individuell plan, overtar koordinatoren.",
                "stafettholder",
                "agder-overlevering",
            ),
            guide_step(
                5,
                "Evaluer jevnlig",
                "Evaluer sammen med familien og trapp ned når behovet er mindre.",
                "stafettholder",
                "evaluering",
            ),
        ],
    ),
]

GUIDE = action_guide("agder", "BTI Agder – felles handlingsveileder", LEVELS, source=SOURCE)
