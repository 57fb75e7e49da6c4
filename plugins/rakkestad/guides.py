"""Rakkestad's four action guides: helsestasjon, barnehage, skole and familiehjelpen.

Rakkestad has a guide for each of these services (a sub-goal of its BTI plan, with working
groups for levels 0–1, 2 and 3), but their text is not known here. Each guide below is the
model's levels and general steps, in the words of the service it is for, with Rakkestad's three
definitions on level 0; the ``source`` of every guide says so.
"""

from __future__ import annotations

from dataclasses import dataclass

from contracts import ActionGuide, GuideLevel, GuideStep, Level, ServiceType

from .definitions import as_text

SOURCE = (
    "Rakkestad kommune har handlingsveiledere for helsestasjon, barnehage, skole og familiehjelpen "
    "(delmål under hovedmål 1, struktur, i kommunens BTI-plan). Innholdet i kommunens egne veiledere er "
    "ikke kjent her: trinnene er skrevet for Stafett ut fra BTI-modellens nivåer, tilpasset tjenesten og "
    "med Rakkestads begreper undring, bekymring og BEKYMRING. Kommunens egne frister, kontaktpersoner og "
    "rutiner er ikke kjent og må legges inn av kommunen."
)
GOAL = "Hensiktsmessig utvikling for barnet."


@dataclass(frozen=True)
class Service:
    type: ServiceType
    name: str  # "helsestasjonen", in the definite form used in sentences
    staff: str  # who usually notices, in the service's words
    leader: str
    partners: str  # examples of a second service at level 2


SERVICES = [
    Service(
        ServiceType.HEALTH_STATION,
        "helsestasjonen",
        "helsesykepleier eller jordmor",
        "leder for helsestasjonen",
        "familiehjelpen, fastlegen eller barnehagen",
    ),
    Service(
        ServiceType.KINDERGARTEN,
        "barnehagen",
        "pedagogisk leder",
        "styrer",
        "PPT eller helsestasjonen",
    ),
    Service(
        ServiceType.SCHOOL,
        "skolen",
        "kontaktlærer",
        "rektor",
        "PPT eller skolehelsetjenesten",
    ),
    Service(
        ServiceType.FAMILY_SERVICE,
        "familiehjelpen",
        "ansatt i familiehjelpen",
        "leder for familiehjelpen",
        "helsestasjonen, barnehagen eller skolen",
    ),
]


def _step(number: int, title: str, description: str, responsible: str, *tools: str) -> GuideStep:
    return GuideStep(
        number=number, title=title, description=description, responsible=responsible, tool_ids=list(tools)
    )


def _levels(s: Service) -> list[GuideLevel]:
    return [
        GuideLevel(
            level=Level.CLARIFY,
            title="Nivå 0 – Avklar undring",
            purpose="Avklare om det er grunn til bekymring.",
            target_group="Barn, unge og foreldre vi undrer oss over eller er bekymret for.",
            goal="Avklare om det skal følges opp med ekstra innsats.",
            steps=[
                _step(
                    1,
                    "Undring, bekymring eller BEKYMRING?",
                    as_text(),
                    s.staff,
                    "rakkestad-begreper",
                    "undringsnotat",
                ),
                _step(
                    2,
                    f"Drøft med kollega eller {s.leader}",
                    f"Hent råd i {s.name}; drøftingen kan være anonym.",
                    s.staff,
                ),
                _step(
                    3,
                    "Snakk med barnet",
                    "Ta opp uroen på en måte som passer alder og modenhet.",
                    s.staff,
                    "samtale-barn",
                ),
                _step(
                    4,
                    "Snakk med foreldrene",
                    "Del undringen og avtal veien videre sammen.",
                    s.staff,
                    "samtale-foreldre",
                ),
                _step(
                    5,
                    "Avklar videre oppfølging",
                    "Undringen er avklart: avslutt. En bekymring: nivå 1. En BEKYMRING: bekymringsmelding "
                    "til barneverntjenesten straks.",
                    f"{s.staff} og {s.leader}",
                    "bekymringsmelding",
                ),
            ],
        ),
        GuideLevel(
            level=Level.INTERNAL,
            title="Nivå 1 – Intern innsats",
            purpose=f"Tidlig innsats innenfor {s.name}.",
            target_group="Barn, unge og foreldre med behov for oppfølging fra én tjeneste.",
            goal=GOAL,
            steps=[
                _step(1, f"Informer {s.leader} og foreldrene", "Leder og foreldre er informert.", s.staff),
                _step(2, "Ta stafetten", f"En ansatt i {s.name} blir stafettholder.", s.leader),
                _step(
                    3,
                    f"Tiltak i {s.name}",
                    "Prøv ut tiltak sammen med barnet og foreldrene; hvert tiltak har mål, ansvarlig og "
                    "dato for evaluering.",
                    "stafettholder",
                    "tiltaksplan",
                ),
                _step(
                    4,
                    "Evaluer",
                    "Evaluer til avtalt tid; nådd mål avslutter saken, ellers nivå 2.",
                    "stafettholder",
                    "evaluering",
                ),
            ],
        ),
        GuideLevel(
            level=Level.COLLABORATE_TWO,
            title="Nivå 2 – Samarbeid to",
            purpose="Enkelt tverrfaglig samarbeid, fortrinnsvis mellom to tjenester.",
            target_group="Barn, unge og foreldre med behov for oppfølging fra to tjenester.",
            goal=GOAL,
            steps=[
                _step(
                    1,
                    "Innhent samtykke",
                    "Foreldrene samtykker til samarbeidet.",
                    "stafettholder",
                    "samtykke",
                ),
                _step(2, "Koble på en annen tjeneste", f"For eksempel {s.partners}.", "stafettholder"),
                _step(
                    3,
                    "Samarbeidsmøte og felles tiltak",
                    "Bli enige om mål og tiltak med familien.",
                    "stafettholder",
                    "motereferat",
                    "tiltaksplan",
                ),
                _step(4, "Evaluer", "Trapp ned, avslutt eller gå til nivå 3.", "stafettholder", "evaluering"),
            ],
        ),
        GuideLevel(
            level=Level.COLLABORATE_MANY,
            title="Nivå 3 – Samarbeid flere",
            purpose="Mer omfattende tverrfaglig samarbeid mellom flere tjenester.",
            target_group="Barn, unge og foreldre med samordnet innsats fra flere tjenester.",
            goal=GOAL,
            steps=[
                _step(
                    1, "Utvid samtykket", "Samtykket omfatter alle tjenestene.", "stafettholder", "samtykke"
                ),
                _step(
                    2,
                    "Koordineringsmøte",
                    "Alle tjenestene, barnet og foreldrene møtes.",
                    "stafettholder",
                    "motereferat",
                ),
                _step(
                    3,
                    "Samordnet tiltaksplan",
                    "Én plan for alle tjenestenes tiltak.",
                    "stafettholder",
                    "tiltaksplan",
                ),
                _step(
                    4, "Evaluer jevnlig", "Trapp ned når behovet er mindre.", "stafettholder", "evaluering"
                ),
            ],
        ),
    ]


GUIDES = [
    ActionGuide(
        id=f"rakkestad-{s.type.value}",
        title=f"Handlingsveileder for {s.name}",
        service_types=[s.type],
        levels=_levels(s),
        source=SOURCE,
    )
    for s in SERVICES
]
