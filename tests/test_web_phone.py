"""On a phone (360 × 740, touch): Min side and the pages an employee uses on the go (Mine saker, the
case summary, writing in the log, accepting a baton) fit the screen without sideways scrolling, their
buttons and fields are at least 44 px high, and axe finds nothing. Screenshots in tests/output."""

from __future__ import annotations

from tests.browser import config  # noqa: F401  (the demo municipality with BTI Agder)
from tests.conftest import PPT, World

PHONE = {"width": 360, "height": 740}
# Everything wider than the screen, and every button, field or menu link under 44 px high (WCAG 2.5.5);
# a radio button or check box counts by its label, which is part of its target.
FIT = """() => {
  const wide = document.documentElement.scrollWidth > window.innerWidth;
  const targets = 'button, input:not([type=hidden]), select, textarea, nav a, label';
  const small = [...document.querySelectorAll(targets)]
    .filter(e => e.getClientRects().length && !['radio', 'checkbox'].includes(e.type))
    .filter(e => e.tagName !== 'LABEL' || (e.control && ['radio', 'checkbox'].includes(e.control.type)))
    .filter(e => e.getBoundingClientRect().height < 43.5)
    .map(e => `${e.tagName.toLowerCase()}#${e.id || ''} "${(e.innerText || e.value || '').slice(0, 30)}"`);
  return {wide, width: document.documentElement.scrollWidth, small};
}"""


def fits(person) -> None:
    found = person.page.evaluate(FIT)
    url = person.page.url
    assert not found["wide"], f"{url} is {found['width']} px wide on a 360 px screen"
    assert not found["small"], f"touch targets under 44 px on {url}: {found['small']}"


def test_min_side_and_the_case_summary_fit_a_phone(world: World, people) -> None:
    case = world.open_case()
    world.level_2(case.id, with_=PPT)
    with world.as_(world.teacher) as w:
        w.log.add_note(case.id, "Ola hadde en fin dag i dag, og lekte med mange i friminuttet.")
        w.relay_holder.request_handover(case.id, world.ppt, note="Kan du ta stafetten videre?")

    mother = people(world.mother, next="/min-side", **PHONE)
    fits(mother)
    mother.goto(f"/min-side/saker/{case.id}", "telefon-min-sak")
    assert "Ola hadde en fin dag" in mother.text()
    fits(mother)

    ppt = people(world.ppt, **PHONE)
    fits(ppt)  # Mine saker, with the baton waiting
    ppt.goto(f"/saker/{case.id}", "telefon-sak")
    fits(ppt)
    assert ppt.submit("Ta imot stafetten", "telefon-stafett-tatt") == 200
    fits(ppt)
    ppt.page.get_by_text("Skriv i stafettloggen", exact=True).click()
    ppt.page.fill("#note-text", "Snakket med Ola i dag.")
    assert ppt.submit("Lagre i stafettloggen", "telefon-notat") == 200
    assert "Snakket med Ola i dag." in ppt.text()
    fits(ppt)
