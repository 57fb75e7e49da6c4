"""What a person types survives a dropped network (core/web/static/drafts.js, docs/web.md): in Chromium,
the network goes away while a note is written; nothing is sent, the person is told, and the text is
there again after a reload, until the server has taken it."""

from __future__ import annotations

from tests.browser import config  # noqa: F401  (the demo municipality with BTI Agder)
from tests.conftest import World

NOTE = "Ola fortalte om helgen hos bestemor."


def writing_a_note(world: World, people):
    """The teacher on a case's page, halfway through a note: (the case, the teacher's browser)."""
    case = world.open_case()
    teacher = people(world.teacher)
    teacher.goto(f"/saker/{case.id}", "sak")
    teacher.page.get_by_text("Skriv i stafettloggen", exact=True).click()
    teacher.page.fill("#note-text", NOTE)
    return case, teacher


def test_a_note_written_while_the_network_drops_is_kept_until_it_is_sent(world: World, people) -> None:
    case, teacher = writing_a_note(world, people)

    teacher.page.context.set_offline(True)
    form = teacher.page.locator("form[action$='/logg']")
    form.get_by_role("button", name="Lagre i stafettloggen").click()
    alert = form.get_by_role("alert")
    assert "Du er ikke på nett" in alert.inner_text()
    teacher.page.screenshot(path=str(teacher.shots.folder / "uten-nett.png"))
    with world.as_(world.teacher) as w:
        assert NOTE not in [e.text for e in w.log.entries(case.id)], "nothing was sent offline"

    teacher.page.context.set_offline(False)
    teacher.goto(
        f"/saker/{case.id}", "tilbake-med-nett"
    )  # a reload: the page comes back empty from the server
    teacher.page.get_by_text("Skriv i stafettloggen", exact=True).click()
    assert teacher.page.input_value("#note-text") == NOTE
    assert "Vi tok vare på det du skrev" in form.inner_text()
    assert teacher.submit("Lagre i stafettloggen", "sendt", within=form) == 200
    with world.as_(world.teacher) as w:
        assert [e.text for e in w.log.entries(case.id)].count(NOTE) == 1

    teacher.goto(f"/saker/{case.id}", "glemt-etter-sending")
    teacher.page.get_by_text("Skriv i stafettloggen", exact=True).click()
    assert teacher.page.input_value("#note-text") == "", "a note the server took is not offered again"
    stored = teacher.page.evaluate("() => Object.keys(sessionStorage).filter(k => k.startsWith('stafett'))")
    assert stored == []
    secret = teacher.page.evaluate("() => JSON.stringify(Object.entries(sessionStorage))")
    assert "csrf" not in secret


def test_the_draft_never_keeps_the_csrf_token_or_outlives_the_tab(world: World, people) -> None:
    case, teacher = writing_a_note(world, people)
    kept = teacher.page.evaluate("() => Object.values(sessionStorage).join(' ')")
    assert NOTE in kept and "csrf" not in kept
    assert teacher.page.evaluate("() => localStorage.length") == 0, "nothing outlives the tab"
    other_tab = teacher.context.new_page()
    other_tab.goto(f"{teacher.base}/saker/{case.id}")
    other_tab.get_by_text("Skriv i stafettloggen", exact=True).click()
    assert other_tab.input_value("#note-text") == "", "a draft belongs to its tab"
