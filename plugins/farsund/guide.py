"""Farsund's guide: one process per level, and who is involved at each level, as Farsund describes it.

Farsund lists the four processes and, separately, the four levels with who is involved; that
one process belongs to one level, in that order, is Stafett's reading, and the guide's ``source``
says so. The steps name who acts; Farsund's own steps and deadlines are not known here.
"""

from __future__ import annotations

from contracts import Level, action_guide, guide_level, guide_step, provides

SOURCE = (
    "Farsund kommunes beskrivelse av BTI: fire prosesser (identifisering, lokal innsats, tverretatlig "
    "samarbeid, komplekst samordning/barneverntjeneste) og fire nivåer med hvem som involveres, felles for "
    "skoler, barnehager og andre instanser. At prosessene hører til nivå 0–3 i den rekkefølgen, er "
    "Stafetts tolkning; Farsund sier ikke det uttrykkelig. Trinnene er skrevet for Stafett med egne ord; "
    "Farsunds egne trinn, frister og skjemaer er ikke kjent her."
)


LEVELS = [
    guide_level(
        Level.CLARIFY,
        title="Nivå 0 – Identifisering",
        purpose="Oppdage tidlig barn og unge det er grunn til å undre seg over, og avklare om det er grunn "
        "til bekymring. Involvert: ansatte i barnehage, helsestasjon og skole, og foreldrene; "
        "medarbeiderne henter råd og veiledning hos hverandre.",
        steps=[
            guide_step(
                1,
                "Se og beskriv",
                "Forhold hjemme, hos barnet eller i miljøet i barnehagen, skolen eller fritiden kan skape "
                "utfordringer. Beskriv det du ser. Voksentjenestene har et særlig ansvar for å se barn som "
                "pårørende.",
                "ansatte i barnehage, helsestasjon, skole og voksentjenestene",
                "undringsnotat",
            ),
            guide_step(
                2,
                "Hent råd hos en kollega",
                "Medarbeiderne henter råd og veiledning hos hverandre.",
                "ansatt",
            ),
            guide_step(
                3,
                "Involver barnet og foreldrene",
                "Handle raskt og i samarbeid med barnet og foreldrene.",
                "ansatt",
                "samtale-barn",
                "samtale-foreldre",
            ),
            guide_step(
                4,
                "Avklar",
                "Avklart: avslutt. Trengs ekstra innsats: lokal innsats (nivå 1). Ved mistanke om alvorlig "
                "omsorgssvikt: bekymringsmelding til barneverntjenesten straks.",
                "ansatt og leder",
                "bekymringsmelding",
            ),
        ],
    ),
    guide_level(
        Level.INTERNAL,
        title="Nivå 1 – Lokal innsats",
        purpose="Sette inn tiltak der barnet er. Involvert: ansatte i barnehagen, helsestasjonen og/eller "
        "skolen. Ledelsen er informert om saken, og foreldrene skal være informert.",
        steps=[
            guide_step(
                1, "Informer ledelsen og foreldrene", "Ledelsen og foreldrene er informert.", "ansatt"
            ),
            guide_step(
                2,
                "Tiltak der barnet er",
                "Tiltak i barnehagen, helsestasjonen eller skolen, med mål, ansvarlig og evalueringsdato.",
                "stafettholder",
                "tiltaksplan",
            ),
            guide_step(
                3, "Evaluer", "Evaluer tiltakene sammen med foreldrene.", "stafettholder", "evaluering"
            ),
        ],
    ),
    guide_level(
        Level.COLLABORATE_TWO,
        title="Nivå 2 – Tverretatlig samarbeid",
        purpose="Samarbeid med en eller flere hjelpetjenester, for eksempel PPT. Foreldrene må samtykke.",
        steps=[
            guide_step(1, "Samtykke", "Foreldrene samtykker til samarbeidet.", "stafettholder", "samtykke"),
            guide_step(
                2,
                "Samarbeid med hjelpetjenesten",
                "Hjelpetjenesten, barnet og foreldrene blir enige om mål og tiltak.",
                "stafettholder",
                "motereferat",
                "tiltaksplan",
            ),
            guide_step(
                3, "Evaluer", "Trapp ned, avslutt eller gå videre til nivå 3.", "stafettholder", "evaluering"
            ),
        ],
    ),
    guide_level(
        Level.COLLABORATE_MANY,
        title="Nivå 3 – Komplekst samordning/barneverntjeneste",
        purpose="Bredt samarbeid med ulike instanser, for eksempel når barneverntjenesten eller andre "
        "sentrale hjelpetjenester er involvert; innsatsen fra flere instanser skal koordineres godt. "
        "Foreldrene må samtykke til samarbeidet.",
        steps=[
            guide_step(
                1,
                "Samtykke for alle instansene",
                "Samtykket omfatter alle instansene.",
                "stafettholder",
                "samtykke",
            ),
            guide_step(
                2,
                "Koordiner innsatsen",
                "Stafettholderen samler instansene, barnet og foreldrene i koordineringsmøte.",
                "stafettholder",
                "motereferat",
            ),
            guide_step(
                3,
                "Samordnet tiltaksplan",
                "Én plan for alle instansenes tiltak.",
                "stafettholder",
                "tiltaksplan",
            ),
            guide_step(
                4, "Evaluer jevnlig", "Trapp ned når behovet er mindre.", "stafettholder", "evaluering"
            ),
        ],
    ),
]

GUIDE = action_guide("farsund", "Farsund kommune – BTI-prosessene", LEVELS, source=SOURCE)


provide_action_guides = provides("action_guides", [GUIDE])
