"""The BTI journey in a real browser: an undring, a measure at level 1, consent on Min side, level 2
with PPT, the baton handed over, consent withdrawn and PPT locked out. axe-core checks every page."""

from __future__ import annotations

import datetime as dt

import httpx

from core.auth import issue_token
from tests.browser import config  # noqa: F401  (this module's municipality: the demo with BTI Agder)
from tests.conftest import PPT, World


def test_undring_to_level_two_handover_and_withdrawal(world: World, people, site: str) -> None:
    today = world.clock.today()
    teacher = people(world.teacher)
    assert "Mine saker" in teacher.text()
    teacher.check("mine-saker-tom")

    # Ny undring: find the child by name, say what was observed; the case starts at level 0
    teacher.goto("/saker/ny", "ny-undring")
    teacher.page.fill("#q", "ola fjord")
    teacher.submit("Søk", "ny-undring-funnet")
    assert "Ola Fjord, født 2018" in teacher.text()  # the birth year confirms the child (issue 13)
    assert "4. mars 2018" not in teacher.text()
    teacher.page.fill("#observation", "Ola sitter alene i friminuttene og sier lite i timene.")
    teacher.page.fill("#observed_by", "kontaktlærer")
    assert teacher.submit("Registrer undringen", "sak-niva-0") == 200
    case_id = teacher.page.url.split("?")[0].rsplit("/", 1)[-1]
    text = teacher.text()
    assert "Undringen er registrert" in text and "Nivå 0" in text and "Saken er her" in text
    assert "Observert av: kontaktlærer" in text

    # up to level 1 without informing anyone: the rules are shown in plain words (409)
    form = teacher.page.locator("form[action$='/niva']")
    assert teacher.submit("Flytt saken", "niva-1-avvist", within=form) == 409
    text = teacher.text()
    assert "Leder for enheten må være informert." in text and "Foresatte må være informert." in text
    form = teacher.page.locator("form[action$='/niva']")
    form.get_by_label("Leder for enheten er informert").check()
    form.get_by_label("Foresatte er informert").check()
    assert teacher.submit("Flytt saken", "sak-niva-1", within=form) == 200
    assert "nivå 1 – intern innsats" in teacher.text()

    # a measure at level 1, with goal, responsible and evaluation date
    teacher.page.get_by_text("Nytt tiltak", exact=True).click()
    teacher.page.fill("#measure-title", "Fast friminuttsvenn")
    teacher.page.fill("#measure-goal", "Ola leker med andre i minst tre friminutt i uka.")
    teacher.page.fill("#measure-evaluate", (today + dt.timedelta(days=28)).isoformat())
    assert teacher.submit("Legg inn tiltaket", "tiltak") == 200
    text = teacher.text()
    assert "Fast friminuttsvenn" in text and "31. mars 2025" in text and "Tina Ansatt" in text

    # the guide's current step and its tool as a form: checked by the plugin host, then logged
    assert "Trinn 3: Konkretiser tiltak i egen tjeneste" in teacher.text()
    tool = teacher.page.locator("form[action$='/verktoy/tiltaksplan']").first
    assert teacher.submit("Lagre tiltaksplan i stafettloggen", "verktoy-feil", within=tool) == 422
    assert "«Mål for barnet» (mal_for_barnet): må fylles ut" in teacher.text()
    form_id = "s3-tiltaksplan-f"
    teacher.page.fill(f"#{form_id}-mal_for_barnet", "Ola trives og har venner i friminuttene.")
    teacher.page.fill(f"#{form_id}-tiltak-0-tiltak", "Fast friminuttsvenn")
    teacher.page.fill(f"#{form_id}-tiltak-0-mal", "Leker med andre tre friminutt i uka.")
    teacher.page.fill(f"#{form_id}-tiltak-0-ansvarlig", "Kontaktlærer")
    teacher.page.fill(f"#{form_id}-tiltak-0-oppstart", today.isoformat())
    teacher.page.fill(f"#{form_id}-tiltak-0-evalueringsdato", (today + dt.timedelta(days=28)).isoformat())
    tool = teacher.page.locator("form[action$='/verktoy/tiltaksplan']").first
    assert teacher.submit("Lagre tiltaksplan i stafettloggen", "verktoy-lagret", within=tool) == 200
    text = teacher.text()
    assert "Mål for barnet" in text and "Tiltak: Fast friminuttsvenn" in text

    # the guardians are asked to let PPT in; PPT cannot join on consent before the consent holds
    teacher.page.get_by_text("Be foresatte om samtykke", exact=True).click()
    teacher.page.select_option("#consent-other-units", "ppt-fjordvik")
    teacher.page.fill("#consent-categories", "Observasjoner fra skolen\nTiltak og evalueringer")
    teacher.page.fill("#consent-purpose", "Samarbeid med PPT om Olas trivsel i skolen")
    teacher.page.fill("#consent-to", (today + dt.timedelta(days=365)).isoformat())
    assert teacher.submit("Be om samtykke", "samtykke-bedt-om") == 200
    teacher.page.get_by_text("Ta med en tjeneste til", exact=True).click()
    teacher.page.select_option("#participant-unit", "ppt-fjordvik")
    assert teacher.submit("Ta med tjenesten", "ppt-avvist") == 409
    assert "PPT Fjordvik kan ikke tas med på grunnlag av samtykke" in teacher.text()
    form = teacher.page.locator("form[action$='/niva']")
    assert teacher.submit("Flytt saken", "niva-2-avvist", within=form) == 409
    assert "Nivå 2 – samarbeid to krever at minst én tjeneste til deltar i saken." in teacher.text()

    # PPT takes no part before consent: it is not told the case exists, like the API (404)
    ppt = people(world.ppt)
    assert ppt.goto(f"/saker/{case_id}", "ppt-uten-samtykke") == 404
    assert "Fant ingen sak" in ppt.text()

    # both guardians give consent on Min side, in two clicks, after reading what it means
    for guardian in (world.mother, world.father):
        family = people(guardian, next="/min-side")
        assert "Stafettloggen for Ola Fjord" in family.text()
        text = family.text()
        assert "Samtykket betyr at Fjordvik skole og PPT Fjordvik kan dele disse opplysningene" in text
        assert (
            "Observasjoner fra skolen, Tiltak og evalueringer" in text and "Du kan trekke det tilbake" in text
        )
        family.check("min-side")
        family.page.get_by_label("Jeg har lest hva samtykket betyr").check()
        assert family.submit("Gi samtykke", "samtykke-gitt") == 200
        assert "Du har gitt samtykket." in family.text()

    # PPT joins under the consent in force; the teacher takes the baton and moves the case to level 2
    teacher.goto(f"/saker/{case_id}", "sak-med-samtykke")
    assert "Gjelder" in teacher.text()
    teacher.page.get_by_text("Ta med en tjeneste til", exact=True).click()
    teacher.page.select_option("#participant-unit", "ppt-fjordvik")
    assert teacher.submit("Ta med tjenesten", "ppt-med") == 200
    teacher.page.select_option("#holder-to", world.teacher)
    teacher.submit("Tildel stafettholder", "stafettholder")
    form = teacher.page.locator("form[action$='/niva']")
    assert teacher.submit("Flytt saken", "sak-niva-2", within=form) == 200
    assert "nivå 2 – samarbeid to" in teacher.text()

    # the stafettholder offers the baton to PPT; Pia accepts it
    teacher.page.select_option("#holder-to", world.ppt)
    teacher.page.fill("#holder-note", "PPT følger opp videre.")
    teacher.submit("Tilby stafetten", "stafett-tilbudt")
    assert "har tilbudt stafetten til Pia Ansatt" in teacher.text()
    ppt.goto("/saker", "ppt-mine-saker")
    assert "Stafetter som venter på deg" in ppt.text()
    assert "Du er tilbudt stafetten i saken om Ola Fjord" in ppt.text()  # PPT may read the case
    ppt.goto(f"/saker/{case_id}", "ppt-sak")
    assert ppt.submit("Ta imot stafetten", "stafett-overlevert") == 200
    assert "Du har tatt imot stafetten" in ppt.text()
    assert "Nå: Pia Ansatt" in ppt.text()

    # the tjenesteoversikt and the arenas
    ppt.goto("/tjenester", "tjenesteoversikt")
    assert "Pedagogisk-psykologisk tjeneste (PPT)" in ppt.text()
    ppt.goto("/arenaer", "moetearenaer")
    assert "Mandat:" in ppt.text()

    # the mother withdraws consent: PPT loses access at once, on the page and in the API
    mother = people(world.mother, next="/min-side")
    assert mother.submit("Trekk samtykket tilbake", "samtykke-trukket") == 200
    assert "Trukket tilbake" in mother.text()
    text = mother.text()
    assert "Hvem har lest om dere" in text and "Pia Ansatt (PPT Fjordvik)" in text
    assert "åpnet saken" in text and "via web" not in text  # why, as a sentence (issue 13)
    assert ppt.goto(f"/saker/{case_id}", "ppt-etter-tilbaketrekking") == 403
    assert "ingen samtykke i kraft" in ppt.text() and "Traceback" not in ppt.page.content()
    ppt.goto("/saker", "ppt-mine-saker-etter")
    assert "Ola Fjord" not in ppt.text()
    token = issue_token(world.platform, world.ppt, public_url=site)
    api = httpx.get(f"{site}/api/v1/cases/{case_id}", headers={"Authorization": f"Bearer {token}"})
    assert api.status_code == 403

    # the teacher's unit owns the case and still reads it, including the withdrawal in the log
    teacher.goto(f"/saker/{case_id}", "sak-etter-tilbaketrekking")
    assert "Samtykke trukket tilbake" in teacher.text()
    assert "Deltar ikke lenger: samtykket gjelder ikke" in teacher.text()  # PPT shown apart, in words


def test_a_guardian_says_no_to_a_consent_and_the_case_page_shows_it_refused(world: World, people) -> None:
    case = world.open_case()
    today = world.clock.today()
    with world.as_(world.teacher, "samtykke") as w:
        w.consents.request(
            case.id, unit_ids=[PPT], categories=["observasjoner"], purpose="Samarbeid med PPT",
            area="general", valid_from=today, valid_to=today + dt.timedelta(days=90),
        )  # fmt: skip
    mother = people(world.mother, next=f"/min-side/saker/{case.id}")
    mother.page.get_by_label("Vil du si hvorfor du sier nei?").fill("Ikke nå.")
    assert mother.submit("Jeg vil ikke gi samtykke", "samtykke-avslatt") == 200
    text = mother.text()
    assert "Du har sagt nei til samtykket." in text and "Avslått" in text and "Gi samtykke" not in text
    teacher = people(world.teacher)
    teacher.goto(f"/saker/{case.id}", "sak-samtykke-avslatt")
    assert "Avslått" in teacher.text() and "av Kari Fjord" in teacher.text()
