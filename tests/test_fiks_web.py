"""The bekymringsmelding form on the case page in a real browser (axe-core on every page): it says that
no consent is needed and what the family is told, refuses what is missing with the field named, and
the case then shows the report sent; the family's Min side shows only that information was given."""

from __future__ import annotations

from pathlib import Path

from adapters.fiks.message import RECEIVED_TYPE
from adapters.fiks.senders import FiksSender, collect_drop_receipts
from core.outbox_worker import run_reports
from tests.conftest import World
from tests.test_fiks import WORRY, case_with_history, config, drop

__all__ = ["config", "drop"]


def test_the_form_sends_a_report_the_family_sees_only_as_given(world: World, people, drop: Path) -> None:
    drop.mkdir()
    case_id, _ = case_with_history(world)
    teacher = people(world.teacher)
    teacher.goto(f"/saker/{case_id}", "sak")
    teacher.page.get_by_text("Skriv en bekymringsmelding", exact=True).click()
    text = teacher.text()
    assert "Du trenger ikke samtykke." in text and "barnevernsloven § 13-2" in text
    assert "Dette får familien vite:" in text and "Selve meldingen ser de ikke" in text
    form = teacher.page.locator("form[action$='/bekymringsmelding']")
    teacher.page.fill("#report-worry", WORRY)
    form.get_by_label("Fast friminuttsvenn (med evalueringer)").check()
    teacher.page.select_option("#report-guardians-informed", "nei")
    teacher.page.fill("#report-child-address", "Fjordgata 2")
    teacher.page.fill("#report-role", "Kontaktlærer")
    teacher.page.fill("#report-phone", "912 34 567")
    teacher.page.fill("#report-email", "tina.ansatt@fjordvik.kommune.no")
    teacher.page.fill("#report-unit-address", "Skoleveien 1")
    assert teacher.submit("Send bekymringsmeldingen", "melding-mangler-grunn", within=form) == 422
    assert "Si hvorfor foresatte ikke er orientert" in teacher.text()
    assert teacher.page.locator("#report-guardians-reason").get_attribute("aria-invalid") == "true"
    teacher.page.fill("#report-guardians-reason", "Det kan sette Ola i fare.")
    form = teacher.page.locator("form[action$='/bekymringsmelding']")
    assert teacher.submit("Send bekymringsmeldingen", "melding-sendt", within=form) == 200
    text = teacher.text()
    assert "Bekymringsmeldingen er sendt til barnevernet" in text
    assert "Sendt til Barneverntjenesten" in text and "Opplysningsplikt, barnevernsloven § 13-2" in text
    assert "Venter på å bli sendt" in text

    sender = FiksSender(world.platform)
    try:
        run_reports(world.platform, sender)
    finally:
        sender.close()
    [folder] = [p for p in drop.iterdir() if p.is_dir()]
    (drop / "kvitteringer").mkdir()
    (drop / "kvitteringer" / f"{folder.name}.{RECEIVED_TYPE}.json").write_text("{}")
    collect_drop_receipts(world.platform)
    teacher.goto(f"/saker/{case_id}", "melding-mottatt")
    assert "Mottatt av barnevernet" in teacher.text()
    teacher.page.get_by_text("Registrer barnevernets svar", exact=True).click()
    teacher.page.select_option(f"#svar-{folder.name}-answer", "opened")
    assert teacher.submit("Lagre svaret", "svar-lagret") == 200
    assert "Åpnet undersøkelse" in teacher.text()

    mother = people(world.mother, next="/min-side")
    mother.goto(f"/min-side/saker/{case_id}", "min-side")
    text = mother.text()
    assert "sendte en bekymringsmelding til barnevernet etter opplysningsplikten" in text
    assert WORRY not in text and "Bekymringsmelding sendt" not in text and "undersøkelse" not in text
