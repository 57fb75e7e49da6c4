"""Følgeevaluering as people see it: the page in a real browser (axe-checked, screenshots, also without
JavaScript), and the same numbers under /api/v1 as JSON and CSV, with problem details for bad input."""

from __future__ import annotations

import csv
import io

from tests.conftest import HEALTH, SCHOOL, World
from tests.test_indicators import cases_at


def test_the_page_shows_charts_with_tables_and_hides_small_numbers(world: World, people) -> None:
    cases_at(world, SCHOOL, 7)
    cases_at(world, HEALTH, 2)
    admin = people(world.admin, next="/folgeevaluering")
    assert admin.goto("/folgeevaluering", "folgeevaluering-kommune") == 200
    text = admin.text()
    assert "Følgeevaluering: Fjordvik kommune" in text
    assert "Ingen barn skal kunne kjennes igjen" in text
    page = admin.page
    assert page.locator("nav a[aria-current='page']").inner_text() == "Følgeevaluering"
    # each chart is an SVG named by its title, with a table of the same numbers beside it
    assert page.locator("svg[role='img'] title").first.text_content() == "Åpne saker nå per nivå"
    assert page.locator("svg.chart").count() == 6
    levels = page.locator("table:has(caption:text('Åpne saker nå per nivå')) tbody tr")
    assert [levels.nth(i).inner_text().split("\t") for i in range(4)] == [
        ["Nivå 0", "9"],
        ["Nivå 1", "0"],
        ["Nivå 2", "0"],
        ["Nivå 3", "0"],
    ]
    side = page.locator("table:has(caption:text('Enhetene i Fjordvik kommune')) tbody tr")
    rows = {
        side.nth(i).inner_text().split("\t")[0]: side.nth(i).inner_text().split("\t")
        for i in range(side.count())
    }
    assert rows["Fjordvik helsestasjon"][2] == "under 5"  # two cases opened
    assert rows["Fjordvik skole"][2] == "skjult"  # else 9 − 7 would give the health station's 2
    assert "Måltall for 2025" in text and "Saker der familien deltok" in text

    # the year chosen in the form, without JavaScript: the page is the same forms and links
    plain = people(world.admin, javascript=False, next="/folgeevaluering")
    plain.goto("/folgeevaluering?omfang=municipality&ar=2024", "folgeevaluering-2024-uten-js")
    assert "Følgeevaluering: Fjordvik kommune" in plain.text() and "Utviklingen i 2024" in plain.text()

    # a unit leader sees their own unit, and the menu offers no one else the page
    leader = people(world.leader, next="/folgeevaluering")
    assert leader.goto("/folgeevaluering", "folgeevaluering-enhet") == 200
    assert "Følgeevaluering: Fjordvik skole" in leader.text()
    assert leader.goto("/folgeevaluering?omfang=municipality", "folgeevaluering-avvist") == 403
    teacher = people(world.teacher)
    assert teacher.page.locator("nav a:text('Følgeevaluering')").count() == 0


def test_the_api_gives_the_same_as_json_and_csv(world: World, api) -> None:
    cases_at(world, SCHOOL, 6)
    admin = api.as_(world.admin)
    body = admin.ok("GET", "/api/v1/indicators?year=2025")
    assert body["scope"] == "municipality" and body["scope_name"] == "Fjordvik kommune"
    opened = next(s for s in body["main"]["series"] if s["id"] == "opened")
    assert opened["values"][body["periods"].index("2025")] == {"value": 6.0, "note": ""}
    school = next(p for p in body["parts"] if p["id"] == SCHOOL)
    school_opened = next(s for s in school["series"] if s["id"] == "opened")["values"]
    assert school_opened[body["periods"].index("2025")] == {"value": 6.0, "note": ""}
    assert school_opened[2] == {"value": None, "note": "by_year"}  # a unit's numbers are per year
    response = admin.get("/api/v1/indicators/csv?scope=unit&unit=fjordvik-helsestasjon")
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.text)))
    assert {r["navn"] for r in rows} == {"Fjordvik helsestasjon"}
    assert next(r for r in rows if r["indikator"] == "opened" and r["periode"] == "2025")["verdi"] == "0"
    assert api.audit_count(actor_id=world.admin, action="indicators.read", outcome="allowed") == 2

    bad = admin.get("/api/v1/indicators?scope=country")
    assert bad.status_code == 400 and bad.headers["content-type"] == "application/problem+json"
    future = admin.get("/api/v1/indicators?year=2031")
    assert future.status_code == 422 and future.json()["invalid-params"][0]["name"] == "year"
    unknown = admin.get("/api/v1/indicators?scope=unit&unit=finnes-ikke")
    assert unknown.status_code == 404 and unknown.json()["code"] == "unit_not_found"
    teacher = api.as_(world.teacher).get("/api/v1/indicators")
    assert teacher.status_code == 403 and teacher.json()["code"] == "no_indicator_role"
    schema = api.http.get("/schema/openapi.json").json()
    assert "/api/v1/indicators/csv" in schema["paths"] and "/api/v1/indicators" in schema["paths"]
