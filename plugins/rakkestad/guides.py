"""Rakkestad's four action guides: helsestasjon, barnehage, skole and familiehjelpen.

Rakkestad has a guide for each of these services (a sub-goal of its BTI plan, with working
groups for levels 0–1, 2 and 3), but their text is not known here. Each guide below is the
model's levels and general steps, in the words of the service it is for, with Rakkestad's three
definitions on level 0; the ``source`` of every guide says so.
"""

from __future__ import annotations

from dataclasses import dataclass

from contracts import GuideLevel, Level, ServiceType, action_guide, consent_step, guide_level, guide_step

from .definitions import as_text

SOURCE = (
    "Rakkestad kommune har handlingsveiledere for helsestasjon, barnehage, skole og familiehjelpen "
    "(delmål under hovedmål 1, struktur, i kommunens BTI-plan). Innholdet i kommunens egne veiledere er "
    "ikke kjent her: trinnene er skrevet for Stafett ut fra BTI-modellens nivåer, tilpasset tjenesten og "
    "med Rakkestads begreper undring, bekymring og BEKYMRING. Kommunens egne frister, kontaktpersoner og "
    "rutiner er ikke kjent og må legges inn av kommunen."
)


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


def _levels(s: Service) -> list[GuideLevel]:
    return [
        guide_level(
            Level.CLARIFY,
            purpose="Avklare om det er grunn til bekymring.",
            steps=[
                guide_step(
                    1,
                    "Undring, bekymring eller BEKYMRING?",
                    as_text(),
                    s.staff,
                    "rakkestad-begreper",
                    "undringsnotat",
                ),
                guide_step(
                    2,
                    f"Drøft med kollega eller {s.leader}",
                    f"Hent råd i {s.name}; drøftingen kan være anonym.",
                    s.staff,
                ),
                guide_step(
                    3,
                    "Snakk med barnet",
                    "Ta opp uroen på en måte som passer alder og modenhet.",
                    s.staff,
                    "samtale-barn",
                ),
                guide_step(
                    4,
                    "Snakk med foreldrene",
                    "Del undringen og avtal veien videre sammen.",
                    s.staff,
                    "samtale-foreldre",
                ),
                guide_step(
                    5,
                    "Avklar videre oppfølging",
                    "Undringen er avklart: avslutt. En bekymring: nivå 1. En BEKYMRING: bekymringsmelding "
                    "til barneverntjenesten straks.",
                    f"{s.staff} og {s.leader}",
                    "bekymringsmelding",
                ),
            ],
        ),
        guide_level(
            Level.INTERNAL,
            purpose=f"Tidlig innsats innenfor {s.name}.",
            steps=[
                guide_step(
                    1, f"Informer {s.leader} og foreldrene", "Leder og foreldre er informert.", s.staff
                ),
                guide_step(2, "Ta stafetten", f"En ansatt i {s.name} blir stafettholder.", s.leader),
                guide_step(
                    3,
                    f"Tiltak i {s.name}",
                    "Prøv ut tiltak sammen med barnet og foreldrene; hvert tiltak har mål, ansvarlig og "
                    "dato for evaluering.",
                    "stafettholder",
                    "tiltaksplan",
                ),
                guide_step(
                    4,
                    "Evaluer",
                    "Evaluer til avtalt tid; nådd mål avslutter saken, ellers nivå 2.",
                    "stafettholder",
                    "evaluering",
                ),
            ],
        ),
        guide_level(
            Level.COLLABORATE_TWO,
            steps=[
                consent_step(Level.COLLABORATE_TWO),
                guide_step(2, "Koble på en annen tjeneste", f"For eksempel {s.partners}.", "stafettholder"),
                guide_step(
                    3,
                    "Samarbeidsmøte og felles tiltak",
                    "Bli enige om mål og tiltak med familien.",
                    "stafettholder",
                    "motereferat",
                    "tiltaksplan",
                ),
                guide_step(
                    4, "Evaluer", "Trapp ned, avslutt eller gå til nivå 3.", "stafettholder", "evaluering"
                ),
            ],
        ),
        guide_level(
            Level.COLLABORATE_MANY,
            purpose="Mer omfattende tverrfaglig samarbeid mellom flere tjenester.",
            steps=[
                consent_step(Level.COLLABORATE_MANY),
                guide_step(
                    2,
                    "Koordineringsmøte",
                    "Alle tjenestene, barnet og foreldrene møtes.",
                    "stafettholder",
                    "motereferat",
                ),
                guide_step(
                    3,
                    "Samordnet tiltaksplan",
                    "Én plan for alle tjenestenes tiltak.",
                    "stafettholder",
                    "tiltaksplan",
                ),
                guide_step(
                    4, "Evaluer jevnlig", "Trapp ned når behovet er mindre.", "stafettholder", "evaluering"
                ),
            ],
        ),
    ]


GUIDES = [
    action_guide(
        f"rakkestad-{s.type.value}",
        f"Handlingsveileder for {s.name}",
        _levels(s),
        source=SOURCE,
        service_types=[s.type],
    )
    for s in SERVICES
]
