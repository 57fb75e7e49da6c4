"""Pages without JavaScript, at 320 px, refused pages, CSRF, and the tool forms rendered from schemas."""

from __future__ import annotations

import datetime as dt

import httpx
import pytest

from core.web import forms
from core.web.render import CSRF_COOKIE
from tests.browser import config  # noqa: F401  (this module's municipality: the demo with BTI Agder)
from tests.conftest import PPT, World

PAGES_EMPLOYEE = ["/saker", "/saker/ny", "/tjenester", "/arenaer"]


def test_main_actions_work_without_javascript(world: World, people) -> None:
    teacher = people(world.teacher, javascript=False)
    teacher.goto("/saker/ny", "ny-undring-uten-js")
    teacher.page.fill("#q", "Fjord")
    teacher.submit("Søk", "funnet-uten-js")
    teacher.page.fill("#observation", "Trekker seg unna i gymtimene.")
    assert teacher.submit("Registrer undringen", "sak-uten-js") == 200
    case_id = teacher.page.url.split("?")[0].rsplit("/", 1)[-1]
    # <details> opens without script; every action is a plain form post
    form = teacher.page.locator("form[action$='/niva']")
    form.locator("#unit_leader_informed").check()
    form.locator("#guardians_informed").check()
    assert teacher.submit("Flytt saken", "niva-uten-js", within=form) == 200
    teacher.page.get_by_text("Skriv i stafettloggen", exact=True).click()
    teacher.page.fill("#note-text", "Lysglimt: Ola hjalp en medelev i dag.")
    teacher.page.locator("#note-bright").check()
    assert teacher.submit("Lagre i stafettloggen", "notat-uten-js") == 200
    assert "Lysglimt" in teacher.text()

    mother = people(world.mother, javascript=False, next="/min-side")
    assert mother.page.url.endswith(f"/min-side/saker/{case_id}")
    mother.page.fill("#comment", "Takk, vi snakker med Ola hjemme.")
    assert mother.submit("Send kommentaren", "kommentar-uten-js") == 200
    assert "Takk, vi snakker med Ola hjemme." in mother.text()

    # closing the case asks why; the log stays and nothing more can be added
    teacher.page.locator("summary", has_text="Avslutt saken").click()
    teacher.page.get_by_label("Undringen er avklart eller målet nådd").check()
    assert teacher.submit("Avslutt saken", "avsluttet-uten-js") == 200
    assert "Saken er avsluttet" in teacher.text() and "Lysglimt" in teacher.text()
    assert "Grunn\nUndringen er avklart eller målet nådd" in teacher.text()
    assert teacher.page.locator("form[action$='/logg']").count() == 0
    mother.goto(f"/min-side/saker/{case_id}", "avsluttet-min-side")
    assert mother.page.locator("#comment").count() == 0


def test_every_page_fits_320_px(world: World, people) -> None:
    case = world.open_case()
    world.level_2(case.id)
    teacher = people(world.teacher, width=320)
    for path in [*PAGES_EMPLOYEE, f"/saker/{case.id}"]:
        teacher.goto(path, "320" + path.replace("/", "-"))
        assert no_horizontal_overflow(teacher.page), f"{path} scrolls sideways at 320 px"
    mother = people(world.mother, width=320, next="/min-side")
    mother.check("320-min-side")
    assert no_horizontal_overflow(mother.page)


def no_horizontal_overflow(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_a_page_shows_nothing_the_api_refuses(world: World, people, site: str) -> None:
    """The health station takes no part: its nurse is not told the case exists (404, as in the API);
    PPT takes part, its consent withdrawn, and gets the policy's refusal, naming the rule (403); the guardian
    cannot open the employees' case page nor another family's case."""
    case = world.open_case()
    nurse = people(world.nurse)
    assert nurse.goto(f"/saker/{case.id}", "sykepleier-avvist") == 404
    assert "Fant ingen sak" in nurse.text() and "Ola" not in nurse.text()
    consent = world.consent(case.id, [PPT])
    with world.as_(world.teacher) as w:
        w.cases.add_participant(case.id, PPT)
    with world.as_(world.mother) as w:
        w.consents.withdraw(consent.id)
    ppt = people(world.ppt)
    assert ppt.goto(f"/saker/{case.id}", "ppt-avvist") == 403
    text = ppt.text()
    assert "Ingen tilgang" in text and "ingen samtykke i kraft" in text and "Ola" not in text
    assert "Traceback" not in ppt.page.content()
    other = world.add_child(world.aged(8))
    other_case = world.open_case(other)
    mother = people(world.mother, next="/min-side")
    assert mother.goto(f"/saker/{case.id}", "foresatt-til-ansattside") == 200
    assert mother.page.url.endswith("/min-side/saker/" + case.id)
    assert mother.goto(f"/min-side/saker/{other_case.id}", "annen-familie") == 404  # not hers to know of
    assert mother.goto("/saker/finnes-ikke", "finnes-ikke") == 200  # a family member is sent to Min side
    assert nurse.goto("/saker/finnes-ikke", "sak-finnes-ikke") == 404
    assert "Fant ingen sak" in nurse.text()


def test_forms_without_the_csrf_token_are_refused(world: World, site: str) -> None:
    from tests.test_auth_local import login

    case = world.open_case()
    with httpx.Client(base_url=site) as client:
        login(client, world.teacher, next="/saker")
        token = client.cookies.get(CSRF_COOKIE)
        assert token, "the first page sets the CSRF cookie"
        note = {"text": "Et notat", "visibility": "family"}
        refused = client.post(f"/saker/{case.id}/logg", data=note)
        assert refused.status_code == 403 and "Last siden på nytt" in refused.text
        wrong = client.post(f"/saker/{case.id}/logg", data={**note, "csrf": "x" * 43})
        assert wrong.status_code == 403
        ok = client.post(f"/saker/{case.id}/logg", data={**note, "csrf": token})
        assert ok.status_code == 303
    with world.as_(world.teacher) as w:
        notes = [e.text for e in w.log.entries(case.id)]
    assert notes.count("Et notat") == 1


def test_the_front_door_sends_each_person_to_their_start_page(world: World, site: str) -> None:
    from tests.test_auth_local import login

    html = {"accept": "text/html,application/xhtml+xml"}
    assert httpx.get(f"{site}/").json()["service"] == "Stafett"  # API clients: what this server is
    assert httpx.get(f"{site}/", headers=html).headers["location"] == "/login?next=/"
    for person, start in [(world.teacher, "/saker"), (world.mother, "/min-side")]:
        with httpx.Client(base_url=site) as client:
            login(client, person, next="/")
            assert client.get("/", headers=html).headers["location"] == start
            headers = client.get(start).headers
            assert headers["cache-control"] == "no-store"  # nothing about a child left in a shared cache
            assert "frame-ancestors 'none'" in headers["content-security-policy"]


@pytest.mark.parametrize(
    "tool_id",
    [
        "undringsnotat",
        "samtale-barn",
        "samtale-foreldre",
        "samtykke",
        "tiltaksplan",
        "evaluering",
        "motereferat",
    ],
)
def test_every_standard_tool_renders_and_reads_back(world: World, tool_id: str) -> None:
    """The schema becomes labelled fields; a filled-in submission becomes data the plugin host accepts."""
    plugins = world.platform.plugins.for_municipality("9901")
    schema = plugins.tools[tool_id].form_schema
    fields = forms.fields(schema, {}, "t")
    assert all(f.label for f in fields)
    submission: dict[str, list[str]] = {}
    fill(fields, submission)
    data = forms.parse(schema, submission)
    assert plugins.validate_form(tool_id, data) == []
    assert plugins.validate_form(tool_id, forms.parse(schema, {})) != []  # empty: every required field named


def fill(fields: list[forms.Field], out: dict[str, list[str]]) -> None:
    """Fill what a person would: the first option, a date, some text, the first row of each list."""
    for f in fields:
        if f.kind in ("radio", "checkboxes"):
            out[f.name] = [f.options[0][0]]
        elif f.kind == "checkbox":
            out[f.name] = ["1"]
        elif f.kind == "date":
            out[f.name] = [dt.date(2025, 3, 3).isoformat()]
        elif f.kind == "rows":
            fill(f.children[:1], out)
        elif f.kind == "group":
            fill(f.children, out)
        else:
            out[f.name] = ["Et svar"]


def test_ppt_sees_case_in_mine_saker_once_consent_is_in_force(world: World, people) -> None:
    case = world.open_case()
    world.level_1(case.id)
    world.join(case.id, PPT, lapsed=True)
    ppt = people(world.ppt)
    assert "Ola Fjord" not in ppt.text()  # a participant whose consent was withdrawn sees nothing
    world.consent(case.id, [PPT])  # a new consent in force: the same participant's basis holds again
    ppt.goto("/saker", "ppt-med-samtykke")
    assert "Ola Fjord" in ppt.text() and "nivå 1 – intern innsats" in ppt.text()


def test_the_family_reports_on_a_home_task(world: World, people) -> None:
    case = world.open_case()
    world.level_1(case.id)
    teacher = people(world.teacher)
    teacher.goto(f"/saker/{case.id}", "sak")
    teacher.page.get_by_text("Nytt tiltak", exact=True).click()
    teacher.page.fill("#measure-title", "Lesestund hver kveld")
    teacher.page.fill("#measure-goal", "Ola leser ti minutter med en voksen hver kveld.")
    teacher.page.select_option("#measure-responsible", world.mother)
    teacher.page.fill("#measure-evaluate", (world.clock.today() + dt.timedelta(days=14)).isoformat())
    teacher.page.locator("#measure-family").check()
    assert teacher.submit("Legg inn tiltaket", "hjemmelekse-lagt-inn") == 200
    assert "Hjemmelekse" in teacher.text()

    mother = people(world.mother, next="/min-side")
    mother.page.get_by_label("Slik gikk det hjemme").fill("Vi har lest fire av fem kvelder.")
    assert mother.submit("Send til stafettloggen", "hjemmelekse-rapportert") == 200
    text = mother.text()
    assert "Det dere skrev om hjemmeleksen" in text
    assert "Vi har lest fire av fem kvelder." in text and "Lesestund hver kveld" in text

    teacher.goto(f"/saker/{case.id}", "sak-med-rapport")
    assert "Om hjemmeleksen" in teacher.text() and "Vi har lest fire av fem kvelder." in teacher.text()


def test_a_child_not_in_the_register_is_registered_with_guardians_then_the_undring(
    world: World, people
) -> None:
    number = world.national_id(dt.date(2021, 6, 1))
    nurse = people(world.nurse)
    nurse.goto("/saker/ny", "ny-undring")
    nurse.page.fill("#q", number)
    assert nurse.submit("Søk", "ikke-funnet") == 200
    assert "Fant ingen som passer søket" in nurse.text()
    assert nurse.page.input_value("#person-nin") == number  # the number searched for is carried over

    # a bad guardian number refuses the whole registration: nothing of the child is written either
    nurse.page.fill("#person-given", "Nora")
    nurse.page.fill("#person-family", "Lien")
    nurse.page.fill("#g1-given", "Lise")
    nurse.page.fill("#g1-family", "Lien")
    nurse.page.fill("#g1-nin", "12345678901")
    assert nurse.submit("Registrer og gå videre", "registrering-avvist") == 422
    assert "Foresatt 1: Kontrollsifferet stemmer ikke" in nurse.text()
    assert nurse.page.get_attribute("#g1-nin", "aria-invalid") == "true"  # the field, not only the form
    assert "Kontrollsifferet" in nurse.page.inner_text("#g1-nin-error")
    with world.as_(world.nurse) as w:
        assert w.people.search_subjects("Nora Lien") == []

    nurse.page.fill("#g1-nin", world.national_id(dt.date(1990, 2, 2)))
    assert nurse.submit("Registrer og gå videre", "registrert") == 200
    assert "Nora Lien, født 1. juni 2021" in nurse.text()
    nurse.page.fill("#observation", "Lite vektøkning siden forrige kontroll.")
    assert nurse.submit("Registrer undringen", "sak") == 200
    text = nurse.text()
    assert "Nora Lien" in text and "Nivå 0" in text and "Foresatte: Lise Lien" in text


GARBAGE = ["", "x" * 30_000, "2025-13-45", "\x00", "<script>alert(1)</script>", "-1"]


@pytest.mark.parametrize("garbage", GARBAGE, ids=["empty", "long", "bad-date", "nul", "script", "minus-one"])
def test_every_form_answers_garbage_in_words_and_a_refusal_writes_nothing(
    world: World, site: str, garbage: str
) -> None:
    """Every page action, sent the same nonsense in every field, either takes it (a free text may
    well say "-1") or answers 4xx with a page in bokmål, never a 500; a refusal leaves the log as it was."""
    from core.web.pages import HANDLERS
    from tests.test_auth_local import login

    case = world.open_case()

    def log() -> list[str]:
        with world.as_(world.teacher) as w:
            return [e.id for e in w.log.entries(case.id)]

    fields = [
        "level", "title", "goal", "responsible_id", "start_date", "evaluation_date", "outcome", "summary",
        "unit_id", "basis", "unit_ids", "categories", "purpose", "area", "valid_from", "valid_to",
        "employee_id", "to_id", "answer", "reason", "text", "note", "kind", "starts_at", "arena_id",
        "subject_id", "observation", "observed_on", "given_name", "family_name", "national_id",
        "birth_date", "due_date", "g1_given_name", "q", "f.mal_for_barnet", "understood",
        "worry", "history", "measure_ids", "guardians_informed", "guardians_not_informed_reason",
        "reporter_unit_id", "reporter_phone", "reporter_email", "unit_address", "child_address",
        "child_postal_code", "location", "quiet_from", "quiet_to", "delivery-handover_offered",
        "goals", "revision_date", "section-ressurser", "channel", "material", "q0", "q1",
        "visibility", "hidden_from_guardians",
    ]  # fmt: skip
    routes = [r for h in HANDLERS if "POST" in h.http_methods for r in h.paths]
    ids = {"case_id": case.id, "measure_id": "m1", "handover_id": "h1", "tool_id": "tiltaksplan",
           "entry_id": "e1", "consent_id": "c1", "report_id": "r1", "meeting_id": "mt1",
           "token": "t1", "section_id": "ressurser", "module_id": "undring-og-niva-0"}  # fmt: skip
    for person in (world.teacher, world.mother):
        with httpx.Client(base_url=site, timeout=30) as client:  # the bar is the answer, not its speed
            login(client, person, next="/")
            token = client.cookies.get(CSRF_COOKIE) or client.get("/saker").cookies.get(CSRF_COOKIE)
            for route in routes:
                path = route.replace(":str}", "}").format(**ids)
                before = log()
                answer = client.post(path, data={"csrf": token, **dict.fromkeys(fields, garbage)})
                where = f"POST {path} with {garbage[:20]!r}"
                assert answer.status_code < 500, where
                if answer.status_code in (200, 303):  # taken (a note may say "-1"), or a search
                    continue
                assert answer.status_code in range(400, 500), where
                assert answer.headers["content-type"].startswith("text/html"), where
                assert 'lang="nb"' in answer.text and "Traceback" not in answer.text, where
                assert log() == before, f"{where} was refused but wrote to the log"


def test_a_coordination_meeting_with_every_service_opens_level_three(world: World, people) -> None:
    case = world.open_case()
    world.level_2(case.id, with_=PPT)
    teacher = people(world.teacher)
    teacher.goto(f"/saker/{case.id}", "sak-niva-2")
    assert "Neste møte\nIkke avtalt" in teacher.text()

    teacher.page.locator("summary", has_text="Nytt møte").click()
    teacher.page.select_option("#meeting-kind", "coordination")
    teacher.page.select_option("#meeting-arena", "agder-koordinering")
    starts = dt.datetime.combine(world.clock.today() + dt.timedelta(days=7), dt.time(9, 0))
    teacher.page.fill("#meeting-when", starts.strftime("%Y-%m-%dT%H:%M"))
    assert teacher.submit("Legg inn møtet", "koordineringsmote") == 200
    text = teacher.text()
    assert "10. mars 2025 kl. 09.00, koordineringsmøte" in text  # the next meeting, at the top
    assert "med Fjordvik skole, PPT Fjordvik" in text  # every service in the case is invited

    form = teacher.page.locator("form[action$='/niva']")
    form.get_by_label("Nivå 3 – Samarbeid flere (opp)").check()
    assert teacher.submit("Flytt saken", "sak-niva-3", within=form) == 200
    assert "nivå 3 – samarbeid flere" in teacher.text()


def test_someone_outside_the_services_is_told_why_they_cannot_register_an_undring(
    world: World, people
) -> None:
    coordinator = people(world.coordinator)
    coordinator.goto("/saker/ny", "koordinator-ny-undring")
    assert "du kan ikke registrere en undring" in coordinator.text()
    assert coordinator.page.locator("form[action='/saker/ny']").count() == 0


def test_a_long_log_shows_the_newest_entries_first_and_all_on_request(world: World, people) -> None:
    case = world.open_case()
    with world.as_(world.teacher) as w:
        for i in range(1, 56):
            w.log.add_note(case.id, f"Notat nummer {i}.")
    teacher = people(world.teacher)
    teacher.goto(f"/saker/{case.id}", "lang-logg")
    entries = teacher.page.locator("ol.timeline > li")
    assert entries.count() == 50 and "Notat nummer 55." in entries.first.inner_text()
    with teacher.page.expect_navigation():
        teacher.page.get_by_role("link", name="Vis hele stafettloggen (56 oppføringer)").click()
    teacher.check("hele-loggen")
    assert entries.count() == 56 and "Virker trist i friminuttene." in entries.last.inner_text()

    # correcting an entry keeps it, marks it, and links the two both ways
    first = teacher.page.locator("#oppforing-2")
    first.locator("summary", has_text="Rett oppføringen").click()
    first.get_by_label("Riktig tekst").fill("Notat nummer 1, rettet.")
    first.get_by_label("Hvorfor rettes den?").fill("Skrivefeil")
    assert teacher.submit("Lagre rettelsen", "rettet", within=first) == 200
    assert "Rettelsen er lagt i stafettloggen" in teacher.text()
    newest = teacher.page.locator("ol.timeline > li").first
    assert "Retter oppføring #2" in newest.inner_text() and "Notat nummer 1, rettet." in newest.inner_text()


def test_the_case_page_refuses_a_service_without_consent_and_shows_who_lost_their_basis(
    world: World, people
) -> None:
    """Issue 13: the page's "add service" form follows the service's rule and says it in words; after a
    withdrawal the service is shown apart, the level's missing consent is named, and Mine saker marks it."""
    case = world.open_case()
    world.level_1(case.id)
    teacher = people(world.teacher)
    teacher.goto(f"/saker/{case.id}", "sak-uten-samtykke")
    teacher.page.locator("summary", has_text="Ta med en tjeneste til").click()
    form = teacher.page.locator("form[action$='/deltakere']")
    form.locator("#participant-unit").select_option(PPT)
    assert teacher.submit("Ta med tjenesten", "tjeneste-avvist", within=form) == 409
    assert "PPT Fjordvik kan ikke tas med på grunnlag av samtykke" in teacher.text()

    world.consent(case.id, [PPT])
    with world.as_(world.teacher) as w:
        w.cases.add_participant(case.id, PPT)
        w.relay_holder.assign(case.id, world.teacher)
        w.cases.change_level(case.id, 2)
        consent_id = w.consents.list(case.id)[-1].id
    with world.as_(world.father) as w:
        w.consents.withdraw(consent_id)
    teacher.goto(f"/saker/{case.id}", "sak-samtykke-trukket")
    text = teacher.text()
    assert "Deltar ikke lenger: samtykket gjelder ikke" in text
    assert "men samtykket nivået krever, gjelder ikke lenger for PPT Fjordvik" in text
    assert "Tjeneste uten grunnlag" in text  # the log entry the withdrawal wrote
    teacher.goto("/saker", "mine-saker-mangler-samtykke")
    assert "Nivået mangler samtykke" in teacher.text()


def test_a_measure_is_paused_and_ended_from_the_case_page(world: World, people) -> None:
    case = world.open_case()
    world.measure(case.id, "Lesestund", "Ola leser hver dag.")
    teacher = people(world.teacher)
    teacher.goto(f"/saker/{case.id}", "tiltak")
    teacher.page.locator("summary", has_text="Sett på pause, avslutt eller avlys tiltaket").click()
    form = teacher.page.locator("form[action$='/status']")
    form.get_by_label("Sett tiltaket på pause").check()
    assert teacher.submit("Lagre", "tiltak-uten-begrunnelse", within=form) == 422
    assert "begrunnelse" in teacher.text()
    form = teacher.page.locator("form[action$='/status']")
    form.get_by_label("Sett tiltaket på pause").check()
    form.get_by_label("Begrunnelse").fill("Ola er borte i tre uker.")
    assert teacher.submit("Lagre", "tiltak-pause", within=form) == 200
    assert "Ikke mens tiltaket er på pause" in teacher.text() and "Ola er borte i tre uker." in teacher.text()
    teacher.page.locator("summary", has_text="Gjenoppta, avslutt eller avlys tiltaket").click()
    form = teacher.page.locator("form[action$='/status']")
    form.get_by_label("Avslutt tiltaket").check()
    form.get_by_label("Begrunnelse").fill("Familien flytter.")
    assert teacher.submit("Lagre", "tiltak-avsluttet", within=form) == 200
    assert teacher.page.locator("form[action$='/status']").count() == 0


def test_mine_saker_pages_a_long_worklist_with_overdue_evaluations_first(world: World, site: str) -> None:
    """A helsestasjon's worklist runs to thousands of cases: the page shows 50, counts them all, and
    puts the case whose evaluation is overdue at the top of the first page."""
    from core.web.views import WORKLIST_PAGE
    from tests.test_auth_local import login

    cases = [world.open_case(world.add_child(world.aged(8))) for _ in range(WORKLIST_PAGE + 2)]
    late = cases[-1]  # the newest case: last by age, first by its overdue evaluation
    world.measure(late.id, "Samtale hver uke", "Trives bedre", days=7)
    world.clock.advance(days=8)
    with httpx.Client(base_url=site) as client:
        login(client, world.teacher, next="/saker")
        first = client.get("/saker").text
        assert "Åpne saker (52)" in first and "Side 1 av 2" in first and 'href="/saker?side=2"' in first
        assert first.count('class="ds-card case-card') == WORKLIST_PAGE
        assert first.index(f"/saker/{late.id}") < first.index(f"/saker/{cases[0].id}")
        assert "over fristen" in first
        second = client.get("/saker?side=2").text
        assert second.count('class="ds-card case-card') == 2 and "Side 2 av 2" in second
        assert f"/saker/{late.id}" not in second
        beyond = client.get("/saker?side=9")
        assert beyond.status_code == 200 and "Gå til første side" in beyond.text
