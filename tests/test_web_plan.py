"""Min side: the family reads the individuell plan with the coordinator's role explained, writes the
goals in their own words and comments on the plan, in a real browser."""

from __future__ import annotations

import datetime as dt

from tests.conftest import World

GOALS = "Ola vil ha en venn å leke med."


def plan_at_level_3(world: World) -> str:
    case_id = world.open_case().id
    world.level_3(case_id)
    with world.as_(world.teacher) as w:
        w.plans.assign_coordinator(case_id, world.nurse, "barnekoordinator")
    with world.as_(world.nurse) as w:
        plan = w.plans.make_plan(
            case_id, goals="", revision_date=world.clock.today() + dt.timedelta(days=120)
        )
    for giver in (world.mother, world.father):
        with world.as_(giver) as w:
            w.consents.give(plan.consent_id or "")
    return case_id


def test_the_family_reads_the_plan_writes_the_goals_and_comments(world: World, people) -> None:
    case_id = plan_at_level_3(world)
    mother = people(world.mother, next="/min-side")
    assert mother.page.url.endswith(f"/min-side/saker/{case_id}")
    text = mother.text()
    assert "Individuell plan" in text and "Hege Ansatt" in text and "barnekoordinator" in text
    assert "helse- og omsorgstjenesteloven § 7-2 a" in text and "Samtykke til planen" in text
    mother.page.get_by_label("Målene med deres egne ord").fill(GOALS)
    assert mother.submit("Lagre målene", "plan-mal") == 200
    assert GOALS in mother.text() and "Målene deres er lagret" in mother.text()
    mother.page.get_by_label("Kommentar til planen").fill("Takk, dette hjelper.")
    assert mother.submit("Send kommentaren til planen", "plan-kommentar") == 200
    assert "Takk, dette hjelper." in mother.text()
    with world.as_(world.nurse) as w:
        plan = w.plans.plan(case_id)
    assert plan.goals == GOALS and [c.text for c in plan.comments] == ["Takk, dette hjelper."]


def test_the_case_page_explains_the_coordinator_roles_and_names_one(world: World, people) -> None:
    case_id = world.open_case().id
    world.level_3(case_id)
    teacher = people(world.teacher)
    teacher.goto(f"/saker/{case_id}", "sak-niva-3")
    text = teacher.text()
    for title in ("Stafettholder (BTI)", "Koordinator for individuell plan", "Barnekoordinator"):
        assert title in text
    assert "forskrift om individuell plan" in text and "§ 7-2 a" in text
    teacher.page.select_option("#coordinator-person", world.nurse)
    teacher.page.select_option("#coordinator-role", "barnekoordinator")
    assert teacher.submit("Oppnevn koordinator", "koordinator-oppnevnt") == 200
    assert "Hege Ansatt, barnekoordinator" in teacher.text()
    with world.as_(world.teacher) as w:
        assert [e.kind.value for e in w.log.entries(case_id)][-1] == "coordinator_assigned"


def test_the_coordinator_makes_the_plan_on_the_case_page_and_the_family_reads_it(
    world: World, people
) -> None:
    case_id = world.open_case().id
    world.level_3(case_id)
    with world.as_(world.teacher) as w:
        w.plans.assign_coordinator(case_id, world.nurse, "barnekoordinator")
    nurse = people(world.nurse)
    nurse.goto(f"/saker/{case_id}", "sak-lag-plan")
    assert "Lag individuell plan" in nurse.text()
    nurse.page.get_by_label("Målene med barnets og familiens egne ord").fill(GOALS)
    nurse.page.get_by_label("Ressurser").fill("Ola er god til å tegne.")
    assert nurse.submit("Lag planen", "plan-laget") == 200
    assert "Planen er laget" in nurse.text() and "Ola er god til å tegne." in nurse.text()
    nurse.page.get_by_text("Skriv behov for tjenester").click()
    nurse.page.get_by_label("Behov for tjenester").fill("Hjelp til å komme inn i leken.")
    assert nurse.submit("Lagre behov for tjenester", "plan-behov") == 200
    assert "Hjelp til å komme inn i leken." in nurse.text()
    with world.as_(world.nurse) as w:
        plan = w.plans.plan(case_id)
    for giver in (world.mother, world.father):
        with world.as_(giver) as w:
            w.consents.give(plan.consent_id or "")
    mother = people(world.mother, next=f"/min-side/saker/{case_id}")
    text = mother.text()
    assert GOALS in text and "Ola er god til å tegne." in text and "Hjelp til å komme inn i leken." in text
