"""Øving in a real browser: an employee enters the practice space from the menu, works a fictional
case from the undring to the evaluation of a tiltak with the real guide, sees the practice banner on
every page, completes a learning module, and leaves; nothing of it is in their real Mine saker.
Every page is checked with axe-core and photographed (tests/output)."""

from __future__ import annotations

import datetime as dt

from tests.browser import config  # noqa: F401  (the demo municipality with BTI Agder)
from tests.conftest import World

BANNER = "Du er i øvingsrommet"


def test_a_practice_case_is_worked_from_undring_to_evaluation(world: World, people) -> None:
    teacher = people(world.teacher)
    teacher.page.get_by_role("link", name="Øving", exact=True).click()
    teacher.page.wait_for_load_state()
    teacher.check("ovelse-utenfor")
    assert BANNER not in teacher.page.inner_text("body")
    assert teacher.submit("Gå inn i øvingsrommet", "ovelse-inne") == 200
    assert BANNER in teacher.page.inner_text("body") and "Du er i øving" in teacher.text()
    assert teacher.page.title().startswith("Øving:")

    assert teacher.submit("Start øvingssaken «Stille i barnehagen»", "ovingssak-startet") == 200
    case_id = teacher.page.url.split("?")[0].rsplit("/", 1)[-1]
    text = teacher.text()
    assert "Øvingssak: Stille i barnehagen" in text and "Neste steg å prøve" in text
    assert "Sara Øvingsen" in text and "Nivå 0" in text
    teacher.page.get_by_text("Hva et godt svar inneholder").click()
    assert "Foreldrene inviteres tidlig" in teacher.text()

    # the undring is worked with the real guide: a note, nivå 1, a tiltak, its evaluation
    teacher.page.get_by_text("Skriv i stafettloggen", exact=True).click()
    teacher.page.fill("#note-text", "Observert i to uker: Sara leker alene i utetida. Mor kommer på samtale.")
    assert teacher.submit("Lagre i stafettloggen", "ovingssak-notat") == 200
    form = teacher.page.locator("form[action$='/niva']")
    form.get_by_label("Leder for enheten er informert").check()
    form.get_by_label("Foresatte er informert").check()
    assert teacher.submit("Flytt saken", "ovingssak-niva-1", within=form) == 200
    assert "nivå 1 – intern innsats" in teacher.text()
    today = world.clock.today()
    teacher.page.get_by_text("Nytt tiltak", exact=True).click()
    teacher.page.fill("#measure-title", "Fast voksen i utetida")
    teacher.page.fill("#measure-goal", "Sara leker sammen med andre i utetida.")
    teacher.page.fill("#measure-evaluate", (today + dt.timedelta(days=14)).isoformat())
    assert teacher.submit("Legg inn tiltaket", "ovingssak-tiltak") == 200
    teacher.page.get_by_text("Evaluer tiltaket", exact=True).click()
    evaluation = teacher.page.locator("form[action*='/tiltak/'][action$='/evaluering']")
    evaluation.get_by_label("Målet er delvis nådd").check()
    evaluation.get_by_label("Hva har skjedd?").fill("Sara leker oftere med to andre barn.")
    assert teacher.submit("Lagre evalueringen", "ovingssak-evaluert", within=evaluation) == 200
    assert "Evaluert" in teacher.text() and BANNER in teacher.page.inner_text("body")
    assert teacher.submit("Marker øvingssaken som fullført", "ovingssak-fullfort") == 200
    assert "Øvingssaken er merket som fullført" in teacher.text()

    # the practice space lists it as completed; Følgeevaluering is for real cases only
    teacher.goto("/ovelse", "ovelse-fremdrift")
    assert "Øvingssakene dine" in teacher.text() and "Fullført" in teacher.text()
    teacher.goto("/saker", "ovelse-mine-saker")
    assert "Sara Øvingsen" in teacher.text() and BANNER in teacher.page.inner_text("body")

    # leaving: the real Mine saker again, without the practice case, and the case is not found
    assert teacher.submit("Avslutt øving", "ovelse-avsluttet") == 200
    assert BANNER not in teacher.page.inner_text("body") and "Sara Øvingsen" not in teacher.text()
    assert teacher.goto(f"/saker/{case_id}", "ovingssak-utenfor") == 404


def test_a_learning_module_explains_and_counts_when_all_is_right(world: World, people) -> None:
    teacher = people(world.teacher)
    teacher.goto("/ovelse/moduler/undring-og-niva-0", "modul")
    assert "En undring er noe du legger merke til" in teacher.text()
    teacher.page.get_by_label("Hva du tror er årsaken").check()
    teacher.page.get_by_label("Tidlig, mens du avklarer undringen").check()
    assert teacher.submit("Sjekk svarene", "modul-ett-galt") == 200
    assert "Ikke riktig. Prøv igjen." in teacher.text() and "Modulen er fullført" not in teacher.text()
    teacher.page.get_by_label("Det du har sett og hørt, så konkret som mulig").check()
    assert teacher.submit("Sjekk svarene", "modul-riktig") == 200
    assert "Modulen er fullført" in teacher.text() and "tolkninger låser saken" in teacher.text()
    teacher.goto("/ovelse", "ovelse-modul-fullfort")
    assert "Fullført" in teacher.text()


def test_folgeevaluering_is_not_shown_while_practising(world: World, people) -> None:
    admin = people(world.admin)
    assert admin.goto("/ovelse", "ovelse-admin") == 200
    assert admin.submit("Gå inn i øvingsrommet", "ovelse-admin-inne") == 200
    assert "Følgeevaluering" not in admin.page.inner_text("nav")
    assert admin.goto("/folgeevaluering", "folgeevaluering-i-ovelse") == 409
    assert "bare ekte saker" in admin.text()
