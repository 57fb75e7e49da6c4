"""Varsler in a real browser: the baton offered, the receiver sees the unread count, opens the varsel,
accepts; the giver is told. axe-core checks every page."""

from __future__ import annotations

from tests.conftest import World


def test_handover_varsel_from_offer_to_answer(world: World, people) -> None:
    case = world.open_case()
    world.level_2(case.id)  # the teacher holds the baton, PPT takes part under consent

    teacher = people(world.teacher)
    teacher.goto(f"/saker/{case.id}", "sak")
    teacher.page.select_option("#holder-to", world.ppt)
    teacher.page.fill("#holder-note", "PPT følger opp videre.")
    teacher.submit("Tilby stafetten", "stafett-tilbudt")

    ppt = people(world.ppt)
    header = ppt.page.inner_text("header")
    assert "Varsler (1 ulest)" in header  # on Mine saker, where the receiver lands
    ppt.goto("/varsler", "varsler")
    assert "Du er tilbudt stafetten i en sak" in ppt.text() and "Ulest" in ppt.text()
    with ppt.page.expect_navigation():
        ppt.page.get_by_role("link", name="Du er tilbudt stafetten i en sak").click()
    ppt.check("varsel-apnet")
    assert ppt.page.url.endswith(f"/saker/{case.id}#stafett")
    assert "Varsler (" not in ppt.page.inner_text("header")  # opened: nothing unread
    assert ppt.submit("Ta imot stafetten", "stafett-tatt-imot") == 200
    assert "Du har tatt imot stafetten" in ppt.text()

    teacher.goto("/saker", "giver-mine-saker")
    assert "Varsler (1 ulest)" in teacher.page.inner_text("header")
    teacher.goto("/varsler", "giver-varsler")
    assert "Stafetten du tilbød, er tatt imot" in teacher.text()
    assert teacher.submit("Merk alle som lest", "giver-lest") == 200
    assert "Alle varslene er merket som lest." in teacher.text()

    # the family's Min side has the count too, and the choices are saved per kind
    mother = people(world.mother, next="/min-side")
    assert "Varsler (" in mother.page.inner_text("header")
    mother.goto("/varsler", "familie-varsler")
    mother.page.select_option("#delivery-family_entry", "in_app")
    mother.page.select_option("#quiet_from", "22")
    mother.page.select_option("#quiet_to", "7")
    assert mother.submit("Lagre valgene", "familie-valg") == 200
    assert "Valgene dine for varsler er lagret." in mother.text()
    assert mother.page.input_value("#delivery-family_entry") == "in_app"
