"""Øving: the national baseline's fictional cases and learning modules (hooks ``practice_cases`` and
``learning_modules``). Every child and family here is made up; the stories follow the model's levels,
from an undring in a kindergarten to nivå 3 with barnevern."""

from __future__ import annotations

from contracts import (
    LearningModule,
    LearningQuestion,
    Level,
    PracticeCase,
    PracticeMeasure,
    ServiceType,
)

FAMILY = "Øvingsen"  # every practice family's name says what it is

CASES = [
    PracticeCase(
        id="stille-i-barnehagen",
        title="Stille i barnehagen",
        service_type=ServiceType.KINDERGARTEN,
        child_given_name="Sara",
        child_family_name=FAMILY,
        age_years=3,
        story=(
            "Sara har gått i barnehagen i ett år og har vært en glad og pratsom jente. De siste "
            "tre ukene har hun blitt stille. Hun leker mest alene, spiser lite og vil ikke være med "
            "ut. Mor har sagt i garderoben at det «er mye hjemme nå», uten å si mer."
        ),
        undring="Sara har de siste tre ukene blitt stille, leker mest alene og spiser lite.",
        next_step=(
            "Avklar undringen (nivå 0): observer Sara i to uker, skriv ned det du ser, og forbered "
            "en samtale med foreldrene. Skriv i stafettloggen hva du vil si til dem."
        ),
        good_answer=[
            "Beskriver det du har sett, ikke hva du tror er årsaken",
            "Foreldrene inviteres tidlig, og det de sier, blir skrevet ned med deres ord",
            "Sara selv blir spurt, på en måte som passer for en treåring",
            "Enhetslederen er orientert, og undringen er drøftet",
            "En avtale om når dere ser på det igjen",
        ],
    ),
    PracticeCase(
        id="uro-i-klasserommet",
        title="Uro i klasserommet",
        service_type=ServiceType.SCHOOL,
        child_given_name="Jonas",
        child_family_name=FAMILY,
        age_years=9,
        story=(
            "Jonas går i fjerde klasse. Han har vansker med å sitte i ro, avbryter ofte og havner i "
            "konflikter i friminuttene. Skolen satte i gang et tiltak for fire uker siden, og i dag "
            "skal det evalueres sammen med foreldrene."
        ),
        undring="Jonas avbryter ofte i timene og havner i konflikter i friminuttene.",
        level=Level.INTERNAL,
        measures=[
            PracticeMeasure(
                title="Fast plass og planlagte pauser",
                goal="Jonas klarer å følge med i minst halve økta",
                evaluation_in_days=0,
            )
        ],
        next_step=(
            "Evaluer tiltaket (nivå 1): hva har virket, hva har ikke? Bestem sammen med foreldrene om "
            "dere fortsetter, justerer, eller går videre til nivå 2 med en annen tjeneste."
        ),
        good_answer=[
            "Evalueringen bygger på det dere avtalte å se etter, ikke på et inntrykk",
            "Foreldrenes og Jonas' egen erfaring er med",
            "Et tydelig valg: fortsette, justere eller avslutte, med ny evalueringsdato",
            "Går saken til nivå 2, spør dere om samtykke før noen annen tjeneste får vite noe",
        ],
    ),
    PracticeCase(
        id="sliten-mor-pa-helsestasjonen",
        title="En sliten mor på helsestasjonen",
        service_type=ServiceType.HEALTH_STATION,
        child_given_name="Ella",
        child_family_name=FAMILY,
        age_years=1,
        story=(
            "Ella er ti måneder. På kontrollen virker mor sliten og nedstemt, og hun sier at hun "
            "nesten ikke sover. Ella legger godt på seg, men mor svarer kort når du spør om hvordan "
            "de har det sammen. Far var ikke med."
        ),
        undring="Mor virker sliten og nedstemt og sier at hun nesten ikke sover.",
        next_step=(
            "Avklar undringen (nivå 0): planlegg en ny samtale med mor, og gjerne far, om hvordan "
            "familien har det. Skriv i stafettloggen hva du vil spørre om og hva du tilbyr."
        ),
        good_answer=[
            "Spørsmål om søvn, stemningsleie og nettverk, stilt uten å dømme",
            "Far inviteres med",
            "Et tilbud om ny time snart, og om hjelp hvis mor trenger det (fastlege, familietjenesten)",
            "Ellas samspill med mor observeres og beskrives",
        ],
    ),
    PracticeCase(
        id="fravaer-pa-ungdomsskolen",
        title="Fravær på ungdomsskolen",
        service_type=ServiceType.SCHOOL,
        child_given_name="Emil",
        child_family_name=FAMILY,
        age_years=14,
        story=(
            "Emil går i niende klasse og har hatt mye fravær denne høsten, oftest på mandager. "
            "Kontaktlæreren har hatt faste samtaler med ham i en måned. Emil sier at han har vondt i "
            "magen, men vil ikke snakke om skolen. Foreldrene er bekymret og ønsker hjelp."
        ),
        undring="Emil har mye fravær, oftest på mandager, og sier han har vondt i magen.",
        level=Level.INTERNAL,
        measures=[
            PracticeMeasure(
                title="Faste samtaler med kontaktlærer",
                goal="Emil er på skolen alle dager i to uker",
                evaluation_in_days=3,
            )
        ],
        next_step=(
            "Gå fra nivå 1 til nivå 2: spør Emil og foreldrene om de vil at skolehelsetjenesten blir "
            "med, og be om samtykke til akkurat det som skal deles."
        ),
        good_answer=[
            "Emil blir spurt selv; han er 14 og har rett til å si sin mening",
            "Samtykket sier hvem som får vite hva, og til hvilket formål",
            "Foreldrene får vite hva helsesykepleieren kan hjelpe med",
            "Et samarbeidsmøte med dato, der Emil kan være med",
        ],
    ),
    PracticeCase(
        id="sprak-og-samspill",
        title="Språk og samspill, PPT er med",
        service_type=ServiceType.KINDERGARTEN,
        child_given_name="Noah",
        child_family_name=FAMILY,
        age_years=4,
        story=(
            "Noah har lite språk for alderen og blir lett frustrert i lek med andre. Barnehagen har "
            "prøvd språkgrupper i et halvt år. Foreldrene har samtykket til at PPT er med, og det "
            "første samarbeidsmøtet skal planlegges."
        ),
        undring="Noah har lite språk for alderen og blir lett frustrert i lek med andre.",
        level=Level.COLLABORATE_TWO,
        measures=[
            PracticeMeasure(
                title="Språkgruppe to ganger i uka",
                goal="Noah bruker flere ord i lek",
                evaluation_in_days=21,
            )
        ],
        partners=[ServiceType.PPT],
        next_step=(
            "Planlegg samarbeidsmøtet (nivå 2): hvem kommer, hva er foreldrenes mål, og hvem gjør "
            "hva etterpå? Legg møtet inn i saken."
        ),
        good_answer=[
            "Foreldrenes mål står først på sakslista",
            "Hver tjeneste vet hva den skal bidra med, og hvem som er stafettholder",
            "Tiltakene har mål og evalueringsdato",
            "Det som deles, holder seg innenfor samtykket",
        ],
    ),
    PracticeCase(
        id="bekymring-for-omsorgen",
        title="Bekymring for omsorgen, nivå 3 med barnevern",
        service_type=ServiceType.SCHOOL,
        child_given_name="Maja",
        child_family_name=FAMILY,
        age_years=11,
        story=(
            "Maja har vært i en sak på nivå 2 med PPT i et år. Nå kommer hun ofte sulten og i for "
            "tynne klær, og i går sa hun til kontaktlæreren at hun gruer seg til å gå hjem når far "
            "har drukket. Familietjenesten er også med i saken."
        ),
        undring="Maja kommer ofte sulten og i for tynne klær.",
        level=Level.COLLABORATE_MANY,
        measures=[
            PracticeMeasure(
                title="Frokost på skolen",
                goal="Maja starter dagen mett",
                evaluation_in_days=7,
            )
        ],
        partners=[ServiceType.PPT, ServiceType.FAMILY_SERVICE],
        next_step=(
            "Vurder opplysningsplikten: det Maja sa, kan gi grunn til å tro at hun blir utsatt for "
            "omsorgssvikt. Bestem hva du gjør i dag, og skriv det i stafettloggen."
        ),
        good_answer=[
            "Opplysningsplikten til barnevernet går foran taushetsplikten, og meldingen sendes i dag",
            "Du trenger ikke samtykke for å melde, og du skal ikke undersøke saken selv",
            "Foreldrene får vite om meldingen, med mindre det kan skade Maja",
            "Maja får vite hva som skjer, på en måte hun forstår",
            "Stafettholderen sørger for at tiltakene i saken fortsetter",
        ],
    ),
]

MODULES = [
    LearningModule(
        id="undring-og-niva-0",
        title="Undring og nivå 0",
        summary="Hva en undring er, og hvordan du avklarer den.",
        paragraphs=[
            "En undring er noe du legger merke til hos et barn, en gravid eller en forelder, og som "
            "du lurer på. Du trenger ikke vite hva det betyr. Det er nettopp det nivå 0 er til for: "
            "å avklare undringen før du setter inn tiltak.",
            "Beskriv det du ser og hører, ikke årsaken du tror ligger bak. «Sara leker alene i "
            "utetida» er en observasjon; «Sara har det vondt hjemme» er en tolkning.",
            "Snakk med foreldrene tidlig, og med barnet. Undringen er deres like mye som din, og det "
            "de forteller, er ofte det som avklarer den.",
        ],
        questions=[
            LearningQuestion(
                text="Hva skriver du i stafettloggen når du noterer en undring?",
                options=[
                    "Det du har sett og hørt, så konkret som mulig",
                    "Hva du tror er årsaken",
                    "En diagnose du mistenker",
                ],
                answer=0,
                explanation="Konkrete observasjoner kan prøves og deles; tolkninger låser saken for tidlig.",
            ),
            LearningQuestion(
                text="Når tar du kontakt med foreldrene?",
                options=[
                    "Når du er sikker på at noe er galt",
                    "Tidlig, mens du avklarer undringen",
                    "Først når en annen tjeneste skal inn",
                ],
                answer=1,
                explanation="BTI bygger på å involvere foreldrene tidlig; de kjenner barnet best.",
            ),
        ],
    ),
    LearningModule(
        id="samtykke-og-taushetsplikt",
        title="Samtykke og taushetsplikt",
        summary="Når du trenger samtykke, og når opplysningsplikten går foran.",
        paragraphs=[
            "Før en annen tjeneste får vite noe om et barn, trenger du samtykke fra foreldrene, og "
            "fra ungdommen selv når alderen gir rett til det. Samtykket sier hvem som får vite hva, "
            "og hvorfor.",
            "Du kan drøfte en undring anonymt uten samtykke, så lenge ingen kan kjenne igjen barnet.",
            "Har du grunn til å tro at et barn blir utsatt for alvorlig omsorgssvikt, vold eller "
            "overgrep, har du opplysningsplikt til barnevernet. Den går foran taushetsplikten, og du "
            "trenger ikke samtykke for å melde.",
        ],
        questions=[
            LearningQuestion(
                text="Du vil at PPT skal se på en sak. Hva trenger du først?",
                options=[
                    "Ingenting; kommunen deler fritt internt",
                    "Samtykke fra foreldrene til det som skal deles",
                    "En bekymringsmelding",
                ],
                answer=1,
                explanation="Tjenestene har taushetsplikt overfor hverandre; samtykket åpner for deling.",
            ),
            LearningQuestion(
                text="Et barn forteller om vold hjemme. Må du ha samtykke for å melde til barnevernet?",
                options=["Ja, alltid", "Nei, opplysningsplikten går foran", "Bare hvis barnet er over 12"],
                answer=1,
                explanation="Opplysningsplikten gjelder uten samtykke, og meldingen sendes uten opphold.",
            ),
            LearningQuestion(
                text="Fra hvilken alder samtykker ungdommen selv til helsehjelp?",
                options=["12 år", "16 år", "18 år"],
                answer=1,
                explanation="Pasient- og brukerrettighetsloven gir helserettslig myndighet fra 16 år.",
            ),
        ],
    ),
]
