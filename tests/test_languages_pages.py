"""Every page in nynorsk when a person chooses it, with no bokmål left but the data people and plugins
wrote (docs/languages.md); the same pages in bokmål unchanged."""

from __future__ import annotations

import dataclasses
import datetime as dt
import html
import re
from collections.abc import Iterator

import httpx
import msgspec
import pytest

from core import i18n
from core.web.render import CSRF_COOKIE
from tests.browser import config  # noqa: F401  (the demo municipality with BTI Agder)
from tests.conftest import PPT, World
from tests.test_auth_local import login

# Words only bokmål writes, each checked against nynorsk (nn: ikkje, eg, kva, kven, korleis, kvifor, kva
# for, om/viss, kor, nokon, noko, mykje, vere, vore, vart, heim, heime, seier, gjer, berre, enno, frå,
# de/dykk, dykkar, utan, sjølv, kvar, medan, annan, anna, teneste, føresette, tilsett, eining,
# stafettholdar, avslutta). Words both write (blitt, enn, også, når, de, nå, lest, hos, dem) are not
# on the list.
BOKMAL_ONLY = " ".join(
    [
        "ikke jeg hva hvem hvordan hvorfor hvilke hvilken hvis hvor noen noe mye være vært ble hjem hjemme",
        "sier gjør bare ennå fra dere deres uten selv hver mens annen annet tjeneste tjenester",
        "tjenesten tjenestene foresatte ansatt ansatte enhet enheten stafettholder avsluttet",
    ]
).split()
MARKERS = re.compile(r"(?<![\wæøåÆØÅ])(" + "|".join(BOKMAL_ONLY) + r")(?![\wæøåÆØÅ])", re.IGNORECASE)

# What the world below writes, as a user would (neutral words, but stripped all the same)
TYPED = ["Lesegruppe", "Les ti minutt kvar dag.", "Rom 2", "Plan for veka", "Samarbeid om barnet"]

# What the world fixture typed (tests/conftest.py): user data
KNOWN_ELSEWHERE = ["Virker trist i friminuttene."]


def visible_text(page: str) -> str:
    """What a person reads: the text between tags and the labels of attributes, entities decoded."""
    page = re.sub(r"<(script|style)\b.*?</\1>", " ", page, flags=re.S | re.I)
    labels = re.findall(r'(?:aria-label|label|title|placeholder|alt)="([^"]*)"', page)
    text = re.sub(r"<[^>]+>", " ", page)
    return re.sub(r"\s+", " ", html.unescape(" ".join([text, *labels])))


def strings_in(value: object) -> Iterator[str]:
    """Every text inside a plugin's contribution (structs, dataclasses, dicts, lists, JSON schemas)."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from strings_in(item)
    elif isinstance(value, (list, tuple, set, frozenset)):
        for item in value:
            yield from strings_in(item)
    elif isinstance(value, msgspec.Struct):
        for name in value.__struct_fields__:
            yield from strings_in(getattr(value, name))
    elif dataclasses.is_dataclass(value) and not isinstance(value, type):
        for f in dataclasses.fields(value):
            yield from strings_in(getattr(value, f.name))


def data_strings(world: World) -> list[str]:
    """Texts that are data on the pages: people's and units' names, what the world typed, and the names
    and codes plugins bring (a plugin's text that has nynorsk is not left out: the page must show its
    nynorsk; one that should have it and has not fails tests/test_languages_plugins.py)."""
    out = set(TYPED) | set(KNOWN_ELSEWHERE)
    with world.as_(world.teacher) as w:
        plugins = w.plugins
        contributions = [
            plugins.guides,
            plugins.tools,
            plugins.arenas,
            plugins.services,
            plugins.relay_holder_rules,
            plugins.notification_kinds,
            plugins.plan_template,
            plugins.practice_cases,
            plugins.learning_modules,
        ]
        units = [u.name for u in w.directory.units()]
    nynorsk = i18n.table(i18n.NYNORSK)
    out |= {s for c in contributions for s in strings_in(c) if s not in nynorsk}
    out |= set(units)
    for conf in world.platform.config.municipalities:
        out.add(conf.name)
    return sorted((re.sub(r"\s+", " ", s).strip() for s in out if len(s.strip()) > 2), key=len, reverse=True)


def without_data(page: str, data: list[str]) -> str:
    """The text of ``page`` with its data taken out."""
    text = visible_text(page)
    for s in sorted(data, key=len, reverse=True):
        text = re.sub(rf"(?<![\wæøåÆØÅ]){re.escape(s)}(?![\wæøåÆØÅ])", " ", text, flags=re.IGNORECASE)
    for name in re.findall(r"\b[A-ZÆØÅ][a-zæøå]+ (?:Fjord|Ansatt|Vik|Øvingsen|Barn)\b", text):
        text = text.replace(name, " ")
    return text


def indicator_words(world: World) -> list[str]:
    """The indicators' names and codes on Følgeevaluering (the report's texts without nynorsk: ids,
    unit names); every title with nynorsk is not left out, so the page must show its nynorsk."""
    with world.as_(world.leader) as w:
        kind, led = w.indicators.default_scope()
        report = w.indicators.report(kind, unit_id=led, year=None)
    nynorsk = i18n.table(i18n.NYNORSK)
    words = {re.sub(r"\s+", " ", s).strip() for s in strings_in(report) if s not in nynorsk}
    return sorted((s for s in words if len(s) > 2), key=len, reverse=True)


def bokmal_left(text: str) -> list[str]:
    """The sentences of ``text`` that have a bokmål-only word."""
    sentences = re.split(r"(?<=[.!?:;])\s+|\s{2,}", text)
    return [s.strip() for s in sentences if MARKERS.search(s)]


def choose(client: httpx.Client, locale: str, next: str = "/") -> None:
    """The choice at the foot of every page (a page rendered first gives the form its CSRF cookie)."""
    if not client.cookies.get(CSRF_COOKIE):
        client.get(next, follow_redirects=True)
    chosen = client.post(
        "/maalform", data={"maalform": locale, "next": next, "csrf": client.cookies.get(CSRF_COOKIE)}
    )
    assert chosen.status_code == 303


def post(client: httpx.Client, path: str, **data: str) -> httpx.Response:
    return client.post(path, data={**data, "csrf": client.cookies.get(CSRF_COOKIE)}, follow_redirects=True)


@pytest.fixture
def case_world(world: World) -> tuple[World, str]:
    """A case at nivå 2 with PPT on consent, a tiltak, a meeting tomorrow and a note, all in neutral words."""
    case = world.open_case()
    world.level_2(case.id, with_=PPT)
    world.measure(case.id, "Lesegruppe", "Les ti minutt kvar dag.", days=14)
    with world.as_(world.teacher) as w:
        tomorrow = world.clock.now + dt.timedelta(days=1)
        w.meetings.schedule(
            case.id, kind="collaboration", starts_at=tomorrow, unit_ids=[PPT], location="Rom 2"
        )
        w.log.add_note(case.id, "Plan for veka", shared_with_family=True)
    # a second child's case, so Min side lists the mother's cases instead of opening the one
    world.open_case(world.add_child(dt.date(2016, 5, 6), guardians=(world.mother,)))
    return world, case.id


def employee_pages(client: httpx.Client, case_id: str) -> dict[str, httpx.Response]:
    pages = {p: client.get(p) for p in ["/saker", "/saker/ny", f"/saker/{case_id}", "/tjenester"]}
    pages |= {p: client.get(p) for p in ["/arenaer", "/varsler", "/ovelse"]}
    pages["/saker/x404"] = client.get("/saker/x404")  # an error page (404)
    pages["/varsler/avmeld/ugyldig"] = client.get("/varsler/avmeld/ugyldig")
    modules = re.findall(r'href="(/ovelse/moduler/[^"]+)"', pages["/ovelse"].text)
    assert modules, "the practice space offers a learning module"
    pages[modules[0]] = client.get(modules[0])
    # a practice case: into the practice space, start the first material
    post(client, "/ovelse/inn")
    material = re.search(r'name="material" value="([^"]+)"', client.get("/ovelse").text)
    assert material, "the practice space offers a practice case"
    started = post(client, "/ovelse/saker", material=material.group(1))
    pages["øvingssak"] = started
    post(client, "/ovelse/ut")
    return pages


def family_pages(client: httpx.Client, case_id: str) -> dict[str, httpx.Response]:
    return {p: client.get(p) for p in ["/min-side", f"/min-side/saker/{case_id}"]}


def realm_pages(client: httpx.Client, locale: str) -> dict[str, httpx.Response]:
    client.cookies.set("stafett_maalform", locale)
    to_realm = client.get("/login", params={"next": "/saker"})
    return {"innlogging": client.get(to_realm.headers["location"])}


def assert_nynorsk(pages: dict[str, httpx.Response], data: list[str]) -> None:
    for path, response in pages.items():
        assert response.status_code in (200, 404), f"{path}: {response.status_code}"
        assert '<html lang="nn"' in response.text, f"{path} is not marked nynorsk:\n{response.text[:500]}"
        text = without_data(response.text, data)
        left = bokmal_left(text)
        shown = "\n  ".join(left)
        assert not left, f"{path} has bokmål left:\n  {shown}\n\nIts text, data left out:\n{text}"


def test_every_page_is_in_nynorsk_for_whoever_chooses_it(case_world: tuple[World, str], site: str) -> None:
    world, case_id = case_world
    data = data_strings(world)
    with httpx.Client(base_url=site) as client:
        realm = realm_pages(client, "nn")
        assert_nynorsk(realm, data)
        client.cookies.clear()
        login(client, world.teacher, next="/saker")
        choose(client, "nn")
        pages = employee_pages(client, case_id)
    assert "Sakene mine" in pages["/saker"].text and pages["/saker/x404"].status_code == 404
    assert "Deltakarar" in pages[f"/saker/{case_id}"].text and "Lesegruppe" in pages[f"/saker/{case_id}"].text
    assert_nynorsk(pages, data)
    with httpx.Client(base_url=site) as leader:
        login(leader, world.leader, next="/saker")
        choose(leader, "nn")
        indicators = {"/folgeevaluering": leader.get("/folgeevaluering")}
    assert_nynorsk(indicators, data + indicator_words(world))
    with httpx.Client(base_url=site) as mother:
        login(mother, world.mother, next="/min-side")
        choose(mother, "nn", next="/min-side")
        family = family_pages(mother, case_id)
    assert "Stafettloggen for Ola Fjord" in family[f"/min-side/saker/{case_id}"].text
    assert_nynorsk(family, data)


def test_the_same_pages_in_bokmal_are_unchanged(case_world: tuple[World, str], site: str) -> None:
    world, case_id = case_world
    with httpx.Client(base_url=site) as client:
        assert "Logg inn i Stafett" in realm_pages(client, "nb")["innlogging"].text
        client.cookies.clear()
        login(client, world.teacher, next="/saker")
        pages = employee_pages(client, case_id)
    for response in pages.values():
        assert '<html lang="nb"' in response.text
    assert "Mine saker</a>" in pages["/saker"].text and "Åpne saker (2)" in pages["/saker"].text
    case = pages[f"/saker/{case_id}"].text
    for words in ["Stafettholder", "Deltakere", "Evalueres", "Lesegruppe", "Rom 2"]:
        assert words in case
    assert "Hvem kan lese notatet?" in case and "Flytt saken til et annet nivå" in case
    assert "Finnes ikke" in pages["/saker/x404"].text
    assert "Lenken er ikke gyldig." in pages["/varsler/avmeld/ugyldig"].text
    assert "Du er i øvingsrommet" in pages["øvingssak"].text
    with httpx.Client(base_url=site) as mother:
        login(mother, world.mother, next="/min-side")
        family = family_pages(mother, case_id)
    assert "Hvem har lest om dere" in family[f"/min-side/saker/{case_id}"].text
